"""Percentiles, the target check, the printed table, the PNG plot, docs/performance.md, and the profile
summary (py-spy's collapsed stacks by function)."""

from __future__ import annotations

import math
import re
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

KNEE_MS = 100.0
DOCS_START = "<!-- bench:results:start -->"
DOCS_END = "<!-- bench:results:end -->"


def interpolate_knee(steps: list[dict[str, Any]]) -> float | None:
    """Offered events/s at which p99 fan-out crosses 100 ms: log-linear between the knee step (the
    good step delivering most) and the step just above it, if that one is over. Else None."""
    st = sorted(steps, key=lambda x: x["rate"])
    oks = [x for x in st if x["ok"]]
    if not oks:
        return None
    a = max(oks, key=lambda x: x["delivered_s"])
    above = [x for x in st if x["rate"] > a["rate"]]
    if not above or above[0]["ok"]:
        return None
    b = above[0]
    pa, pb = max(a["fanout_ms"]["p99"], 0.01), max(b["fanout_ms"]["p99"], 0.01)
    if pb <= pa:
        return float(a["offered_events_s"])
    f = min(1.0, max(0.0, (math.log(KNEE_MS) - math.log(pa)) / (math.log(pb) - math.log(pa))))
    return float(a["offered_events_s"] + f * (b["offered_events_s"] - a["offered_events_s"]))


def pcts(us: list[int]) -> dict[str, float]:
    """Percentiles in ms of a sorted list of microseconds (nearest-rank)."""
    if not us:
        return {"n": 0, "p50": 0.0, "p90": 0.0, "p99": 0.0, "max": 0.0}

    def q(p: float) -> float:
        i = min(len(us) - 1, max(0, round(p * len(us) + 0.5) - 1))
        return round(us[i] / 1000, 2)

    return {"n": len(us), "p50": q(0.5), "p90": q(0.9), "p99": q(0.99), "max": round(us[-1] / 1000, 2)}


def _load(result: dict[str, Any], name: str) -> dict[str, Any] | None:
    for s in result.get("load", []):
        if s["server"] == name:
            return s
    return None


def _knee(result: dict[str, Any], name: str) -> float | None:
    s = _load(result, name)
    if s is None or not s.get("knee"):
        return None
    return float(s["knee"]["delivered_s"])


