# SPDX-License-Identifier: GPL-2.0
"""bench/run's body: check, run the passes, print and write RESULTS.md."""
import datetime
import os
import shutil
import subprocess
import sys
import tempfile
import time

import passes
import report
from common import (EXECWAIT, FLOOR, MMTRACE, NCPU, REPLAY, STATS_SYSCTL, SYSCALLS, TOP, WORKLOAD,
                    WORKLOAD_CPU, Config, NotAvailable, cpu_model, loadavg, log, read_text,
                    setup_peers, stats_holders, tracer_cpus, version)
from tracers import MAIN, Binary, all_tracers
from workloads import QUICK_WORKLOADS, WORKLOADS


def when(mtime):
    if mtime is None:
        return "missing"
    return datetime.datetime.fromtimestamp(mtime).astimezone().strftime("%Y-%m-%d %H:%M %Z")


USAGE = ("usage: bench/run (no arguments; settings come from BENCH_* variables, "
         "listed in bench/README.md)")


def main():
    if len(sys.argv) > 1:
        if sys.argv[1] in ("-h", "--help"):
            print(USAGE)
            return 0
        log(f"bench: unexpected argument {sys.argv[1]!r}; {USAGE}")
        return 2
    if os.geteuid() != 0:
        log("bench: must run as root (the tracers load BPF programs)")
        return 1
    try:
        cfg = Config()
    except ValueError as e:
        log(f"bench: {e}")
        return 2
    for path in (WORKLOAD, FLOOR, REPLAY, EXECWAIT):
        if not os.access(path, os.X_OK):
            log(f"bench: {path} is missing: run make -C bench first")
            return 1
    baseline = None
    if cfg.baseline:
        if not os.access(cfg.baseline, os.X_OK):
            log(f"bench: BENCH_BASELINE {cfg.baseline} is not an executable")
            return 2
        baseline = Binary(os.path.abspath(cfg.baseline))
    workloads = cfg.workloads.split(",") if cfg.workloads else \
        (QUICK_WORKLOADS if cfg.quick else list(WORKLOADS))
    for w in workloads:
        if w not in WORKLOADS:
            log(f"bench: unknown workload {w} (known: {', '.join(WORKLOADS)})")
            return 2
    tracers = [t for t in all_tracers(baseline)
               if not cfg.tracers or t.key == "none" or t.key in cfg.tracers.split(",")]
    setup_peers()
    started = time.monotonic()
    load_before = loadavg()
    if float((load_before.split() or ["0"])[0].replace("?", "0")) > 1.0:
        log(f"bench: the machine is busy (load average {load_before}): expect noise")

    # BPF run-time statistics make every program run read the clock twice
    # more (about 50 ns a run here): the floor's and mmtrace's alike, which
    # squeezes their ratios towards 1. Off for the timing passes, whoever
    # left them on; put back afterwards.
    stats_found = read_text(STATS_SYSCTL).strip() or "0"
    if stats_found != "0":
        log("bench: kernel.bpf_stats_enabled was on: off for the timing passes")
        with open(STATS_SYSCTL, "w") as f:
            f.write("0")
    holders = stats_holders()
    if holders:
        log(f"bench: {', '.join(sorted(holders))} keep BPF statistics on (an open "
            "BPF_ENABLE_STATS fd): every BPF tracer is slowed")
    stats_line = ("- BPF run-time statistics during the timing passes: "
                  + (f"on, held by {', '.join(sorted(holders))}: every BPF tracer is slowed"
                     if holders else "off")
                  + (" (kernel.bpf_stats_enabled was found on: set to 0 for the runs, put back "
                     "after)" if stats_found != "0" else ""))

    # the tracers' outputs (200 MB of JSON a run) go to a tmpfs: on a disk,
    # the writeback of earlier runs' files slowed later runs by as much as
    # the tracing itself; what a slow disk costs is --overflow's business
    out_dir = os.environ.get("BENCH_TMPDIR") or ("/dev/shm" if os.path.isdir("/dev/shm")
                                                 else None)
    tmp = tempfile.mkdtemp(prefix="mmtrace-bench.", dir=out_dir)
    MAIN.snapshot(tmp, "mmtrace")
    if baseline:
        baseline.snapshot(tmp, "mmtrace-baseline")
    na = {}
    for t in tracers:
        try:
            t.check()
        except NotAvailable as e:
            na[t.key] = str(e)
    kcost = kcost_err = hammer = prod = reader = starts = reader_err = real = None
    try:
        results, tainted, foreign = passes.interleaved(cfg, tracers, workloads, tmp, na, started)
        if cfg.real:
            log("bench: untraced calls of a real program: " + " ".join(passes.REAL_PROGRAM))
            real = report.real_table(*passes.real_program(cfg, tracers, na, tmp, cfg.rounds),
                                     tracers, passes.REAL_PROGRAM)
        if cfg.bpf_stats:
            log("bench: in-kernel cost pass (kernel.bpf_stats_enabled)")
            kw = [w for w in workloads if w != "getppid"]
            try:
                res, kt = passes.bpf_cost(cfg, tmp, kw, 3 if cfg.quick else 5, baseline)
                kcost = report.bpf_cost_table(res, kt, kw, 3 if cfg.quick else 5)
            except (NotAvailable, OSError, RuntimeError, ValueError) as e:
                kcost_err = str(e)
        if cfg.producers:
            log(f"bench: N parallel producers, N = {','.join(map(str, cfg.producers))}")
            prod = report.producers_table(*passes.producers(cfg, tmp, baseline))
        json_ok = "mmtrace-json" in [t.key for t in tracers if t.key not in na]
        if json_ok and cfg.two_threads:
            log("bench: two threads hammering set_mempolicy, reader running, then stopped")
            hammer = passes.two_threads(cfg, tmp, 100000 if cfg.quick else 500000)
        if json_ok and cfg.reader:
            log("bench: the reader's CPU per event; start-up with every event")
            try:
                reader = passes.reader_cpu(cfg, tmp, 200000 if cfg.quick else 1000000,
                                           1 if cfg.quick else 3)
                starts = passes.startup(3 if cfg.quick else 9)
            except (NotAvailable, OSError, RuntimeError, ValueError) as e:
                reader_err = str(e)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        if stats_found != "0":
            with open(STATS_SYSCTL, "w") as f:
                f.write(stats_found)

    elapsed = time.monotonic() - started
    load_after = loadavg()
    floor_hooks = {r.get("hook") for w in results.values() for r in w.get("floor", [])}
    replay, replay_err = passes.replay()
    uname = os.uname()
    cmd = " ".join(f"{k}={os.environ[k]}" for k in sorted(os.environ) if k.startswith("BENCH_"))
    cmd = (cmd + " " if cmd else "") + ("make bench" if "MAKELEVEL" in os.environ else "bench/run")
    git = subprocess.run(["git", "-C", TOP, "describe", "--always", "--dirty"],
                         capture_output=True, text=True).stdout.strip() or "?"
    known = MAIN.events()
    pinned = (f"tracers pinned to CPU {','.join(map(str, sorted(tracer_cpus())))}"
              if cfg.pin else "tracers unpinned")
    doc = ["# mmtrace benchmark results", "",
           f"- date: {datetime.datetime.now().astimezone().strftime('%Y-%m-%d %H:%M %Z')}",
           f"- command: `{cmd}`; {cfg.rounds} rounds in {elapsed:.0f} s",
           f"- kernel: {uname.sysname} {uname.release} {uname.machine}",
           f"- CPU: {cpu_model()}, {NCPU} CPUs; workload pinned to CPU {WORKLOAD_CPU}; {pinned}",
           f"- mmtrace: {MMTRACE} of {when(MAIN.built)}, tree {git}; of the syscalls, it knows "
           + (", ".join(s for s in SYSCALLS if s in known) or "none"),
           f"- peers: {version(['strace', '-V'])}; {version(['perf', '--version'])}; "
           f"{version(['bpftrace', '--version'])}",
           f"- load average (1, 5, 15 min) before: {load_before}; after: {load_after} "
           "(the runs themselves keep about one CPU busy)",
           f"- runs during which another tool's tracing BPF programs were loaded: {tainted}"
           + (f" ({', '.join(sorted(foreign))}): those runs are slowed by them" if tainted else ""),
           f"- floor probe hook: {', '.join(sorted(h for h in floor_hooks if h)) or 'n/a'}",
           stats_line,
           f"- tracers' output files written in {os.path.dirname(tmp)}"
           + (" (a tmpfs: no disk writeback in the figures)" if out_dir == "/dev/shm" else "")]
    if baseline:
        doc.append(f"- baseline mmtrace: {cfg.baseline} of {when(baseline.built)}")
    doc += ["",
            "Medians over the rounds, with (min..max) where given; ns/call is each run's median "
            "block mean. See bench/README.md for what each column means.", ""]
    for part in (report.ratio_table(results, tracers), report.untraced_table(results, tracers)):
        if part:
            doc += [part, ""]
    if real:
        doc += [real, ""]
    for w in workloads:
        doc += [report.table(w, results[w], na, tracers), ""]
    if prod:
        doc += [prod, ""]
    if kcost or kcost_err:
        doc += [kcost or f"### in-kernel cost\n\nn/a: {kcost_err}", ""]
    if hammer:
        doc += [report.two_threads_table(hammer, MAIN.default_buffer_mb()), ""]
    if reader or starts or reader_err:
        doc += [report.reader_startup_table(reader, starts) if not reader_err
                else f"### the reader's CPU per event, start-up\n\nn/a: {reader_err}", ""]
    doc += ["### decode and format (bench/replay)", "",
            report.replay_table(replay) if replay else f"n/a: {replay_err}", ""]
    if na:
        doc += ["### not measured", ""] + [f"- {k}: {v}" for k, v in na.items()] + [""]
    text = "\n".join(doc)
    print(text)
    if tainted:
        log(f"bench: {tainted} runs had another tool's BPF programs loaded: results are tainted")
    with open(cfg.results, "w") as f:
        f.write(text)
    log(f"bench: wrote {cfg.results}")
    return 0
