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
FORK = os.path.join(OUT, "tests", "placement_fork")
PAGES = 4096


def own_reading(pid):
    """Per node (anon, file) pages, read by the test: a mapping with file=
    is file-backed, others anonymous; N<n>=<count> in kernelpagesize_kB."""
    with open(f"/proc/{pid}/numa_maps") as f:
        return parse_numa_maps(f.read())


def parse_numa_maps(text):
    """numa_maps text into {node: [anon, file]} (base pages)."""
    nodes = {}
    for line in text.splitlines():
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
                args["parentProcessId"] = e.get("parentProcessId")
                args["timestamp"] = e["timestamp"]
                args["nodes"] = {n["node"]: n for n in args.get("nodes", [])}
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
    its signals, and its exit status comes back; with --follow too."""
    for follow in ([], ["--follow"]):
        job_control(follow)


def job_control(follow):
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "rec.json")
        p = subprocess.Popen([MMTRACE, "-o", "json", "--output-file", out, "-e", "mbind",
                              "--placement"] + follow + ["--", LOAD, "16"],
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
        eq(p.wait(timeout=20), 128 + signal.SIGTERM, f"exit status (killed by SIGTERM) {follow}")
        kinds = [r["kind"] for r in samples(out)]
        eq(kinds, ["start", "exit"], f"samples {follow}")


def anon_of(nodes):
    """{node: anon pages} of a sample's nodes or of a numa_maps reading."""
    return {n: (v["anon"] if isinstance(v, dict) else v[0]) for n, v in nodes.items()
            if (v["anon"] if isinstance(v, dict) else v[0])}


@test
def placement_follow_descendants():
    """--follow: each child the command forks is sampled at its first sight
    (before it runs: its pages are its parent's just before the fork), and
    at its exit (its pages as it read them just before it exited), also
    when SIGKILL ends it and when a thread other than its first ends it;
    the summary lists each one. placement_fork prints its readings."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "rec.json")
        r = subprocess.run([MMTRACE, "-o", "json", "--output-file", out, "-e",
                            "set_mempolicy,mbind", "--placement", "--follow", "--",
                            FORK, "1000", "3000"], capture_output=True, timeout=60)
        err = r.stderr.decode()
        eq(r.returncode, 0, f"exit status (the command's): {err}")
        blocks = re.findall(r"@@ (\w+) (\d+) (\d+)\n(.*?)@@ end\n", r.stdout.decode(), re.S)
        parent = [(int(n), parse_numa_maps(t)) for w, p, n, t in blocks if w == "parent"]
        child = {int(p): (int(n), parse_numa_maps(t)) for w, p, n, t in blocks if w == "child"}
        eq([n for n, _ in parent], [1000, 3000, 10, 500], "the parent's readings")
        recs = samples(out)
        cmd = recs[0]["pid"]
        eq(recs[0]["kind"], "start", "the first record: the command's start")
        by_pid = {}
        for rec in recs:
            by_pid.setdefault(rec["pid"], []).append(rec)
        kids = sorted((p for p in by_pid if p != cmd), key=lambda p: by_pid[p][0]["timestamp"])
        eq(len(kids), 4, f"descendants sampled: {sorted(by_pid)}")
        for (n, before), pid in zip(parent, kids):
            kinds = [x["kind"] for x in by_pid[pid]]
            eq(kinds, ["start", "exit"], f"child {pid} ({n} pages): samples")
            first, last = by_pid[pid][0], by_pid[pid][-1]
            eq(first["parentProcessId"], cmd, f"child {pid}: parent")
            # the first sight: the pages the parent had just before fork()
            eq(anon_of(first["nodes"]), anon_of(before),
               f"child {pid}: anon at its first sample vs the parent's numa_maps before fork")
            if pid in child:
                eq(child[pid][0], n, f"child {pid}: its page count")
                eq(anon_of(last["nodes"]), anon_of(child[pid][1]),
                   f"child {pid} ({n} pages): anon at its exit sample vs its own numa_maps")
            else:  # the one killed with SIGKILL: no reading of its own
                eq(n, 10, f"child {pid} printed nothing")
            grown = sum(anon_of(last["nodes"]).values()) - sum(anon_of(first["nodes"]).values())
            check(grown >= n, f"child {pid}: anon grew by {grown}, touched {n}")
            # the summary: the process, its parent, before and after
            m = re.search(rf"^placement of {pid} \(placement_fork\), child of {cmd}: start "
                          rf".* -> exit .*\n.*\n\s+0\s+(\d+)\s+(\d+)\s", err, re.M)
            check(m, f"no summary of child {pid}: {err}")
            eq((int(m.group(1)), int(m.group(2))),
               (first["nodes"][0]["anon"], last["nodes"][0]["anon"]),
               f"child {pid}: summary anon before/after")
        eq(len(child), 3, "children that printed their reading")
        check(re.search(r"placement: followed 4 descendant processes and 2 threads", err),
              f"follow counts: {err}")
        eq(by_pid[cmd][-1]["kind"], "exit", "the command's last sample")


@test
def placement_follow_past_the_limit():
    """More descendants than --placement keeps (4096 processes, the command
    included): the first are sampled at start and exit, the others counted
    in the summary, none left out silently."""
    many = 4200
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "rec.json")
        r = subprocess.run([MMTRACE, "-o", "json", "--output-file", out, "-e", "mbind",
                            "--placement", "--follow", "--", FORK, "--many", str(many)],
                           capture_output=True, timeout=300)
        err = r.stderr.decode()
        eq(r.returncode, 0, f"exit status: {err[-300:]}")
        kinds = {}
        for rec in samples(out):
            kinds.setdefault(rec["pid"], []).append(rec["kind"])
        eq(len(kinds), 4096, "processes sampled")
        eq(sorted(set(map(tuple, kinds.values()))), [("start", "exit")], "their samples")
        check(re.search(rf"^placement: followed {many} descendant processes", err, re.M),
              f"follow count: {err[-300:]}")
        check(re.search(rf"^placement: {many - 4095} processes not sampled \(more than 4096",
                        err, re.M), f"not sampled: {err[-300:]}")
        eq(err.count("\nplacement of "), 4095, "processes in the summary (and the first)")


@test
def placement_without_follow():
    """Without --follow only the command is sampled (its children are
    traced, not attached)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "rec.json")
        r = subprocess.run([MMTRACE, "-o", "json", "--output-file", out, "-e", "mbind",
                            "--placement", "--", FORK, "100"], capture_output=True, timeout=60)
        eq(r.returncode, 0, f"exit status: {r.stderr}")
        recs = samples(out)
        eq([x["kind"] for x in recs], ["start", "exit"], "samples")
        check("followed" not in r.stderr.decode(), "a follow summary without --follow")


@test
def placement_usage():
    for args in (["--placement"], ["--placement", "-c", "-p", "1"]):
        r = subprocess.run([MMTRACE] + args, capture_output=True, text=True)
        eq(r.returncode, 2, f"{args}: exit status")
        eq(len(r.stderr.splitlines()), 1, f"{args}: one line: {r.stderr}")


if __name__ == "__main__":
    sys.exit(main())
