"""The Markdown report agrees with the report page: minutes used (the current phase counted up to
now, rounded half up as the page's JavaScript does), and one date format per language, with a
group meeting's planned date."""

from __future__ import annotations

from engine_harness import LIB, Room

from server import i18n
from server.report import markdown, meeting_date, used_minutes
from server.rooms import created_event, replay, view


def test_minutes_used_count_the_current_phase_and_round_half_up() -> None:
    r = Room(now=1_000_000)
    r.join("F", "Fenna", ["facilitator"])
    r.tick(150_000)  # 2.5 minutes in the first phase: the page shows 3, Python's round() gave 2
    r.do("F", "phase.next")
    r.tick(90_000)  # 1.5 minutes in the current phase, not yet in used_ms
    v = r.view("F")
    assert used_minutes(v, r.now)[:2] == [3, 2]
    md = markdown(v, "nl", now=r.now)
    first, second = (p["title"]["nl"] for p in v["method"]["phases"][:2])
    assert f"- {first}: gepland 10 min, gebruikt 3 min" in md
    assert f"- {second}: gepland 10 min, gebruikt 2 min" in md
    assert "- **Totaal:** gepland 95 min, gebruikt 5 min" in md


def test_one_date_format_per_language_and_the_planned_date() -> None:
    assert i18n.long_date("2026-03-14", "nl") == "14 maart 2026"
    assert i18n.long_date("2026-03-14", "en") == "14 March 2026"
    assert i18n.long_date("soon", "nl") == "soon"
    made = created_event(
        "r2", LIB.methods["basis"], "Groep", "nl", 1_765_000_000_000, group="g1", date="2026-12-14"
    )
    s = replay("r2", [made])
    v = view(s, None)
    assert v["room"]["date"] == "2026-12-14"
    assert meeting_date(v["room"], "nl") == "14 december 2026"
    r = Room(now=1_765_000_000_000)  # 2025-12-06: no planned date, the day it was made
    r.join("F", "Fenna", ["facilitator"])
    r.do("F", "phase.goto", index=4)
    r.do("F", "plan.set", field="review_date", text="2026-01-09")
    md = markdown(r.view("F"), "en", now=r.now)
    assert "**Meeting of** 6 December 2025" in md
    assert "9 January 2026" in md and "2026-01-09" not in md


def test_the_report_lists_the_proposals_the_group_voted_on_under_their_phase() -> None:
    r = Room("socratisch")
    r.join("F", "Fenna", ["facilitator"])
    r.join("A", "Anna")
    r.join("B", "Bas")
    r.do("F", "phase.next")
    r.do("A", "outcome.propose", field="uitgangsvraag", id="u1", text="Wanneer spreek je aan?")
    r.do("B", "outcome.propose", field="uitgangsvraag", id="u2", text="Wat is een grens?")
    r.do("A", "outcome.vote", id="u2", on=True)
    r.do("B", "outcome.vote", id="u2", on=True)
    r.do("F", "outcome.adopt", id="u2")
    md = markdown(r.view("A"), "nl")
    section = md.split("## 2. Uitgangsvraag", 1)[1].split("\n## ", 1)[0]
    assert "- **De uitgangsvraag:** Wat is een grens?" in section
    assert "### Voorstellen" in section
    assert section.index("Wat is een grens? (Bas, 2 stemmen) ✓ gekozen") < section.index(
        "Wanneer spreek je aan? (Anna, 0 stemmen)"
    )
    assert "(Bas, 2 votes) ✓ chosen" in markdown(r.view("A"), "en")
