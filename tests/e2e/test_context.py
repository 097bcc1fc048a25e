#!/usr/bin/env python3
"""End-to-end tests of an argument's context (-y/--fd-paths, --mappings):
tests/e2e/ctxload.c maps a regular file, a deleted file, a memfd, a file
whose path is longer than PATH_MAX/2, passes a pidfd, and calls mprotect,
madvise, msync, mlock, munlock and munmap on a file mapping, anonymous
memory, the heap, the stack, a memfd, unmapped space and ranges over two and
three mappings, logging the line of /proc/self/maps it read just before each
call. mmtrace runs it under `strace -y`: each fd's path must be strace's,
each mapping the one /proc/self/maps showed before the call.

Needs root and strace. Ends with "N passed, N failed".
"""
import json
import os
import re
import shutil
import subprocess
import tempfile

from harness import MMTRACE, OUT, TO_STDOUT, check, eq, main, test

CTXLOAD = os.path.realpath(os.path.join(OUT, "tests", "ctxload"))
CTXLOAD32 = os.path.realpath(os.path.join(OUT, "tests", "ctxload32"))
EVENTS = "mmap,process_madvise,mprotect,madvise,msync,mlock,munlock,munmap"


def run(*opts, prog=CTXLOAD):
    """mmtrace OPTS -- strace -y ctxload (or PROG, its 32-bit build):
    (mmtrace's stdout lines, the workload's log, strace's lines)."""
    d = tempfile.mkdtemp(prefix="mmt-ctx-")
    try:
        log = os.path.join(d, "log")
        st = os.path.join(d, "strace.out")
        work = os.path.join(d, "w")
        os.mkdir(work)
        p = subprocess.run([MMTRACE, *TO_STDOUT, "-e", EVENTS, *opts, "--", "strace", "-y", "-qq", "-o", st,
                            "-e", "trace=mmap,mmap2,process_madvise", prog, work, log],
                           capture_output=True, text=True, timeout=120)
        eq(p.returncode, 0, f"mmtrace exit status (stderr: {p.stderr[-500:]})")
        with open(log) as f:
            calls = [json.loads(l) for l in f]
        with open(st) as f:
            strace = f.read().splitlines()
        stats = {}
        for c in calls:
            if c["what"] == "regular":
                s = os.stat(os.path.join(work, "regular_file"))
                stats = {"dev": s.st_dev, "ino": s.st_ino}
        return p.stdout.splitlines(), calls, strace, stats
    finally:
        shutil.rmtree(d, ignore_errors=True)


def strace_fds(lines):
    """strace -y's fd text per call: {("mmap", ret): "3</p>", ("pidfd", 0): ...}."""
    out = {}
    for l in lines:
        m = re.match(r"mmap2?\(.*, (\d+<.*>(?:\(deleted\))?), \d+\) = (0x[0-9a-f]+)$", l)
        if m:
            out[("mmap", int(m.group(2), 16))] = m.group(1)
        m = re.match(r"process_madvise\((\d+<[^>]*>)", l)
        if m:
            out[("process_madvise", 0)] = m.group(1)
    return out


def json_events(lines):
    evs = []
    for l in lines:
        e = json.loads(l)
        if e.get("processName") in ("ctxload", "ctxload32"):
            evs.append(e)
    return evs


def arg(e, name):
    for a in e["args"]:
        if a["name"] == name:
            return a
    raise AssertionError(f"{e['eventName']} has no argument {name}")


def fd_text(a):
    """The strace -y form of a JSON fd argument."""
    return f"{a['value']}<{a['path']}>" + ("(deleted)" if a.get("deleted") else "")


def check_fd(what, mine, theirs, a):
    if not a.get("truncated"):
        eq(mine, theirs, f"{what}: fd as strace -y shows it")
        return
    # a tail, marked: "..." then the last whole components of strace's path
    tail = a["path"]
    check(tail.startswith(".../"), f"{what}: a truncated path starts with .../: {tail!r}")
    full = theirs[theirs.index("<") + 1:theirs.rindex(">")]
    check(full.endswith(tail[3:]) and len(full) > len(tail) - 3,
          f"{what}: {tail!r} is not a tail of {full!r}")


