#!/usr/bin/env python3
"""End-to-end tests: run build/mmtrace around tests/e2e/workload, which makes
each syscall with sentinel arguments and logs what it made, and check that
every event comes out with exactly those arguments decoded, in the JSON
output (raw and --parse-arguments) and in the table output.

Needs root (mmtrace loads BPF programs). Prints one line per test and ends
with "N passed, N failed".
"""
import json
import os
import re
import socket
import select
import signal
import subprocess
import sys
import tempfile
import time
import traceback

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, os.environ.get("MMTRACE_OUT", "build"))
MMTRACE = os.path.join(OUT, "mmtrace")
WORKLOAD = os.path.realpath(os.path.join(OUT, "tests", "workload"))
# The command that runs mmtrace: under valgrind when MMTRACE_VALGRIND is set.
MMT = [MMTRACE]
if os.environ.get("MMTRACE_VALGRIND"):
    MMT = ["valgrind", "-q", "--error-exitcode=99", "--leak-check=full",
           "--errors-for-leak-kinds=definite",
           "--suppressions=" + os.path.join(ROOT, "tests", "valgrind.supp"), MMTRACE]


def stderr_lines(text):
    """mmtrace's stderr lines, without valgrind's own "--N--" notes."""
    return [l for l in text.splitlines() if not re.match(r"^(--|==)\d+(--|==)", l)]

# Argument names and types of each event, as the seed pages and Tracee have them.
SIGNATURES = {
    "mremap": (25, [("old_address", "void*"), ("old_size", "size_t"),
                    ("new_size", "size_t"), ("flags", "int"),
                    ("new_address", "void*")]),
    "set_mempolicy": (238, [("mode", "int"), ("nodemask", "const unsigned long*"),
                            ("maxnode", "unsigned long")]),
    "migrate_pages": (256, [("pid", "int"), ("maxnode", "unsigned long"),
                            ("old_nodes", "const unsigned long*"),
                            ("new_nodes", "const unsigned long*")]),
}
# Arguments the kernel takes as a C int: their raw value is sign-extended
# from 32 bits. (mremap's flags is an unsigned long in the kernel.)
INT_ARGS = {("set_mempolicy", "mode"), ("migrate_pages", "pid")}
MASK_TYPE = "const unsigned long*"

TRACEE_KEYS = ["timestamp", "threadStartTime", "processorId", "processId",
               "cgroupId", "threadId", "parentProcessId", "hostProcessId",
               "hostThreadId", "hostParentProcessId", "userId",
               "mountNamespace", "pidNamespace", "processName", "executable",
               "hostName", "containerId", "container", "kubernetes", "eventId",
               "eventName", "matchedPolicies", "argsNum", "returnValue",
               "syscall", "stackAddresses", "contextFlags", "args"]

TESTS = []


def test(fn):
    TESTS.append(fn)
    return fn


class Fail(Exception):
    pass


def check(cond, msg):
    if not cond:
        raise Fail(msg)


def eq(got, want, what):
    if got != want:
        raise Fail(f"{what}: got {got!r}, want {want!r}")


def s32(v):
    v &= 0xffffffff
    return v - (1 << 32) if v & 0x80000000 else v


SCENARIO_EVENT = {"burst": "set_mempolicy"}


def run_traced(scenario, *opts, event=None):
    """Run mmtrace OPTS -e EVENT -- workload SCENARIO, EVENT being by default
    the one the scenario makes; return (stdout, stderr, log)."""
    with tempfile.TemporaryDirectory() as tmp:
        log = os.path.join(tmp, "log")
        cmd = [*MMT, *opts, "-e", event or SCENARIO_EVENT.get(scenario, scenario)]
        cmd += ["--", WORKLOAD, scenario, log]
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        eq(p.returncode, 0, f"exit status of {' '.join(cmd)} (stderr: {p.stderr.strip()})")
        with open(log) as f:
            calls = [json.loads(line) for line in f]
    return p.stdout, p.stderr, calls


