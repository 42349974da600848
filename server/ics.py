"""iCalendar files (RFC 5545) of whole-day events: a programme group's meeting dates
(server/programme.py). No maintained iCalendar library is a dependency, and the subset needed is
small: TEXT values escaped (§3.3.11), content lines folded at 75 octets without splitting a UTF-8
character (§3.1), CRLF line ends."""

from __future__ import annotations

import datetime as dt

FOLD_OCTETS = 75


def escape(text: str) -> str:
    """A TEXT value: backslash, semicolon and comma escaped, line breaks as `\\n`."""
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return text.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """One content line, folded: at most 75 octets per physical line, continuations start with
    a space (which counts in the 75), never inside a UTF-8 character."""
    out: list[str] = []
    part, size, limit = "", 0, FOLD_OCTETS
    for ch in line:
        n = len(ch.encode())
        if size + n > limit:
            out.append(part)
            part, size, limit = "", 0, FOLD_OCTETS - 1
        part += ch
        size += n
    out.append(part)
    return "\r\n ".join(out)


def _day(iso: str) -> str:
    return dt.date.fromisoformat(iso).strftime("%Y%m%d")


def calendar(name: str, events: list[tuple[str, str, str]], now_ms: int) -> str:
    """A calendar called `name` with one whole-day event per (uid, YYYY-MM-DD, summary)."""
    stamp = dt.datetime.fromtimestamp(now_ms / 1000, dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Kring//Kring intervisie//NL",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape(name)}",
    ]
    for uid, day, summary in events:
        end = (dt.date.fromisoformat(day) + dt.timedelta(days=1)).isoformat()
        lines += [
            "BEGIN:VEVENT",
            f"UID:{escape(uid)}",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{_day(day)}",
            f"DTEND;VALUE=DATE:{_day(end)}",
            f"SUMMARY:{escape(summary)}",
            "TRANSP:TRANSPARENT",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
