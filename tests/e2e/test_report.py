#!/usr/bin/env python3
"""mmtrace report: recordings made by the real mmtrace on workloads (raw JSON
with --placement, and --parse-arguments), plus page_migration and
numa_task_placement lines written here for the kernel events and some garbage,
made into a page that a headless chromium renders; the numbers the rendered
page shows must equal the sums computed here from the recording.
"""
import html.parser
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import MMTRACE, OUT, WORKLOAD, check, eq, main, test

LOAD = os.path.join(OUT, "tests", "placement_load")
POLICY = ("set_mempolicy", "set_mempolicy_home_node", "mbind", "migrate_pages", "move_pages")
REASONS = ("compaction", "memory_failure", "memory_hotplug", "syscall_or_cpuset",
           "mempolicy_mbind", "numa_misplaced", "contig_range", "longterm_pin",
           "demotion", "damon")


def chromium():
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    return None


def browser(url, *extra):
    """chromium --headless on a file URL; what it printed on stdout."""
    with tempfile.TemporaryDirectory() as prof:
        r = subprocess.run([chromium(), "--headless", "--no-sandbox", "--disable-gpu",
                            "--no-first-run", f"--user-data-dir={prof}", *extra, url],
                           capture_output=True, text=True, timeout=90)
    return r


def record(tmp):
    """Two recordings by mmtrace, a synthetic part, garbage: the lines."""
    raw = os.path.join(tmp, "raw.json")
    p = subprocess.Popen([MMTRACE, "-o", "json", "--output-file", raw, "--placement",
                          "--interval", "1", "--", LOAD, "2048"],
                         stdin=subprocess.PIPE, stderr=subprocess.DEVNULL)
    time.sleep(1.3)
    p.stdin.write(b"go\n")
    p.stdin.close()
    eq(p.wait(timeout=20), 0, "recording 1")
    parsed = os.path.join(tmp, "parsed.json")
    r = subprocess.run([MMTRACE, "-o", "json", "--parse-arguments", "--output-file", parsed,
                        "--", WORKLOAD, "mixed", os.path.join(tmp, "wl.log")],
                       capture_output=True, timeout=60)
    eq(r.returncode, 0, f"recording 2: {r.stderr!r}")
    lines = open(raw).read().splitlines() + open(parsed).read().splitlines()
    pid = json.loads(lines[0])["hostProcessId"]
    base = json.loads(lines[0])["timestamp"]

    def mig(t, pid, comm, reason, succ, failed, kthread):
        return json.dumps({
            "timestamp": base + t, "processId": pid, "hostProcessId": pid, "threadId": pid,
            "processName": comm, "eventId": "2000", "eventName": "page_migration",
            "args": [{"name": "mode", "type": "int", "value": 0},
                     {"name": "reason", "type": "int", "value": reason},
                     {"name": "succeeded", "type": "u64", "value": succ},
                     {"name": "failed", "type": "u64", "value": failed},
                     {"name": "thp_succeeded", "type": "u64", "value": 0},
                     {"name": "dst_node", "type": "int", "value": 0},
                     {"name": "aNewArgument", "type": "u64", "value": 7},
                     {"name": "kernelThread", "type": "bool", "value": kthread}]})
    lines += [
        mig(1000, pid, "placement_load", 5, 300, 2, False),
        mig(2000, pid, "placement_load", "numa_misplaced", 12, 0, False),
        mig(3000, pid, "placement_load", "compaction", 40, 1, False),
        mig(4000, 77, "kcompactd0", 0, 512, 3, True),
        # a migration inside a call, as a two-node machine gives it
        json.dumps({"timestamp": base + 4500, "processId": pid, "hostProcessId": pid,
                    "processName": "placement_load", "eventId": "279",
                    "eventName": "move_pages", "returnValue": 0, "args": [],
                    "migration": {"succeeded": 64, "failed": 1, "split": 0, "batches": 1}}),
        mig(4600, pid, "placement_load", 3, 5, 0, False),
        json.dumps({"timestamp": base + 5000, "processId": pid, "hostProcessId": pid,
                    "processName": "placement_load", "eventId": "2001",
                    "eventName": "numa_task_placement",
                    "args": [{"name": "kind", "type": "string", "value": "move"},
                             {"name": "src_cpu", "type": "int", "value": 0},
                             {"name": "src_nid", "type": "int", "value": 0},
                             {"name": "dst_nid", "type": "int", "value": 1},
                             {"name": "dst_cpu", "type": "int", "value": 1}]}),
        "garbage line",
        '{"eventName":"mbind"',
        '{"no":"event"}',
        "[" * 100 + "]" * 100,
        '"' + "x" * (2 << 20) + '"',
    ]
    return lines


