#!/usr/bin/env python3
"""End-to-end tests of what to watch: in-kernel scopes, argument and return
filters, summary mode, table columns. Two workload processes with different
pids, comms, uids and cgroups make the same known calls; each test checks
that exactly the matching calls come out, and that the kernel counted the
others as filtered (they never reached the ring buffer).

Needs root. Ends with "N passed, N failed".
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

from harness import MMTRACE, TO_STDOUT, WORKLOAD, cgroup2_mount, check, eq, main, s32, test

NOBODY = 65534
MPOL_MODE_FLAGS = 0xE000




class Scene:
    """Process A (root, in its own cgroup) and process B (uid nobody), each
    waiting to run the set_mempolicy scenario, plus their logs."""

    def __init__(self, tmp):
        os.chmod(tmp, 0o777)
        self.cgroup = os.path.join(cgroup2_mount(), f"mmtrace-filters-{os.getpid()}")
        os.makedirs(self.cgroup, exist_ok=True)
        self.log_a = os.path.join(tmp, "a")
        self.log_b = os.path.join(tmp, "b")
        cg = self.cgroup
        self.a = subprocess.Popen(
            ["sh", "-c", f'echo $$ > "{cg}/cgroup.procs" && exec {WORKLOAD} set_mempolicy+wait '
                         f'{self.log_a}'], stdin=subprocess.PIPE)
        self.b = subprocess.Popen(
            ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups",
             WORKLOAD, "set_mempolicy+wait", self.log_b], stdin=subprocess.PIPE)
        # wait until A is in its cgroup (the shell moved itself, then exec'd)
        deadline = time.time() + 10
        while str(self.a.pid) not in open(os.path.join(cg, "cgroup.procs")).read().split():
            check(time.time() < deadline, "workload A never joined its cgroup")
            time.sleep(0.01)

    def go(self):
        for p in (self.a, self.b):
            p.stdin.write(b"g")
            p.stdin.close()
        for p in (self.a, self.b):
            eq(p.wait(timeout=30), 0, "workload exit status")

    def calls(self):
        out = []
        for log in (self.log_a, self.log_b):
            with open(log) as f:
                out += [json.loads(line) for line in f]
        return out

    def close(self):
        for p in (self.a, self.b):
            if p.poll() is None:
                p.kill()
                p.wait()
        try:
            os.rmdir(self.cgroup)
        except OSError:
            pass


def start(*opts):
    p = subprocess.Popen([MMTRACE, "-o", "table", "--stats", *opts], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    ready, _, _ = select.select([p.stdout], [], [], 30)
    check(ready, f"mmtrace {opts} printed no header within 30 s")
    p.header = p.stdout.readline()
    check(p.header.startswith("TIME"), f"header {p.header!r}")
    return p


def stop(p):
    time.sleep(0.1)  # let the last records be polled
    p.send_signal(signal.SIGINT)
    out, err = p.communicate(timeout=30)
    eq(p.returncode, 0, "mmtrace exit status after SIGINT")
    cols = ["TIME", "UID", "COMM", "PID", "TID", "RET", "EVENT", "ARGS"]
    starts = [p.header.index(c) for c in cols]
    rows = []
    for line in out.splitlines():
        row = {c: line[starts[k]:starts[k + 1]].rstrip() if k + 1 < len(cols) else line[starts[k]:]
               for k, c in enumerate(cols)}
        rows.append(row)
    stats = json.loads(err.strip().splitlines()[-1])["stats"]
    return rows, stats


def key(pid, tid, text):
    return (int(pid), int(tid), text)


def scope_case(opts, want):
    """Run both workloads under mmtrace OPTS; want(call) says which calls
    must come out. The others must be counted as filtered in the kernel."""
    with tempfile.TemporaryDirectory() as tmp:
        scene = Scene(tmp)
        try:
            p = start("-e", "set_mempolicy", *[o.replace("@A", str(scene.a.pid))
                                               .replace("@CG", scene.cgroup) for o in opts])
            scene.go()
            rows, stats = stop(p)
            calls = scene.calls()
        finally:
            scene.close()
    expected = sorted(key(c["pid"], c["tid"], c["text"]) for c in calls if want(c, scene))
    got = sorted(key(r["PID"], r["TID"], r["ARGS"]) for r in rows)
    check(expected, "the case selects no call: a test that cannot fail")
    eq(got, expected, f"events of {opts}")
    eq(stats["lost"], 0, "lost")
    # at least the workloads' other calls (a process elsewhere on the host
    # may add its own): a filter applied in user space would count none
    check(stats["filteredByEvent"]["set_mempolicy"] >= len(calls) - len(expected),
          f"calls the kernel filtered out: {stats['filteredByEvent']['set_mempolicy']} "
          f"< {len(calls) - len(expected)}")


@test
def scope_pid():
    scope_case(["-p", "@A"], lambda c, s: c["pid"] == s.a.pid)


@test
def scope_many_pids():
    """Past the 8 pids compared inline, the pids go to a map: the same result."""
    # 8 kernel threads: they exist, and make no syscall
    kthreads = [d for d in os.listdir("/proc") if d.isdigit() and
                open(f"/proc/{d}/stat").read().rsplit(")", 1)[1].split()[1] == "2"]
    others = kthreads[:8]
    check(len(others) == 8, "fewer than 8 kernel threads")
    scope_case([x for p in others + ["@A"] for x in ("-p", p)], lambda c, s: c["pid"] == s.a.pid)


@test
def scope_tid():
    scope_case(["--tid", "@A"], lambda c, s: c["tid"] == s.a.pid)


@test
def scope_comm():
    scope_case(["--comm", "mmt-workload"], lambda c, s: c["comm"] == "mmt-workload")


@test
def scope_not_comm():
    scope_case(["--not-comm", "mmt-thread"], lambda c, s: c["comm"] != "mmt-thread")


@test
def scope_uid():
    scope_case(["--uid", str(NOBODY)], lambda c, s: c["pid"] == s.b.pid)


@test
def scope_uid_range():
    scope_case(["--uid-min", "1000"], lambda c, s: c["pid"] == s.b.pid)


@test
def scope_cgroup():
    scope_case(["--cgroup", "@CG"], lambda c, s: c["pid"] == s.a.pid)


@test
def scopes_and_together():
    # comm of both main threads, uid of B only: B's main thread
    scope_case(["--comm", "mmt-workload", "--uid", str(NOBODY)],
               lambda c, s: c["pid"] == s.b.pid and c["comm"] == "mmt-workload")


@test
def repeated_values_or_together():
    scope_case(["--comm", "mmt-thread", "--comm", "nosuchcomm"],
               lambda c, s: c["comm"] == "mmt-thread")


@test
def scope_failed():
    scope_case(["--failed"], lambda c, s: c["ret"] < 0)


@test
def follow_descendants_of_a_comm():
    """--comm mmt-launcher --follow: the launcher's child (another comm) is traced."""
    with tempfile.TemporaryDirectory() as tmp:
        log = os.path.join(tmp, "log")
        p = start("-e", "set_mempolicy", "--comm", "mmt-launcher", "--follow")
        # exec -a sets argv[0]; the comm comes from the file name: copy it
        launcher = os.path.join(tmp, "mmt-launcher")
        with open(launcher, "w") as f:
            f.write(f"#!/bin/sh\n{WORKLOAD} set_mempolicy {log}\n")
        os.chmod(launcher, 0o755)
        subprocess.run([launcher], check=True, timeout=30)
        rows, stats = stop(p)
        with open(log) as f:
            calls = [json.loads(line) for line in f]
    eq(sorted(r["ARGS"] for r in rows), sorted(c["text"] for c in calls), "followed events")


