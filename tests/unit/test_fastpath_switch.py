"""The fast paths' switch (server/fastpath/__init__.py): the version self-check, KRING_FASTPATH,
and `kring fastpath`."""

from __future__ import annotations

import logging

import pytest

from server import cli, fastpath
from server.settings import Settings


def _fake_versions(monkeypatch: pytest.MonkeyPatch, **found: str) -> None:
    real = fastpath.versions()
    monkeypatch.setattr(fastpath, "versions", lambda: {**real, **found})


def test_on_with_the_verified_versions() -> None:
    st = fastpath.status("on")
    assert st.on and st.reason == ""
    assert st.line() == "fast paths: on"
    for name, found in st.versions.items():
        assert found in fastpath.VERIFIED[name]  # the lock's versions are the verified ones


@pytest.mark.parametrize("name", ["uvicorn", "websockets"])
def test_an_unverified_version_turns_them_off_with_one_log_line(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, name: str
) -> None:
    _fake_versions(monkeypatch, **{name: "99.0"})
    with caplog.at_level(logging.INFO, logger="kring.fastpath"):
        st = fastpath.check("on")
    assert not st.on
    assert st.reason.startswith(f"{name} 99.0 is not a verified version")
    assert [r.getMessage() for r in caplog.records] == [f"fast paths: off ({st.reason})"]


def test_on_logs_nothing(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="kring.fastpath"):
        assert fastpath.check("on").on
    assert caplog.records == []


def test_kring_fastpath_off_turns_them_off() -> None:
    settings = Settings.from_env({"KRING_FASTPATH": "off", "KRING_STORE": "memory://"})
    st = fastpath.status(settings.fastpath)
    assert not st.on and st.line() == "fast paths: off (KRING_FASTPATH=off)"
    assert fastpath.status(Settings.from_env({"KRING_STORE": "memory://"}).fastpath).on  # unset: on


def test_an_unknown_setting_is_off_not_silently_on() -> None:
    st = fastpath.status("of")
    assert not st.on and "KRING_FASTPATH='of'" in st.reason


def test_no_fast_path_for_a_send_that_is_not_uvicorns() -> None:
    async def send(msg: dict[str, object]) -> None:
        pass

    assert fastpath.connect(send, raw=True) is None


def test_the_cli_says_on_or_off_and_exits_0(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("KRING_FASTPATH", raising=False)
    assert cli.main(["fastpath"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "fast paths: on"
    assert out[1].startswith("installed: uvicorn ")
    monkeypatch.setenv("KRING_FASTPATH", "off")
    assert cli.main(["fastpath"]) == 0
    assert capsys.readouterr().out.splitlines()[0] == "fast paths: off (KRING_FASTPATH=off)"
    monkeypatch.delenv("KRING_FASTPATH")
    _fake_versions(monkeypatch, websockets="1.0")
    assert cli.main(["fastpath"]) == 0
    assert capsys.readouterr().out.splitlines()[0].startswith("fast paths: off (websockets 1.0 is not")
