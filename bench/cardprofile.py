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

TRACE_CATEGORIES = ["toplevel", "devtools.timeline", "v8.execute", "blink.user_timing"]


def _main_thread(events: list[dict[str, Any]]) -> tuple[int, int] | None:
    for e in events:
        if e.get("ph") == "M" and e.get("name") == "thread_name":
            if e.get("args", {}).get("name") == "CrRendererMain":
                return (e["pid"], e["tid"])
    return None


def _events(trace: bytes) -> list[dict[str, Any]]:
    events = json.loads(trace)
    return list(events["traceEvents"] if isinstance(events, dict) else events)


def card_cpu(trace: bytes) -> list[float]:
    """Per card, the main thread's CPU time (ms) from the card's frame reaching the page to its text
    being in the document (the page's marks "kring-arrived <card>" and "kring-seen <card>"): the
    page's own work for the card, whatever else runs on the machine (the throttling makes the thread
    wait, not work longer)."""
    events = _events(trace)
    main = _main_thread(events)
    marks: dict[str, dict[str, float]] = defaultdict(dict)
    for e in events:
        name = str(e.get("name", ""))
        if name.startswith("kring-arrived ") or name.startswith("kring-seen "):
            kind, card = name.split(" ", 1)
            marks[card].setdefault(kind, float(e["ts"]))
    on_main = [e for e in events if e.get("ph") == "X" and (e.get("pid"), e.get("tid")) == main]
    names = {e.get("name") for e in on_main}
    top = "ThreadControllerImpl::RunTask" if "ThreadControllerImpl::RunTask" in names else "RunTask"
    tasks = [e for e in on_main if e.get("name") == top and "tdur" in e and e.get("dur")]
    out = []
    for m in marks.values():
        a, s = m.get("kring-arrived"), m.get("kring-seen")
        if a is None or s is None:
            continue
        cpu = 0.0
        for t in tasks:
            lo, hi = max(a, t["ts"]), min(s, t["ts"] + t["dur"])
            if hi > lo:
                cpu += t["tdur"] * (hi - lo) / t["dur"]
        out.append(cpu / 1000)
    return out


def trace_self_times(trace: bytes, clock: str = "dur") -> dict[str, float]:
    """Self time in ms of each complete event name on the renderer's main thread: by the wall clock
    (`dur`) or by the thread's CPU time (`tdur`: what the work itself cost, unslowed by the
    throttling, which makes the thread wait, or by other processes on the machine)."""
    events = _events(trace)
    main = _main_thread(events)
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


def summarise(trace: bytes, profile: dict[str, Any] | None, cards: int, save: str | None) -> list[float]:
    """Prints where the main thread's time went; returns the page's CPU time per card (card_cpu)."""
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
    return card_cpu(trace)


def report(title: str, times: dict[str, float], cards: int, top: int = 18) -> None:
    total = sum(times.values())
    print(f"{title}: {total / max(1, cards):.1f} ms per card")
    for name, ms in sorted(times.items(), key=lambda kv: -kv[1])[:top]:
        print(f"  {ms / max(1, cards):7.2f} ms  {name}")
