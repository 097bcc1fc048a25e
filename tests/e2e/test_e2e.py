#!/usr/bin/env python3
"""End-to-end tests: run build/mmtrace around tests/e2e/workload, which makes
each syscall of the memory family with sentinel arguments and logs what it
made, and check that every event comes out with exactly those arguments
decoded, in the JSON output (raw and --parse-arguments) and in the table
output; the same for the 32-bit build of the workload (ia32), and with
--syscall-tracepoints. stress-ng runs under strace -c under mmtrace: both
must count the same calls.

Needs root (mmtrace loads BPF programs). Prints one line per test and ends
with "N passed, N failed".
"""
import json
import os
import re
import socket
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time

from harness import (MMTRACE, OUT, ROOT, TO_STDOUT, WORKLOAD, Fail, bpf_fds, cgroup2_mount, check,
                     eq, main, s32, test)
from tracee_schema import entity_id

WORKLOAD32 = os.path.realpath(os.path.join(OUT, "tests", "workload32"))
# The command that runs mmtrace: under valgrind when MMTRACE_VALGRIND is set.
MMT = [MMTRACE]
if os.environ.get("MMTRACE_VALGRIND"):
    MMT = ["valgrind", "-q", "--error-exitcode=99", "--leak-check=full",
           "--errors-for-leak-kinds=definite",
           "--suppressions=" + os.path.join(ROOT, "tests", "valgrind.supp"), MMTRACE]


def stderr_lines(text):
    """mmtrace's stderr lines, without valgrind's own "--N--" notes."""
    return [l for l in text.splitlines() if not re.match(r"^(--|==)\d+(--|==)", l)]

# Each event: its x86_64 number (Tracee's eventId, also for ia32 callers)
# and its arguments: name, type as Tracee v0.24.1's pkg/events/core.go has
# it (the last three events are not in Tracee), C type (the v0.23 name),
# and how the JSON value reads the register: "l" all of it (pointers,
# sizes, unsigned longs), "q" all of it as a signed 64-bit number (off_t),
# "i" a C int (its low 32 bits, sign-extended), "u" a C unsigned int (its
# low 32 bits). The C type says which: a value fits its type.
SIGNATURES = {
    "brk": (12, [("addr", "trace.Pointer", "void*", "l")]),
    "mmap": (9, [("addr", "trace.Pointer", "void*", "l"), ("length", "uint64", "size_t", "l"), ("prot", "int32", "int", "i"),
                 ("flags", "int32", "int", "i"), ("fd", "int32", "int", "i"), ("off", "int64", "off_t", "q")]),
    "munmap": (11, [("addr", "trace.Pointer", "void*", "l"), ("length", "uint64", "size_t", "l")]),
    "mremap": (25, [("old_address", "trace.Pointer", "void*", "l"), ("old_size", "uint64", "size_t", "l"),
                    ("new_size", "uint64", "size_t", "l"), ("flags", "int32", "int", "i"),
                    ("new_address", "trace.Pointer", "void*", "l")]),
    "mprotect": (10, [("addr", "trace.Pointer", "void*", "l"), ("len", "uint64", "size_t", "l"), ("prot", "int32", "int", "i")]),
    "pkey_mprotect": (329, [("addr", "trace.Pointer", "void*", "l"), ("len", "uint64", "size_t", "l"),
                            ("prot", "int32", "int", "i"), ("pkey", "int32", "int", "i")]),
    "madvise": (28, [("addr", "trace.Pointer", "void*", "l"), ("length", "uint64", "size_t", "l"),
                     ("advice", "int32", "int", "i")]),
    "process_madvise": (440, [("pidfd", "int32", "int", "i"), ("iovec", "trace.Pointer", "const struct iovec*", "l"),
                              ("vlen", "uint64", "size_t", "l"), ("advice", "int32", "int", "i"),
                              ("flags", "uint64", "unsigned int", "u")]),
    "mlock": (149, [("addr", "trace.Pointer", "const void*", "l"), ("len", "uint64", "size_t", "l")]),
    "mlock2": (325, [("addr", "trace.Pointer", "const void*", "l"), ("len", "uint64", "size_t", "l"),
                     ("flags", "int32", "int", "i")]),
    "munlock": (150, [("addr", "trace.Pointer", "const void*", "l"), ("len", "uint64", "size_t", "l")]),
    "mlockall": (151, [("flags", "int32", "int", "i")]),
    "munlockall": (152, []),
    "msync": (26, [("addr", "trace.Pointer", "void*", "l"), ("length", "uint64", "size_t", "l"), ("flags", "int32", "int", "i")]),
    "mincore": (27, [("addr", "trace.Pointer", "void*", "l"), ("length", "uint64", "size_t", "l"),
                     ("vec", "trace.Pointer", "unsigned char*", "l")]),
    "remap_file_pages": (216, [("addr", "trace.Pointer", "void*", "l"), ("size", "uint64", "size_t", "l"),
                               ("prot", "int32", "int", "i"), ("pgoff", "uint64", "size_t", "l"),
                               ("flags", "int32", "int", "i")]),
    "mbind": (237, [("addr", "trace.Pointer", "void*", "l"), ("len", "uint64", "unsigned long", "l"),
                    ("mode", "int32", "int", "i"), ("nodemask", "trace.Pointer", "const unsigned long*", "l"),
                    ("maxnode", "uint64", "unsigned long", "l"), ("flags", "uint32", "unsigned int", "u")]),
    "set_mempolicy": (238, [("mode", "int32", "int", "i"), ("nodemask", "trace.Pointer", "const unsigned long*", "l"),
                            ("maxnode", "uint64", "unsigned long", "l")]),
    "get_mempolicy": (239, [("mode", "trace.Pointer", "int*", "l"), ("nodemask", "trace.Pointer", "unsigned long*", "l"),
                            ("maxnode", "uint64", "unsigned long", "l"), ("addr", "trace.Pointer", "void*", "l"),
                            ("flags", "uint64", "unsigned long", "l")]),
    "set_mempolicy_home_node": (450, [("start", "trace.Pointer", "unsigned long", "l"),
                                      ("len", "uint64", "unsigned long", "l"),
                                      ("home_node", "uint64", "unsigned long", "l"),
                                      ("flags", "uint64", "unsigned long", "l")]),
    "migrate_pages": (256, [("pid", "int32", "int", "i"), ("maxnode", "uint64", "unsigned long", "l"),
                            ("old_nodes", "trace.Pointer", "const unsigned long*", "l"),
                            ("new_nodes", "trace.Pointer", "const unsigned long*", "l")]),
    "move_pages": (279, [("pid", "int32", "int", "i"), ("count", "uint64", "unsigned long", "l"),
                         ("pages", "trace.Pointer", "const void**", "l"), ("nodes", "trace.Pointer", "const int*", "l"),
                         ("status", "trace.Pointer", "int*", "l"), ("flags", "int32", "int", "i")]),
    "mseal": (462, [("start", "trace.Pointer", "unsigned long", "l"), ("len", "uint64", "size_t", "l"),
                    ("flags", "uint64", "unsigned long", "l")]),
    "map_shadow_stack": (453, [("addr", "trace.Pointer", "unsigned long", "l"), ("size", "uint64", "unsigned long", "l"),
                               ("flags", "uint32", "unsigned int", "u")]),
}