@test
def fd_paths_equal_strace():
    fd_paths(CTXLOAD)


@test
def fd_paths_equal_strace_32():
    fd_paths(CTXLOAD32)


def fd_paths(prog):
    lines, calls, strace, st = run("-o", "json", "-y", prog=prog)
    theirs = strace_fds(strace)
    evs = json_events(lines)
    seen = 0
    for c in calls:
        if c["call"] == "mmap":
            e = [e for e in evs if e["eventName"] == "mmap" and e["returnValue"] == c["ret"]]
            eq(len(e), 1, f"mmap events returning {c['ret']:#x}")
            a = arg(e[0], "fd")
            key = ("mmap", c["ret"])
        elif c["call"] == "process_madvise":
            e = [e for e in evs if e["eventName"] == "process_madvise"]
            eq(len(e), 1, "process_madvise events")
            a = arg(e[0], "pidfd")
            key = ("process_madvise", 0)
        else:
            continue
        check(key in theirs, f"strace did not show {key}")
        eq(a["value"], c["fd"], f"{c['what']}: fd")
        check_fd(c["what"], fd_text(a), theirs[key], a)
        seen += 1
        if c["what"] == "regular":
            eq((a["device"], a["inode"]), (st["dev"], st["ino"]), "regular: device, inode")
            check("deleted" not in a and "truncated" not in a, f"regular: {a}")
        elif c["what"] in ("deleted", "memfd"):
            eq(a.get("deleted"), True, f"{c['what']}: deleted")
        elif c["what"] == "long":
            eq(a.get("truncated"), True, "a path over PATH_MAX/2 in 256 bytes: truncated")
        elif c["what"] == "pidfd":
            eq(a.get("target"), {"hostProcessId": c["pid"], "userId": c["uid"],
                                 "processName": os.path.basename(prog)},
               "the process the pidfd refers to")
    eq(seen, 5, "fd calls compared")


@test
def fd_paths_table_equal_strace():
    lines, calls, strace, _ = run("-y")
    theirs = strace_fds(strace)
    rows = [l for l in lines if " ctxload " in l]
    for c in calls:
        if c["call"] != "mmap":
            continue
        row = [r for r in rows if re.search(rf"\s{c['ret']:#x}\s+mmap\s", r)]
        eq(len(row), 1, f"table rows of mmap returning {c['ret']:#x}")
        m = re.search(r"fd: (\d+<.*>(?:\(deleted\))?), off:", row[0])
        check(m, f"no fd<path> in {row[0]!r}")
        want = theirs[("mmap", c["ret"])]
        if c["what"] == "long":
            mine = m.group(1)
            check(mine.startswith(f"{c['fd']}<.../"), f"long: marked as a tail: {mine[:40]!r}")
            check(want[:-1].endswith(mine[mine.index("<") + 4:-1]), "long: a tail of strace's")
        else:
            eq(m.group(1), want, f"{c['what']}: table fd")


def maps_fields(line):
    """A /proc/PID/maps line: start, end, perms, offset, dev, inode, path."""
    f = line.split(None, 5)
    start, end = (int(x, 16) for x in f[0].split("-"))
    major, minor = (int(x, 16) for x in f[3].split(":"))
    return {"start": start, "end": end, "perms": f[1], "offset": int(f[2], 16),
            "dev": os.makedev(major, minor), "inode": int(f[4]),
            "path": f[5].strip() if len(f) > 5 else ""}


PROT = [("r", "PROT_READ"), ("w", "PROT_WRITE"), ("x", "PROT_EXEC")]
# the names /proc/PID/smaps gives vm_flags bits 0-31 (fs/proc/task_mmu.c)
SMAPS_LOW = {"rd", "wr", "ex", "sh", "mr", "mw", "me", "ms", "gd", "um", "pf", "uw", "lo", "io",
             "sr", "rr", "dc", "de", "lf", "ac", "nr", "ht", "sf", "ar", "wf", "dd", "sd", "mm",
             "hg", "nh", "mg"}


@test
def mappings_equal_proc_maps_before_the_call():
    mappings(CTXLOAD)


@test
def mappings_equal_proc_maps_before_the_call_32():
    mappings(CTXLOAD32)