def filter_case(scenario, filters, want, user_space=False):
    with tempfile.TemporaryDirectory() as tmp:
        log = os.path.join(tmp, "log")
        cmd = [MMTRACE, *TO_STDOUT, "-o", "json", "--stats"]
        for f in filters:
            cmd += ["-e", f]
        p = subprocess.run(cmd + ["--", WORKLOAD, scenario, log], capture_output=True,
                           text=True, timeout=60)
        eq(p.returncode, 0, f"exit status ({p.stderr.strip()})")
        with open(log) as f:
            calls = [json.loads(line) for line in f]
    events = [json.loads(line) for line in p.stdout.splitlines()]
    stats = json.loads(p.stderr.strip().splitlines()[-1])["stats"]
    expected = [c for c in calls if c["event"] == scenario and want(c)]
    check(expected, "the filter selects no call: a test that cannot fail")
    got = sorted([a["value"] for a in e["args"]] for e in events)
    # the C ints among the arguments print as int32 (mode and pid, the first
    # argument of set_mempolicy and migrate_pages; mremap's flags)
    ints = {"set_mempolicy": {0}, "migrate_pages": {0}, "mremap": {3}}.get(scenario, set())
    eq(got, sorted([s32(v) if i in ints else v for i, v in enumerate(c["args"])]
                   for c in expected), f"events of {filters}")
    others = len([c for c in calls if c["event"] == scenario]) - len(expected)
    where = "filteredInUserSpace" if user_space else "filteredInKernel"
    eq(stats[where], others, where)


