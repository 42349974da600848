"""A wheel that runs: build it, install it into a fresh venv offline, `kring serve` from elsewhere.

Nothing here reaches beyond loopback. The wheel is built without build isolation (setuptools comes
from the lock's dev group) and installed with `--no-index --no-deps`; its dependencies are the ones
the lock already installed into this test run's venv, made visible to the new venv by one `.pth`
line (a path, so the checkout's editable install is *not* picked up: .pth files inside that
directory are not processed). The server then runs from a temporary directory with HOME and
XDG_DATA_HOME pointing into it, and must find its client and methods inside the installed package.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import site
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from kring_testlib import ROOT, Client, create_room, free_port

UV = shutil.which("uv", path=str(Path(sys.executable).parent)) or shutil.which("uv")


def _run(*args: str | Path, **kw: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(a) for a in args], check=True, capture_output=True, text=True, **kw)  # type: ignore[call-overload, no-any-return]


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if UV is None:
        pytest.fail("uv is not installed: it is in the lock's dev group (run bin/test)")
    tmp = tmp_path_factory.mktemp("wheel")
    # Build from a copy of the tracked files, so the checkout gets no build/ or egg-info of ours.
    src = tmp / "src"
    files = _run("git", "ls-files", "-co", "--exclude-standard", cwd=ROOT).stdout.split()
    for rel in files:
        if (ROOT / rel).is_file():
            (src / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / rel, src / rel)
    dist = tmp / "dist"
    _run(
        UV,
        "build",
        "--wheel",
        "--offline",
        "--no-build-isolation",
        "--python",
        sys.executable,
        "-o",
        dist,
        src,
    )
    (wheel,) = dist.glob("kring-*.whl")
    venv = tmp / "venv"
    _run(sys.executable, "-m", "venv", "--without-pip", venv)
    py = venv / "bin" / "python"
    _run(UV, "pip", "install", "--offline", "--no-index", "--no-deps", "--python", py, wheel)
    purelib = _run(py, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))").stdout.strip()
    deps = [p for p in site.getsitepackages() if Path(p).is_dir()]
    (Path(purelib) / "_kring_locked_deps.pth").write_text("\n".join(deps) + "\n")
    return venv


def test_wheel_carries_client_and_methods_under_the_package(installed: Path) -> None:
    py = installed / "bin" / "python"
    code = (
        "import server, server.paths as p; print(server.__file__); print(p.CLIENT); print(p.METHODS);"
        "import importlib.util as u; print(u.find_spec('client'), u.find_spec('methods'))"
    )
    out = _run(py, "-c", code, cwd=installed).stdout.split("\n")
    assert out[0].startswith(str(installed)), out  # the installed copy, not the checkout
    assert out[1] == str(Path(out[0]).parent / "client")
    assert out[2] == str(Path(out[0]).parent / "methods")
    assert out[3] == "None None"  # no top-level client/methods packages in site-packages
    assert (Path(out[1]) / "templates" / "room.html").is_file()
    assert len(list(Path(out[2]).glob("*.toml"))) >= 14


async def test_kring_serve_from_anywhere(installed: Path, tmp_path: Path) -> None:
    port = free_port()
    home = tmp_path / "home"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KRING_", "VIRTUAL_ENV", "PYTHONPATH"))}
    env.update(HOME=str(home), XDG_DATA_HOME=str(home / "share"), PYTHONWARNINGS="error::DeprecationWarning")
    log = tmp_path / "serve.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [str(installed / "bin" / "kring"), "serve", "--port", str(port)],
            cwd=tmp_path,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            assert proc.poll() is None, log.read_text()
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=1) as r:
                    if r.status == 200:
                        break
            except OSError:
                assert time.monotonic() < deadline, log.read_text()
                await asyncio.sleep(0.1)
        data = home / "share" / "kring"
        assert f"keeping its data in {data}" in log.read_text()
        with urllib.request.urlopen(base + "/", timeout=5) as r:
            page = r.read().decode()
        assert "Kring" in page
        asset = page.split('src="', 1)[1].split('"', 1)[0]
        with urllib.request.urlopen(base + asset, timeout=5) as r:
            assert r.status == 200 and len(r.read()) > 100
        room = create_room(base)
        with urllib.request.urlopen(f"{base}/r/{room['room']}", timeout=5) as r:
            assert r.status == 200
        c = Client(f"ws://127.0.0.1:{port}", room["room"], base)
        try:
            w = await c.connect({"key": room["facilitator_key"], "name": "Fenna"})
            assert w["state"]["method"]["id"] == "basis"
            assert await c.ok("phase.next") > 0
        finally:
            await c.close()
        assert (data / "kring.db").is_file()
        assert not (tmp_path / "data").exists()
    finally:
        proc.terminate()
        proc.wait(10)
