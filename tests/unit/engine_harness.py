"""A tiny in-memory driver for the pure room engine: decide, append, apply, replay."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from server.methods import MethodLibrary
from server.rooms import (
    Command,
    Draft,
    Event,
    Rejection,
    RoomState,
    Touched,
    apply,
    created_event,
    decide,
    replay,
    view,
)

LIB = MethodLibrary.load(Path(__file__).resolve().parents[2] / "methods")


class Room:
    def __init__(self, method: str = "basis", now: int = 1_000_000) -> None:
        self.now = now
        self.log: list[Event] = [created_event("r1", LIB.methods[method], "Test", "nl", now)]
        self.state: RoomState = replay("r1", self.log)

    def tick(self, ms: int) -> None:
        self.now += ms

    def join(self, pid: str, name: str | None = None, roles: list[str] | None = None) -> str:
        self.do(pid, "participant.join", pid=pid, name=name or pid, roles=roles or [])
        return pid

    def decide(self, actor: str | None, type_: str, **args: Any) -> Draft | Rejection:
        return decide(self.state, Command(type_, args), actor, self.now, LIB.methods)

    def do(self, actor: str | None, type_: str, **args: Any) -> Event:
        d = self.decide(actor, type_, **args)
        assert isinstance(d, Draft), f"{type_} {args} by {actor} was refused: {d}"
        e = Event(self.state.seq + 1, d.type, actor, self.now, d.data, d.audience)
        self.log.append(e)
        Touched().add(self.state, e)  # what a batch's deltas would ask of the state, every time
        apply(self.state, e)
        _aliases_agree(self.state)
        return e

    def refuse(self, actor: str | None, type_: str, code: str, **args: Any) -> Rejection:
        before = self.state.to_dict()
        d = self.decide(actor, type_, **args)
        assert isinstance(d, Rejection), f"{type_} {args} by {actor} was accepted, want {code}"
        assert d.code == code, f"{type_} {args}: got {d.code} ({d.message}), want {code}"
        assert d.message
        assert self.state.to_dict() == before
        return d

    def view(self, pid: str | None) -> dict[str, Any]:
        return view(self.state, pid)

    def goto(self, phase_id: str, actor: str = "F") -> None:
        idx = self.state.method.phase_index(phase_id)
        assert idx is not None, phase_id
        if idx != self.state.phase:
            self.do(actor, "phase.goto", index=idx)

    def replayed(self) -> RoomState:
        return replay("r1", self.log)


def basic_room() -> Room:
    """Facilitator F, inbrenger I, participants A and B, listener L."""
    r = Room()
    r.join("F", "Fenna", ["facilitator"])
    for pid in ("I", "A", "B", "L"):
        r.join(pid)
    r.do("F", "role.assign", pid="I", role="inbrenger", on=True)
    r.do("F", "role.assign", pid="L", role="listener", on=True)
    return r


def _aliases_agree(s: Any) -> None:
    """The kept count of items under keys of their own (commands.has_aliases) is what a scan finds."""
    for name, counted in s.__dict__.get("_aliases", {}).items():
        scanned = sum(1 for it in getattr(s, name).values() if "alias" in it)
        assert counted == scanned, f"{name}: {counted} aliases kept, {scanned} in the state"