def expected(lines):
    """The sums, computed here from the lines, independently of mmtrace."""
    procs, events, skipped = {}, 0, 0
    for line in lines:
        try:
            e = json.loads(line)
            name, t = e["eventName"], e["timestamp"]
            pid = e.get("hostProcessId", e.get("processId"))
            if pid is None or not isinstance(e, dict):
                raise KeyError
        except (ValueError, KeyError, TypeError):
            skipped += 1
            continue
        events += 1
        args = {a["name"]: a["value"] for a in e.get("args", []) if isinstance(a, dict)}
        key = f"{pid}-k" if args.get("kernelThread") else str(pid)
        p = procs.setdefault(key, {"events": 0, "policy-calls": 0, "syscall-succeeded": 0,
                                   "syscall-failed": 0, "samples": [], "reasons": {},
                                   "task-placements": 0, "migration-events": 0,
                                   "pid": pid})
        p["events"] += 1
        if name in POLICY:
            p["policy-calls"] += 1
            m = e.get("migration")
            if m is not None:
                p["syscall-succeeded"] += m["succeeded"]
                p["syscall-failed"] += m["failed"]
                r = "mempolicy_mbind" if name == "mbind" else "syscall_or_cpuset"
                if m["succeeded"] or m["failed"]:
                    s = p["reasons"].setdefault(r, [0, 0])
                    s[0] += m["succeeded"]
                    s[1] += m["failed"]
        elif name == "page_migration":
            r = args["reason"]
            r = REASONS[r] if isinstance(r, int) else r
            s = p["reasons"].setdefault(r, [0, 0])
            s[0] += args["succeeded"]
            s[1] += args["failed"]
            p["migration-events"] += 1
        elif name == "numa_task_placement":
            p["task-placements"] += 1
        elif name == "placement":
            p["samples"].append({n["node"]: n["total"] for n in args["nodes"]})
    return procs, events, skipped


class Values(html.parser.HTMLParser):
    """id -> (data-value, text) of the elements with a data-value."""
    def __init__(self):
        super().__init__()
        self.values, self.open, self.sections, self.refs = {}, None, {}, []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for k in ("src", "href"):
            if k in a:
                self.refs.append(a[k])
        if tag == "section":
            self.sections[a.get("id")] = a
        if "data-value" in a and "id" in a:
            self.open = a["id"]
            self.values[a["id"]] = [a["data-value"], ""]

    def handle_data(self, data):
        if self.open:
            self.values[self.open][1] += data

    def handle_endtag(self, tag):
        self.open = None


