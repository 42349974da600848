"""The log filter (server/logs.py) leaves no id of a room, group or programme in a line."""

from __future__ import annotations

from server.logs import redact


def test_ids_of_rooms_groups_and_programmes_are_redacted() -> None:
    line = "GET /p/pAbc_12 /r/rX-1 /g/gY /api/groups/gZ9/view /api/programmes/pQ/view /ws/rW key=s3cret"
    out = redact(line)
    for secret in ("pAbc_12", "rX-1", "gY", "gZ9", "pQ", "rW", "s3cret"):
        assert secret not in out, secret
    assert "/api/programmes/…/view" in out
