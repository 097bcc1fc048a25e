#!/usr/bin/env python3
"""--placement: pages per node of the traced process from /proc/PID/numa_maps,
compared with the test's own reading of the same file while the workload
holds still (build/tests/placement_load: 4096 anonymous pages, MAP_POPULATE).
"""
import json
import os
import re
import select
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import MMTRACE, OUT, check, eq, main, test

LOAD = os.path.join(OUT, "tests", "placement_load")
PAGES = 4096


def own_reading(pid):
    """Per node (anon, file) pages, read by the test: a mapping with file=
    is file-backed, others anonymous; N<n>=<count> in kernelpagesize_kB."""
    nodes = {}
    with open(f"/proc/{pid}/numa_maps") as f:
        for line in f:
            toks = line.split()
            kb = 4
            for t in toks:
                if t.startswith("kernelpagesize_kB="):
                    kb = int(t.split("=")[1])
            if "huge" in toks:
                continue
            kind = 1 if any(t.startswith("file=") for t in toks) else 0
            for t in toks[1:]:
                m = re.fullmatch(r"N(\d+)=(\d+)", t)
                if m:
                    n = int(m.group(1))
                    nodes.setdefault(n, [0, 0])[kind] += int(m.group(2)) * kb // 4
    return nodes


def wait_ready(stream, timeout=10):
    """The workload's "ready PID ADDR" line on a pipe; other lines kept."""
    deadline = time.time() + timeout
    seen = b""
    while time.time() < deadline:
        r, _, _ = select.select([stream], [], [], deadline - time.time())
        if not r:
            break
        chunk = os.read(stream.fileno(), 4096)
        if not chunk:
            break
        seen += chunk
        m = re.search(rb"ready (\d+) ", seen)
        if m:
            return int(m.group(1)), seen
    raise AssertionError(f"workload never got ready: {seen!r}")


def samples(path):
    recs = []
    with open(path) as f:
        for line in f:
            e = json.loads(line)
            if e["eventName"] == "placement":
                args = {a["name"]: a["value"] for a in e["args"]}
                args["pid"] = e["processId"]
                args["nodes"] = {n["node"]: n for n in args["nodes"]}
                recs.append(args)
    return recs