def mappings(prog):
    lines, calls, _, _ = run("-o", "json", "--mappings", prog=prog)
    evs = json_events(lines)
    ranges = [c for c in calls if "addr" in c]
    eq(len(ranges), 9, "range calls logged")
    for c in ranges:
        what = f"{c['call']} on {c['what']}"
        e = [e for e in evs if e["eventName"] == c["call"] and e["args"][0]["value"] == c["addr"]
             and e["args"][1]["value"] == c["len"]]
        eq(len(e), 1, f"{what}: events")
        eq(e[0]["returnValue"], c["ret"], f"{what}: return value")
        m = e[0]["args"][0].get("mapping")
        check(m is not None, f"{what}: no mapping in {e[0]['args'][0]}")
        if c["what"] == "unmapped":
            eq(c["maps"], "", "the workload saw nothing mapped there")
            eq(m, {"mapped": False}, what)
            continue
        want = maps_fields(c["maps"])
        eq((m["start"], m["end"]), (want["start"], want["end"]), f"{what}: bounds")
        eq(m["perms"], want["perms"], f"{what}: protection before the call")
        prot = "|".join(n for ch, n in PROT if ch in want["perms"]) or "PROT_NONE"
        eq(m["prot"], prot, f"{what}: prot")
        eq(m["shared"], want["perms"][3] == "s", f"{what}: shared")
        # the flags by smaps' names: the low 32 bits mmtrace names
        eq(sorted(m["vmFlagNames"].split()),
           sorted(f for f in c["vmflags"].split() if f in SMAPS_LOW),
           f"{what}: flags before the call, as /proc/self/smaps named them")
        eq((m["mappings"], m.get("more", False)), (c["count"], bool(c["more"])),
           f"{what}: mappings over the range")
        backing = {"file": "file", "anon": "anon", "heap": "heap", "stack": "stack",
                   "memfd": "memfd"}[c["what"]]
        eq(m["backing"], backing, f"{what}: backing")
        if backing in ("file", "memfd"):
            path = m["path"] + (" (deleted)" if m.get("deleted") else "")
            eq(path, want["path"], f"{what}: path as /proc/PID/maps shows it")
            eq((m["device"], m["inode"], m["offset"]), (want["dev"], want["inode"],
                                                        want["offset"]),
               f"{what}: device, inode, offset")
        else:
            check("path" not in m, f"{what}: no file expected: {m}")
            eq(want["inode"], 0, f"{what}: /proc/PID/maps has no file either")


@test
def mappings_table_suffix():
    lines, calls, _, _ = run("--mappings")
    rows = [l for l in lines if " ctxload " in l]
    for c in calls:
        if "addr" not in c:
            continue
        row = [r for r in rows if re.search(rf"\s{c['call']}\s+addr: {c['addr']:#x} ", r)
               and re.search(rf"(len|length): {c['len']}\b", r)]
        eq(len(row), 1, f"table rows of {c['call']} at {c['addr']:#x}")
        if c["what"] == "unmapped":
            check(f"addr: {c['addr']:#x} (not mapped)," in row[0], row[0])
            continue
        want = maps_fields(c["maps"])
        name = {"anon": "[anon]", "heap": "[heap]", "stack": "[stack]"}.get(c["what"],
                                                                            want["path"])
        n = "" if c["count"] == 1 and not c["more"] else \
            f", {c['count']}{'+' if c['more'] else ''} mappings"
        suffix = f"(mapping {want['start']:#x}-{want['end']:#x} {want['perms']} {name}{n})"
        check(f"addr: {c['addr']:#x} {suffix}," in row[0], f"want {suffix!r} in {row[0]!r}")


TECH = os.path.realpath(os.path.join(OUT, "tests", "techniques"))


