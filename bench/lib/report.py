# SPDX-License-Identifier: GPL-2.0
"""The results as markdown: one table per workload, the ratios of mmtrace's
added cost to the floor's and to its peers', the untraced call, N parallel
producers, the in-kernel cost, two threads, bench/replay; and RESULTS.md's
header (machine, noise, what ran)."""
import statistics

PEERS = [("floor", "true floor"), ("floor-pcpu", "floor, per-CPU buffers"),
         ("floor-systp", "floor, per-syscall tracepoints"),
         ("floor-hashmap", "floor-hashmap"), ("strace", "strace"), ("perf-trace", "perf trace"),
         ("bpftrace", "bpftrace")]


def fmt_ns(v):
    return f"{v / 1000:.1f}k" if abs(v) >= 10000 else f"{v:.0f}"


def spread(values, fmt="{:+.0f}"):
    """median (min..max) of values, or – when there are none."""
    values = list(values)
    if not values:
        return "–"
    med = fmt.format(statistics.median(values))
    if len(values) == 1:
        return med
    return f"{med} ({fmt.format(min(values))}..{fmt.format(max(values))})"


def added_by_round(rows, key):
    """{round: ns added to the untraced run of the same round} for one tracer."""
    base = {r["round"]: r["ns"] for r in rows.get("none", [])}
    return {r["round"]: r["ns"] - base[r["round"]] for r in rows.get(key, [])
            if r["round"] in base}


def ratios(rows, key, ref):
    """Per round: key's added ns over ref's, where ref added something."""
    a, b = added_by_round(rows, key), added_by_round(rows, ref)
    return [a[r] / b[r] for r in a if r in b and b[r] > 0]


