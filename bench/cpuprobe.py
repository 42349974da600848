"""Kring under cProfile with a *thread CPU time* clock: where the event loop's CPU goes, per function.

`python -m bench.cpuprobe --port N --out FILE` runs the same app as `kring serve` (same uvicorn
settings). SIGUSR2 starts profiling, SIGUSR1 stops it and writes the functions by own CPU time and by
cumulative CPU time as JSON to FILE. The clock is time.thread_time, so only CPU the main thread (the
event loop) actually used is counted: the numbers hold on a machine shared with other work, where
sampling wall-clock profilers mislead. cProfile's own overhead inflates call-heavy code, so read the
ranking and the shares, not the absolute times. Used by bench/runner.py (`--cpuprobe SECONDS`).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import signal
import time
from pathlib import Path
from typing import Any


def _name(key: tuple[str, int, str]) -> str:
    file, _line, func = key
    for mark in (
        "/server/",
        "/starlette/",
        "/uvicorn/",
        "/websockets/",
        "/asyncio/",
        "/json/",
        "/concurrent/",
    ):
        if mark in file:
            return f"{mark.strip('/')}/{file.split(mark, 1)[1]}:{func}"
    if file == "~":
        return func  # a builtin, e.g. <method 'send' of '_socket.socket' objects>
    return f"{file.rsplit('/', 1)[-1]}:{func}"


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--out", required=True)
    a = p.parse_args()
    prof = cProfile.Profile(time.thread_time)
    state: dict[str, Any] = {}

    def start(*_: Any) -> None:
        state["t0"] = time.thread_time()
        prof.enable()

    def stop(*_: Any) -> None:
        prof.disable()
        cpu = time.thread_time() - state.get("t0", time.thread_time())
        st = pstats.Stats(prof)
        rows = []
        for key, (_cc, nc, tt, ct, _callers) in st.stats.items():  # type: ignore[attr-defined]
            rows.append((_name(key), nc, tt, ct))
        total = sum(r[2] for r in rows) or 1.0

        def top(idx: int, n: int) -> list[dict[str, Any]]:
            merged: dict[str, list[float]] = {}
            for name, nc, tt, ct in rows:
                m = merged.setdefault(name, [0, 0.0, 0.0])
                m[0] += nc
                m[1] += tt
                m[2] += ct
            order = sorted(merged.items(), key=lambda kv: kv[1][idx], reverse=True)[:n]
            return [
                {
                    "function": k,
                    "calls": int(v[0]),
                    "own_pct": round(100 * v[1] / total, 1),
                    "cum_pct": round(100 * v[2] / total, 1),
                }
                for k, v in order
            ]

        Path(a.out).write_text(
            json.dumps({"loop_cpu_s": round(cpu, 3), "own": top(1, 40), "cumulative": top(2, 60)})
        )

    signal.signal(signal.SIGUSR2, start)
    signal.signal(signal.SIGUSR1, stop)
    import uvicorn

    from server.cli import uvicorn_kwargs

    kw: dict[str, Any] = dict(uvicorn_kwargs())
    uvicorn.run("server.asgi:app", host="127.0.0.1", port=a.port, log_level="warning", **kw)


if __name__ == "__main__":
    main()