def pair_by_thread(items, calls, tid_of):
    """Pair events with logged calls thread by thread: calls of one thread
    are ordered, but threads and processes run concurrently."""
    by_tid = {}
    for it in items:
        by_tid.setdefault(tid_of(it), []).append(it)
    pairs = []
    for call in calls:
        mine = by_tid.get(call["tid"], [])
        check(mine, f"no event for {call['text']} of thread {call['tid']}")
        pairs.append((mine.pop(0), call))
    left = sum(len(v) for v in by_tid.values())
    eq(left, 0, "events that no logged call made")
    return pairs


def json_events(out):
    events = []
    for line in out.splitlines():
        events.append(json.loads(line))  # every line must parse
    return events


def cgroup2_id():
    """The cgroup v2 id (inode) of this process's cgroup, which children share."""
    with open("/proc/mounts") as f:
        mnt = next(l.split()[1] for l in f if l.split()[2] == "cgroup2")
    with open("/proc/self/cgroup") as f:
        path = next(l.strip()[3:] for l in f if l.startswith("0::"))
    return os.stat(mnt + path).st_ino


def check_json(scenario, parsed):
    opts = ["-o", "json"] + (["--parse-arguments"] if parsed else [])
    out, err, calls = run_traced(scenario, *opts)
    events = json_events(out)
    check(calls, "the workload logged no call")
    eq(len(events), len(calls), f"number of {scenario} events")
    nr, sig = SIGNATURES[scenario]
    for i, (ev, call) in enumerate(pair_by_thread(events, calls, lambda e: e["hostThreadId"])):
        where = f"{scenario} call {i + 1}"
        # after Tracee's keys: the kernel's migration counts, the target
        extra_keys = [k for k in ("migration", "target") if call.get(k) is not None]
        eq(list(ev.keys()), TRACEE_KEYS + extra_keys, f"{where}: keys")
        for k in extra_keys:
            eq(ev[k], call[k], f"{where}: {k}")
        eq(ev["eventName"], scenario, f"{where}: eventName")
        eq(ev["syscall"], scenario, f"{where}: syscall")
        eq(ev["eventId"], str(nr), f"{where}: eventId")
        eq(ev["processId"], call["pid"], f"{where}: processId")
        eq(ev["hostProcessId"], call["pid"], f"{where}: hostProcessId")
        eq(ev["threadId"], call["tid"], f"{where}: threadId")
        eq(ev["hostThreadId"], call["tid"], f"{where}: hostThreadId")
        eq(ev["processName"], call["comm"], f"{where}: processName")
        eq(ev["executable"], {"path": WORKLOAD}, f"{where}: executable")
        eq(ev["userId"], os.getuid(), f"{where}: userId")
        eq(ev["returnValue"], call["ret"], f"{where}: returnValue")
        eq(ev["argsNum"], len(sig), f"{where}: argsNum")
        eq(ev["contextFlags"], {"containerStarted": False, "isCompat": False},
           f"{where}: contextFlags")
        eq(ev["hostParentProcessId"], call["ppid"], f"{where}: hostParentProcessId")
        eq(ev["parentProcessId"], call["ppid"], f"{where}: parentProcessId")
        check(ev["timestamp"] > ev["threadStartTime"] > 0, f"{where}: timestamps")
        check(abs(ev["timestamp"] / 1e9 - time.time()) < 120,
              f"{where}: timestamp {ev['timestamp']} is not the wall clock")
        eq(ev["mountNamespace"], os.stat("/proc/self/ns/mnt").st_ino, f"{where}: mountNamespace")
        eq(ev["pidNamespace"], os.stat("/proc/self/ns/pid").st_ino, f"{where}: pidNamespace")
        eq(ev["cgroupId"], cgroup2_id(), f"{where}: cgroupId")
        eq(ev["hostName"], socket.gethostname(), f"{where}: hostName")
        check(0 <= ev["processorId"] < os.cpu_count(), f"{where}: processorId")
        eq([(a["name"], a["type"]) for a in ev["args"]], sig, f"{where}: arg names and types")
        masks = iter(call["masks"])
        for j, (a, raw) in enumerate(zip(ev["args"], call["args"])):
            what = f"{where}: arg {a['name']}"
            if parsed:
                eq(a["value"], call["parsed"][j], what)
            elif (scenario, a["name"]) in INT_ARGS:
                eq(a["value"], s32(raw), what)
            else:
                eq(a["value"], raw, what)
            extra = {k: v for k, v in a.items() if k not in ("name", "type", "value")}
            if a["type"] == MASK_TYPE:
                eq(extra, next(masks), f"{what}: mask fields")
            else:
                eq(extra, {}, f"{what}: extra fields")