@test
def report_in_browser():
    check(chromium(), "chromium is not installed (scripts/setup.sh installs it)")
    with tempfile.TemporaryDirectory() as tmp:
        rec = os.path.join(tmp, "rec.json")
        lines = record(tmp)
        with open(rec, "w") as f:
            f.write("\n".join(lines) + "\n")
        r = subprocess.run([MMTRACE, "report", rec, "-o", os.path.join(tmp, "page.html")],
                           capture_output=True, text=True, timeout=60)
        eq(r.returncode, 0, f"report: {r.stderr}")
        procs, events, skipped = expected(lines)
        check(re.search(rf"skipped {skipped} of {len(lines)} lines \(first: line \d+, ",
                        r.stderr), f"skipped lines message: {r.stderr!r}")
        page = open(os.path.join(tmp, "page.html")).read()
        check(not re.search(r"(src|href)\s*=|@import|url\(", page), "the page loads something")
        b = browser("file://" + os.path.join(tmp, "page.html"), "--dump-dom")
        check("</html>" in b.stdout, f"chromium rendered nothing: {b.stderr[-500:]}")
        v = Values()
        v.feed(b.stdout)
        check(not v.refs, f"references in the rendered page: {v.refs}")
        got = lambda k: int(v.values[k][0]) if k in v.values else None
        for k, val in v.values.items():  # what is shown is what is stored
            eq(v.values[k][1].strip(), val[0], f"text of #{k}")
        eq(got("events"), events, "events")
        eq(got("skipped-lines"), skipped, "skipped lines")
        eq(got("lines"), len(lines), "lines")
        eq(got("processes"), len(procs), "processes")
        eq(len(v.sections), len(procs), "process sections")
        nsamples = sum(len(p["samples"]) for p in procs.values())
        check(nsamples >= 3, f"placement samples in the recording: {nsamples}")
        npolicy = sum(p["policy-calls"] for p in procs.values())
        check(npolicy >= 4, f"policy calls in the recordings: {npolicy}")
        for key, p in procs.items():
            pre = f"p-{p['pid']}-"
            check(f"proc-{key}" in v.sections, f"no section for {key}")
            for k in ("events", "policy-calls", "syscall-succeeded", "syscall-failed",
                      "task-placements", "migration-events"):
                eq(got(pre + k), p[k], f"{key} {k}")
            eq(got(pre + "samples"), len(p["samples"]), f"{key} samples")
            for r_, (succ, failed) in p["reasons"].items():
                eq(got(f"{pre}reason-{r_}-succeeded"), succ, f"{key} {r_} succeeded")
                eq(got(f"{pre}reason-{r_}-failed"), failed, f"{key} {r_} failed")
            eq(got(pre + "migrated-succeeded"),
               sum(s for s, _ in p["reasons"].values()), f"{key} migrated")
            if p["samples"]:
                for n, total in p["samples"][0].items():
                    eq(got(f"{pre}node-{n}-first"), total, f"{key} node {n} first")
                for n, total in p["samples"][-1].items():
                    eq(got(f"{pre}node-{n}-last"), total, f"{key} node {n} last")
        mine = procs[str(json.loads(lines[0])["hostProcessId"])]
        eq(mine["reasons"].get("syscall_or_cpuset"), [69, 1], "syscall_or_cpuset sums")
        kt = v.sections.get("proc-77-k")
        check(kt and kt.get("data-kernel-thread") == "1", "kcompactd0 not marked a kernel thread")


@test
def report_bad_input():
    with tempfile.TemporaryDirectory() as tmp:
        cases = [([], 2), (["-o"], 2), (["--bogus", "x.json"], 2), (["a.json", "b.json"], 2),
                 ([os.path.join(tmp, "missing.json")], 1)]
        for args, want in cases:
            r = subprocess.run([MMTRACE, "report"] + args, capture_output=True, text=True)
            eq(r.returncode, want, f"report {args}: {r.stderr}")
            eq(len(r.stderr.splitlines()), 1, f"report {args}: one line: {r.stderr!r}")
        # random bytes: no crash, every line counted as skipped
        junk = os.path.join(tmp, "junk.json")
        with open(junk, "wb") as f:
            f.write(os.urandom(200000).replace(b"\n", b"\n\n") + b"\n{\"a\":[1,2,{\"b\":\"\\u00e9\"}]}\n")
        r = subprocess.run([MMTRACE, "report", junk, "-o", "-"], capture_output=True,
                           timeout=60)
        eq(r.returncode, 0, f"junk: {r.stderr!r}")
        check(b"</html>" in r.stdout, "no page for junk")
        check(re.search(rb'id="events" data-value="0"', r.stdout), "junk gave events")


if __name__ == "__main__":
    sys.exit(main())
