#!/usr/bin/env python3
"""--stack and -c --summary-by stack on build/tests/stack_load (built with
-O2 -fomit-frame-pointer -g; Debian's libc has no frame pointers either):
the frames of each call equal strace -k's for the same calls, down to main
and _start, through libc's wrappers and through libc's free().
"""
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import MMTRACE, OUT, TO_STDOUT, check, eq, main, test

LOAD = os.path.realpath(os.path.join(OUT, "tests", "stack_load"))
BIG = 1052672  # the munmap of free(malloc(1 MiB)): 1 MiB and a page
EVENTS = ["-e", "mremap", "-e", f"munmap.args.length={BIG}"]


def strace_calls(args):
    """[(event, [frame text, ...])] of strace -k for the command: mremap
    calls, and munmap calls of BIG bytes."""
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "strace")
        subprocess.run(["strace", "-f", "-k", "-o", out, "-e", "trace=mremap,munmap"] + args,
                       check=True, capture_output=True)
        calls = []
        with open(out) as f:
            for line in f:
                line = line.rstrip("\n")
                if line.split(" ", 1)[0].isdigit():  # -f: "PID call(...)"
                    line = line.split(" ", 1)[1].lstrip()
                if line.startswith(" > "):
                    if calls and calls[-1] is not None:
                        calls[-1][1].append(line[3:])
                    continue
                if line.startswith("+++"):
                    continue
                name = line.split("(", 1)[0]
                keep = name == "mremap" or (name == "munmap" and f", {BIG})" in line)
                calls.append((name, []) if keep else None)
        return [c for c in calls if c is not None]


def frame_address(text):
    """(module, module address) of "module(symbol+0xoff) [0xaddr]"."""
    module = text.split("(", 1)[0]
    return module, int(text.rsplit("[", 1)[1].rstrip("]"), 16)


def frame_symbol(text):
    """(symbol without its ELF version, its start address in the module)."""
    inner = text.split("(", 1)[1].rsplit(")", 1)[0]
    name, off = inner.rsplit("+", 1)
    return name.split("@", 1)[0], frame_address(text)[1] - int(off, 16)


def same_or_nearer(got, want):
    """mmtrace's symbol is strace's, an alias of it (same address), or one
    nearer below the address: strace -k reads .dynsym only, mmtrace also
    the symbol table of a separate debug file (libc6-dbg) when installed."""
    gname, gstart = frame_symbol(got)
    wname, wstart = frame_symbol(want)
    addr = frame_address(got)[1]
    if gname == wname or gstart == wstart:
        eq(gstart, wstart, f"{got} vs strace's {want}: symbol address")
        return
    check(wstart < gstart <= addr, f"{got} vs strace's {want}: not a nearer symbol")


def mmtrace_table(args, extra=()):
    """[(event, ret, [frame text, ...], [notes])] of mmtrace --stack."""
    r = subprocess.run([MMTRACE, *TO_STDOUT, "--stack", "--columns", "EVENT,RET"] + EVENTS +
                       list(extra) + ["--"] + args, capture_output=True, text=True,
                       timeout=60)
    eq(r.returncode, 0, f"mmtrace exit status ({r.stderr})")
    calls = []
    for line in r.stdout.splitlines()[1:]:
        if line.startswith(" > ["):
            calls[-1][3].append(line[3:])
        elif line.startswith(" > "):
            calls[-1][2].append(line[3:])
        else:
            ev, ret = line.split()[:2]
            calls.append((ev, ret, [], []))
    return calls


