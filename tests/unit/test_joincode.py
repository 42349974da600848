"""The short join code's pure parts (server/joincode.py): the alphabet, what a person may type,
and the wrong-try counts per address and in total."""

from __future__ import annotations

from server.joincode import ALPHABET, CODE_RE, LENGTH, WrongTries, new_code, normalise


def test_codes_use_no_look_alikes_and_fit_their_pattern() -> None:
    assert not set(ALPHABET) & set("01OIL")
    codes = {new_code() for _ in range(500)}
    assert len(codes) == 500  # 31^7 codes: no repeat in a few hundred
    assert all(len(c) == LENGTH and CODE_RE.match(c) for c in codes)
    assert 6 <= LENGTH <= 8


def test_typing_ignores_case_spaces_and_dashes() -> None:
    assert normalise(" k7m-4qx z ") == "K7M4QXZ"
    assert CODE_RE.match(normalise("k7m 4qxz"))
    assert not CODE_RE.match(normalise("K7M4QX0"))  # 0 is no letter of the alphabet


def test_wrong_tries_per_address_and_in_total() -> None:
    w = WrongTries(per_addr=3, total=5)
    for _ in range(3):
        assert not w.blocked("10.0.0.1")
        w.failed("10.0.0.1")
    assert w.blocked("10.0.0.1") and not w.blocked("10.0.0.2")
    w.failed("10.0.0.2")
    assert not w.blocked("10.0.0.3")
    w.failed("10.0.0.3")
    # Five wrong tries in all: the code stops working for everyone until the window moves on.
    assert w.blocked("10.0.0.3") and w.blocked("10.0.0.9")
