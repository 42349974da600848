"""`bench/patchcost.py` measures what it says: every member of its rooms is sent the mix's frames,
as patches when they take patches and as events when they do not, and it gives a cost per command."""

from __future__ import annotations

import pytest

from bench.patchcost import MEMBERS, _Socket, measure


@pytest.mark.parametrize("kind", ["basis", "krachtenveld"])
@pytest.mark.parametrize("patches", [False, True])
async def test_every_member_gets_the_frames_of_their_kind(kind: str, patches: bool) -> None:
    sockets: list[_Socket] = []
    cost = await measure(kind, patches, 40, sockets)
    assert cost > 0
    assert len(sockets) == MEMBERS
    for sock in sockets:
        assert sock.bytes > 0
        if patches:
            assert sock.patches >= 40 and sock.events == 0
        else:
            assert sock.events >= 40 and sock.patches == 0
