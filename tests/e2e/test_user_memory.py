#!/usr/bin/env python3
"""End-to-end tests of what mmtrace reads beyond the registers, where it can
lose data: an executable path too long for the BPF side's buffer is
marked truncated, never shown as a whole path (JSON
"executable.truncated", the table's EXE column starts with "...").

The workload's scenarios check the arrays read element by element, mincore's
vec, process_madvise's iovec and the ia32 old mmap in test_e2e.py (every
field of every call against the workload's log).

Needs root. Prints one line per test and ends with "N passed, N failed".
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

from harness import MMTRACE, TO_STDOUT, WORKLOAD, Fail, check, eq, main, test


def traced_exe(binary, *opts):
    """mmtrace's output for the workload's mlockall scenario run from
    binary."""
    with tempfile.TemporaryDirectory() as tmp:
        log = os.path.join(tmp, "log")
        cmd = [MMTRACE, *TO_STDOUT, *opts, "-e", "mlockall", "--", binary, "mlockall", log]
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        eq(p.returncode, 0, f"exit status of {' '.join(cmd)} (stderr: {p.stderr.strip()})")
        with open(log) as f:
            calls = [json.loads(line) for line in f]
    check(calls, "the workload logged no call")
    return p.stdout, calls


def exe_case(dirs, want_path, want_truncated):
    """Run the workload copied under /tmp/<dirs>/workload; every event's
    executable must be want_path, marked truncated or not."""
    root = tempfile.mkdtemp(prefix="mmt-exe-")
    try:
        where = os.path.join(root, *dirs)
        os.makedirs(where)
        binary = os.path.join(where, "workload")
        shutil.copy(WORKLOAD, binary)
        if want_path is None:
            want_path = binary
        check(len(binary) < 4096, "the path fits PATH_MAX")
        out, calls = traced_exe(binary, "-o", "json")
        events = [json.loads(l) for l in out.splitlines()]
        eq(len(events), len(calls), "events")
        want = {"path": want_path}
        if want_truncated:
            want["truncated"] = True
            # the tail kept is the real path's tail, and not all of it
            check(binary.endswith(want_path) and binary != want_path,
                  f"{want_path} is a tail of {binary}")
        for ev in events:
            eq(ev["executable"], want, "executable")
        out, _ = traced_exe(binary, "--columns", "EVENT,EXE")
        rows = out.splitlines()[1:]
        eq(len(rows), len(calls), "table rows")
        for row in rows:
            exe = row.split(None, 1)[1]
            eq(exe, ("..." if want_truncated else "") + want_path, "EXE column")
    finally:
        shutil.rmtree(root)


@test
def long_executable_path_is_marked_truncated():
    """/tmp/mmt-exe-*/<250 x>/usr/bin/workload: only /usr/bin/workload fits
    the 255 bytes the BPF side keeps; it is reported as a truncated tail."""
    exe_case(["x" * 250, "usr", "bin"], "/usr/bin/workload", True)


@test
def deep_executable_path_is_whole():
    """100 directories deep, a path that fits the buffer: the whole path,
    not marked (the walk is bounded by the buffer, not by a depth)."""
    exe_case(["d"] * 100, None, False)


@test
def deep_long_executable_path_is_marked_truncated():
    """150 directories deep (more components than 255 bytes hold): the tail
    that fits, whole components, marked truncated."""
    # 255 bytes hold "/workload" (9) and 123 "/d" (246)
    exe_case(["d"] * 150, "/" + "/".join(["d"] * 123) + "/workload", True)


@test
def short_executable_path_is_whole():
    """A path that fits (about 200 bytes, 3 components) is the whole path,
    not marked."""
    exe_case(["y" * 180, "usr", "bin"], None, False)


if __name__ == "__main__":
    sys.exit(main())
