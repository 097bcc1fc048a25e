#!/usr/bin/env python3
"""End-to-end tests with a hostile traced process (tests/hostile/hostile.c),
an overloaded ring buffer, and operator mistakes: mmtrace must emit a valid
event for every call or count it as lost, never print a fake event, keep
every JSON line parseable, report races on node masks, and leave nothing
behind. Needs root. Ends with "N passed, N failed"."""
import json
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import time

from harness import (HOSTILE, MMTRACE, TO_STDOUT, WORKLOAD, Fail, bpf_fds, check, eq, main,
                     test)

EVENTS = ["set_mempolicy", "mbind", "migrate_pages", "move_pages", "mremap"]
# the thread names hostile.c sets, as JSON must give them back: invalid
# UTF-8 bytes become U+FFFD one by one
NAMES = ['q"uo"te', "back\\slash", "new\nline", "\x1b[31mred\x1b[0m", "\x01\x02\x1f\x7f",
         "bad\ufffd\ufffdutf8", "trunc\ufffd\ufffd", '{"fake":1}', "hostile"]




def run_hostile(mode, iterations, *opts, fmt="json"):
    with tempfile.TemporaryDirectory() as tmp:
        log = os.path.join(tmp, "log")
        p = subprocess.run([MMTRACE, *TO_STDOUT, "-o", fmt, "--stats", "-e", ",".join(EVENTS), *opts,
                            "--", HOSTILE, mode, str(iterations), log],
                           capture_output=True, timeout=300)
        eq(p.returncode, 0, f"exit status ({p.stderr[-300:]!r})")
        with open(log) as f:
            made = json.load(f)
    stats = json.loads(p.stderr.decode().strip().splitlines()[-1])["stats"]
    return p.stdout, stats, made


def parse_json_lines(raw):
    events = []
    for line in raw.split(b"\n")[:-1]:
        events.append(json.loads(line.decode("utf-8")))  # strict: must be UTF-8 JSON
    check(raw.endswith(b"\n") or not raw, "output ends mid-line")
    return events


@test
def hostile_arguments_every_call_decoded():
    raw, stats, made = run_hostile("calls", 300)
    events = parse_json_lines(raw)
    eq(stats["malformed"], 0, "records the decoder refused")
    pids = {e["hostProcessId"] for e in events}
    eq(len(pids), 1, "one traced process")
    for name in EVENTS:
        got = sum(1 for e in events if e["eventName"] == name)
        lost = sum(stats["lostByEvent"][name].values())
        eq(got + lost, made[name], f"{name}: delivered + lost")
    for e in events:
        check(e["processName"] in NAMES, f"processName {e['processName']!r}")
        check(e["eventName"] in EVENTS, f"eventName {e['eventName']!r}")
        eq(e["hostProcessId"], e["processId"], "pids")
        for a in e["args"]:
            if a["type"] == "const unsigned long*" and a["value"] == 0xffff888000000000:
                # unreadable; or not read at all when maxnode <= 1
                check(a.get("readError") == "EFAULT" or a.get("nodes") == [],
                      f"a kernel address is not readable: {a}")
    # every thread name came out
    eq({e["processName"] for e in events} - {"hostile"}, set(NAMES) - {"hostile"},
       "thread names seen")


@test
def hostile_names_cannot_break_the_table():
    raw, stats, made = run_hostile("calls", 50, fmt="table")
    lines = raw.split(b"\n")
    eq(lines[-1], b"", "output ends with a newline")
    eq(len(lines) - 2, sum(made.values()) - sum(
        sum(v.values()) for v in stats["lostByEvent"].values()), "one line per event")
    for line in lines:
        bad = [b for b in line if b < 0x20 or b == 0x7f]
        eq(bad, [], f"control bytes in a table line {line[:80]!r}")
        line.decode("utf-8")  # invalid UTF-8 is escaped


KCOPY_ROW = "TOCTOU check of node masks"


def toctou_method():
    """How node masks are checked on this kernel, per `mmtrace --features`:
    "entry-exit re-read" on kernels without fexit and kprobes (ours)."""
    p = subprocess.run([MMTRACE, "--features"], capture_output=True, text=True, timeout=30)
    for line in p.stdout.splitlines():
        if line.startswith(KCOPY_ROW):
            return re.split(r"\s{2,}", line)[2]
    raise Fail(f"no {KCOPY_ROW!r} row in --features")


