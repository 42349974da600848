"""The group page's suggestion of a livelier work form when the process score falls (seed 001)."""

from __future__ import annotations

from server import livelier

ALL = ["basis", "geheim-van-de-smid", "waarderend", "socratisch", "roddel", "coaching", "ui-model", "balint"]


def _trend(*process: float | None) -> list[dict[str, float | None]]:
    return [{"content": 4.0, "process": p} for p in process]


def test_a_falling_process_score_suggests_methods_not_used_lately() -> None:
    meetings = [{"method": "basis"}, {"method": "waarderend"}, {"method": "basis"}]
    got = livelier.suggestion(_trend(4.2, 3.8, 3.1), meetings, ALL)
    assert got == {
        "process": [4.2, 3.8, 3.1],
        "methods": ["geheim-van-de-smid", "socratisch", "roddel"],
        "forms": [
            {"form": "drawing", "method": "balint"},
            {"form": "pairs", "method": "waarderend"},
            {"form": "knowledge", "method": None},
        ],
    }


def test_no_suggestion_without_a_fall_over_three_meetings() -> None:
    meetings = [{"method": "basis"}] * 4
    assert livelier.suggestion(_trend(4.2, 3.8), meetings, ALL) is None  # too few
    assert livelier.suggestion(_trend(4.2, 3.8, 3.8), meetings, ALL) is None  # not falling
    assert livelier.suggestion(_trend(3.0, 3.5, 3.1), meetings, ALL) is None
    # Meetings without a mean (closed with fewer than three people) do not count.
    assert livelier.suggestion(_trend(4.2, None, 3.8, 3.1), meetings, ALL) is not None
    # Only methods the group has.
    got = livelier.suggestion(_trend(4.0, 3.5, 3.0), meetings, ["basis", "roddel"])
    assert got is not None and got["methods"] == ["roddel"]
    assert [f["method"] for f in got["forms"]] == [None, None, None]  # no method opens them here
