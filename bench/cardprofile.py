"""Where a card's time goes in the page (`python -m bench.cardlatency --profile`, issue 19).

Two readings of the same cards, taken while they arrive on the throttled page:
  - a Chromium trace (devtools.timeline) of the renderer's main thread: the self time of each kind
    of work (script, style, layout, paint, ...), per card;
  - a V8 CPU profile: the script functions with the most self time, per card.
The profilers slow the page down themselves: their latencies are not the benchmark's figures.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

TRACE_CATEGORIES = [
    "devtools.timeline",
    "disabled-by-default-devtools.timeline",
    "v8.execute",
    "blink.user_timing",
]


def trace_self_times(trace: bytes, clock: str = "dur") -> dict[str, float]:
    """Self time in ms of each complete event name on the renderer's main thread: by the wall clock
    (`dur`) or by the thread's CPU time (`tdur`: what the work itself cost, unslowed by the
    throttling, which makes the thread wait, or by other processes on the machine)."""
    events = json.loads(trace)
    events = events["traceEvents"] if isinstance(events, dict) else events
    main: tuple[int, int] | None = None
    for e in events:
        if e.get("ph") == "M" and e.get("name") == "thread_name":
            if e.get("args", {}).get("name") == "CrRendererMain":
                main = (e["pid"], e["tid"])
    out: dict[str, float] = defaultdict(float)
    if main is None:
        return out
    spans = sorted(
        (e for e in events if e.get("ph") == "X" and (e.get("pid"), e.get("tid")) == main and clock in e),
        key=lambda e: (e["ts"], -e["dur"]),
    )
    stack: list[list[Any]] = []  # [end, name, child time]
    for e in spans:
        while stack and stack[-1][0] <= e["ts"]:
            _end, name, kids, dur = stack.pop()
            out[name] += (dur - kids) / 1000
        if stack:
            stack[-1][2] += e[clock]
        stack.append([e["ts"] + e["dur"], e["name"], 0, e[clock]])
    while stack:
        _end, name, kids, dur = stack.pop()
        out[name] += (dur - kids) / 1000
    return out


def profile_self_times(profile: dict[str, Any]) -> dict[str, float]:
    """Self time in ms of each function (name, file:line) of a V8 CPU profile."""
    nodes = {n["id"]: n for n in profile["nodes"]}
    out: dict[str, float] = defaultdict(float)
    for node_id, delta in zip(profile["samples"], [*profile["timeDeltas"][1:], 0], strict=False):
        cf = nodes[node_id]["callFrame"]
        url = cf.get("url", "").rsplit("/", 1)[-1]
        name = (
            f"{cf.get('functionName') or '(anonymous)'} {url}:{cf.get('lineNumber', 0) + 1}"
            if url
            else cf.get("functionName", "")
        )
        out[name] += delta / 1000
    return out


def summarise(trace: bytes, profile: dict[str, Any] | None, cards: int, save: str | None) -> None:
    if save:
        Path(save + ".trace.json").write_bytes(trace)
        if profile is not None:
            Path(save + ".cpuprofile").write_text(json.dumps(profile))
    report("main thread (trace), self time", trace_self_times(trace), cards)
    report("main thread (trace), self CPU time", trace_self_times(trace, "tdur"), cards)
    if profile is not None:
        js = profile_self_times(profile)
        js.pop("(idle)", None)
        report("script (CPU profile), self time", js, cards)


def report(title: str, times: dict[str, float], cards: int, top: int = 18) -> None:
    total = sum(times.values())
    print(f"{title}: {total / max(1, cards):.1f} ms per card")
    for name, ms in sorted(times.items(), key=lambda kv: -kv[1])[:top]:
        print(f"  {ms / max(1, cards):7.2f} ms  {name}")