@test
def placement_command_json():
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "rec.json")
        p = subprocess.Popen([MMTRACE, "-o", "json", "--output-file", out, "-e",
                              "set_mempolicy,mbind", "--placement", "--interval", "1",
                              "--", LOAD, str(PAGES)],
                             stdin=subprocess.PIPE, stderr=subprocess.PIPE)
        pid, _ = wait_ready(p.stderr)
        mine = own_reading(pid)
        time.sleep(1.2)  # at least one interval sample while it holds still
        p.stdin.write(b"go\n")
        p.stdin.close()
        err = p.stderr.read().decode()
        eq(p.wait(timeout=20), 0, "exit status (the command's)")
        recs = samples(out)
        kinds = [r["kind"] for r in recs]
        eq(kinds[0], "start", "first sample")
        eq(kinds[-1], "exit", "last sample")
        check("interval" in kinds, f"no interval sample: {kinds}")
        check(all(r["pid"] == pid for r in recs), "samples of another pid")
        start, end = recs[0]["nodes"], recs[-1]["nodes"]
        grown = end[0]["anon"] - start.get(0, {"anon": 0})["anon"]
        check(grown >= PAGES, f"node 0 anon grew by {grown}, want >= {PAGES}")
        # the process held still from "ready" to its exit: same pages
        eq(end[0]["anon"], mine[0][0], "node 0 anon at exit vs numa_maps")
        # file pages are the page cache's, which other processes on the host
        # grow and shrink (readahead, reclaim): close, not equal
        check(abs(end[0]["file"] - mine[0][1]) <= max(32, mine[0][1] // 10),
              f"node 0 file at exit {end[0]['file']} vs numa_maps {mine[0][1]}")
        eq(recs[-1]["total"], sum(n["total"] for n in end.values()), "total")
        eq(recs[-1]["capped"], False, "capped")
        # the summary (stderr with JSON) names the policy calls
        check(re.search(rf"placement of {pid} \(placement_load\): start .* -> exit", err),
              f"no summary: {err}")
        check(re.search(r"policy calls: 2,", err), f"policy calls: {err}")
        check(re.search(r"mbind = 0 migration\{succeeded=\d+", err), f"mbind line: {err}")
        row = re.search(r"^\s+0\s+(\d+)\s+(\d+)\s+", err, re.M)
        check(row, f"no node 0 row: {err}")
        eq(int(row.group(2)), end[0]["anon"], "summary anon after")
        eq(int(row.group(1)), start.get(0, {"anon": 0})["anon"], "summary anon before")


@test
def placement_pid_table():
    load = subprocess.Popen([LOAD, str(PAGES)], stdin=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    try:
        pid, _ = wait_ready(load.stderr)
        mine = own_reading(pid)
        p = subprocess.Popen([MMTRACE, "-e", "mbind", "--placement", "-p", str(pid)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        time.sleep(1.5)
        p.send_signal(signal.SIGINT)
        out, err = p.communicate(timeout=20)
        eq(p.returncode, 0, f"mmtrace exit status ({err!r})")
        out = out.decode()
        lines = [l for l in out.splitlines() if " placement kind=" in l]
        eq(len(lines), 2, f"start and end lines: {out}")
        want = f"N0={{anon={mine[0][0]},file={mine[0][1]}}}"
        check("kind=start" in lines[0] and want in lines[0], f"{lines[0]} vs {want}")
        check("kind=end" in lines[1] and want in lines[1], f"{lines[1]} vs {want}")
        check(re.search(rf"placement of {pid} \(placement_load\): start .* -> end", out),
              f"summary: {out}")
        eq(load.poll(), None, "the workload still runs (mmtrace never kills it)")
    finally:
        load.stdin.write(b"go\n")
        load.stdin.close()
        eq(load.wait(timeout=10), 0, "workload exit status")


def state(pid):
    with open(f"/proc/{pid}/stat") as f:
        return f.read().rsplit(")", 1)[1].split()[0]


def wait_state(pid, want, timeout=5):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if state(pid) in want:
            return
        time.sleep(0.02)
    raise AssertionError(f"state of {pid}: {state(pid)}, want {want}")


@test
def placement_command_job_control():
    """The attached command stops and continues as without a tracer, gets
    its signals, and its exit status comes back."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "rec.json")
        p = subprocess.Popen([MMTRACE, "-o", "json", "--output-file", out, "-e", "mbind",
                              "--placement", "--", LOAD, "16"],
                             stdin=subprocess.PIPE, stderr=subprocess.PIPE)
        pid, _ = wait_ready(p.stderr)
        os.kill(pid, signal.SIGSTOP)
        # stopped (a group stop of a tracee shows as t) and stays so
        wait_state(pid, "Tt")
        time.sleep(0.3)
        check(state(pid) in "Tt", f"resumed without SIGCONT: {state(pid)}")
        os.kill(pid, signal.SIGCONT)
        wait_state(pid, "S")
        os.kill(pid, signal.SIGTERM)
        p.stderr.read()
        eq(p.wait(timeout=20), 128 + signal.SIGTERM, "exit status (killed by SIGTERM)")
        kinds = [r["kind"] for r in samples(out)]
        eq(kinds, ["start", "exit"], "samples")


@test
def placement_usage():
    for args in (["--placement"], ["--placement", "-c", "-p", "1"]):
        r = subprocess.run([MMTRACE] + args, capture_output=True, text=True)
        eq(r.returncode, 2, f"{args}: exit status")
        eq(len(r.stderr.splitlines()), 1, f"{args}: one line: {r.stderr}")


if __name__ == "__main__":
    sys.exit(main())
