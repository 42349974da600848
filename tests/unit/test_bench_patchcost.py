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
        frames = sock.frames or []
        patch_frames = sum(b'{"t":"patch",' in f for f in frames)
        event_frames = sum(b'{"t":"event",' in f for f in frames)
        if patches:
            assert patch_frames >= 40 and event_frames == 0
        else:
            assert event_frames >= 40 and patch_frames == 0
