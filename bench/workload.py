"""The command mix the load generator sends: the same commands, arguments and sizes to every server.

Rooms run the basic method in phase 2 "onderzoeken" (question cards and the mind-map open) or, one in
four, the force-field method ("krachtenveld") in phases 1-3 (force field open). Members write cards,
edit and move mind-map nodes, add and rate forces; the facilitator (member 0) runs the timer, moves
between phases (force-field rooms) and edits too. Every command is valid when it is sent: items are
referenced only once their creation was acked, own cards only by their author, mind-map nodes are moved
only to the root or under the facilitator's anchors (no cycles), and the caps (500 cards, 500 nodes,
100 forces per room) are never reached: adds turn into edits near them.
"""

from __future__ import annotations

import random
from typing import Any

BASIS_PHASE = 2  # "onderzoeken": questions + mindmap
FORCE_PHASES = (1, 2, 3)  # "krachten-inventariseren", "krachten-bespreken", "samenhang-en-classificatie"
RATE_PHASE = 3  # only "samenhang-en-classificatie" rates (the method's `rate = true`)
CARD_CAP, NODE_CAP, FORCE_CAP = 440, 440, 85
ANCHORS = 4

QUESTIONS = (
    "Wat gebeurde er precies vlak voordat het gesprek stil viel?",
    "Hoe merkte je dat je collega het anders zag dan jij?",
    "Wat had je op dat moment het liefst willen zeggen, en wat hield je tegen?",
    "Welke verwachting had je van je leidinggevende toen je het probleem aankaartte?",
    "Wie heeft er nog meer last van deze situatie, en hoe merk je dat?",
    "Wanneer ging het de laatste keer wél goed in het team, en wat was er toen anders?",
    "Wat zou er gebeuren als je niets doet en de situatie drie maanden zo blijft?",
    "Hoe voelde je je toen de ouders van de leerling je aanspraken in de gang?",
    "Wat weet je over de redenen die de andere partij zelf zou noemen?",
    "Welke afspraken zijn er in het team gemaakt over de verdeling van de roosters?",
)
NODES = (
    "werkdruk",
    "roosters",
    "communicatie met ouders",
    "rol van de teamleider",
    "eigen verwachtingen",
    "grenzen stellen",
    "vertrouwen in het team",
    "tijdsdruk bij overdracht",
    "onduidelijke taakverdeling",
    "steun van collega's",
)
FORCES = (
    "collega's die willen meedenken",
    "weinig tijd in het rooster",
    "een leidinggevende die openstaat voor verandering",
    "angst om kritiek te krijgen",
    "ervaring met eerdere verbetertrajecten",
    "onduidelijke verwachtingen van het management",
)
SITUATIONS = (
    "Het team werkt langs elkaar heen en overdrachten gaan regelmatig mis.",
    "Iedereen weet wat de ander doet en overdrachten lopen soepel.",
)


class RoomPlan:
    """What the generator knows of one room's board: acked items it may refer to."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.anchors: list[str] = []
        self.nodes: list[str] = []
        self.forces: list[str] = []
        self.n_cards = 0
        self.n_nodes = 0
        self.n_forces = 0
        self.phase = FORCE_PHASES[0]  # as far as the generator knows: the facilitator's last goto


class MemberPlan:
    def __init__(self, idx: int, is_fac: bool) -> None:
        self.idx = idx
        self.is_fac = is_fac
        self.n = 0
        self.own_cards: list[str] = []
        self.phase = FORCE_PHASES[0]

    def new_id(self, prefix: str) -> str:
        self.n += 1
        return f"{prefix}{self.idx}x{self.n}"


Item = tuple[str, str] | None  # (what, id) created by a command, recorded when it is acked


def setup_commands(room: RoomPlan, fac: MemberPlan) -> list[tuple[str, dict[str, Any], Item]]:
    """The facilitator's opening: move to the working phase, then anchors or a few forces."""
    cmds: list[tuple[str, dict[str, Any], Item]] = []
    if room.kind == "basis":
        cmds.append(("phase.goto", {"index": BASIS_PHASE}, None))
        for i in range(ANCHORS):
            nid = f"anchor{i}"
            cmds.append(("mindmap.add", {"id": nid, "parent": "root", "text": NODES[i]}, ("anchor", nid)))
            room.n_nodes += 1
    else:
        cmds.append(("phase.goto", {"index": FORCE_PHASES[0]}, None))
        for i in range(ANCHORS):
            fid = f"force{i}"
            side = "promoting" if i % 2 == 0 else "hindering"
            cmds.append(("force.add", {"id": fid, "side": side, "text": FORCES[i]}, ("force", fid)))
            room.n_forces += 1
    return cmds