def table_rows(out):
    lines = out.splitlines()
    check(lines, "no table header")
    header = lines[0]
    cols = ["TIME", "UID", "COMM", "PID", "TID", "RET", "EVENT", "ARGS"]
    starts = [header.index(c) for c in cols]
    eq(header.split(), cols, "table header")
    rows = []
    for line in lines[1:]:
        row = {}
        for k, c in enumerate(cols):
            end = starts[k + 1] if k + 1 < len(cols) else None
            row[c] = line[starts[k]:end].rstrip() if end else line[starts[k]:]
        rows.append(row)
    return rows


def check_table(scenario):
    out, err, calls = run_traced(scenario, "-o", "table")
    rows = table_rows(out)
    eq(len(rows), len(calls), f"number of {scenario} rows")
    for i, (row, call) in enumerate(pair_by_thread(rows, calls, lambda r: int(r["TID"]))):
        where = f"{scenario} row {i + 1}"
        eq(row["UID"], str(os.getuid()), f"{where}: UID")
        eq(row["COMM"], call["comm"], f"{where}: COMM")
        eq(row["PID"], str(call["pid"]), f"{where}: PID")
        eq(row["TID"], str(call["tid"]), f"{where}: TID")
        eq(row["RET"], call["ret_text"], f"{where}: RET")
        eq(row["EVENT"], scenario, f"{where}: EVENT")
        eq(row["ARGS"], call["text"], f"{where}: ARGS")
        check(len(row["TIME"]) == 15 and row["TIME"][2] == ":", f"{where}: TIME {row['TIME']!r}")


for _scenario in SIGNATURES:
    for _parsed in (False, True):
        def _t(s=_scenario, p=_parsed):
            check_json(s, p)
        _t.__name__ = f"{_scenario}: every field, JSON{' --parse-arguments' if _parsed else ''}"
        test(_t)

    def _tt(s=_scenario):
        check_table(s)
    _tt.__name__ = f"{_scenario}: every column, table"
    test(_tt)


@test
def follows_children_and_threads():
    out, _, calls = run_traced("migrate_pages", "-o", "json")
    events = json_events(out)
    comms = {e["processName"] for e in events}
    check({"mmt-workload", "mmt-child"} <= comms, f"comms seen: {comms}")
    out, _, calls = run_traced("set_mempolicy", "-o", "json")
    tids = {e["threadId"] for e in json_events(out)}
    eq(tids, {c["tid"] for c in calls}, "threads seen")
    check(len(tids) == 2, "the second thread's event is missing")


@test
def selection_by_event():
    out, _, calls = run_traced("set_mempolicy", "-o", "json", event="migrate_pages")
    eq(json_events(out), [], "events of an unselected syscall")
    out, _, calls = run_traced("migrate_pages", "-o", "json", event="set_mempolicy,migrate_pages")
    eq(len(json_events(out)), len(calls), "events with two selected")


@test
def only_the_command_is_traced():
    """A process outside the command makes the same calls meanwhile."""
    with tempfile.TemporaryDirectory() as tmp:
        other = subprocess.Popen(
            ["sh", "-c", f"while :; do {WORKLOAD} set_mempolicy {tmp}/other; done"],
            start_new_session=True)
        try:
            out, _, calls = run_traced("set_mempolicy", "-o", "json")
        finally:
            os.killpg(other.pid, signal.SIGKILL)
            other.wait()
        pids = {e["hostProcessId"] for e in json_events(out)}
        eq(pids, {c["pid"] for c in calls}, "pids traced")


@test
def pid_namespace_pids():
    """In a new pid namespace the workload is pid 1; the host pid differs."""
    with tempfile.TemporaryDirectory() as tmp:
        log = os.path.join(tmp, "log")
        p = subprocess.run([*MMT, "-o", "json", "-e", "set_mempolicy", "--", "unshare",
                            "--pid", "--fork",
                            WORKLOAD, "set_mempolicy", log], capture_output=True, text=True,
                           timeout=60)
        eq(p.returncode, 0, f"exit status ({p.stderr.strip()})")
        with open(log) as f:
            calls = [json.loads(line) for line in f]
    events = json_events(p.stdout)
    eq(len(events), len(calls), "events")
    for ev, call in zip(events, calls):
        eq(ev["processId"], call["pid"], "processId in the namespace")
        eq(ev["threadId"], call["tid"], "threadId in the namespace")
        check(ev["hostProcessId"] != ev["processId"], "hostProcessId must be the host's")
        check(ev["pidNamespace"] != os.stat("/proc/self/ns/pid").st_ino, "pidNamespace")
    eq(events[0]["processId"], 1, "the first process of a namespace is pid 1")