@test
def toctou_race_is_reported():
    """A thread flips the node mask between {0} and {0,1} while another calls
    set_mempolicy with it: some calls must be flagged, every mask says how it
    was checked (on our kernels: read again at exit)."""
    method = toctou_method()
    flagged = 0
    for attempt in range(5):
        raw, stats, made = run_hostile("race", 20000, "-e", "set_mempolicy")
        events = parse_json_lines(raw)
        eq(len(events) + stats["lost"], made["set_mempolicy"], "delivered + lost")
        for e in events:
            mask = e["args"][1]
            if mask["value"] == 0:
                check("toctouCheck" not in mask, f"a NULL mask was checked: {mask}")
                continue  # the final reset
            check(mask["nodes"] in ([0], [0, 1]), f"nodes {mask['nodes']}")
            eq(mask.get("toctouCheck"), method, "toctouCheck")
            if method == "entry-exit re-read":
                check("kernelNodes" not in mask, f"kernelNodes without a kernel copy: {mask}")
            flagged += mask.get("toctou", False)
        if flagged:
            break
    check(flagged > 0, "no call was flagged toctou in 5 x 20000 racing calls")


@test
def kernel_copy_unavailable_is_one_note():
    """--kernel-copy=fexit or kprobe where the kernel has no such hook: one
    line on stderr, then tracing as usual with the entry-exit re-read; =off
    always re-reads, silently."""
    method = toctou_method()
    for hook, name in (("fexit", "kernel-copy (fexit get_nodes)"),
                       ("kprobe", "kernel-copy (kprobe get_nodes)"), ("off", None)):
        p = subprocess.run([MMTRACE, *TO_STDOUT, "-o", "json", "-e", "set_mempolicy",
                            f"--kernel-copy={hook}", "--", WORKLOAD, "set_mempolicy",
                            "/dev/null"], capture_output=True, text=True, timeout=60)
        eq(p.returncode, 0, f"--kernel-copy={hook}: exit status ({p.stderr.strip()})")
        events = [json.loads(l) for l in p.stdout.splitlines()]
        # every mask read says how it was checked (the empty ones: not at all)
        for e in events:
            for a in e["args"]:
                if a.get("nodes"):
                    check("toctouCheck" in a, f"--kernel-copy={hook}: unchecked mask {a}")
        checks = {a["toctouCheck"] for e in events for a in e["args"] if "toctouCheck" in a}
        if hook == "off":
            eq(p.stderr, "", "--kernel-copy=off: stderr")
        if not p.stderr:  # the hook is there: it is what checked the masks
            check(hook == "off" or method != "entry-exit re-read",
                  f"--kernel-copy={hook} worked where --features found no hook")
            eq(checks, {name or "entry-exit re-read"}, f"--kernel-copy={hook}: toctouCheck")
        else:
            eq(checks, {"entry-exit re-read"}, f"--kernel-copy={hook}: toctouCheck")
            lines = p.stderr.splitlines()
            eq(len(lines), 1, f"--kernel-copy={hook}: stderr lines {lines}")
            check(re.fullmatch(rf"mmtrace: --kernel-copy={hook} is not available on this "
                               rf"kernel \(.+\): node masks are checked by entry-exit re-read "
                               rf"instead", lines[0]), f"--kernel-copy={hook}: note {lines[0]!r}")


@test
def overload_losses_are_exact():
    """Four threads into an 8 KiB buffer: per event, delivered + lost == made."""
    raw, stats, made = run_hostile("calls", 2000, "--buffer-size", "8K")
    events = parse_json_lines(raw)
    total_lost = 0
    for name in EVENTS:
        got = sum(1 for e in events if e["eventName"] == name)
        lost = sum(stats["lostByEvent"][name].values())
        total_lost += lost
        eq(got + lost, made[name], f"{name}: delivered {got} + lost {lost}")
    check(total_lost > 0, "an 8 KiB buffer should have overflowed")
    eq(stats["lost"], total_lost, "lost total")


def bpf_ids_of(pid):
    """The ids of the BPF programs and maps process pid holds open."""
    return {(k, int(info[k])) for info in bpf_fds(pid)
            if info["target"].startswith("anon_inode:bpf-")
            for k in ("prog_id", "map_id") if k in info}


def bpf_ids_alive():
    alive = set()
    for kind, key in (("prog", "prog_id"), ("map", "map_id")):
        p = subprocess.run(["bpftool", "-j", kind, "show"], capture_output=True, text=True)
        alive |= {(key, o["id"]) for o in json.loads(p.stdout or "[]")}
    return alive


