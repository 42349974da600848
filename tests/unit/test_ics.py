"""The iCalendar text of a programme group's meeting dates (server/ics.py): RFC 5545 escaping of
TEXT values, folding at 75 octets without splitting a UTF-8 character, CRLF line ends."""

from __future__ import annotations

from server.ics import calendar, escape, fold


def test_text_values_are_escaped() -> None:
    assert escape("a\\b;c,d\ne\r\nf") == "a\\\\b\\;c\\,d\\ne\\nf"


def test_long_lines_fold_at_75_octets_on_character_boundaries() -> None:
    line = "SUMMARY:" + "ë" * 100  # two octets each
    folded = fold(line)
    parts = folded.split("\r\n")
    assert all(len(p.encode()) <= 75 for p in parts)
    assert all(p.startswith(" ") for p in parts[1:])
    assert "".join(p[1:] if i else p for i, p in enumerate(parts)) == line
    assert fold("short") == "short"


def test_a_calendar_of_whole_days() -> None:
    text = calendar("Lead, Learn; A", [("u1@kring", "2026-12-31", "Intervisie · Groep A")], 0)
    assert text.endswith("END:VCALENDAR\r\n") and "\n" not in text.replace("\r\n", "")
    assert "X-WR-CALNAME:Lead\\, Learn\\; A\r\n" in text
    assert "DTSTART;VALUE=DATE:20261231\r\nDTEND;VALUE=DATE:20270101\r\n" in text
    assert "DTSTAMP:19700101T000000Z\r\n" in text and text.count("BEGIN:VEVENT") == 1