# Kernels built without user shadow stacks have no such tracepoint.
HAS_TP_MAP_SHADOW_STACK = any(os.path.exists(d + "/events/syscalls/sys_enter_map_shadow_stack")
                              for d in ("/sys/kernel/tracing", "/sys/kernel/debug/tracing"))

# Each workload scenario and the events it makes (its -e list).
SCENARIOS = {name: [name] for name in SIGNATURES}
SCENARIOS.update({
    "mseal": ["mseal", "munmap", "mprotect"],
    # int arguments made with garbage in the upper 32 bits of the register
    "int_args": ["mlockall", "msync", "mlock2", "move_pages", "mbind", "map_shadow_stack",
                 "madvise", "pkey_mprotect", "set_mempolicy", "migrate_pages",
                 "process_madvise", "mmap"],
    # events that read user memory, one after another on one CPU
    "mixed": ["migrate_pages", "set_mempolicy", "mbind", "get_mempolicy", "move_pages"],
})
ONLY_64 = {"int_args"}  # an ia32 register has no upper half
# The workload brackets its own calls, per thread, with these markers
# (set_mempolicy_home_node(1 or 2, 0, 0, MARK), EINVAL): libc and the
# loader make some of the same syscalls, before, after and between them.
MARKER = "set_mempolicy_home_node"
MARK = 0x6d6d74
# The events libc and the dynamic loader make themselves (the workload's
# startup, its exit, its threads' stacks). No other event may show outside
# the windows.
NOISY = {"brk", "mmap", "munmap", "mprotect", "madvise"}

TRACEE_KEYS = ["timestamp", "threadStartTime", "processorId", "processId",
               "cgroupId", "threadId", "parentProcessId", "hostProcessId",
               "hostThreadId", "hostParentProcessId", "userId",
               "mountNamespace", "pidNamespace", "processName", "executable",
               "hostName", "containerId", "container", "kubernetes", "eventId",
               "eventName", "matchedPolicies", "argsNum", "returnValue",
               "syscall", "stackAddresses", "contextFlags", "threadEntityId",
               "processEntityId", "parentEntityId", "args"]




def raw_value(raw, how):
    """The JSON value of a raw register value read as SIGNATURES says."""
    if how == "i":
        return s32(raw)
    if how == "u":
        return raw & 0xffffffff
    if how == "q":
        return raw - (1 << 64) if raw >> 63 else raw
    return raw


def raw_kept(raw, how):
    """The register as "rawValue" when a 32-bit value does not hold it all
    (it is neither the zero- nor the sign-extension of its low half)."""
    if how not in ("i", "u"):
        return None
    low = raw & 0xffffffff
    return None if raw in (low, s32(raw) & 0xffffffffffffffff) else raw


def run_traced(scenario, *opts, events=None, binary=WORKLOAD):
    """Run mmtrace OPTS -e EVENTS -- BINARY SCENARIO LOG; EVENTS are by
    default the scenario's and the window marker's. Return (stdout, stderr,
    the calls logged)."""
    if events is None:
        events = ",".join(SCENARIOS[scenario] + [MARKER])
    with tempfile.TemporaryDirectory() as tmp:
        log = os.path.join(tmp, "log")
        cmd = [*MMT, *TO_STDOUT, *opts, "-e", events, "--", binary, scenario, log]
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        eq(p.returncode, 0, f"exit status of {' '.join(cmd)} (stderr: {p.stderr.strip()})")
        with open(log) as f:
            calls = [json.loads(line) for line in f]
    for c in calls:
        if "kernel" in c:
            raise Fail(f"the workload expected another outcome of {c['event']} {c['text']}: "
                       f"{c['kernel']}")
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
        check(mine, f"no event for {call['event']} {call['text']} of thread {call['tid']}")
        pairs.append((mine.pop(0), call))
    left = sum(len(v) for v in by_tid.values())
    eq(left, 0, "events that no logged call made")
    return pairs


def json_marker(ev):
    """"open" or "close" for a window marker's JSON event, else None."""
    if ev["eventName"] != MARKER:
        return None
    v = [a["value"] for a in ev["args"]]
    if v[1:] != [0, 0, MARK]:
        return None
    return {1: "open", "0x1": "open", 2: "close", "0x2": "close"}.get(v[0])


def row_marker(row):
    m = re.fullmatch(r"start: 0x([12]), len: 0, home_node: 0, flags: %d( \[ia32\])?" % MARK,
                     row["ARGS"])
    if row["EVENT"] != MARKER or not m:
        return None
    return "open" if m.group(1) == "1" else "close"


def in_windows(items, tid_of, marker_of, name_of):
    """The items each thread made inside its windows; checks that the
    others are libc's or the loader's (NOISY)."""
    is_open = {}
    inside, outside = [], []
    for it in items:
        tid, m = tid_of(it), marker_of(it)
        if m == "open":
            check(not is_open.get(tid), f"thread {tid} opened a window twice")
            is_open[tid] = True
        elif m == "close":
            check(is_open.get(tid), f"thread {tid} closed a window it had not opened")
            is_open[tid] = False
        elif is_open.get(tid):
            inside.append(it)
        else:
            outside.append(it)
    check(is_open, "no window marker was seen")
    check(not any(is_open.values()), "a window was never closed")
    eq(sorted({name_of(it) for it in outside} - NOISY), [],
       "events outside the workload's windows")
    return inside


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