@test
def output_errors_are_one_line():
    # with a command, an output that fails stops the tracing, not the
    # command: one line says why, the exit status is the command's
    p = subprocess.run(f"{MMTRACE} {' '.join(TO_STDOUT)} -o json -e set_mempolicy -- "
                       f"{WORKLOAD} set_mempolicy /dev/null > /dev/full", shell=True,
                       capture_output=True, text=True, timeout=60)
    eq(p.returncode, 0, "exit status writing to /dev/full: the command's")
    # the write failed while the command ran (tracing stops, it runs on),
    # or after it ended (the order window holds records up to 10 ms)
    check(p.stderr.splitlines() in (
        [f"mmtrace: stopped tracing (failed to write the output: No space left on device); "
         f"'{WORKLOAD}' runs on, untraced, to its end"],
        ["mmtrace: failed to write /dev/stdout: No space left on device"]),
        f"/dev/full message: {p.stderr!r}")
    p = subprocess.run([MMTRACE, "--output-file", "/nonexistent/dir/out.json"],
                       capture_output=True, text=True, timeout=60)
    eq(p.returncode, 1, "exit status with a file in a missing directory")
    eq(p.stderr.splitlines(),
       ["mmtrace: failed to open /nonexistent/dir/out.json: No such file or directory"],
       "missing directory message")
    p = subprocess.run(f"{MMTRACE} {' '.join(TO_STDOUT)} -o json -e set_mempolicy -- "
                       f"{HOSTILE} race 20000 /dev/null | head -1", shell=True,
                       capture_output=True, text=True, timeout=60)
    eq(p.returncode, 0, "exit status of the pipeline")
    eq(len(p.stdout.splitlines()), 1, "head -1")
    json.loads(p.stdout)
    # the pipe closed while the command ran (one line says so), or after
    check(p.stderr in ("", f"mmtrace: stopped tracing (the output was closed); '{HOSTILE}' "
                           "runs on, untraced, to its end\n"),
          f"stderr with a closed pipe: {p.stderr!r}")


@test
def signals_at_random_moments():
    rng = random.Random(7)
    held = set()
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP) * 2:
        p = subprocess.Popen([MMTRACE, "-o", "table", "-e", "set_mempolicy"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        check(p.stdout.readline().startswith(b"TIME"), "no header")  # attached
        held |= bpf_ids_of(p.pid)
        gen = subprocess.Popen([HOSTILE, "race", "200000", "/dev/null"])
        time.sleep(rng.uniform(0.0, 0.5))
        p.send_signal(sig)
        out, err = p.communicate(timeout=30)
        gen.kill()
        gen.wait()
        eq(p.returncode, 0, f"exit status after {sig.name}")
        check(out.endswith(b"\n") or not out, "a line cut short")
        check(b"failed" not in err, f"stderr after {sig.name}: {err!r}")
    check(len(held) >= 6, f"saw the tracers' BPF objects: {held}")
    deadline = time.time() + 5  # the kernel frees them after an RCU grace period
    while held & bpf_ids_alive() and time.time() < deadline:
        time.sleep(0.1)
    eq(held & bpf_ids_alive(), set(), "BPF programs and maps left behind")


@test
def two_tracers_at_once():
    with tempfile.TemporaryDirectory() as tmp:
        procs = [subprocess.Popen([MMTRACE, *TO_STDOUT, "-o", "json", "-e", "set_mempolicy", "--",
                                   WORKLOAD, "set_mempolicy", os.path.join(tmp, f"log{i}")],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                 for i in range(2)]
        outs = [p.communicate(timeout=60) for p in procs]
        for i, (p, (out, err)) in enumerate(zip(procs, outs)):
            eq(p.returncode, 0, f"tracer {i} exit status ({err!r})")
            with open(os.path.join(tmp, f"log{i}")) as f:
                calls = [json.loads(l) for l in f]
            eq(len(parse_json_lines(out)), len(calls), f"tracer {i}: its command's events")


@test
def command_killed_by_a_signal():
    p = subprocess.run([MMTRACE, "-e", "set_mempolicy", "--", "sh", "-c", "kill -KILL $$"],
                       capture_output=True, text=True, timeout=60)
    eq(p.returncode, 128 + 9, "exit status of a command killed by SIGKILL")


if __name__ == "__main__":
    sys.exit(main())