def targets(result: dict[str, Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []

    def why_none(name: str) -> str:
        ld = _load(result, name)
        if ld is None:
            return f"{name} not run"
        if ld.get("error") and not ld.get("steps"):
            return f"{name} failed: {ld['error'][:100]}"
        if ld.get("steps"):
            st = min(ld["steps"], key=lambda x: x["rate"])
            return f"{name}: no step met it (at {st['rate']:g} cmd/member/s: p99 {st['fanout_ms']['p99']} ms, {_fmt_err(st)})"
        return f"{name}: no steps"

    def ratio(name: str, a: str, b: str, want: float) -> None:
        ka, kb = _knee(result, a), _knee(result, b)
        if ka is None or kb is None:
            gone = [why_none(x) for x, k in ((a, ka), (b, kb)) if k is None]
            out.append(
                {"target": name, "measured": "; ".join(gone), "met": False if ka is None and kb else None}
            )
            return
        r = ka / kb
        notes = []
        if (_load(result, b) or {}).get("knee", {}).get("note"):
            notes.append("the peer's knee is a lower bound (not reached)")
        la, lb = (_load(result, a) or {}).get("knee", {}), (_load(result, b) or {}).get("knee", {})
        if la.get("rate") == lb.get("rate"):
            notes.append("both knees at the same step: a tie at this step resolution")
        ia, ib = la.get("interp"), lb.get("interp")
        if ia and ib:
            notes.append(
                f"p99 crosses 100 ms at about {ia:,.0f} vs {ib:,.0f} offered ev/s = {ia / ib:.2f}x (interpolated)"
            )
        note = f" ({'; '.join(notes)})" if notes else ""
        out.append(
            {
                "target": name,
                "measured": f"{ka:,.0f} vs {kb:,.0f} ev/s = {r:.2f}x{note}",
                "met": r >= want,
                "ratio": r,
            }
        )

    ratio("Kring embedded knee >= 0.5 x bare websockets", "kring", "ws-bare", 0.5)
    ratio("Kring embedded knee >= 1.0 x python-socketio (1 process)", "kring", "socketio", 1.0)
    ratio(
        "Kring Redis 2 workers knee >= 1.0 x python-socketio + Redis manager",
        "kring-redis",
        "socketio-redis",
        1.0,
    )
    # Issue 19: browsers that take patches against protocol clients, and the event clients against the
    # commit before (both only when those servers ran).
    if _load(result, "kring-patches") is not None:
        ratio("Browsers taking patches: knee >= 0.8 x protocol clients", "kring-patches", "kring", 0.8)
    if _load(result, "kring-main") is not None:
        ratio("Event clients: knee >= 0.9 x the main branch, side by side", "kring", "kring-main", 0.9)
    for name in ("kring", "kring-redis"):
        s = _load(result, name)
        step = next((x for x in (s or {}).get("steps", []) if abs(x["rate"] - 0.5) < 1e-9), None)
        label = "embedded" if name == "kring" else "Redis 2 workers"
        if step is None:
            first = min((s or {}).get("steps", []), key=lambda x: x["rate"], default=None)
            measured, met = "n/a", None
            if first is not None and not first["ok"] and first["rate"] < 0.5:
                measured = (
                    f"not run: the sweep stopped at {first['rate']:g} cmd/member/s "
                    f"(p99 {first['fanout_ms']['p99']} ms, {_fmt_err(first)})"
                )
                met = False
            out.append(
                {
                    "target": f"Kring {label} at 0.5 cmd/member/s: p50 <= 10 ms, p99 <= 50 ms",
                    "measured": measured,
                    "met": met,
                }
            )
        else:
            f = step["fanout_ms"]
            out.append(
                {
                    "target": f"Kring {label} at 0.5 cmd/member/s: p50 <= 10 ms, p99 <= 50 ms",
                    "measured": f"p50 {f['p50']} ms, p99 {f['p99']} ms ({step['delivered_s']:,.0f} ev/s)",
                    "met": f["p50"] <= 10 and f["p99"] <= 50 and step["clean"],
                }
            )
    cap = next((c for c in result.get("capacity", []) if c["server"] == "kring"), None)
    if cap is None or "error" in cap:
        out.append(
            {
                "target": ">= 5,000 idle connections at <= 50 KiB RSS each",
                "measured": str((cap or {}).get("error", "n/a")),
                "met": None if cap is None else False,
            }
        )
    else:
        out.append(
            {
                "target": ">= 5,000 idle connections at <= 50 KiB RSS each",
                "measured": f"{cap['held']:,} held, {cap['kib_per_conn']} KiB each",
                "met": cap["held"] >= 5000 and cap["kib_per_conn"] <= 50,
            }
        )
    rs = result.get("resync")
    if rs and "error" not in rs:
        out.append(
            {
                "target": "resync of a 300-event gap p99 <= 150 ms",
                "measured": f"p50 {rs['gap_ms']['p50']} ms, p99 {rs['gap_ms']['p99']} ms ({rs['gap_ok']}/{rs['iterations']} exact)",
                "met": rs["gap_ms"]["p99"] <= 150 and rs["gap_ok"] == rs["iterations"],
            }
        )
        out.append(
            {
                "target": "snapshot of a large room (500 nodes, 200 cards) p99 <= 300 ms",
                "measured": f"p50 {rs['snapshot_ms']['p50']} ms, p99 {rs['snapshot_ms']['p99']} ms "
                f"({rs['snapshot_bytes'] // 1024} KiB welcome)",
                "met": rs["snapshot_ms"]["p99"] <= 300 and rs["snapshot_ok"] == rs["iterations"],
            }
        )
    elif rs is not None:
        out.append({"target": "resync", "measured": rs.get("error"), "met": False})
    bad = Counter[str]()
    n_steps = 0
    for name in ("kring", "kring-redis"):
        for st in (_load(result, name) or {}).get("steps", []):
            n_steps += 1
            for k in ("gaps", "dups", "lost_conns", "unacked", "behind", "incomplete"):
                bad[k] += st[k]
    if n_steps:
        got = ", ".join(f"{k} {v}" for k, v in bad.items() if v) or "none"
        out.append(
            {
                "target": "zero lost, duplicated or reordered events (Kring, every step)",
                "measured": f"{got} over {n_steps} steps",
                "met": sum(bad.values()) == 0,
            }
        )
    return out


def _fmt_err(st: dict[str, Any]) -> str:
    bits = []
    if st["errors"]:
        bits.append("err " + ",".join(f"{k}:{v}" for k, v in st["errors"].items()))
    for k in ("gaps", "dups", "lost_conns", "unacked", "behind", "incomplete"):
        if st[k]:
            bits.append(f"{k} {st[k]}")
    return " ".join(bits) or "-"


def table(result: dict[str, Any]) -> str:
    lines = []
    m = result["machine"]
    lines.append(
        f"Kring bench ({result['mode']}), {result['when']}: {m['nproc']} CPUs ({m['cpu']}), Python {m['python']}, "
        f"loop Kring {m['loop_kring']} / peers {m['loop_peers']}; {result['topology']['rooms']} rooms x "
        f"{result['topology']['members']} members, {result['topology']['gens']} generator processes"
    )
    lines.append("")
    lines.append(_md_knees(result))
    lines.append("")
    lines.append(_md_steps(result))
    lines.append("")
    lines.append(_md_other(result))
    lines.append("")
    lines.append(_md_targets(result))
    prof = result.get("profile")
    if prof and "error" not in prof:
        lines += ["", _md_profile(prof)]
    cp = result.get("cpuprobe")
    if cp and "error" not in cp:
        lines += ["", _md_cpuprobe(cp)]
    return "\n".join(lines)


def _md_knees(result: dict[str, Any]) -> str:
    rows = [
        "| server | knee: delivered events/s (p99 fan-out <= 100 ms) | p99 = 100 ms at offered ev/s (interpolated) "
        "| at offered cmd/member/s | p99 there | setup |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for s in result.get("load", []):
        if "error" in s and not s.get("steps"):
            rows.append(f"| {s['label']} | failed: {s['error'][:80]} | | | | |")
            continue
        k = s.get("knee")
        if k:
            note = " (not reached)" if k.get("note") else ""
            interp = f"{k['interp']:,.0f}" if k.get("interp") else "-"
            rows.append(
                f"| {s['label']} | {k['delivered_s']:,.0f}{note} | {interp} | {k['rate']:g} | {k['fanout_p99']} ms | "
                f"{s.get('connected', 0)} conns, {s.get('setup_s', '?')} s |"
            )
        else:
            rows.append(f"| {s['label']} | below the first step | | | | {s.get('connected', 0)} conns |")
    return "\n".join(rows)


def _cpu(st: dict[str, Any]) -> str:
    srv = f"{st['server_cpu']}" + (f" (+{st['redis_cpu']})" if st.get("redis_cpu") else "")
    return f"{srv} / {st['gen_cpu']} / {st.get('other_cpu', '?')}"


def _md_steps(result: dict[str, Any]) -> str:
    rows = [
        "| server | cmd/member/s | offered ev/s | delivered ev/s | fan-out p50 / p90 / p99 / max ms | ack p50 / p99 ms "
        "| gen late p99 ms | CPU server (+redis) / gen / other | server-side CPU µs per event (incl. Redis) | bytes/msg | problems |",
        "|---|---:|---:|---:|---|---|---:|---|---:|---:|---|",
    ]
    for s in result.get("load", []):
        for st in sorted(s.get("steps", []), key=lambda x: x["rate"]):
            f, a = st["fanout_ms"], st["ack_ms"]
            rows.append(
                f"| {s['server']} | {st['rate']:g} | {st['offered_events_s']:,.0f} | {st['delivered_s']:,.0f} | "
                f"{f['p50']} / {f['p90']} / {f['p99']} / {f['max']} | {a['p50']} / {a['p99']} | {st['late_ms']['p99']} | "
                f"{_cpu(st)} | {st.get('cpu_us_per_event', '?')} | {st['bytes_per_msg']:.0f} | {_fmt_err(st)} |"
            )
    return "\n".join(rows)


def _md_other(result: dict[str, Any]) -> str:
    rows = []
    if result.get("capacity"):
        rows += [
            "| capacity (idle connections, one process) | held / target | RSS before -> after | KiB per connection | connect time |",
            "|---|---:|---|---:|---:|",
        ]
        for c in result["capacity"]:
            if "error" in c:
                rows.append(f"| {c['label']} | failed: {c['error'][:80]} | | | |")
                continue
            rows.append(
                f"| {c['label']} | {c['held']:,} / {c['target']:,} | {c['rss_before_kib'] / 1024:.0f} -> "
                f"{c['rss_after_kib'] / 1024:.0f} MiB | {c['kib_per_conn']} | {c['connect_s']} s |"
            )
        rows.append("")
    mp = result.get("memprobe")
    if mp and "error" not in mp:
        rows += [
            f"Where an idle Kring connection's memory goes (tracemalloc, {mp['held']:,} idle connections; Python heap "
            f"growth {mp['bytes_per_conn'] / 1024:.1f} KiB per connection, the rest of the RSS is allocator overhead "
            "and fragmentation):",
            "",
            "| bytes per connection | blocks | allocated at (first frame in server/starlette/uvicorn/websockets/asyncio) |",
            "|---:|---:|---|",
        ]
        rows += [
            f"| {t['bytes_per_conn']:,} | {t['blocks_per_conn']} | `{t['where']}` |" for t in mp["top"][:15]
        ]
        rows.append("")
    rs = result.get("resync")
    if rs and "error" not in rs:
        rows += [
            "| resync (Kring embedded, idle server; reconnect + hello + welcome) | n | p50 ms | p99 ms | max ms |",
            "|---|---:|---:|---:|---:|",
            f"| 300-event gap (hello epoch+since -> welcome.events) | {rs['gap_ms']['n']} | {rs['gap_ms']['p50']} | "
            f"{rs['gap_ms']['p99']} | {rs['gap_ms']['max']} |",
            f"| snapshot fallback, 500 nodes + 200 cards ({rs['snapshot_bytes'] // 1024} KiB welcome) | "
            f"{rs['snapshot_ms']['n']} | {rs['snapshot_ms']['p50']} | {rs['snapshot_ms']['p99']} | {rs['snapshot_ms']['max']} |",
        ]
    return "\n".join(rows)


def _md_targets(result: dict[str, Any]) -> str:
    rows = ["| target | measured | met |", "|---|---|---|"]
    for t in result.get("targets", []):
        met = {True: "yes", False: "**no**", None: "n/a"}[t["met"]]
        rows.append(f"| {t['target']} | {t['measured']} | {met} |")
    return "\n".join(rows)


def plot(result: dict[str, Any], png: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(12, 5.5), dpi=100)
    colors = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#17becf"]
    for i, s in enumerate(result.get("load", [])):
        steps = sorted(s.get("steps", []), key=lambda x: x["rate"])
        if not steps:
            continue
        xs = [st["offered_events_s"] for st in steps]
        c = colors[i % len(colors)]
        ax.plot(
            xs,
            [max(st["fanout_ms"]["p99"], 0.01) for st in steps],
            "-o",
            color=c,
            label=f"{s['label']} p99",
            ms=4,
        )
        ax.plot(
            xs,
            [max(st["fanout_ms"]["p50"], 0.01) for st in steps],
            "--",
            color=c,
            label=f"{s['label']} p50",
            lw=1,
        )
    ax.axhline(KNEE_MS, color="grey", lw=0.8, ls=":")
    ax.annotate(
        "knee: p99 = 100 ms",
        xy=(1, KNEE_MS),
        xycoords=("axes fraction", "data"),
        xytext=(-4, 4),
        textcoords="offset points",
        ha="right",
        color="grey",
        fontsize=8,
    )
    ax.set_yscale("log")
    ax.set_xscale("log")
    ax.set_xlabel("offered load (events/s to deliver = commands/s x members per room)")
    ax.set_ylabel("fan-out latency, ms (command sent -> last member received)")
    m = result["machine"]
    ax.set_title(
        f"Kring bench ({result['mode']}): {result['topology']['rooms']} rooms x {result['topology']['members']} members, "
        f"{m['nproc']} CPUs, Python {m['python']}",
        fontsize=9,
    )
    ax.grid(True, which="both", alpha=0.25)
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)
    fig.tight_layout()
    fig.savefig(png)
    plt.close(fig)


def results_markdown(result: dict[str, Any], png_name: str | None) -> str:
    m = result["machine"]
    v = m.get("versions", {})
    parts = [
        f"Run: `{result['command']}` ({result['mode']} mode, {result['seconds']} s), {result['when']}.",
        "",
        f"Machine: {m['nproc']} CPUs (`nproc`), {m['cpu']} (/proc/cpuinfo), {m['memory']}, Linux {m['kernel']}, "
        f"Python {m['python']}; event loop: Kring {m['loop_kring']}, Python peers {m['loop_peers']}; "
        f"Kring at commit {m.get('kring_commit') or '?'}. "
        + ", ".join(f"{k} {x}" for k, x in v.items() if x)
        + ".",
        f"Topology: {result['topology']['rooms']} rooms x {result['topology']['members']} members, "
        f"{result['topology']['gens']} generator processes on the same machine, compression off.",
        "",
        "### Targets",
        "",
        _md_targets(result),
        "",
        "### Knee per server",
        "",
        _md_knees(result),
        "",
    ]
    if png_name:
        parts += [f"![fan-out latency p50/p99 against offered load]({png_name})", ""]
    parts += [
        "### Every step",
        "",
        _md_steps(result),
        "",
        "### Capacity and resync",
        "",
        _md_other(result),
        "",
    ]
    prof = result.get("profile")
    if prof and "error" not in prof:
        parts += ["### Profile (py-spy, Kring embedded under load)", "", _md_profile(prof), ""]
    cp = result.get("cpuprobe")
    if cp and "error" not in cp:
        parts += [
            "### CPU by function (cProfile on a thread-CPU clock, Kring embedded under load)",
            "",
            _md_cpuprobe(cp),
            "",
        ]
    return "\n".join(parts)


def write_docs(result: dict[str, Any], doc: Path, png: Path) -> None:
    png_name = None
    if png.exists():
        dst = doc.parent / "performance.png"
        shutil.copy(png, dst)
        png_name = dst.name
    block = f"{DOCS_START}\n{results_markdown(result, png_name)}\n{DOCS_END}"
    text = doc.read_text() if doc.exists() else f"# Performance\n\n{DOCS_START}\n{DOCS_END}\n"
    if DOCS_START in text and DOCS_END in text:
        a = text.index(DOCS_START)
        b = text.index(DOCS_END) + len(DOCS_END)
        text = text[:a] + block + text[b:]
    else:
        text += "\n" + block + "\n"
    doc.write_text(text)


# -- profile summary ---------------------------------------------------------------------------------

_FRAME = re.compile(r"^(?P<func>.*?) \((?P<file>[^():]+)(?::\d+)?\)$")


def _short(frame: str) -> str:
    m = _FRAME.match(frame.strip())
    if not m:
        return frame.strip()
    f = m.group("file")
    for marker in ("site-packages/", "lib/python3", "/work/main/", "/server/"):
        if marker in f:
            f = f.split(marker, 1)[1]
            if marker == "/server/":
                f = "server/" + f
            break
    f = re.sub(r"^\.\d+/", "", f)
    return f"{f}:{m.group('func')}"


CATEGORIES = (
    # (label, regex on a frame as _short() prints it); a sample counts once per category it touches.
    ("SQLite append/read (store thread, GIL released in sqlite3 C code)", r"^server/store/sqlite\.py"),
    (
        "thread-pool hand-off (submit, wake-ups, future callbacks)",
        r"concurrent/futures/|threading\.py|call_soon_threadsafe|_chain_future|_copy_future_state|_call_set_state",
    ),
    (
        "WebSocket send: raw frames (server/fastpath/send.py) or uvicorn sans-I/O + websockets framing, socket write",
        r"WebSocketsSansIOProtocol\.send$|selector_events\.py:_SelectorSocketTransport\.write|^server/fastpath/send\.py",
    ),
    (
        "WebSocket receive: frames (server/fastpath/receive.py or websockets), ASGI receive",
        r"WebSocketsSansIOProtocol\.(data_received|handle_events|handle_|receive)|websockets/protocol\.py:Protocol\.(receive_data|parse)|starlette/websockets\.py:WebSocket\.receive|^server/fastpath/receive\.py",
    ),
    ("server/transport.py writer loop (queue get, batch)", r"^server/transport\.py:writer$"),
    ("server/ws.py _reader (wait_for with idle timeout, parse, rate limit)", r"^server/ws\.py:_reader$"),
    ("hub: submit under lock, ingest, fan-out, presence", r"^server/(hub|effects|transport)\.py"),
    ("rooms: decide / apply", r"^server/rooms(?:\.py|/engine\.py):(decide|apply)"),
    ("protocol: parse / dumps", r"^server/protocol\.py"),
    ("json encode/decode", r"^json/"),
    ("asyncio: event loop, tasks, queues, wait_for", r"^asyncio/"),
)


def summarise_profile(raw: str, rate: float, seconds: float) -> dict[str, Any]:
    """py-spy --threads --format raw: one 'thread (TID): NAME;frame;...;leaf COUNT' line per stack.

    Per thread: how busy it was (non-idle samples / samples taken), and for the event-loop thread
    (MainThread) the categories, self time and inclusive time as % of its busy samples."""
    threads: Counter[str] = Counter()
    self_c: Counter[str] = Counter()
    incl: Counter[str] = Counter()
    cats: Counter[str] = Counter()
    other_self: Counter[str] = Counter()
    pats = [(label, re.compile(rx)) for label, rx in CATEGORIES]
    main = 0
    for line in raw.splitlines():
        line = line.strip()
        if not line:
            continue
        stack, _, n = line.rpartition(" ")
        try:
            count = int(n)
        except ValueError:
            continue
        parts = stack.split(";")
        tname = "?"
        if parts and parts[0].startswith("thread ("):
            tname = re.sub(r"_\d+$", "", parts[0].split(": ", 1)[-1])
            parts = parts[1:]
        threads[tname] += count
        frames = [_short(f) for f in parts if f and not f.startswith("process ")]
        if not frames:
            continue
        if tname != "MainThread":
            other_self[f"{tname}: {frames[-1]}"] += count
            continue
        main += count
        self_c[frames[-1]] += count
        for f in set(frames):
            incl[f] += count
        for label, rx in pats:
            if any(rx.search(f) for f in frames):
                cats[label] += count

    def top(c: Counter[str], n: int, total: int) -> list[tuple[str, float]]:
        return [(f, round(100 * k / max(1, total), 1)) for f, k in c.most_common(n)]

    taken = max(1.0, rate * seconds)
    return {
        "busy": {t: round(k / taken, 2) for t, k in threads.most_common()},
        "main_samples": main,
        "categories": top(cats, len(CATEGORIES), main),
        "self": top(self_c, 40, main),
        "inclusive": top(incl, 60, main),
        "other_threads_self": top(other_self, 10, sum(other_self.values())),
    }


def _md_cpuprobe(cp: dict[str, Any]) -> str:
    load = cp.get("load", {})
    rows = [
        f"cProfile with `time.thread_time` (the event loop's own CPU only; the ranking holds on a shared machine; "
        f"cProfile inflates call-heavy code) for {cp['seconds']} s at {cp['rate']} cmd/member/s "
        f"({load.get('delivered_s', 0):,.0f} ev/s delivered; {cp.get('loop_cpu_s')} s of loop CPU).",
        "",
        "| own % | cumulative % | calls | function |",
        "|---:|---:|---:|---|",
    ]
    rows += [
        f"| {r['own_pct']} | {r['cum_pct']} | {r['calls']:,} | `{r['function']}` |" for r in cp["own"][:20]
    ]
    rows += ["", "| cumulative % | own % | function |", "|---:|---:|---|"]
    skip = (
        "runners.py",
        "base_events.py:run_forever",
        "base_events.py:_run_once",
        "events.py:_run",
        "uvicorn/",
        "<",
    )
    rows += [
        f"| {r['cum_pct']} | {r['own_pct']} | `{r['function']}` |"
        for r in cp["cumulative"]
        if not r["function"].startswith(skip) or "uvicorn/protocols" in r["function"]
    ][:25]
    return "\n".join(rows)


def _md_profile(prof: dict[str, Any]) -> str:
    load = prof.get("load", {})
    busy = ", ".join(f"{t} {int(100 * v)}%" for t, v in prof.get("busy", {}).items())
    rows = [
        f"py-spy ({prof.get('hz', '?')} Hz, {prof['seconds']} s, all threads, idle excluded) on the Kring process at "
        f"{prof['rate']} cmd/member/s: {load.get('delivered_s', 0):,.0f} ev/s delivered, fan-out p99 "
        f"{load.get('fanout_ms', {}).get('p99', '?')} ms, server CPU {prof.get('server_cpu', '?')} cores. "
        f"Threads busy (share of wall time): {busy}. Percentages below are of the event-loop thread's busy samples "
        f"({prof.get('main_samples', 0)}); a sample counts once per category it touches.",
        "",
        "| % of loop | category |",
        "|---:|---|",
    ]
    rows += [f"| {v} | {k} |" for k, v in prof.get("categories", [])]
    rows += ["", "| self % | function (event-loop thread) |", "|---:|---|"]
    rows += [f"| {v} | `{k}` |" for k, v in prof.get("self", [])[:15]]
    rows += ["", "| inclusive % | function (event-loop thread) |", "|---:|---|"]
    rows += [
        f"| {v} | `{k}` |"
        for k, v in prof.get("inclusive", [])[:25]
        if not k.startswith(
            (
                "<frozen",
                "server/__main__",
                "server/cli",
                "uvicorn/main",
                "uvicorn/server",
                "uvicorn/_compat",
                "asyncio/runners",
            )
        )
    ]
    return "\n".join(rows)