# input node masks: (event, argument) -> the index of their maxnode argument
INPUT_MASKS = {("set_mempolicy", "nodemask"): 2, ("mbind", "nodemask"): 4,
               ("migrate_pages", "old_nodes"): 1, ("migrate_pages", "new_nodes"): 1}


def checked_mask(want, maxnode, got):
    """The members of an input mask beside those the workload logged: how it
    was checked for a change during the call, when it was read (not NULL, not
    unreadable, maxnode > 1); and on kernels with fexit or kprobes, the
    kernel's own copy, when the call got as far as copying it."""
    nodes = want.get("nodes")
    if nodes is None or "readError" in want or (not nodes and maxnode <= 1):
        return want
    want = dict(want, toctouCheck="entry-exit re-read")
    if "kernelNodes" in got:  # nobody races the workload: the same nodes
        want["kernelNodes"] = nodes
        want["toctouCheck"] = got.get("toctouCheck")
        check(want["toctouCheck"] in ("kernel-copy (fexit get_nodes)",
                                      "kernel-copy (kprobe get_nodes)"), f"method of {got}")
    return want


def check_json(scenario, parsed, binary=WORKLOAD, opts=()):
    """Every field of every event of the scenario, against its log."""
    compat = binary == WORKLOAD32
    v023 = "--tracee-format=v0.23" in opts
    opts = ["-o", "json", *opts] + (["--parse-arguments"] if parsed else [])
    out, err, calls = run_traced(scenario, *opts, binary=binary)
    check(calls, "the workload logged no call")
    if "--syscall-tracepoints" in opts and not HAS_TP_MAP_SHADOW_STACK:
        # the event's documented limit: no tracepoint on this kernel
        calls = [c for c in calls if c["event"] != "map_shadow_stack"]
    events = in_windows(json_events(out), lambda e: e["hostThreadId"], json_marker,
                        lambda e: e["eventName"])
    eq(len(events), len(calls), f"number of {scenario} events")
    for i, (ev, call) in enumerate(pair_by_thread(events, calls, lambda e: e["hostThreadId"])):
        name = call["event"]
        nr, sig = SIGNATURES[name]
        where = f"{scenario} call {i + 1} ({name} {call['text']})"
        # after Tracee's keys: the kernel's migration counts, the target
        extra_keys = [k for k in ("migration", "target") if call.get(k) is not None]
        eq(list(ev.keys()), TRACEE_KEYS + extra_keys, f"{where}: keys")
        for k in extra_keys:
            eq(ev[k], call[k], f"{where}: {k}")
        eq(ev["eventName"], name, f"{where}: eventName")
        eq(ev["syscall"], name, f"{where}: syscall")
        eq(ev["eventId"], str(nr), f"{where}: eventId (the x86_64 number)")
        eq(ev["contextFlags"], {"containerStarted": False, "isCompat": compat},
           f"{where}: contextFlags")
        eq(ev["processId"], call["pid"], f"{where}: processId")
        eq(ev["hostProcessId"], call["pid"], f"{where}: hostProcessId")
        eq(ev["threadId"], call["tid"], f"{where}: threadId")
        eq(ev["hostThreadId"], call["tid"], f"{where}: hostThreadId")
        eq(ev["processName"], call["comm"], f"{where}: processName")
        eq(ev["executable"], {"path": binary}, f"{where}: executable")
        eq(ev["userId"], os.getuid(), f"{where}: userId")
        eq(ev["returnValue"], call["ret"], f"{where}: returnValue")
        eq(ev["argsNum"], len(sig), f"{where}: argsNum")
        eq(ev["hostParentProcessId"], call["ppid"], f"{where}: hostParentProcessId")
        eq(ev["parentProcessId"], call["ppid"], f"{where}: parentProcessId")
        check(ev["timestamp"] > ev["threadStartTime"] > 0, f"{where}: timestamps")
        check(abs(ev["timestamp"] / 1e9 - time.time()) < 120,
              f"{where}: timestamp {ev['timestamp']} is not the wall clock")
        eq(ev["mountNamespace"], os.stat("/proc/self/ns/mnt").st_ino, f"{where}: mountNamespace")
        eq(ev["pidNamespace"], os.stat("/proc/self/ns/pid").st_ino, f"{where}: pidNamespace")
        eq(ev["cgroupId"], cgroup2_id(), f"{where}: cgroupId")
        eq(ev["hostName"], socket.gethostname(), f"{where}: hostName")
        eq(ev["containerId"], "", f"{where}: containerId")
        check(0 <= ev["processorId"] < os.cpu_count(), f"{where}: processorId")
        # Tracee's types (v0.23: the C types); a value printed as a name is
        # a "string", as Tracee types the arguments it parses
        eq([(a["name"], a["type"]) for a in ev["args"]],
           [(n, "string" if parsed and isinstance(call["parsed"][j], str) and
             t != "trace.Pointer" else c if v023 else t)
            for j, (n, t, c, _) in enumerate(sig)], f"{where}: arg names and types")
        eq(ev["matchedPolicies"], [""], f"{where}: matchedPolicies")
        eq(ev["threadEntityId"], entity_id(ev["hostThreadId"], ev["threadStartTime"]),
           f"{where}: threadEntityId")
        if call["pid"] == call["tid"]:
            eq(ev["processEntityId"], ev["threadEntityId"], f"{where}: processEntityId")
        eq(len(call["args"]), len(sig), f"{where}: the workload's arguments")
        extras = call["extra_parsed" if parsed else "extra"]
        for j, (a, raw, (_, _, _, how)) in enumerate(zip(ev["args"], call["args"], sig)):
            what = f"{where}: arg {a['name']}"
            if parsed:
                eq(a["value"], call["parsed"][j], what)
            elif v023 and how == "q":
                eq(a["value"], raw, what)  # v0.23 read off_t unsigned
            else:
                eq(a["value"], raw_value(raw, how), what)
            eq(a.get("rawValue"), raw_kept(raw, how), f"{what}: rawValue")
            extra = {k: v for k, v in a.items()
                     if k not in ("name", "type", "value", "rawValue")}
            want = extras[j]
            if (name, a["name"]) in INPUT_MASKS:
                want = checked_mask(want, call["args"][INPUT_MASKS[(name, a["name"])]], extra)
            eq(extra, want, f"{what}: members")


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
            if end:  # a column ends with at least one space
                check(line[end - 1] == " ", f"column {c} overflows in {line!r}")
        rows.append(row)
    return rows