@test
def losses_are_counted_exactly():
    """A 4 KiB ring buffer cannot hold a burst: delivered + lost == made."""
    out, err, calls = run_traced("burst", "-o", "json", "--buffer-size", "4K", "--stats")
    made = calls[0]["calls"]
    delivered = len(json_events(out))
    lines = stderr_lines(err)
    stats = json.loads(lines[-1])["stats"]
    lost = stats["lostByEvent"]["set_mempolicy"]["ringbuf"]
    check(lost > 0, f"expected losses with a 4 KiB buffer, got {stats}")
    eq(delivered + lost, made, f"delivered {delivered} + lost {lost}")
    eq(stats["events"], delivered, "--stats events")
    check(any(re.fullmatch(r"mmtrace: \d+ events lost: set_mempolicy \d+ \(ringbuf full\)", l)
              for l in lines), f"no loss line on stderr: {lines}")


def with_strace(cmd, syscall):
    """Run strace -f on cmd under mmtrace: both see the same calls.
    Returns (strace's (name, args text, return) tuples, mmtrace's events)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "strace")
        events = mmtrace_events(["strace", "-f", "-qq", "-e", "trace=" + syscall, "-o", out,
                                 *cmd], "-e", syscall)
        with open(out) as f:
            text = f.read()
    calls = []
    for m in re.finditer(r"^(?:\d+ +)?(\w+)\((.*)\) += (-?\w+)", text, re.M):
        calls.append((m.group(1), m.group(2), m.group(3)))
    check(calls, f"strace saw no {syscall}")
    return calls, events


def strace_mask(text):
    """Nodes of a mask strace prints as [0x..., 0000...] (64-bit words)."""
    words = [int(w, 16) for w in text.strip("[]").split(", ")]
    return [i * 64 + b for i, w in enumerate(words) for b in range(64) if w >> b & 1]


def mmtrace_events(cmd, *opts):
    p = subprocess.run([*MMT, "-o", "json", "--parse-arguments", *opts, "--", *cmd],
                       capture_output=True, text=True, timeout=60)
    eq(p.returncode, 0, f"mmtrace -- {cmd}: {p.stderr.strip()}")
    return json_events(p.stdout)


@test
def numactl_agrees_with_strace():
    want, got = with_strace(["numactl", "--membind=0", "true"], "set_mempolicy")
    eq(len(got), len(want), "number of set_mempolicy calls")
    for ev, (name, args, ret) in zip(got, want):
        mode, rest = args.split(", ", 1)
        mask, maxnode = rest.rsplit(", ", 1)
        a = {x["name"]: x for x in ev["args"]}
        eq(a["mode"]["value"], mode, "mode")
        eq(a["nodemask"]["nodes"], strace_mask(mask), "nodemask")
        eq(a["maxnode"]["value"], int(maxnode), "maxnode")
        eq(ev["returnValue"], int(ret), "return value")


@test
def migratepages_agrees_with_strace():
    target = subprocess.Popen(["sleep", "30"])
    try:
        want, got = with_strace(["migratepages", str(target.pid), "0", "0"], "migrate_pages")
    finally:
        target.kill()
        target.wait()
    eq(len(got), len(want), "number of migrate_pages calls")
    for ev, (name, args, ret) in zip(got, want):
        m = re.fullmatch(r"(\d+), (\d+), (\[.*?\]), (\[.*?\])", args)
        check(m, f"strace args {args!r}")
        a = {x["name"]: x for x in ev["args"]}
        eq(a["pid"]["value"], int(m.group(1)), "pid")
        eq(a["pid"]["value"], target.pid, "pid is the target")
        eq(a["maxnode"]["value"], int(m.group(2)), "maxnode")
        eq(a["old_nodes"]["nodes"], strace_mask(m.group(3)), "old_nodes")
        eq(a["new_nodes"]["nodes"], strace_mask(m.group(4)), "new_nodes")
        eq(ev["returnValue"], int(ret), "return value (pages not moved)")


@test
def mremap_agrees_with_strace():
    """Every flag combination of the workload, as strace -f decodes it."""
    with tempfile.TemporaryDirectory() as tmp:
        want, got = with_strace([WORKLOAD, "mremap", os.path.join(tmp, "log")], "mremap")
    eq(len(got), len(want), "number of mremap calls")
    check(len(want) >= 8, "the workload makes at least 8 mremap calls")
    for ev, (name, args, ret) in zip(got, want):
        parts = args.split(", ")
        a = [x["value"] for x in ev["args"]]
        eq(a[0], parts[0], "old_address")
        eq([str(a[1]), str(a[2])], parts[1:3], "sizes")
        eq(a[3], parts[3], "flags")
        if len(parts) == 5:  # strace prints new_address with MREMAP_FIXED only
            eq(a[4], "0x0" if parts[4] == "NULL" else parts[4], "new_address")
        if ret.startswith("0x"):
            eq(ev["returnValue"], int(ret, 16), "returned address")
        else:
            check(ev["returnValue"] < 0, f"return value {ev['returnValue']} for {ret}")


@test
def not_root_is_one_clear_line():
    p = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                        *MMT], capture_output=True, text=True, timeout=10)
    eq(p.returncode, 1, "exit status")
    lines = stderr_lines(p.stderr)
    eq(len(lines), 1, f"stderr: {lines}")
    check(lines[0].startswith("mmtrace: must run as root"), lines[0])


def start_mmtrace(*opts):
    p = subprocess.Popen([*MMT, "-o", "table", *opts], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    ready, _, _ = select.select([p.stdout], [], [], 30)
    check(ready, "mmtrace printed no header within 30 s")
    p.header = p.stdout.readline()  # printed once the programs are attached
    return p


@test
def system_wide_and_pid_filter():
    """Without a command: -p traces only that pid; SIGINT drains and exits 0."""
    with tempfile.TemporaryDirectory() as tmp:
        log = os.path.join(tmp, "log")
        victim = subprocess.Popen([WORKLOAD, "set_mempolicy+wait", log], stdin=subprocess.PIPE)
        bystander = subprocess.Popen([WORKLOAD, "set_mempolicy+wait", log + "2"],
                                     stdin=subprocess.PIPE)
        wide = start_mmtrace("-e", "set_mempolicy")
        one = start_mmtrace("-p", str(victim.pid), "--stats", "-e", "set_mempolicy")
        for w in (victim, bystander):
            w.stdin.write(b"g")
            w.stdin.close()
            eq(w.wait(timeout=30), 0, "workload exit status")
        time.sleep(0.2)
        outs = {}
        for name, p in (("wide", wide), ("one", one)):
            p.send_signal(signal.SIGINT)
            out, err = p.communicate(timeout=30)
            eq(p.returncode, 0, f"{name}: exit status after SIGINT")
            outs[name] = (out, err)
        with open(log) as f:
            calls = [json.loads(line) for line in f]
        with open(log + "2") as f:
            calls2 = [json.loads(line) for line in f]
        rows = table_rows(one.header + outs["one"][0])
        eq([r["ARGS"] for r in rows], [c["text"] for c in calls], "-p: events")
        stats = json.loads(stderr_lines(outs["one"][1])[-1])["stats"]
        eq(stats["events"], len(calls), "--stats events")
        eq(stats["lost"], 0, "--stats lost")
        wide_rows = table_rows(wide.header + outs["wide"][0])
        for c in calls + calls2:
            check(any(r["PID"] == str(c["pid"]) and r["TID"] == str(c["tid"])
                      and r["ARGS"] == c["text"] for r in wide_rows),
                  f"system-wide: missing {c['text']} of pid {c['pid']}")


@test
def exit_status_of_the_command():
    p = subprocess.run([*MMT, "-e", "set_mempolicy", "--", "sh", "-c", "exit 3"],
                       capture_output=True, text=True)
    eq(p.returncode, 3, "exit status passed through")
    p = subprocess.run([*MMT, "--", "sh", "-c", "kill -TERM $$"], capture_output=True, text=True)
    eq(p.returncode, 128 + 15, "killed command")
    p = subprocess.run([*MMT, "--", "/nonexistent/cmd"], capture_output=True, text=True)
    eq(p.returncode, 127, "command not found")
    eq(stderr_lines(p.stderr), ["mmtrace: failed to run '/nonexistent/cmd': No such file or directory"],
       "command not found: message")


USAGE_ERRORS = [
    (["-o", "xml"], "unknown output format 'xml'"),
    (["-e", "nosuch"], "unknown event 'nosuch'"),
    (["-e", ""], "-e needs at least one event name"),
    (["-e", ",,"], "-e needs at least one event name"),
    (["-p", "abc"], "invalid pid 'abc'"),
    (["-p", "0"], "invalid pid '0'"),
    (["-p", "99999999999"], "invalid pid '99999999999'"),
    (["--bogus"], "unknown option '--bogus'"),
    (["-x"], "unknown option '-x'"),
    (["-e"], "option '-e' needs a value"),
    (["--buffer-size", "3"], "invalid --buffer-size '3'"),
    (["--buffer-size", "5000"], "invalid --buffer-size '5000'"),
    (["--parse-arguments"], "--parse-arguments applies to -o json only"),
    (["-p", "1", "--", "true"], "-p and a command cannot be combined"),
    (["list", "nosuch"], "unknown event 'nosuch'"),
    (["list", "--bogus"], "usage: mmtrace list"),
]


@test
def usage_errors_exit_2_with_one_line():
    for args, msg in USAGE_ERRORS:
        p = subprocess.run([*MMT, *args], capture_output=True, text=True, timeout=10)
        eq(p.returncode, 2, f"exit status of {args}")
        lines = stderr_lines(p.stderr)
        eq(len(lines), 1, f"stderr lines of {args}: {lines}")
        check(lines[0].startswith("mmtrace: ") and msg in lines[0],
              f"message of {args}: {lines[0]!r} lacks {msg!r}")
        eq(p.stdout, "", f"stdout of {args}")


@test
def list_pages_correct_the_seed_pages():
    p = subprocess.run([*MMT, "list"], capture_output=True, text=True)
    eq(p.returncode, 0, "list exit status")
    for name in SIGNATURES:
        check(name in p.stdout, f"list lacks {name}")
    page = subprocess.run([*MMT, "list", "migrate_pages"], capture_output=True, text=True).stdout
    check("NOT moved" in page, "migrate_pages page must say the return counts pages NOT moved")
    check("old_nodes: const unsigned long* [U,TOCTOU]" in page, "old_nodes tags")
    page = subprocess.run([*MMT, "list", "set_mempolicy"], capture_output=True, text=True).stdout
    check("set_numa_affinity" not in page, "set_numa_affinity is not a syscall")
    check("nodemask: const unsigned long* [U,TOCTOU,OPT]" in page, "nodemask tags")
    page = subprocess.run([*MMT, "list", "mremap"], capture_output=True, text=True).stdout
    check("memcpy" not in page and "memmove" not in page, "memcpy/memmove are not syscalls")
    check("KProbes" not in page and "tracepoints syscalls:sys_enter_mremap" in page, "hook")


@test
def docs_pages_are_generated_from_the_table():
    for name in SIGNATURES:
        want = subprocess.run([*MMT, "list", "--markdown", name], capture_output=True,
                              text=True).stdout
        with open(os.path.join(ROOT, "docs", "events", name + ".md")) as f:
            eq(f.read(), want, f"docs/events/{name}.md is stale: run make docs")


def main():
    if os.geteuid() != 0:
        print("e2e: needs root to load BPF programs", file=sys.stderr)
        print(f"0 passed, {len(TESTS)} failed")
        return 1
    passed = failed = 0
    for t in TESTS:
        start = time.time()
        try:
            t()
        except Fail as e:
            failed += 1
            print(f"not ok - {t.__name__}: {e}")
            continue
        except Exception:
            failed += 1
            print(f"not ok - {t.__name__}: {traceback.format_exc()}")
            continue
        passed += 1
        print(f"ok - {t.__name__} ({time.time() - start:.1f}s)")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