def record(room: RoomPlan, member: MemberPlan, item: Item) -> None:
    """A command that created `item` was acked: later commands may refer to it."""
    if item is None:
        return
    what, iid = item
    if what == "card":
        member.own_cards.append(iid)
    elif what == "node":
        room.nodes.append(iid)
    elif what == "anchor":
        room.anchors.append(iid)
    elif what == "force":
        room.forces.append(iid)


def _rating(rnd: random.Random) -> dict[str, int]:
    return {"importance": rnd.randint(1, 5), "difficulty": rnd.randint(1, 5), "clarity": rnd.randint(1, 5)}


def next_command(room: RoomPlan, m: MemberPlan, rnd: random.Random) -> tuple[str, dict[str, Any], Item]:
    x = rnd.random()
    if room.kind == "basis":
        if m.is_fac:
            if x < 0.25:
                return "timer.start", {"seconds": rnd.choice((300, 600, 900))}, None
            if x < 0.45:
                return "timer.add", {"seconds": 60}, None
            if x < 0.7:
                return _card(room, m, rnd)
            return _node_edit(room, m, rnd)
        if x < 0.45:
            return _card(room, m, rnd)
        if x < 0.70:
            return _node_add(room, m, rnd)
        if x < 0.90:
            return _node_edit(room, m, rnd)
        return _node_move(room, m, rnd)
    # krachtenveld
    if m.is_fac:
        if x < 0.3:
            m.phase = rnd.choice([p for p in FORCE_PHASES if p != m.phase])
            room.phase = m.phase
            return "phase.goto", {"index": m.phase}, None
        if x < 0.55:
            if x < 0.4:
                return "timer.start", {"seconds": rnd.choice((300, 600))}, None
            return "timer.add", {"seconds": 60}, None
        if x < 0.75:
            field = rnd.choice(("current", "desired"))
            return "forcefield.set", {field: SITUATIONS[0 if field == "current" else 1]}, None
    if x < 0.2 and room.n_forces < FORCE_CAP:
        room.n_forces += 1
        fid = m.new_id("f")
        side = rnd.choice(("promoting", "hindering"))
        return "force.add", {"id": fid, "side": side, "text": rnd.choice(FORCES)}, ("force", fid)
    if x < 0.35:
        return "force.edit", {"id": rnd.choice(room.forces), "text": rnd.choice(FORCES)}, None
    if room.phase != RATE_PHASE:  # no ratings while the forces are listed or discussed
        return "force.flag", {"id": rnd.choice(room.forces), "influenceable": rnd.random() < 0.5}, None
    return "force.rate", {"id": rnd.choice(room.forces), **_rating(rnd)}, None


def _card(room: RoomPlan, m: MemberPlan, rnd: random.Random) -> tuple[str, dict[str, Any], Item]:
    if m.own_cards and (room.n_cards >= CARD_CAP or rnd.random() < 0.33):
        return "card.edit", {"id": rnd.choice(m.own_cards), "text": rnd.choice(QUESTIONS)}, None
    if room.n_cards >= CARD_CAP:
        return _node_edit(room, m, rnd)
    room.n_cards += 1
    cid = m.new_id("q")
    return "card.add", {"id": cid, "kind": "question", "text": rnd.choice(QUESTIONS)}, ("card", cid)


def _node_add(room: RoomPlan, m: MemberPlan, rnd: random.Random) -> tuple[str, dict[str, Any], Item]:
    if room.n_nodes >= NODE_CAP:
        return _node_edit(room, m, rnd)
    room.n_nodes += 1
    nid = m.new_id("n")
    parent = rnd.choice(room.anchors + room.nodes[-20:])
    return "mindmap.add", {"id": nid, "parent": parent, "text": rnd.choice(NODES)}, ("node", nid)


def _node_edit(room: RoomPlan, m: MemberPlan, rnd: random.Random) -> tuple[str, dict[str, Any], Item]:
    nid = rnd.choice(room.nodes) if room.nodes and rnd.random() < 0.8 else rnd.choice(room.anchors)
    return "mindmap.edit", {"id": nid, "text": rnd.choice(NODES)}, None


def _node_move(room: RoomPlan, m: MemberPlan, rnd: random.Random) -> tuple[str, dict[str, Any], Item]:
    if not room.nodes:
        return _node_edit(room, m, rnd)
    # Only to the root or under an anchor (always a child of the root): a move can never make a cycle.
    parent = rnd.choice(["root", *room.anchors])
    return "mindmap.move", {"id": rnd.choice(room.nodes), "parent": parent}, None