def check_table(scenario, binary=WORKLOAD):
    compat = binary == WORKLOAD32
    out, err, calls = run_traced(scenario, "-o", "table", binary=binary)
    check(calls, "the workload logged no call")
    rows = in_windows(table_rows(out), lambda r: int(r["TID"]), row_marker,
                      lambda r: r["EVENT"])
    eq(len(rows), len(calls), f"number of {scenario} rows")
    for i, (row, call) in enumerate(pair_by_thread(rows, calls, lambda r: int(r["TID"]))):
        where = f"{scenario} row {i + 1} ({call['event']})"
        eq(row["UID"], str(os.getuid()), f"{where}: UID")
        eq(row["COMM"], call["comm"], f"{where}: COMM")
        eq(row["PID"], str(call["pid"]), f"{where}: PID")
        eq(row["TID"], str(call["tid"]), f"{where}: TID")
        eq(row["RET"], call["ret_text"], f"{where}: RET")
        eq(row["EVENT"], call["event"], f"{where}: EVENT")
        eq(row["ARGS"], call["text"], f"{where}: ARGS")
        eq(row["ARGS"].endswith(" [ia32]"), compat, f"{where}: ARGS ends with ' [ia32]'")
        check(len(row["TIME"]) == 15 and row["TIME"][2] == ":", f"{where}: TIME {row['TIME']!r}")


def add_test(name, fn, *args):
    def t():
        fn(*args)
    t.__name__ = name
    test(t)


# 64-bit: every scenario, in the three renderings
for _s in SCENARIOS:
    add_test(f"{_s}: every field, JSON", check_json, _s, False)
    add_test(f"{_s}: every field, JSON --parse-arguments", check_json, _s, True)
    add_test(f"{_s}: every column, table", check_table, _s)

# 32-bit (ia32): the same scenarios from workload32; eventId stays the x86_64
# number, contextFlags.isCompat is true, the table ends with " [ia32]"
for _s in SCENARIOS:
    if _s in ONLY_64 or _s == "map_shadow_stack":
        continue
    add_test(f"{_s}: every field, JSON, ia32", check_json, _s, False, WORKLOAD32)
    add_test(f"{_s}: every field, JSON --parse-arguments, ia32", check_json, _s, True,
             WORKLOAD32)
    add_test(f"{_s}: every column, table, ia32", check_table, _s, WORKLOAD32)


@test
def map_shadow_stack_has_no_ia32_entry():
    """ia32 has no map_shadow_stack: its number 453 there is no syscall, and
    mmtrace reports nothing for it (the windows show the calls were made)."""
    out, err, calls = run_traced("map_shadow_stack", "-o", "json", binary=WORKLOAD32)
    eq(calls, [], "calls the 32-bit workload logs")
    events = json_events(out)
    eq([json_marker(e) for e in events], ["open", "close"], "events: only the window")


# --tracee-format=v0.23: the C type names, values as before
for _s in ("mmap", "mbind", "int_args"):
    add_test(f"{_s}: every field, JSON, --tracee-format=v0.23", check_json, _s, False,
             WORKLOAD, ["--tracee-format=v0.23"])
add_test("move_pages: every field, JSON --parse-arguments, --tracee-format=v0.23", check_json,
         "move_pages", True, WORKLOAD, ["--tracee-format=v0.23"])

# --syscall-tracepoints: per-syscall tracepoints see the 64-bit workload the same
for _s in SCENARIOS:
    if _s == "map_shadow_stack":
        continue
    add_test(f"{_s}: every field, JSON, --syscall-tracepoints", check_json, _s, False,
             WORKLOAD, ["--syscall-tracepoints"])


@test
def syscall_tracepoints_and_map_shadow_stack():
    """Kernels without user shadow stacks, as ours, have no
    syscalls:sys_enter_map_shadow_stack (documented in the event's page):
    with --syscall-tracepoints the calls are then not seen."""
    if HAS_TP_MAP_SHADOW_STACK:
        check_json("map_shadow_stack", False, WORKLOAD, ["--syscall-tracepoints"])
        return
    out, err, calls = run_traced("map_shadow_stack", "-o", "json", "--syscall-tracepoints")
    eq(len(calls), 4, "calls the workload logs")
    events = json_events(out)
    eq([json_marker(e) for e in events], ["open", "close"], "events: only the window")


@test
def syscall_tracepoints_do_not_see_ia32():
    """The documented limit of --syscall-tracepoints: 32-bit processes are
    not seen at all (while the raw tracepoints see them: the ia32 tests)."""
    for scenario in ("mmap", "mremap", "set_mempolicy", "migrate_pages", "move_pages"):
        out, err, calls = run_traced(scenario, "-o", "json", "--syscall-tracepoints",
                                     binary=WORKLOAD32)
        check(calls, f"{scenario}: the workload logged no call")
        # not its calls, not its window markers, not its libc's
        eq(json_events(out), [], f"{scenario}: events of the 32-bit workload")


def linked_programs(pid):
    """Names of the BPF programs process pid holds attached through links."""
    ids = {int(info["prog_id"]) for info in bpf_fds(pid)
           if "link_type" in info and "prog_id" in info}
    out = subprocess.run(["bpftool", "-j", "prog", "show"], capture_output=True, text=True,
                         timeout=30).stdout
    return {p.get("name") for p in json.loads(out or "[]") if p.get("id") in ids}