def detect_recording(*opts):
    """--detect on techniques memfd (MMT-3) with OPTS, recorded: (live
    findings, findings of mmtrace detect on the recording)."""
    with tempfile.TemporaryDirectory(prefix="mmt-ctx-") as d:
        rec = os.path.join(d, "rec.json")
        p = subprocess.run([MMTRACE, "--detect", "-o", "json", *opts, "--output-file", rec,
                            "--", TECH, "memfd"], capture_output=True, text=True, timeout=120)
        eq(p.returncode, 0, f"live run (stderr {p.stderr.strip()[-300:]})")
        with open(rec) as f:
            live = [json.loads(l) for l in f if '"metadata"' in l]
        p = subprocess.run([MMTRACE, "detect", "-o", "json", rec], capture_output=True,
                           text=True, timeout=120)
        eq(p.returncode, 0, f"mmtrace detect (stderr {p.stderr.strip()})")
        again = [json.loads(l) for l in p.stdout.splitlines()]
    return live, again


def file_of(finding):
    v = finding["args"][1]["value"]
    return v["file"]["path"], v["file"]["device"], v["file"]["inode"]


@test
def recording_with_fd_paths_fires_mmt3():
    """A recording made with -y carries each fd's device and inode: mmtrace
    detect FILE fires MMT-3 on the same file as live tracing; one made
    without has no file identity, and MMT-3 stays silent."""
    live, again = detect_recording("-y", "--parse-arguments")
    ids = [f["metadata"]["id"] for f in live]
    eq(ids, ["MMT-3"], "live findings")
    eq([f["metadata"]["id"] for f in again], ["MMT-3"], "findings of the recording")
    eq(file_of(again[0]), file_of(live[0]), "the file of the finding")
    check(file_of(live[0])[0] == "/memfd:mmt-jit (deleted)", f"file: {file_of(live[0])}")
    live, again = detect_recording()
    eq([f["metadata"]["id"] for f in live], ["MMT-3"], "live findings without -y")
    eq(again, [], "a recording without -y: no file identity, no MMT-3")


@test
def recording_with_fd_paths_knows_pidfd_targets():
    """process_madvise's pidfd names its process in a recording made with
    -y: mmtrace detect FILE fires MMT-4 with the same target as live tracing
    (without -y, a recording's target is unknown: null); and advice on
    oneself through a pidfd (ctxload) is no cross-process finding."""
    with tempfile.TemporaryDirectory(prefix="mmt-ctx-") as d:
        rec = os.path.join(d, "rec.json")
        p = subprocess.run([MMTRACE, "--detect", "-o", "json", "-y", "--output-file", rec,
                            "--", TECH, "cross_madvise"], capture_output=True, text=True,
                           timeout=120)
        eq(p.returncode, 0, f"live run (stderr {p.stderr.strip()[-300:]})")
        with open(rec) as f:
            live = [json.loads(l) for l in f if '"metadata"' in l]
        p = subprocess.run([MMTRACE, "detect", "-o", "json", rec], capture_output=True,
                           text=True, timeout=120)
        eq(p.returncode, 0, f"mmtrace detect (stderr {p.stderr.strip()})")
        again = [json.loads(l) for l in p.stdout.splitlines()]
        eq([f["metadata"]["id"] for f in live], ["MMT-4"], "live findings")
        eq([f["metadata"]["id"] for f in again], ["MMT-4"], "findings of the recording")
        target = again[0]["args"][1]["value"]["target"]
        check(target is not None, "the recording's finding has its target")
        eq(target, live[0]["args"][1]["value"]["target"], "the target, live and recorded")
        work = os.path.join(d, "w")
        os.mkdir(work)
        p = subprocess.run([MMTRACE, "--detect-only", "-o", "json", "-y", "--output-file", rec,
                            "--", CTXLOAD, work, os.path.join(d, "log")], capture_output=True,
                           text=True, timeout=120)
        eq(p.returncode, 0, f"ctxload (stderr {p.stderr.strip()[-300:]})")
        with open(rec) as f:
            eq(f.read(), "", "findings of ctxload's process_madvise on itself")


