# SPDX-License-Identifier: GPL-2.0
"""The passes of one benchmark run, each returning raw results that report.py
turns into tables: the interleaved comparison, the in-kernel cost pass, N
parallel producers, two threads hammering set_mempolicy, the reader's CPU per
event, start-up, bench/replay."""
import ctypes
import json
import os
import resource
import signal
import struct
import shutil
import subprocess
import tempfile
import time

from common import (EXECWAIT, REPLAY, STATS_SYSCTL, SYSCALLS, NotAvailable, log, parse_kv,
                    proc_cpu_s, prog_ids, read_text)
from workloads import WORKLOADS, TracerRun, calls_for, end_run, go, run_once, traced_workload
from tracers import (MAIN, Floor, FloorPerCpu, MmtraceJson, MmtraceJsonNull, MmtraceSummary,
                     NoTracer)


def turned(items, rnd):
    """items in round rnd's order: each round starts one further on, so a
    slow drift of the machine spreads over them all."""
    k = rnd % len(items)
    return items[k:] + items[:k]


def interleaved(cfg, tracers, workloads, tmp, na, started):
    """Every workload under every tracer, rounds times; within a round the
    tracers' order turns, so a slow drift of the machine spreads over all.
    Returns ({workload: {tracer key: [run dict, one per round]}}, tainted
    runs, foreign program names); a tracer failing twice goes to na."""
    active = [t for t in tracers if t.key not in na]
    results = {w: {} for w in workloads}
    failures, tainted, foreign = {}, 0, set()
    total, done = cfg.rounds * len(workloads) * len(active), 0
    for rnd in range(cfg.rounds):
        for w in workloads:
            order = turned(active, rnd)
            for t in order:
                done += 1
                if t.key in na:
                    continue
                try:
                    r = run_once(t, w, calls_for(w, t, cfg.quick), tmp, pin=cfg.pin)
                except (NotAvailable, OSError, RuntimeError) as e:
                    failures[t.key] = failures.get(t.key, 0) + 1
                    log(f"bench: {t.key} on {w}: {e}")
                    if failures[t.key] >= 2:
                        na[t.key] = str(e)
                    continue
                r["round"] = rnd
                results[w].setdefault(t.key, []).append(r)
                if r["foreign"]:
                    tainted += 1
                    foreign.update(r["foreign"])
                extra = ""
                if "events" in r:
                    extra = f", events {r['events']}/{r['expected']}, drops {r['drops']}, " \
                            f"cpu {r['cpu_s']:.2f} s"
                if r["foreign"]:
                    extra += " (other BPF programs loaded: " + ",".join(r["foreign"]) + ")"
                log(f"[{done}/{total} {time.monotonic() - started:.0f}s] round {rnd + 1} "
                    f"{w} {t.key}: {r['ns']:.1f} ns/call{extra}")
    return results, tainted, foreign


def producers(cfg, tmp, baseline=None):
    """N threads calling set_mempolicy at once, thread i on CPU i % ncpu, for
    each N of cfg.producers, under no tracer, the floor (one shared ring
    buffer, one per CPU), mmtrace -o json and mmtrace -c (and the baseline's
    when set); interleaved rounds. Returns {N: {tracer key: [run dicts]}} and
    the tracers' labels by key."""
    tracers = [NoTracer(), Floor(), FloorPerCpu(), MmtraceJson(), MmtraceSummary()]
    if baseline:
        tracers += [MmtraceJson(baseline, True), MmtraceSummary(baseline, True)]
    usable, na = [], {}
    for t in tracers:
        try:
            t.check()
            usable.append(t)
        except NotAvailable as e:
            na[t.key] = str(e)
    calls = calls_for("set_mempolicy", usable[0], cfg.quick)
    res = {n: {} for n in cfg.producers}
    for rnd in range(cfg.rounds):
        for n in cfg.producers:
            order = turned(usable, rnd)
            for t in order:
                try:
                    # calls per thread; the workload pins thread i to CPU i % ncpu
                    r = run_once(t, "set_mempolicy", calls, tmp, threads=n)
                except (NotAvailable, OSError, RuntimeError) as e:
                    log(f"bench: producers N={n} {t.key}: {e}")
                    continue
                r["round"] = rnd
                res[n].setdefault(t.key, []).append(r)
                log(f"bench: producers N={n} round {rnd + 1} {t.key}: {r['ns']:.1f} ns/call"
                    + (f", lost {r['drops']} of {r['expected']}" if "drops" in r else ""))
    return res, {t.key: t.short or t.label for t in tracers}, na