def wait_for(cond, what, limit=15.0):
    deadline = time.monotonic() + limit
    while not cond():
        check(time.monotonic() < deadline, f"{what}: not within {limit:.0f} s")
        time.sleep(0.1)


@test
def raw_hooks_only_while_a_32bit_process_lives():
    """--attach=auto (the default): a 32-bit program started under the
    command gets the raw syscall programs attached (its calls, made after,
    are all seen, as ia32); once it has exited they are detached (the calls
    nobody traces stop paying for them), and a 64-bit program after it is
    still traced, by the per-syscall tracepoints."""
    with tempfile.TemporaryDirectory() as tmp:
        log32, log64 = os.path.join(tmp, "log32"), os.path.join(tmp, "log64")
        # the command's stdin is mmtrace's: one byte lets the 32-bit
        # program go, one line the shell
        script = '"$1" burst+wait "$2" && read x && "$3" burst "$4"'
        # to a file: a pipe not read until the end would stop the reader
        outfile = os.path.join(tmp, "out")
        p = subprocess.Popen([*MMT, "--output-file", outfile, "-o", "json", "--stats", "-e",
                              "set_mempolicy", "--", "sh", "-c", script, "sh", WORKLOAD32, log32,
                              WORKLOAD, log64],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, start_new_session=True)
        try:
            # the 32-bit program, exec'd, waits for its byte: the raw programs come
            wait_for(lambda: {"raw_enter", "raw_exit"} <= linked_programs(p.pid),
                     "raw programs attached for the 32-bit program")
            check("tp_enter" in linked_programs(p.pid), "per-syscall programs attached too")
            p.stdin.write("g")
            p.stdin.flush()
            # it has run and exited; the shell waits for its line
            wait_for(lambda: not {"raw_enter", "raw_exit"} & linked_programs(p.pid),
                     "raw programs detached after the 32-bit program exited")
            check("tp_enter" in linked_programs(p.pid), "per-syscall programs still attached")
            _, err = p.communicate("\n", timeout=60)
        finally:
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGKILL)
                p.communicate(timeout=30)
        eq(p.returncode, 0, f"exit status (stderr: {err.strip()})")
        with open(outfile) as f:
            events = json_events(f.read())
        for name, path, compat in (("32", log32, True), ("64", log64, False)):
            with open(path) as f:
                made = sum(json.loads(line)["calls"] for line in f)
            mine = [e for e in events if e["contextFlags"]["isCompat"] == compat]
            eq(len(mine), made, f"set_mempolicy events of the {name}-bit workload")
            eq(len({e["hostProcessId"] for e in mine}), 1, f"{name}-bit events: one process")
        stats = json.loads(stderr_lines(err)[-1])["stats"]
        eq(stats["lost"], 0, "--stats lost")
        eq(stats["attach"], "syscall", "--stats attach at the end")
        eq(stats["ia32StartedBeforeAttach"], 1, "--stats ia32StartedBeforeAttach")
        eq(stats["ia32RawDetached"], 1, "--stats ia32RawDetached")


@test
def raw_hooks_stay_for_the_child_of_a_32bit_program():
    """A 32-bit program's child outlives it: the raw programs stay attached
    for the child (a process made by a 32-bit fork is a 32-bit process),
    whose calls, 2.5 s after its parent exited, are all seen; they go once
    the child has exited too."""
    with tempfile.TemporaryDirectory() as tmp:
        log32, outfile = os.path.join(tmp, "log32"), os.path.join(tmp, "out")
        cmd = [*MMT, "--output-file", outfile, "-o", "json", "--stats", "-e", "set_mempolicy",
               "--", "sh", "-c", '"$1" burst+orphan "$2"; sleep 5', "sh", WORKLOAD32, log32]
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        eq(p.returncode, 0, f"exit status (stderr: {p.stderr.strip()})")
        with open(log32) as f:
            made = sum(json.loads(line)["calls"] for line in f)
        check(made, "the child logged no call")
        with open(outfile) as f:
            events = json_events(f.read())
        eq(len([e for e in events if e["contextFlags"]["isCompat"]]), made,
           "set_mempolicy events of the 32-bit child")
        stats = json.loads(stderr_lines(p.stderr)[-1])["stats"]
        eq(stats["lost"], 0, "--stats lost")
        eq(stats["ia32RawDetached"], 1, "--stats ia32RawDetached")
        eq(stats["attach"], "syscall", "--stats attach at the end")


# The memory syscalls strace 6.1 knows by name (not mseal, map_shadow_stack).
STRACE_EVENTS = [e for e in SIGNATURES if e not in ("mseal", "map_shadow_stack")]


def agrees_with_strace_c(args, must_see):
    """strace -f -c runs stress-ng under mmtrace: both count the very same
    calls; per event the counts must be equal, and nothing lost."""
    stress = os.path.realpath(shutil.which("stress-ng"))
    with tempfile.TemporaryDirectory() as tmp:
        summary = os.path.join(tmp, "strace")
        cmd = [*MMT, *TO_STDOUT, "-o", "json", "--stats", "-e", ",".join(STRACE_EVENTS), "--",
               "strace", "-f", "-c", "-o", summary, "-e", "trace=" + ",".join(STRACE_EVENTS),
               stress, *args]
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
        eq(p.returncode, 0, f"exit status of {' '.join(cmd)} (stderr: {p.stderr.strip()})")
        with open(summary) as f:
            text = f.read()
    want = {}
    for line in text.splitlines():
        parts = line.split()
        # % time, seconds, usecs/call, calls, [errors,] syscall
        if len(parts) >= 5 and re.fullmatch(r"[\d.]+", parts[0]) and parts[-1] != "total":
            want[parts[-1]] = int(parts[3])
    check(want, f"no counts in strace's summary: {text!r}")
    events = json_events(p.stdout)
    stats = json.loads(stderr_lines(p.stderr)[-1])["stats"]
    eq(stats["lost"], 0, "--stats lost")
    eq(stats["malformed"], 0, "--stats malformed")
    eq(stats["events"], len(events), "--stats events")
    got = {}
    for e in events:
        # strace's own calls, before it runs stress-ng, are not in its count
        if e["executable"]["path"] == stress:
            got[e["eventName"]] = got.get(e["eventName"], 0) + 1
    eq(dict(sorted(got.items())), dict(sorted(want.items())), "calls per event")
    for e in must_see:
        check(got.get(e), f"stress-ng made no {e}")