@test
def filter_mode_by_name():
    # MPOL_BIND matches MPOL_BIND with any mode flag; MPOL_F_* not named
    filter_case("set_mempolicy", ["set_mempolicy.args.mode=MPOL_BIND"],
                lambda c: c["args"][0] & ~MPOL_MODE_FLAGS == 2)


@test
def filter_mode_with_flags():
    filter_case("set_mempolicy", ["set_mempolicy.args.mode=MPOL_PREFERRED_MANY|MPOL_F_STATIC_NODES"],
                lambda c: c["args"][0] == (5 | 0x8000))


@test
def filter_numeric_and_retval():
    filter_case("set_mempolicy", ["set_mempolicy.args.maxnode>64",
                                  "set_mempolicy.retval<0"],
                lambda c: c["args"][2] > 64 and c["ret"] < 0)


@test
def filter_flag_bits():
    filter_case("mremap", ["mremap.args.flags&MREMAP_FIXED"], lambda c: c["args"][3] & 2)


@test
def filter_size_greater():
    filter_case("mremap", ["mremap.args.new_size>16384"], lambda c: c["args"][2] > 16384)


@test
def filter_retval_of_migrate_pages():
    filter_case("migrate_pages", ["migrate_pages.retval!=0"], lambda c: c["ret"] != 0)


@test
def filter_nodes_in_mask():
    filter_case("set_mempolicy", ["set_mempolicy.args.nodemask.nodes=130"],
                lambda c: c.get("masks") and c["masks"][0].get("nodes") and
                130 in c["masks"][0]["nodes"], user_space=True)


@test
def summary_counts_what_the_workload_made():
    with tempfile.TemporaryDirectory() as tmp:
        log = os.path.join(tmp, "log")
        p = subprocess.run([MMTRACE, *TO_STDOUT, "-c", "--histogram", "-e", "set_mempolicy,migrate_pages",
                            "--", WORKLOAD, "set_mempolicy", log],
                           capture_output=True, text=True, timeout=60)
        eq(p.returncode, 0, "exit status")
        with open(log) as f:
            calls = [json.loads(line) for line in f]
    lines = p.stdout.splitlines()
    # "% TIME" comes first, as strace -c's
    row = next(l for l in lines if l.split()[1:2] == ["set_mempolicy"])
    f = row.split()[1:]
    errors = [c for c in calls if c["ret"] < 0]
    eq(int(f[1]), len(calls), "calls")
    eq(int(f[2]), len(errors), "errors")
    want_errnos = {}
    for c in errors:
        name = c["ret_text"].split()[1]
        want_errnos[name] = want_errnos.get(name, 0) + 1
    got_errnos = dict(e.split(":") for e in f[6:])
    eq({k: int(v) for k, v in got_errnos.items()}, want_errnos, "errnos")
    # the histogram right under the row holds every call
    i = lines.index(row) + 2
    total = 0
    while i < len(lines) and lines[i].startswith("    ["):
        total += int(lines[i].split(")")[1].split("|")[0])
        i += 1
    eq(total, len(calls), "histogram total")
    check(not any(l.startswith("migrate_pages ") for l in lines), "no migrate_pages row")
    eq(lines[-1].split()[:4], ["100.00", "total", str(len(calls)), str(len(errors))],
       "total line")


def summary_rows(text):
    rows = {}
    for line in text.splitlines():
        f = line.split()[1:]  # after "% TIME"
        if len(f) >= 6 and f[1].isdigit() and f[0] not in ("total", "EVENT"):
            rows[f[0]] = (int(f[1]), int(f[2]))
    return rows


