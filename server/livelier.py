"""When a group's meetings go stale: the group page suggests a livelier work form or method.

Seed 001 warns that well-run groups slide into "koffietafelpraat" after a while, and lists the work
forms a chair can use to liven a meeting up. Kring reads the staleness from the one figure it may
use (the evaluation's process score, whose means exist only after an evaluation closed with at least
three people, server/rooms/evaluation.py): when it fell over the last meetings, the group page
suggests methods the group has not used lately and the work forms Kring has for it (a drawing of
the question given back later, work in pairs, a knowledge input beside the case). Pure: the group
view (server/groups.py) calls it with its trend and meetings.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

# Methods that change the form of a meeting (seed 001), in the order they are suggested.
LIVELY = ("geheim-van-de-smid", "waarderend", "socratisch", "roddel", "coaching", "ui-model", "balint")
FALLING_OVER = 3  # meetings with a process mean, each lower than the one before
RECENT = 3  # methods used in this many last meetings are not suggested
AT_MOST = 3  # methods suggested at a time
# The work forms, with the built-in method that opens each where it fits (seed 001).
FORMS = (("drawing", "balint"), ("pairs", "waarderend"), ("knowledge", None))


def suggestion(
    trend: Sequence[dict[str, Any]], meetings: Sequence[dict[str, Any]], available: Sequence[str]
) -> dict[str, Any] | None:
    """`{process: [means], methods: [ids], forms: [{form, method}]}` when the process score fell
    over the last FALLING_OVER meetings that have one, else None. A form's `method` is the method
    that opens it, where the group has it (else None: the facilitator adds it to any meeting)."""
    scores = [float(t["process"]) for t in trend if t.get("process") is not None][-FALLING_OVER:]
    if len(scores) < FALLING_OVER or any(b >= a for a, b in itertools.pairwise(scores)):
        return None
    recent = {str(m.get("method")) for m in list(meetings)[-RECENT:]}
    methods = [mid for mid in LIVELY if mid in available and mid not in recent][:AT_MOST]
    forms = [{"form": f, "method": m if m in available else None} for f, m in FORMS]
    return {"process": scores, "methods": methods, "forms": forms}