@test
def stress_ng_numa_agrees_with_strace():
    agrees_with_strace_c(["--numa", "1", "--numa-ops", "20"],
                         ["mbind", "set_mempolicy", "get_mempolicy", "migrate_pages",
                          "move_pages", "mmap"])


@test
def stress_ng_mremap_agrees_with_strace():
    agrees_with_strace_c(["--mremap", "1", "--mremap-ops", "5"],
                         ["mremap", "mmap", "munmap", "madvise"])


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
    out, _, calls = run_traced("set_mempolicy", "-o", "json", events="migrate_pages")
    eq(json_events(out), [], "events of an unselected syscall")
    out, _, calls = run_traced("migrate_pages", "-o", "json", events="set_mempolicy,migrate_pages")
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
        p = subprocess.run([*MMT, *TO_STDOUT, "-o", "json", "-e", "set_mempolicy", "--", "unshare",
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


# Changes a thread's context between calls: host name (twice, with the
# same first bytes), mount namespace, parent (orphaned), executable (exec).
# Each call is set_mempolicy(MPOL_DEFAULT, NULL, TAG); the log says what
# the context was at that call.
CONTEXT_CHANGES = r"""
import ctypes, json, os, socket, sys, threading, time
libc = ctypes.CDLL(None, use_errno=True)
log = open(sys.argv[1], "a")

def call(tag):
    libc.syscall(238, 0, None, ctypes.c_ulong(tag))
    log.write(json.dumps({"tag": tag, "tid": threading.get_native_id(),
                          "ppid": os.getppid(), "host": socket.gethostname(),
                          "mnt": os.stat("/proc/self/ns/mnt").st_ino}) + "\n")
    log.flush()

call(1001)
assert libc.unshare(0x04000000) == 0  # CLONE_NEWUTS
socket.sethostname("mmt-context-test-1")
call(1002)
socket.sethostname("mmt-context-test-2")
call(1003)
assert libc.unshare(0x00020000) == 0  # CLONE_NEWNS
call(1004)
r, w = os.pipe()
os.set_inheritable(w, True)
if os.fork() == 0:
    parent = os.getpid()
    made_r, made_w = os.pipe()
    if os.fork() == 0:
        os.close(r)
        call(1005)
        os.write(made_w, b"x")
        while os.getppid() == parent:
            time.sleep(0.01)
        call(1006)
        log.close()
        os.execv("/usr/bin/numactl", ["numactl", "--membind=0", "/bin/true"])
    os.read(made_r, 1)  # the grandchild made its call as our child
    os._exit(0)
os.close(w)
os.read(r, 1)  # EOF: the grandchild's numactl has run
"""


@test
def context_follows_changes():
    """A thread's context is sent once and again when it changes: every
    call comes out with the host name, mount namespace, parent and
    executable it had when it was made."""
    with tempfile.TemporaryDirectory() as tmp:
        log = os.path.join(tmp, "log")
        p = subprocess.run([*MMT, *TO_STDOUT, "-o", "json", "-e", "set_mempolicy", "--stats", "--",
                            sys.executable, "-c", CONTEXT_CHANGES, log],
                           capture_output=True, text=True, timeout=60)
        eq(p.returncode, 0, f"exit status ({p.stderr.strip()})")
        with open(log) as f:
            calls = [json.loads(line) for line in f]
    eq([c["tag"] for c in calls], list(range(1001, 1007)), "calls logged")
    events = json_events(p.stdout)
    tagged = {e["args"][2]["value"]: e for e in events if e["args"][2]["value"] in
              range(1001, 1007)}
    py = os.path.realpath(sys.executable)
    for c in calls:
        ev = tagged.get(c["tag"])
        check(ev, f"no event for call {c['tag']}")
        where = f"call {c['tag']}"
        eq(ev["hostThreadId"], c["tid"], f"{where}: hostThreadId")
        eq(ev["hostName"], c["host"], f"{where}: hostName")
        eq(ev["mountNamespace"], c["mnt"], f"{where}: mountNamespace")
        eq(ev["hostParentProcessId"], c["ppid"], f"{where}: hostParentProcessId")
        eq(ev["executable"], {"path": py}, f"{where}: executable")
    check(calls[4]["ppid"] != calls[5]["ppid"], "the grandchild was not reparented")
    orphan = calls[5]["tid"]
    after = [e for e in events if e["hostThreadId"] == orphan and e["args"][0]["value"] == 2]
    check(after, "no set_mempolicy(MPOL_BIND) of numactl after the exec")
    for ev in after:
        eq(ev["executable"], {"path": "/usr/bin/numactl"}, "executable after exec")
        eq(ev["processName"], "numactl", "processName after exec")
        eq(ev["hostName"], "mmt-context-test-2", "hostName after exec")
    stats = json.loads(stderr_lines(p.stderr)[-1])["stats"]
    eq(stats["withoutContext"], 0, "calls without their thread's context")
    eq(stats["malformed"], 0, "malformed records")
    eq(stats["threadContexts"], 0, "thread contexts held after every thread exited")


MIGRATING_THREAD = """
import ctypes, os, socket
libc = ctypes.CDLL(None, use_errno=True)
if libc.unshare(0x04000000):  # CLONE_NEWUTS
    raise SystemExit("unshare failed")
for i in range(40):
    os.sched_setaffinity(0, {i % 2})
    if i % 10 == 0:
        socket.sethostname(f"mmt-cpus-{i // 10}")
    libc.syscall(238, 0, None, 0)  # set_mempolicy(MPOL_DEFAULT, NULL, 0)
"""


@test
def context_follows_a_thread_across_cpus():
    """A thread moves to the other CPU at every call and changes its host
    name every tenth: its new context goes out on one CPU's ring buffer, its
    next call on the other's. Put back in time order, every call is joined
    with the context of its own time; nothing is late or without context."""
    if len(os.sched_getaffinity(0)) < 2:
        return
    p = subprocess.run([*MMT, *TO_STDOUT, "--stats", "-o", "json", "-e", "set_mempolicy", "--",
                        sys.executable, "-c", MIGRATING_THREAD],
                       capture_output=True, text=True, timeout=60)
    eq(p.returncode, 0, f"exit status (stderr: {p.stderr.strip()})")
    events = json_events(p.stdout)
    eq(len(events), 40, "set_mempolicy events")
    for i, ev in enumerate(events):
        eq(ev["hostName"], f"mmt-cpus-{i // 10}", f"hostName of call {i + 1}")
        eq(ev["processorId"], i % 2, f"CPU of call {i + 1}")
    stats = json.loads(stderr_lines(p.stderr)[-1])["stats"]
    eq(stats["withoutContext"], 0, "calls without their thread's context")
    eq(stats["late"], 0, "records out of time order")


CGROUP_MOVES = """
import ctypes, json, os, sys, threading
libc = ctypes.CDLL(None, use_errno=True)
mount, base, log = sys.argv[1], sys.argv[2], open(sys.argv[3], "w")
home = mount + next(l.strip()[3:] for l in open("/proc/self/cgroup") if l.startswith("0::"))
go = [threading.Event() for _ in range(4)]
done = [threading.Event() for _ in range(4)]

def call(tag):
    libc.syscall(238, 0, None, ctypes.c_ulong(tag))  # set_mempolicy(MPOL_DEFAULT, NULL, tag)

def other():
    for i in range(4):
        go[i].wait()
        call(2000 + i)
        done[i].set()

t = threading.Thread(target=other)
t.start()
for i, path in enumerate([home, base + "/a", base + "/b", base + "/a"]):
    if i:  # the whole process, both threads, moves
        with open(path + "/cgroup.procs", "w") as f:
            f.write(str(os.getpid()))
    call(1000 + i)
    go[i].set()
    done[i].wait()
    log.write(json.dumps({"tags": [1000 + i, 2000 + i], "cgroup": os.stat(path).st_ino}) + "\\n")
t.join()
"""


@test
def cgroup_id_follows_moves():
    """Two threads call from their cgroup, then the process moves to
    another cgroup (both threads), to a third and back: every call carries
    the cgroup it was made in, the other thread's included (a thread's
    cgroup id is kept between its calls until a task moves)."""
    mount = cgroup2_mount()
    base = os.path.join(mount, f"mmtrace-moves-{os.getpid()}")
    with tempfile.TemporaryDirectory() as tmp:
        log = os.path.join(tmp, "log")
        for d in (base, base + "/a", base + "/b"):
            os.makedirs(d, exist_ok=True)
        try:
            p = subprocess.run([*MMT, *TO_STDOUT, "-o", "json", "-e", "set_mempolicy", "--",
                                sys.executable, "-c", CGROUP_MOVES, mount, base, log],
                               capture_output=True, text=True, timeout=60)
            with open(log) as f:
                stages = [json.loads(line) for line in f]
        finally:
            for d in (base + "/a", base + "/b", base):
                try:
                    os.rmdir(d)
                except OSError:
                    pass
    eq(p.returncode, 0, f"exit status ({p.stderr.strip()})")
    eq(len(stages), 4, "stages logged")
    events = {e["args"][2]["value"]: e for e in json_events(p.stdout)}
    check(len({s["cgroup"] for s in stages}) == 3, "three different cgroups")
    for s in stages:
        for tag in s["tags"]:
            check(tag in events, f"no event for call {tag}")
            eq(events[tag]["cgroupId"], s["cgroup"], f"cgroupId of call {tag}")


# The command's own nice value, then its tracer's (the main thread, which
# reads): once it is what the test expects, or after 3 s.
NICE_OF_BOTH = r"""
import os, sys, time
def nice(pid):
    with open(f"/proc/{pid}/stat") as f:
        return int(f.read().rsplit(")", 1)[1].split()[16])
want = int(sys.argv[1])
end = time.time() + 3
while nice(os.getppid()) != want and time.time() < end:
    time.sleep(0.01)
time.sleep(0.2)  # long enough for a later change to show
print(os.nice(0), nice(os.getppid()))
"""


@test
def reader_nice():
    """The reading thread takes --reader-nice (default -10) once the command
    has started; the command keeps the nice value it was started with. An
    mmtrace started with a nice value of its own keeps it unless asked."""
    for start, opts, want in ((0, (), -10), (0, ("--reader-nice", "7"), 7),
                              (0, ("--reader-nice", "0"), 0), (3, (), 3),
                              (3, ("--reader-nice", "-10"), -10)):
        # the nice value set, not added to the test's own
        p = subprocess.run([*MMT, *opts, "-e", "set_mempolicy", "-o", "json", "--output-file",
                            "/dev/null", "--", sys.executable, "-c", NICE_OF_BOTH, str(want)],
                           preexec_fn=lambda n=start: os.setpriority(os.PRIO_PROCESS, 0, n),
                           capture_output=True, text=True, timeout=60)
        what = f"started at nice {start}, {opts}"
        eq(p.returncode, 0, f"{what}: exit status ({p.stderr.strip()})")
        eq(p.stdout.split(), [str(start), str(want)], f"{what}: the command's nice, the reader's")


def check_losses(*opts):
    """A 4 KiB ring buffer cannot hold a burst: delivered + lost == made."""
    out, err, calls = run_traced("burst", "-o", "json", "--buffer-size", "4K", "--stats", *opts,
                                 events="set_mempolicy")
    made = calls[0]["calls"]
    events = json_events(out)
    delivered = len([e for e in events if e["eventName"] == "set_mempolicy"])
    # the gaps are told in the stream too (lost_events records)
    eq(sum(e["lost"] for e in events if e["eventName"] == "lost_events"),
       delivered and made - delivered, "lost_events records")
    lines = stderr_lines(err)
    stats = json.loads(lines[-1])["stats"]
    lost = stats["lostByEvent"]["set_mempolicy"]["ringbuf"]
    check(lost > 0, f"expected losses with a 4 KiB buffer, got {stats}")
    eq(delivered + lost, made, f"delivered {delivered} + lost {lost}")
    eq(stats["events"], delivered, "--stats events")
    check(any(re.fullmatch(r"mmtrace: \d+ events lost: set_mempolicy \d+ \(ringbuf full\)", l)
              for l in lines), f"no loss line on stderr: {lines}")


@test
def losses_are_counted_exactly():
    """The default (--overflow=slow): a full buffer still loses records."""
    check_losses()


@test
def losses_are_counted_exactly_when_dropping():
    """--overflow=drop: the reader is woken less often; every record that
    finds the buffer full is still counted, per event, in the stream too."""
    check_losses("--overflow=drop")


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
    """Events to a file: the command may print on the stdout it inherits."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "events")
        p = subprocess.run([*MMT, "-o", "json", "--parse-arguments", "--output-file", out,
                            *opts, "--", *cmd], capture_output=True, text=True, timeout=60)
        eq(p.returncode, 0, f"mmtrace -- {cmd}: {p.stderr.strip()}")
        with open(out) as f:
            return json_events(f.read())


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
    # a capability check, not a user id check: it names what is missing
    check(lines[0].startswith("mmtrace: failed to start: missing CAP_BPF and CAP_PERFMON"),
          lines[0])


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
    (["-o", "json:"], "-o json: needs a file name after ':'"),
    (["-e", "nosuch"], "unknown event 'nosuch'"),
    (["-e", ""], "-e needs at least one event name"),
    (["-e", ",,"], "-e needs at least one event name"),
    (["-p", "abc"], "invalid pid 'abc'"),
    (["-p", "0"], "invalid pid '0'"),
    (["-p", "99999999999"], "invalid pid '99999999999'"),
    (["--bogus"], "unknown option '--bogus'"),
    (["-x"], "unknown option '-x'"),
    (["-e"], "option '-e' needs a value"),
    (["--kernel-copy", "bogus"], "invalid --kernel-copy 'bogus' (auto, fexit, kprobe or off)"),
    (["--kernel-copy"], "option '--kernel-copy' needs a value"),
    (["-c", "--kernel-copy=fexit"], "-c writes no event: --kernel-copy does not apply"),
    (["--buffer-size", "3"], "invalid --buffer-size '3'"),
    (["--buffer-size", "5000"], "invalid --buffer-size '5000'"),
    (["--overflow", "block"], "invalid --overflow 'block'"),
    (["-c", "--overflow=drop"], "-c counts in the kernel: --overflow does not apply"),
    (["--reader-nice", "-21"], "invalid --reader-nice '-21': a number from -20 to 19"),
    (["--reader-nice", "x"], "invalid --reader-nice 'x'"),
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
    check("old_nodes: trace.Pointer (C const unsigned long*) [U,TOCTOU]" in page,
          "old_nodes type and tags")
    page = subprocess.run([*MMT, "list", "set_mempolicy"], capture_output=True, text=True).stdout
    check("set_numa_affinity" not in page, "set_numa_affinity is not a syscall")
    check("nodemask: trace.Pointer (C const unsigned long*) [U,TOCTOU,OPT]" in page,
          "nodemask type and tags")
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


@test
def memhog_agrees_with_strace():
    want, got = with_strace(["memhog", "-r1", "4m", "--membind", "0"], "mbind")
    eq(len(got), len(want), "number of mbind calls")
    for ev, (name, args, ret) in zip(got, want):
        m = re.fullmatch(r"(0x[0-9a-f]+), (\d+), (\w+), (\[.*?\]), (\d+), (\w+)", args)
        check(m, f"strace args {args!r}")
        a = {x["name"]: x for x in ev["args"]}
        eq(a["addr"]["value"], m.group(1), "addr")
        eq(a["len"]["value"], int(m.group(2)), "len")
        eq(a["mode"]["value"], m.group(3), "mode")
        eq(a["nodemask"]["nodes"], strace_mask(m.group(4)), "nodemask")
        eq(a["maxnode"]["value"], int(m.group(5)), "maxnode")
        eq(a["flags"]["value"], m.group(6), "flags")
        eq(ev["returnValue"], int(ret), "return value")


@test
def features_table():
    """--features probes the kernel: every row present, the default way in works."""
    p = subprocess.run([MMTRACE, "--features"], capture_output=True, text=True, timeout=30)
    eq(p.returncode, 0, f"exit status ({p.stderr.strip()})")
    rows = {re.split(r"\s{2,}", l)[0]: re.split(r"\s{2,}", l)[1]
            for l in p.stdout.splitlines()[1:]}
    for name in ("kernel BTF (/sys/kernel/btf/vmlinux)", "BPF ring buffer",
                 "tp_btf raw syscall tracepoints", "per-syscall tracepoints",
                 "ia32 syscalls (IA32_EMULATION)", "migrate:mm_migrate_pages",
                 "cgroup:cgroup_attach_task", "kfunc bpf_task_from_vpid", "kprobes", "fentry/fexit",
                 "TOCTOU check of node masks"):
        check(name in rows, f"no row {name!r} in {list(rows)}")
    method = re.split(r"\s{2,}", [l for l in p.stdout.splitlines()
                                  if l.startswith("TOCTOU check of node masks")][0])[2]
    check(method in ("entry-exit re-read", "kernel-copy (fexit get_nodes)",
                     "kernel-copy (kprobe get_nodes)"), f"TOCTOU check {method!r}")
    if rows["fentry/fexit"] == "no" and rows["kprobes"] == "no":
        eq(method, "entry-exit re-read", "TOCTOU check without fexit or kprobes")
    for name in ("kernel BTF (/sys/kernel/btf/vmlinux)", "BPF ring buffer",
                 "tp_btf raw syscall tracepoints"):
        eq(rows[name], "yes", name)  # the tests above could not have run otherwise
    eq(rows["kprobes"], "yes" if os.path.exists("/sys/bus/event_source/devices/kprobe/type")
       else "no", "kprobes")
    eq(rows["cgroup:cgroup_attach_task"],
       "yes" if os.path.exists("/sys/kernel/tracing/events/cgroup/cgroup_attach_task") else "no",
       "cgroup:cgroup_attach_task")


if __name__ == "__main__":
    sys.exit(main())