@test
def exe_path_marked_when_cut():
    """The executable's path comes from the same walk: one longer than the
    record holds is its tail, marked "truncated" (never a whole-looking
    path)."""
    with tempfile.TemporaryDirectory(prefix="mmt-ctx-") as d:
        deep = os.path.join(d, *[c * 120 for c in "abc"])
        os.makedirs(deep)
        exe = os.path.join(deep, "true_copy")
        shutil.copy("/usr/bin/true", exe)
        p = subprocess.run([MMTRACE, *TO_STDOUT, "-o", "json", "-e", "brk", "--", exe], capture_output=True,
                           text=True, timeout=60)
        eq(p.returncode, 0, f"exit status ({p.stderr.strip()})")
        exes = {json.dumps(json.loads(l)["executable"], sort_keys=True)
                for l in p.stdout.splitlines()}
        eq(len(exes), 1, f"executables {exes}")
        got = json.loads(exes.pop())
        eq(got.get("truncated"), True, f"executable {got}")
        check(exe.endswith(got["path"]) and got["path"].startswith("/") and
              len(got["path"]) < len(exe), f"{got['path']!r} is not a tail of {exe!r}")


@test
def detect_quiet_with_context():
    """The file identities the context gives the rules (mmap's fd, the
    mapping of each mprotect) do not make ordinary programs fire."""
    with tempfile.TemporaryDirectory(prefix="mmt-ctx-") as d:
        src = os.path.join(d, "m.c")
        with open(src, "w") as f:
            f.write("int main(void) { return 0; }\n")
        for cmd in (["python3", "-c", "import json, ssl, ctypes"],
                    ["sh", "-c", "ls / | sort | head -3 > /dev/null"],
                    ["perl", "-e", "1"],
                    ["gcc", "-o", os.path.join(d, "m"), src]):
            p = subprocess.run([MMTRACE, *TO_STDOUT, "--detect-only", "-o", "json", "-y", "--mappings", "--",
                                *cmd], capture_output=True, text=True, timeout=120)
            eq(p.returncode, 0, f"{cmd}: exit status ({p.stderr.strip()[-300:]})")
            eq(p.stdout.splitlines(), [], f"{cmd}: findings")


@test
def context_with_stack():
    """The argument context and --stack's tail in one record: both decode
    (the context after the payload, the stack last)."""
    lines, calls, _, _ = run("-o", "json", "-y", "--mappings", "--stack")
    evs = json_events(lines)
    ranges = [c for c in calls if "addr" in c and c["what"] != "unmapped"]
    for c in ranges:
        e = [e for e in evs if e["eventName"] == c["call"] and e["args"][0]["value"] == c["addr"]
             and e["args"][1]["value"] == c["len"]]
        eq(len(e), 1, f"{c['call']} on {c['what']}: events")
        m = e[0]["args"][0].get("mapping", {})
        eq(m.get("start"), maps_fields(c["maps"])["start"], f"{c['call']} on {c['what']}")
        check(e[0]["stackAddresses"], f"{c['call']} on {c['what']}: no stack")
    rets = {c["ret"] for c in calls if c["call"] == "mmap"}
    mm = [e for e in evs if e["eventName"] == "mmap" and e["returnValue"] in rets and
          "path" in arg(e, "fd")]
    eq(len(mm), 4, "the workload's mmap events with the fd's path")
    check(all(e["stackAddresses"] for e in mm), "mmap events without a stack")


@test
def default_has_no_context():
    lines, calls, _, _ = run("-o", "json")
    evs = json_events(lines)
    check(evs, "no events")
    for e in evs:
        for a in e["args"]:
            check("path" not in a and "mapping" not in a, f"context without -y/--mappings: {a}")


@test
def features_row_find_vma():
    """--features says whether --mappings can run: this kernel (the tests of
    --mappings above ran) has bpf_find_vma."""
    p = subprocess.run([MMTRACE, "--features"], capture_output=True, text=True, timeout=30)
    eq(p.returncode, 0, f"exit status ({p.stderr.strip()})")
    row = [l for l in p.stdout.splitlines() if l.startswith("helper bpf_find_vma")]
    eq(len(row), 1, "the bpf_find_vma row")
    eq(re.split(r"\s{2,}", row[0])[1], "yes", "bpf_find_vma")


@test
def summary_refuses_context_options():
    for opt in ("-y", "--mappings"):
        p = subprocess.run([MMTRACE, "-c", opt, "--", "true"], capture_output=True, text=True)
        eq(p.returncode, 2, f"-c {opt}: exit status")
        eq(len(p.stderr.splitlines()), 1, f"-c {opt}: one line: {p.stderr!r}")


if __name__ == "__main__":
    raise SystemExit(main())