def prog_stats(ids):
    """run_cnt and run_time_ns summed over the BPF programs ids, and
    {program name: (run_cnt, run_time_ns)} of each."""
    out = subprocess.run(["bpftool", "-j", "prog", "list"], capture_output=True, text=True,
                         timeout=10).stdout
    cnt = ns = 0
    each = {}
    for p in json.loads(out or "[]"):
        if p.get("id") in ids:
            c, t = p.get("run_cnt", 0), p.get("run_time_ns", 0)
            cnt += c
            ns += t
            name = p.get("name", str(p["id"]))
            c0, t0 = each.get(name, (0, 0))
            each[name] = (c0 + c, t0 + t)
    return cnt, ns, each


def per_run(before, after, made):
    """{program name: ns a run} of the programs that ran at least once per
    call made (the entry and exit programs of the traced calls)."""
    out = {}
    for name, (c1, t1) in after.items():
        c0, t0 = before.get(name, (0, 0))
        if c1 - c0 >= made > 0:
            out[name] = (t1 - t0) / (c1 - c0)
    return out


def enable_stats_fd():
    """BPF_ENABLE_STATS: the kernel counts program run time while the
    returned fd is open, whatever another process writes to
    kernel.bpf_stats_enabled meanwhile. None where it fails."""
    nr = {"x86_64": 321, "aarch64": 280}.get(os.uname().machine)
    if nr is None:
        return None
    libc = ctypes.CDLL(None, use_errno=True)
    attr = ctypes.create_string_buffer(struct.pack("I", 0), 8)  # type: BPF_STATS_RUN_TIME
    fd = libc.syscall(nr, 32, attr, 8)  # 32: BPF_ENABLE_STATS
    return fd if fd >= 0 else None


def bpf_cost(cfg, tmp, workloads, rounds, baseline=None):
    """In-kernel cost of the BPF tracers (the floor probe, mmtrace -o json
    to /dev/null, the baseline's when set): run time of their programs per call the
    workload made, with the kernel's BPF statistics on
    (kernel.bpf_stats_enabled, set back afterwards). Less noisy than ns/call,
    which also carries the reader's share of the machine; a separate pass, as
    the statistics themselves cost every program run. Returns ({(workload,
    key): [(ns per call, program runs per call, {program: ns a run})]},
    tracers) or raises."""
    path = STATS_SYSCTL
    before = read_text(path).strip() or "0"
    tracers = [Floor(), MmtraceJsonNull()] + ([MmtraceJsonNull(baseline, True)] if baseline else [])
    res = {}
    for t in tracers:
        t.check()
    stats_fd = enable_stats_fd()
    try:
        with open(path, "w") as f:
            f.write("1")
        for _ in range(rounds):
            for w in workloads:
                calls = WORKLOADS[w][1 if cfg.quick else 0][0]
                for t in tracers:
                    with traced_workload(t, w, calls, tmp, pin=cfg.pin) as (wl, tr):
                        ids = prog_ids(tr.pid)
                        c0, t0, e0 = prog_stats(ids)
                        res_kv = go(wl)
                        c1, t1, e1 = prog_stats(ids)
                        made = sum(int(res_kv.get(sc, 0)) for sc in SYSCALLS)
                        if made:
                            res.setdefault((w, t.key), []).append(
                                ((t1 - t0) / made, (c1 - c0) / made, per_run(e0, e1, made)))
                        tr.stop()
    finally:
        try:
            with open(path, "w") as f:
                f.write(before)
        except OSError:
            pass
        if stats_fd is not None:
            os.close(stats_fd)
    return res, tracers


def two_threads(cfg, tmp, calls):
    """Two threads hammering set_mempolicy under mmtrace -o json with the
    default ring buffer, twice: with the reader running (losses, if any,
    must be counted exactly), and with the reader stopped (SIGSTOP), which
    measures how much of the peak rate the buffer holds by itself; then,
    when mmtrace has --overflow, once more with the reader running and
    --overflow=drop (the calls never slowed, what does not fit counted)."""
    plain = MmtraceJson()

    class Dropping(MmtraceJson):
        def argv(self, pid, d):
            return super().argv(pid, d) + ["--overflow=drop"]

    runs = [(plain, False, False), (plain, True, False)]
    if "--overflow" in plain.binary.help():
        runs.append((Dropping(), False, True))
    rows = []
    for tracer, stalled, drop in runs:
        try:
            tracer.check()
            with traced_workload(tracer, "set_mempolicy", calls, tmp, threads=2) as (wl, tr):
                if stalled:
                    os.kill(tr.pid, signal.SIGSTOP)
                res = go(wl)
                if stalled:
                    os.kill(tr.pid, signal.SIGCONT)
                tr.settle()
                tr.stop()
                events, lost = tracer.collect(tr)
                rows.append({"stalled": stalled, "drop": drop,
                             "made": int(res.get("set_mempolicy", 0)),
                             "events": events, "lost": lost, "ns": float(res["ns_per_call"])})
        except (NotAvailable, OSError, RuntimeError) as e:
            rows.append({"stalled": stalled, "drop": drop, "error": str(e)})
    return rows


