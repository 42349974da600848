"""Kring under tracemalloc, to see where the memory of an idle connection goes.

`python -X tracemalloc=8 -m bench.memprobe --port N --out FILE` runs the same app as `kring serve`
(same uvicorn settings). SIGUSR2 takes the baseline snapshot; SIGUSR1 writes the growth since then,
grouped by the innermost frame in Kring's server/ (else in starlette, uvicorn, websockets or asyncio,
else the allocating line), as JSON to FILE. The bench's capacity run uses it (bench/runner.py: memprobe) to attribute the
RSS per connection; it is not a way to run Kring.
"""

from __future__ import annotations

import argparse
import gc
import json
import signal
import tracemalloc
from collections import Counter
from pathlib import Path
from typing import Any

INTERESTING = ("/server/", "/starlette/", "/uvicorn/", "/websockets/", "/asyncio/")


def _where(tb: tracemalloc.Traceback) -> str:
    """Who holds it: the innermost frame in Kring's server/ if any, else the innermost frame in
    starlette/uvicorn/websockets/asyncio, else the allocating line. (Tracebacks run oldest first.)"""
    frames = list(reversed(tb))
    for marks in (("/server/",), INTERESTING):
        for fr in frames:
            for mark in marks:
                if mark in fr.filename:
                    return f"{mark.strip('/')}/{fr.filename.split(mark, 1)[1]}:{fr.lineno}"
    fr = frames[0]
    return f"{fr.filename.rsplit('/', 1)[-1]}:{fr.lineno}"


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--out", required=True)
    a = p.parse_args()
    if not tracemalloc.is_tracing():
        tracemalloc.start(8)
    state: dict[str, Any] = {}

    def baseline(*_: Any) -> None:
        gc.collect()
        state["base"] = tracemalloc.take_snapshot()

    def dump(*_: Any) -> None:
        gc.collect()
        snap = tracemalloc.take_snapshot()
        base = state.get("base")
        stats = snap.compare_to(base, "traceback") if base is not None else []
        by: Counter[str] = Counter()
        count: Counter[str] = Counter()
        for st in stats:
            if st.size_diff <= 0:
                continue
            k = _where(st.traceback)
            by[k] += st.size_diff
            count[k] += st.count_diff
        total = sum(by.values())
        Path(a.out).write_text(
            json.dumps(
                {
                    "total_bytes": total,
                    "top": [{"where": k, "bytes": v, "blocks": count[k]} for k, v in by.most_common(40)],
                }
            )
        )

    signal.signal(signal.SIGUSR2, baseline)
    signal.signal(signal.SIGUSR1, dump)
    import uvicorn

    from server.cli import uvicorn_kwargs

    kw: dict[str, Any] = dict(uvicorn_kwargs())
    uvicorn.run("server.asgi:app", host="127.0.0.1", port=a.port, log_level="warning", **kw)


if __name__ == "__main__":
    main()