def table(workload, rows, na, tracers):
    """One markdown table: a row per tracer, medians (and spreads) over the rounds."""
    base = statistics.median(r["ns"] for r in rows["none"]) if rows.get("none") else None
    out = [f"### {workload}", "",
           "| tracer | ns/call | slowdown | added ns, median (min..max) | added / floor's "
           "| events / calls | drops | tracer CPU s | CPU us/call | peak RSS MB |",
           "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for t in tracers:
        runs = rows.get(t.key, [])
        if t.key in na and not runs:
            out.append(f"| {t.label} | n/a: {na[t.key]} | | | | | | | | |")
            continue
        if not runs:
            continue
        ns = statistics.median(r["ns"] for r in runs)
        cells = [t.label, fmt_ns(ns)]
        if base is None or t.key == "none":
            cells += ["1.00x" if t.key == "none" else "", "", ""]
        else:
            cells += [f"{ns / base:.2f}x", spread(added_by_round(rows, t.key).values())]
            cells.append("1.0" if t.key == "floor" else
                         spread(ratios(rows, t.key, "floor"), "{:.2f}"))
        if t.key == "none":
            cells += [f"– / {runs[0]['calls']}", "", "", "", ""]
        else:
            n = len(runs)
            counted = any(r["events"] is None for r in runs)
            events = 0 if counted else sum(r["events"] for r in runs) / n
            expected = sum(r["expected"] for r in runs) / n
            calls = sum(r["calls"] for r in runs) / n
            if counted:  # mmtrace top: rates per process, no events
                ev = f"– / {expected:.0f}" if expected else "– / 0 selected"
            elif expected:
                ev = f"{events:.0f} / {expected:.0f}"
                if expected != calls:
                    ev += f" (of {calls:.0f} made)"
                if abs(events - expected) > 0.0005 * expected:
                    ev += f" **{100 * events / expected:.1f}%**"
            else:
                ev = f"{events:.0f} / 0 selected"
            cpu = statistics.median(r["cpu_s"] for r in runs)
            per_call = statistics.median(1e6 * r["cpu_s"] / r["calls"] for r in runs)
            rss = statistics.median(r["rss_kb"] for r in runs) / 1024
            cells += [ev, str(sum(r["drops"] for r in runs)), f"{cpu:.2f}",
                      f"{per_call:.2f}", f"{rss:.1f}"]
        if t.key in na:
            cells[1] += f" ({na[t.key]})"
        out.append("| " + " | ".join(cells) + " |")
    return "\n".join(out)


def ratio_table(results, tracers):
    """mmtrace's added cost over the floor's and over each peer's, per workload
    and mmtrace mode: median (min..max) of the per-round ratios."""
    ours = [t for t in tracers if t.key.startswith(("mmtrace-", "baseline-"))]
    refs = [(k, l) for k, l in PEERS if any(t.key == k for t in tracers)]
    if not ours or not refs:
        return None
    out = ["### mmtrace's added cost over the floor's and its peers' (per-round ratios)", "",
           "Each cell: mmtrace's added ns divided by the other tracer's added ns in the same "
           "round, median (min..max) over the rounds; below 1.0 mmtrace costs less.", "",
           "| workload | mmtrace | " + " | ".join(f"/ {l}" for _, l in refs) + " |",
           "|---|---|" + "---:|" * len(refs)]
    for w, rows in results.items():
        if w == "getppid":
            continue
        for t in ours:
            if not rows.get(t.key):
                continue
            cells = [spread(ratios(rows, t.key, k), "{:.2f}" if k.startswith("floor")
                            else "{:.3f}") for k, _ in refs]
            out.append(f"| {w} | {t.label} | " + " | ".join(cells) + " |")
    return "\n".join(out)


def untraced_table(results, tracers):
    """What each tracer adds to a call it does not select (getppid)."""
    rows = results.get("getppid")
    if not rows or not rows.get("none"):
        return None
    out = ["### untraced call: getppid, which no tracer selects", "",
           "| tracer (attach mode) | added ns per getppid, median (min..max) |", "|---|---:|"]
    for t in tracers:
        if t.key != "none" and rows.get(t.key):
            out.append(f"| {t.label} | {spread(added_by_round(rows, t.key).values())} |")
    return "\n".join(out)


def real_table(res, counts, skipped, tracers, argv):
    """The untraced calls of a real program: wall time and what each tracer
    adds to each of its syscalls, per round over the untraced run of the same
    round."""
    base = {r["round"]: r["wall_s"] for r in res.get("none", [])}
    if not base:
        return None
    total = sum(counts.values())
    cmd = " ".join(a.replace("\n", "\\n") for a in argv)
    out = ["### untraced calls of a real program: `" + cmd + "`", "",
           (f"{total} syscalls in an untraced run (strace -f -c), of which "
            + (", ".join(f"{counts[s]} {s}" for s in sorted(counts, key=counts.get, reverse=True)
                         [:5]))
            + "; the tracers select its pid and the benchmark's syscalls, so nearly every call "
            "it makes is one they do not trace. Added ns per syscall: the run's wall time minus "
            "the untraced run's of the same round, over the syscalls.") if total else
           "(no syscall count: strace is not installed)", "",
           "| tracer (attach mode) | wall ms, median (min..max) | added ns per syscall | "
           "program CPU s | events / selected calls | tracer CPU s |",
           "|---|---:|---:|---:|---:|---:|"]
    for t in tracers:
        runs = res.get(t.key)
        if t.key in skipped and not runs:
            out.append(f"| {t.label} | n/a: {skipped[t.key]} | | | | |")
            continue
        if not runs:
            continue
        wall = spread((r["wall_s"] * 1000 for r in runs), "{:.1f}")
        added = "" if t.key == "none" or not total else spread(
            (r["wall_s"] - base[r["round"]]) * 1e9 / total for r in runs if r["round"] in base)
        cpu = f"{statistics.median(r['cpu_s'] for r in runs):.3f}"
        sel = sum(counts.get(s, 0) for s in t.selects)
        counted = [r["events"] for r in runs if r.get("events") is not None]
        ev = "" if t.key == "none" else "–" if not counted else (
            f"{statistics.median(counted):.0f} / {sel}"
            + (f", {sum(r['drops'] for r in runs)} lost" if any(r["drops"] for r in runs)
               else ""))
        tcpu = "" if t.key == "none" else \
            f"{statistics.median(r['tracer_cpu_s'] for r in runs):.2f}"
        out.append(f"| {t.label} | {wall} | {added} | {cpu} | {ev} | {tcpu} |")
    return "\n".join(out)


def producers_table(res, labels, na):
    keys = [k for k in labels if k != "none" and any(k in r for r in res.values())]
    out = ["### N parallel producers: set_mempolicy on N CPUs at once", "",
           "Each thread on its own CPU (thread i on CPU i % CPUs), the tracer unpinned; added "
           "ns per call over the untraced run of the same round, median (min..max); lost: "
           "records or events the tracer says it lost, of the calls it selects, summed over "
           "the rounds.", "",
           "| N | untraced ns/call | " + " | ".join(labels[k] for k in keys) + " |",
           "|---:|---:|" + "---:|" * len(keys)]
    for n, rows in res.items():
        if not rows.get("none"):
            continue
        cells = [str(n), fmt_ns(statistics.median(r["ns"] for r in rows["none"]))]
        for k in keys:
            runs = rows.get(k)
            if not runs:
                cells.append("n/a")
                continue
            lost = sum(r["drops"] for r in runs)
            expected = sum(r["expected"] for r in runs)
            cell = spread(added_by_round(rows, k).values())
            if k.startswith("floor"):
                cell += f"; lost {lost}"  # records: two per call
            else:
                cell += f"; lost {lost}" + (f" ({100 * lost / expected:.1f}%)"
                                            if lost and expected else "")
            cells.append(cell)
        out.append("| " + " | ".join(cells) + " |")
    if na:
        out += [""] + [f"- {k}: n/a: {v}" for k, v in na.items()]
    return "\n".join(out)


def bpf_cost_table(res, tracers, workloads, rounds):
    lines = ["### in-kernel cost: BPF program time per traced call", "",
             f"With kernel.bpf_stats_enabled, {rounds} runs each, medians: the run time of the "
             "tracer's BPF programs during the workload divided by the calls it made (program "
             "runs on other processes' syscalls included; the statistics add about 20 ns to "
             "each run).", "",
             "| workload | " + " | ".join(f"{t.label} ns/call" for t in tracers)
             + " | mmtrace / floor | program runs per call | mmtrace's programs, ns a run |",
             "|---|" + "---:|" * len(tracers) + "---:|---|---|"]
    for w in workloads:
        cols = [res.get((w, t.key)) for t in tracers]
        if not all(cols):
            continue
        meds = [statistics.median(x[0] for x in c) for c in cols]
        runs = ", ".join(f"{statistics.median(x[1] for x in c):.2f}" for c in cols)
        ratio = f"{meds[1] / meds[0]:.2f}" if meds[0] else "–"
        names = sorted({n for x in cols[1] for n in x[2]})
        progs = ", ".join(f"{n} {statistics.median(x[2][n] for x in cols[1] if n in x[2]):.0f}"
                          for n in names) or "–"
        lines.append(f"| {w} | " + " | ".join(f"{m:.0f}" for m in meds)
                     + f" | {ratio} | {runs} | {progs} |")
    return "\n".join(lines)


def two_threads_table(rows, buffer_mb):
    lines = [f"### two threads hammering set_mempolicy (mmtrace -o json, default "
             f"{buffer_mb} MiB ring buffer)", "",
             "| reader | calls made | events written | lost (counted) | written + lost = made "
             "| ns/call | calls/s, both threads |",
             "|---|---:|---:|---:|---|---:|---:|"]
    notes = []
    for r in rows:
        what = ("stopped (SIGSTOP) during the run" if r["stalled"] else
                "running, --overflow=drop" if r.get("drop") else "running")
        if "error" in r:
            lines.append(f"| {what} | n/a: {r['error']} | | | | | |")
            continue
        rate = 2 * 1e9 / r["ns"] if r["ns"] else 0
        exact = "yes" if r["events"] + r["lost"] == r["made"] else "**no**"
        lines.append(f"| {what} | {r['made']} | {r['events']} | {r['lost']} | {exact} "
                     f"| {r['ns']:.0f} | {rate:,.0f} |")
        if r["stalled"] and rate:
            notes.append(f"With the reader stopped, the buffer alone took {r['events']} records: "
                         f"{1000 * r['events'] / rate:.0f} ms of the peak rate "
                         f"({rate:,.0f} calls/s).")
    return "\n".join(lines + [""] + notes)


def reader_startup_table(reader, starts):
    lines = ["### the reader's CPU per event, start-up", "",
             "| what | min | median | max |", "|---|---:|---:|---:|"]
    for label, values in (reader or {}).items():
        if values:
            lines.append(f"| {label} "
                         f"| {min(values):.2f} | {statistics.median(values):.2f} "
                         f"| {max(values):.2f} |")
    if starts:
        lines.append(f"| start-up, ms from `mmtrace -e all -o json` to its command "
                     f"| {min(starts):.0f} | {statistics.median(starts):.0f} | {max(starts):.0f} |")
    return "\n".join(lines)


def replay_table(rows):
    lines = ["| format | events/s (one core) | ns/event | bytes/event |", "|---|---:|---:|---:|"]
    for kv in rows:
        lines.append(f"| {kv['format']} | {int(kv['events_per_s']):,} | {kv['ns_per_event']} "
                     f"| {kv['bytes_per_event']} |")
    return "\n".join(lines)