@test
def summary_agrees_with_strace_c():
    """mmtrace -c and strace -f -c around the very same stress-ng run."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "strace")
        p = subprocess.run([MMTRACE, *TO_STDOUT, "-c", "--not-comm", "strace", "--", "strace", "-f", "-c",
                            "-o", out, "-e", "trace=%memory", "stress-ng", "--numa", "1",
                            "--numa-ops", "20"], capture_output=True, text=True, timeout=300)
        eq(p.returncode, 0, f"exit status ({p.stderr.strip()[-300:]})")
        with open(out) as f:
            strace_text = f.read()
    want = {}
    for line in strace_text.splitlines():
        m = re.match(r"\s*[\d.]+\s+[\d.]+\s+\d+\s+(\d+)\s+(\d+)?\s*(\w+)$", line)
        if m and m.group(3) != "total":
            want[m.group(3)] = (int(m.group(1)), int(m.group(2) or 0))
    check(len(want) >= 5, f"strace -c printed {want}")
    eq(summary_rows(p.stdout), want, "per-event calls and errors")


@test
def summary_by_comm():
    with tempfile.TemporaryDirectory() as tmp:
        log = os.path.join(tmp, "log")
        p = subprocess.run([MMTRACE, *TO_STDOUT, "-c", "--summary-by", "comm", "-e", "set_mempolicy",
                            "--", WORKLOAD, "set_mempolicy", log],
                           capture_output=True, text=True, timeout=60)
        with open(log) as f:
            calls = [json.loads(line) for line in f]
    eq(p.returncode, 0, "exit status")
    groups = {}
    current = None
    for line in p.stdout.splitlines():
        if line.startswith("comm "):
            current = line[5:].rstrip(":")
        elif line.split()[1:2] == ["set_mempolicy"]:
            groups[current] = int(line.split()[2])
    want = {}
    for c in calls:
        want[c["comm"]] = want.get(c["comm"], 0) + 1
    eq(groups, want, "calls per comm")


@test
def columns_and_colour():
    with tempfile.TemporaryDirectory() as tmp:
        log = os.path.join(tmp, "log")
        p = subprocess.run([MMTRACE, *TO_STDOUT, "-e", "set_mempolicy", "--columns", "EVENT,RET,LATENCY",
                            "--color", "always", "--", WORKLOAD, "set_mempolicy", log],
                           capture_output=True, text=True, timeout=60)
        with open(log) as f:
            calls = [json.loads(line) for line in f]
    lines = p.stdout.splitlines()
    eq(lines[0].split(), ["EVENT", "RET", "LATENCY(us)"], "header")
    eq(len(lines) - 1, len(calls), "rows")
    for line in lines[1:]:
        f = line.split()
        eq(f[0], "set_mempolicy", "EVENT column")
        check(re.fullmatch(r"\d+\.\d{3}", f[-1]), f"LATENCY column {f[-1]!r}")
    red = [l for l in lines[1:] if "\x1b[31m" in l]
    eq(len(red), len([c for c in calls if c["ret"] < 0]), "failed calls in red")
    # auto: not a terminal here, so no colour
    with tempfile.TemporaryDirectory() as tmp:
        p = subprocess.run([MMTRACE, *TO_STDOUT, "-e", "set_mempolicy", "--", WORKLOAD, "set_mempolicy",
                            os.path.join(tmp, "log")], capture_output=True, text=True, timeout=60)
    check("\x1b[" not in p.stdout, "colour on a pipe with --color auto")


USAGE_ERRORS = [
    (["-e", "set_mempolicy.args.mode=MPOL_BLIND"], "unknown constant 'MPOL_BLIND' for mode"),
    (["-e", "set_mempolicy.args.mod=1"], "set_mempolicy has no argument 'mod' (arguments: mode, nodemask, maxnode)"),
    (["-e", "set_mempolicy.args.mode~1"], "has no operator"),
    (["-e", "nosuch.args.x=1"], "unknown event 'nosuch'"),
    (["-e", "mremap.ret=0"], "'ret' is not a field (use args.NAME, retval or latency)"),
    (["-e", "mremap.args.new_size>big"], "'big' is not a number"),
    (["-e", "mremap.args.flags.nodes=1"], "only a node mask has .nodes"),
    (["-e", "mbind.args.nodemask.nodes>1"], ".nodes takes '='"),
    (["-e", "mbind.args.nodemask.nodes=5000"], "a node is a number from 0 to 1023"),
    (["-e", "mremap.args.flags="], "has no value"),
    (["--summary-by", "host", "-c"], "invalid --summary-by 'host'"),
    (["--histogram"], "go with -c"),
    (["--interval", "2"], "--interval goes with -c or --stats"),
    (["-c", "-o", "json"], "-c prints a summary"),
    (["--interval", "0", "-c"], "invalid --interval '0'"),
    (["--columns", "TIME,NOPE"], "unknown column 'NOPE'"),
    (["--color", "sometimes"], "invalid --color 'sometimes'"),
    (["--uid-min", "10", "--uid-max", "5"], "--uid-min 10 is above --uid-max 5"),
    (["--uid", "-1"], "invalid --uid '-1'"),
    (["--tid", "x"], "invalid --tid 'x'"),
    (["--comm", "a-name-longer-than-15"], "invalid --comm"),
    (["--cgroup", "/nonexistent/cg"], "invalid --cgroup '/nonexistent/cg'"),
]


@test
def usage_errors_exit_2():
    for args, msg in USAGE_ERRORS:
        p = subprocess.run([MMTRACE, *args], capture_output=True, text=True, timeout=10)
        eq(p.returncode, 2, f"exit status of {args} ({p.stderr.strip()})")
        lines = p.stderr.splitlines()
        eq(len(lines), 1, f"stderr lines of {args}")
        check(lines[0].startswith("mmtrace: ") and msg in lines[0],
              f"message of {args}: {lines[0]!r} lacks {msg!r}")


if __name__ == "__main__":
    sys.exit(main())