@test
def stack_frames_equal_strace():
    args = [LOAD, "3", "2", "1"]
    want = strace_calls(args)
    got = mmtrace_table(args)
    eq([c[0] for c in got], [c[0] for c in want], "calls")
    eq(len(got), 9, "3 mremap, 2 failing mremap, 1 munmap, 3 mremap in a thread")
    for i, (g, w) in enumerate(zip(got, want)):
        eq([frame_address(f) for f in g[2]], [frame_address(f) for f in w[1]],
           f"call {i} ({g[0]}): frames (module, address)")
        for gf, wf in zip(g[2], w[1]):
            same_or_nearer(gf, wf)
        eq(g[3], [], f"call {i}: the unwind reached the outermost frame")
    # what the frames are: libc's wrapper, then the callers, down to _start
    names = [f.split("(", 1)[1].split("+", 1)[0] for f in got[0][2]]
    eq(names[1:5], ["level2", "level1", "resize_loop", "main"], "mremap's callers")
    check(names[0] in ("mremap", "__mremap"), f"frame 0 in libc's wrapper: {names}")
    check("libc.so" in got[0][2][0], got[0][2][0])
    eq(names[-1], "_start", "the outermost frame")
    check("bad_path" in got[3][2][1], f"the failing path: {got[3][2]}")
    eq(got[3][1], "-22", "the failing mremap's return value")
    # munmap from inside libc's free(), then main
    check(frame_symbol(got[5][2][1])[0] in ("free", "__libc_free"), f"{got[5][2]}")
    check("(main+" in got[5][2][2], f"{got[5][2]}")
    # in a thread: down to the thread's start in libc, and no further
    names = [frame_symbol(f)[0] for f in got[6][2]]
    eq(names[1:5], ["level2", "level1", "resize_loop", "thread_main"], "the thread's frames")
    eq(len(names), 7, f"libc's thread start and clone3 end it: {got[6][2]}")


@test
def stack_json():
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "events.json")
        r = subprocess.run([MMTRACE, "--stack", "-o", "json", "--output-file", out, "-e",
                            "mremap", "--", LOAD, "2", "0"], capture_output=True, text=True,
                           timeout=60)
        eq(r.returncode, 0, f"mmtrace exit status ({r.stderr})")
        with open(out) as f:
            events = [json.loads(line) for line in f]
    eq(len(events), 2, "events")
    for e in events:
        st = e["stack"]
        eq(e["stackAddresses"], [f["ip"] for f in st], "stackAddresses: the frames' ips")
        eq([f["symbol"] for f in st[1:5]], ["level2", "level1", "resize_loop", "main"],
           "symbols")
        eq(st[1]["module"], LOAD, "module")
        check(st[1]["offset"] > 0 and st[1]["moduleAddress"] < st[1]["ip"], f"{st[1]}")
        eq(st[1]["ip"] - st[1]["moduleAddress"], st[2]["ip"] - st[2]["moduleAddress"],
           "one load address for one module")
        eq(e["stackEnd"], "outermost", "stackEnd")
        eq(e["args"][1]["value"], 4096 if e is events[0] else 8192, "old_len")


@test
def stack_summary():
    n, m = 500, 37  # 537 records of 12 KiB: room in the buffer for all
    r = subprocess.run([MMTRACE, *TO_STDOUT, "-c", "--summary-by", "stack", "--top", "2", "-e", "mremap",
                        "--", LOAD, str(n), str(m)], capture_output=True, text=True,
                       timeout=120)
    eq(r.returncode, 0, f"mmtrace exit status ({r.stderr})")
    eq(r.stderr, "", "no loss")
    lines = r.stdout.splitlines()
    head = [l for l in lines if l.startswith("call sites:")]
    eq(head, [f"call sites: 2 distinct, {n + m} calls"], "header")
    rows = [(i, l.split()) for i, l in enumerate(lines)
            if l.split() and l.split()[-1] == "mremap"]
    eq(len(rows), 2, f"sites: {r.stdout}")
    (i0, top), (i1, second) = rows
    eq((int(top[0]), int(top[1])), (n, 0), "the level2 site: calls, errors")
    eq((int(second[0]), int(second[1])), (m, m), "the bad_path site: calls, errors")
    check("(level2+" in lines[i0 + 2] and "(level1+" in lines[i0 + 3], lines[i0 + 1:i0 + 5])
    check("(bad_path" in lines[i1 + 2], lines[i1 + 1:i1 + 4])


@test
def stack_usage():
    for args, words in (([ "-c", "--stack"], "--summary-by stack"),
                        (["--top", "3"], "--top goes with"),
                        (["-c", "--summary-by", "stack", "--histogram"], "--histogram")):
        r = subprocess.run([MMTRACE] + args, capture_output=True, text=True)
        eq(r.returncode, 2, f"{args}: exit status")
        check(words in r.stderr, f"{args}: {r.stderr}")
        eq(len(r.stderr.splitlines()), 1, f"{args}: one line")


if __name__ == "__main__":
    sys.exit(main())