# The real program of the untraced-syscalls pass: a walk of /usr asking each
# file's size (newfstatat, getdents64, openat, fcntl, close: about 420 000
# syscalls in 0.3 s on the 2-CPU VMs), of which only the few mmap and munmap
# of its start are of the kinds the tracers select.
REAL_PROGRAM = ["find", "/usr", "-xdev", "-printf", "%s\n"]
REAL_SKIP = {
    "strace": "ptrace stops the program at every syscall, selected or not "
              "(+120 us each: a minute a run)",
    "mmtrace-nats": "its BPF side is -o json's; the server's start would dominate the run",
}


def syscall_counts(argv):
    """{syscall: calls} of one untraced run of argv, by strace -f -c; {} without strace."""
    if not shutil.which("strace"):
        return {}
    with tempfile.NamedTemporaryFile("r", suffix=".strace") as f:
        subprocess.run(["strace", "-f", "-c", "-o", f.name] + argv, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, timeout=120, check=False)
        counts = {}
        for line in f.read().splitlines():
            cols = line.split()
            # % time, seconds, usecs/call, calls, [errors,] syscall
            if len(cols) >= 5 and cols[3].isdigit() and cols[-1] != "total":
                counts[cols[-1]] = int(cols[3])
        return counts


def run_real(tracer, tmp, pin):
    """REAL_PROGRAM once under tracer (None: untraced), its pid selected:
    {"wall_s", "cpu_s" (the program's), and for a tracer "events", "drops",
    "tracer_cpu_s"}."""
    d = tempfile.mkdtemp(dir=tmp)
    wl = subprocess.Popen([EXECWAIT] + REAL_PROGRAM, stdin=subprocess.PIPE,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    tr = None
    try:
        if not wl.stdout.readline().decode().startswith("ready"):
            raise RuntimeError("execwait did not start: "
                               + wl.stderr.read().decode(errors="replace").strip())
        if tracer is not None:
            tr = TracerRun(tracer, wl.pid, d, pin)
            tr.wait_attached()
            cpu_at_start = proc_cpu_s(tr.pid) or 0.0
        wl.stdin.write(b"g")
        wl.stdin.close()
        start = int(parse_kv(wl.stdout.readline().decode()).get("start_ns", "0"))
        _, status, ru = os.wait4(wl.pid, 0)
        end = time.monotonic_ns()
        wl.returncode = os.waitstatus_to_exitcode(status)
        if wl.returncode != 0 or not start:
            raise RuntimeError(f"{' '.join(REAL_PROGRAM)} exited {wl.returncode}: "
                               + wl.stderr.read().decode(errors="replace").strip()[-300:])
        r = {"wall_s": (end - start) / 1e9, "cpu_s": ru.ru_utime + ru.ru_stime}
        if tr:
            tr.settle()
            tr.stop()
            tru = tr.rusage
            r["tracer_cpu_s"] = max(tru.ru_utime + tru.ru_stime - cpu_at_start, 0.0)
            r["events"], r["drops"] = tracer.collect(tr)
        return r
    finally:
        end_run(wl, tr, d)


def real_program(cfg, tracers, na, tmp, rounds):
    """The untraced calls of a real program: REAL_PROGRAM under no tracer and
    each tracer that can run (not REAL_SKIP's), its pid selected, rounds
    times, the order turning each round. Returns ({tracer key: [run dicts
    with "round"]}, {syscall: calls} of an untraced run, {key: why not})."""
    usable = [t for t in tracers if t.key not in na and t.key not in REAL_SKIP]
    skipped = {k: v for k, v in REAL_SKIP.items() if any(t.key == k for t in tracers)}
    res, failed = {}, {}
    run_real(None, tmp, False)  # the page cache and the dentries warm
    for rnd in range(rounds):
        order = turned(usable, rnd)
        for t in order:
            if failed.get(t.key, 0) >= 2:
                continue
            try:
                r = run_real(None if t.key == "none" else t, tmp, cfg.pin)
            except (NotAvailable, OSError, RuntimeError, ValueError) as e:
                failed[t.key] = failed.get(t.key, 0) + 1
                log(f"bench: real program under {t.key}: {e}")
                if failed[t.key] >= 2:
                    skipped[t.key] = str(e)
                continue
            r["round"] = rnd
            res.setdefault(t.key, []).append(r)
            log(f"bench: real program round {rnd + 1} {t.key}: {r['wall_s'] * 1000:.1f} ms"
                + (f", events {r['events']}" if "events" in r else ""))
    return res, syscall_counts(REAL_PROGRAM), skipped


READER_NULL = "reader, us of CPU per JSON event to /dev/null"
READER_TMPFS = "reader, us of CPU per JSON event to a tmpfs file"
MEDIUM = ("the same bytes written right after to a new tmpfs file by 256 KiB write()s, "
          "us of CPU per event: the medium alone (on a VM, as variable as where its pages "
          "come from)")


def write_cost(path, size):
    """CPU seconds this process spends writing size zero bytes to a new file
    at path in 256 KiB write()s (as the reader's buffer), the file removed."""
    chunk = memoryview(bytes(256 << 10))
    before = resource.getrusage(resource.RUSAGE_SELF)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        left = size
        while left > 0:
            left -= os.write(fd, chunk[:min(left, len(chunk))])
    finally:
        os.close(fd)
    after = resource.getrusage(resource.RUSAGE_SELF)
    os.unlink(path)
    return after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def reader_cpu(cfg, tmp, calls, rounds):
    """The reader's CPU per JSON event: set_mempolicy on CPU 1 under
    mmtrace -o json pinned to the other CPUs, its utime + stime from once it
    is attached and idle (start-up done) to its exit (it ends with the
    traced process: the last events, the flush, the unload); to /dev/null
    (decode, render, write) and to a file on the tmpfs (plus the page-cache
    copy). Then, while that file still holds its pages, the same number of
    bytes written to a new tmpfs file by this process: what the medium alone
    costs (on a VM, a page the host took back costs a fault at first touch).
    {label: [us per event, one per round]}."""

    out = {READER_NULL: [], READER_TMPFS: [], MEDIUM: []}
    for _ in range(rounds):
        for label, tracer in ((READER_NULL, MmtraceJsonNull()), (READER_TMPFS, MmtraceJson())):
            tracer.check()
            with traced_workload(tracer, "set_mempolicy", calls, tmp, pin=cfg.pin) as (wl, tr):
                before = proc_cpu_s(tr.pid)
                res = go(wl)
                tr.settle()
                tr.stop()
                made = int(res.get("set_mempolicy", 0))
                ru = tr.rusage
                if before is not None and ru is not None and made:
                    out[label].append(1e6 * (ru.ru_utime + ru.ru_stime - before) / made)
                if label == READER_TMPFS and made:
                    size = os.path.getsize(os.path.join(tr.dir, "out.json"))
                    cpu = write_cost(os.path.join(tr.dir, "medium"), size)
                    out[MEDIUM].append(1e6 * cpu / made)
    return out


def startup(runs):
    """Wall time from starting mmtrace -e all (every event, JSON to
    /dev/null) to its command's first instruction, runs times: [ms]."""
    argv = [MAIN.path, "-e", "all", "-o", "json", "--output-file", "/dev/null", "--",
            "sh", "-c", "date +%s%N"]
    times = []
    for _ in range(runs):
        # the previous run's tracepoints are still being released by a
        # child it left (about 0.3 s): not this run's cost
        time.sleep(1)
        t0 = time.time_ns()
        p = subprocess.run(argv, capture_output=True, text=True, timeout=60)
        if p.returncode:
            raise RuntimeError(f"mmtrace -e all exited {p.returncode}: {p.stderr.strip()}")
        times.append((int(p.stdout.strip()) - t0) / 1e6)
    return times


def replay():
    """bench/replay's lines as key=value dicts, or (None, why)."""
    if not os.access(REPLAY, os.X_OK):
        return None, "bench/replay not built"
    p = subprocess.run([REPLAY], capture_output=True, text=True, timeout=120)
    if p.returncode:
        return None, p.stderr.strip()
    return [kv for kv in map(parse_kv, p.stdout.splitlines()) if "format" in kv], None
