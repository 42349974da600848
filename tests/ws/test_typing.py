"""Typing presence over the wire (server/typing_presence.py): names where the board is shared,
counts in a private phase and for notes, never the text, rate-limited, bounded, never stored."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from kring_testlib import Client, ServerProc, create_room, post_json

from server import typing_presence


async def _room(
    srv: ServerProc, clients: Any, method: str = "basis"
) -> tuple[dict[str, Any], Client, Client]:
    room = create_room(srv.base, method)
    fac: Client = clients(room["room"])
    await fac.connect({"key": room["facilitator_key"], "name": "Fenna"})
    joost: Client = clients(room["room"])
    await joost.connect({"key": room["join_key"], "name": "Joost"})
    return room, fac, joost


async def _goto(fac: Client, phase: str) -> None:
    phases = [p["id"] for p in fac.welcome["state"]["method"]["phases"]]  # type: ignore[index]
    await fac.ok("phase.goto", {"index": phases.index(phase)})


async def test_shared_phase_names_the_writer_and_never_the_text(
    sqlite_server: ServerProc, clients: Any
) -> None:
    room, fac, joost = await _room(sqlite_server, clients)
    await _goto(fac, "onderzoeken")
    head = fac.last_seq
    await joost.send({"t": "typing", "tool": "cards", "field": "card-question", "on": True})
    got = await fac.wait_for(lambda m: m["t"] == "typing" and m["writing"])
    assert got == {
        "t": "typing",
        "writing": [{"pid": joost.pid, "tool": "cards", "field": "card-question"}],
        "counts": {},
    }
    # A frame that tries to carry text is refused and reaches nobody.
    mark = len(fac.msgs)
    await joost.send(
        {"t": "typing", "tool": "cards", "field": "card-question", "on": True, "text": "GEHEIM-7"}
    )
    err = await joost.wait_for(lambda m: m["t"] == "error")
    assert err["code"] == "bad_message"
    # Stopping: the others see nobody writing.
    await joost.send({"t": "typing", "tool": "cards", "field": "card-question", "on": False})
    await fac.wait_for(lambda m: m["t"] == "typing" and not m["writing"], start=mark)
    assert "GEHEIM-7" not in "".join(fac.raw)
    # Never in the log: no event was appended, nothing in the exports.
    await asyncio.sleep(0.1)
    assert fac.last_seq == head
    for fmt in ("md", "json"):
        status, body = post_json(
            sqlite_server.base,
            f"/r/{room['room']}/export",
            {"key": room["facilitator_key"], "token": fac.token, "format": fmt},
        )
        assert status == 200
        text = body if isinstance(body, str) else json.dumps(body)
        assert "typing" not in text and "card-question" not in text


async def test_private_phase_and_notes_only_count(sqlite_server: ServerProc, clients: Any) -> None:
    room, fac, joost = await _room(sqlite_server, clients, "incident")
    lia: Client = clients(room["room"])
    await lia.connect({"key": room["join_key"], "name": "Lia"})
    await fac.ok("role.assign", {"pid": lia.pid, "role": "listener", "on": True})
    await _goto(fac, "vragen-noteren")  # private: questions written alone
    await joost.send({"t": "typing", "tool": "cards", "field": "card-question", "on": True})
    await lia.send({"t": "typing", "tool": "notes", "field": "note-new", "on": True})
    got = await fac.wait_for(lambda m: m["t"] == "typing" and sum(m["counts"].values()) == 2)
    assert got["writing"] == [] and got["counts"] == {"cards": 1, "notes": 1}
    # Neither the name, nor the pid, nor the field reaches another socket.
    for c in (fac, joost, lia):
        frames = [raw for raw in c.raw if json.loads(raw)["t"] == "typing"]
        assert frames
        for raw in frames:
            assert "note-new" not in raw and "card-question" not in raw
            for who in (joost, lia):
                if who is not c:
                    assert who.pid not in raw
    # Back to a shared phase: the same entry now names its writer (the frame is sent again).
    await _goto(fac, "informatieronde")
    await fac.wait_for(lambda m: m["t"] == "typing" and [w["pid"] for w in m["writing"]] == [joost.pid])


async def test_typing_is_rate_limited_bounded_and_ends_with_the_socket(
    sqlite_server: ServerProc, clients: Any
) -> None:
    room, fac, joost = await _room(sqlite_server, clients)
    await _goto(fac, "onderzoeken")
    mark = len(fac.msgs)
    for i in range(40):  # a flood of changes: at most the burst and the rate reach the room
        await joost.send({"t": "typing", "tool": "mindmap", "field": f"mm-{i}", "on": True})
    await joost.cmd("timer.pause")  # a round trip: everything before it was read
    await asyncio.sleep(0.3)
    seen = [m for m in fac.msgs[mark:] if m["t"] == "typing"]
    assert 1 <= len(seen) <= typing_presence.BURST + 2, len(seen)
    # Bounded: a long field, an unknown tool, a wrong "on" are refused.
    for bad in (
        {"t": "typing", "tool": "cards", "field": "x" * 65},
        {"t": "typing", "tool": "chat", "field": "x"},
        {"t": "typing", "tool": "cards", "field": "x", "on": "yes"},
        {"t": "typing", "tool": "cards", "field": "<b>hi</b>"},
    ):
        mark = len(joost.msgs)
        await joost.send(bad)
        err = await joost.wait_for(lambda m: m["t"] == "error", start=mark)
        assert err["code"] == "bad_message", (bad, err)
    # The writer's socket goes: so does the entry.
    await asyncio.sleep(1.1)
    await joost.send({"t": "typing", "tool": "mindmap", "field": "mm-last", "on": True})
    await fac.wait_for(lambda m: m["t"] == "typing" and any(w["field"] == "mm-last" for w in m["writing"]))
    mark = len(fac.msgs)
    await joost.close()
    await fac.wait_for(lambda m: m["t"] == "typing" and not m["writing"], start=mark)
