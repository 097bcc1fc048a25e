#!/usr/bin/env python3
"""`mmtrace top` against the kernel's own numbers: cgroup rows named by
their path (a group made here, with a process moved into it), pages per
node compared with the process's /proc/PID/numa_maps, and `-c --summary-by
cgroup` naming the same group. Needs root and a cgroup2 mount.
"""
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import MMTRACE, TO_STDOUT, Fail, cgroup2_mount, check, eq, main  # noqa: E402
from test_movement import COMPACT, retried  # noqa: E402

TESTS = []
SET_MEMPOLICY = 238  # x86_64
WIDTH = 40  # the CGROUP column


def test(fn):
    TESTS.append(fn)
    return fn


# A python that makes N set_mempolicy(MPOL_DEFAULT) calls.
POLICY_CALLS = ("import ctypes, sys\n"
                "libc = ctypes.CDLL(None, use_errno=True)\n"
                "for _ in range(int(sys.argv[1])):\n"
                f"    assert libc.syscall({SET_MEMPOLICY}, 0, None, 0) == 0\n")

# Touch N anonymous pages (no THP), say so, wait for stdin to close.
TOUCH = ("import mmap, sys\n"
         "n = int(sys.argv[1]) * 4096\n"
         "m = mmap.mmap(-1, n)\n"
         "m.madvise(mmap.MADV_NOHUGEPAGE)\n"
         "for off in range(0, n, 4096):\n"
         "    m[off] = 1\n"
         "print('ready', flush=True)\n"
         "sys.stdin.read()\n")


class Cgroup:
    """A cgroup v2 group below the mount, removed (leaves first) at exit."""

    def __init__(self, *names):
        self.mount = cgroup2_mount()
        self.rel = "/" + "/".join(names)
        self.made = []
        path = self.mount
        for name in names:
            path = os.path.join(path, name)
            if not os.path.isdir(path):
                os.mkdir(path)
                self.made.append(path)
        self.path = path
        self.id = os.stat(path).st_ino

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        for path in reversed(self.made):
            try:
                os.rmdir(path)
            except OSError:
                pass

    def shell(self, script):
        """bash -c: move itself into the group, then run script."""
        return ["bash", "-c", f'echo $$ > "{self.path}/cgroup.procs" && {script}']


def top_rows(out, by_cgroup):
    """Each table of `top -b`: {key: fields}, key the pid or the CGROUP text,
    fields the numbers after it (POLICY/s ... FAILED) and the NODE:PAGES
    text, when there is one."""
    tables = []
    for line in out.splitlines():
        if line.startswith("mmtrace top - "):
            tables.append({})
            continue
        if not tables or line.startswith(("PID ", "CGROUP ")) or not line.strip():
            continue
        if by_cgroup:
            key, rest = line[:WIDTH].rstrip(), line[WIDTH:].split()
        else:
            f = line.split()
            key, rest = int(f[0]), f[2:]
        nums = [float(x) for x in rest[:12]]
        tables[-1][key] = (nums, " ".join(rest[12:]))
    return tables


def run_top(args, during, timeout=60):
    """Start `mmtrace top -b ARGS`, run during() once the first table is out
    (attached by then); (output, during's result)."""
    top = subprocess.Popen([MMTRACE, "top", "-b", *args], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True)
    try:
        first = top.stdout.readline()
        check(first.startswith("mmtrace top - "), f"top printed {first!r}")
        got = during()
        # read() and not communicate(): that would lose what readline()
        # buffered already (the rest of the first table)
        out = top.stdout.read()
        err = top.stderr.read()
        top.wait(timeout=timeout)
    finally:
        if top.poll() is None:
            top.kill()
            top.wait()
    eq(top.returncode, 0, f"top exit status ({err.strip()})")
    return first + out, got


@test
def top_cgroup_row_is_its_path():
    """--by cgroup: a group made here, a process moved into it making 300
    set_mempolicy calls and a compaction: its row is the group's path, the
    policy calls are counted in it, and PAGES is what pgmigrate_success
    says moved."""
    calls = 300

    def attempt():
        with Cgroup(f"mmtrace-top-{os.getpid()}", "job.scope") as cg, \
                tempfile.TemporaryDirectory() as tmp:
            facts = os.path.join(tmp, "facts")
            script = (f"python3 -c '{POLICY_CALLS}' {calls} && "
                      + COMPACT.format(facts=facts))

            def during():
                subprocess.run(cg.shell(script), check=True, timeout=60)
                with open(facts) as f:
                    _, before, after = map(int, f.read().split())
                return after - before

            out, delta = run_top(["-n", "4", "-d", "1", "--by", "cgroup"], during)
            tables = top_rows(out, True)
            eq(len(tables), 4, "tables printed")
            mine = [t[cg.rel] for t in tables if cg.rel in t]
            check(mine, f"no row {cg.rel} in: {out[-1500:]}")
            check(all(f"cgroup:{cg.id}" not in t for t in tables),
                  f"{cg.rel} also shown by its id")
            # POLICY/s over ~1 s intervals: the calls, give or take the timing
            policy = sum(nums[0] for nums, _ in mine)
            check(0.8 * calls <= policy <= 1.25 * calls,
                  f"POLICY/s adds up to {policy}, {calls} calls were made")
            eq(mine[-1][1], "", "NODE:PAGES (not asked for with -b)")
            if delta == 0:
                return "compaction moved no page: nothing to compare"
            pages = int(tables[-1][cg.rel][0][10])
            if pages != delta:
                return f"top says {pages} pages, pgmigrate_success moved {delta}"
            return None
    retried(attempt)


@test
def top_long_cgroup_path_shows_its_end():
    """A path longer than the column: "..." and its last characters, never
    the start alone; with --nodes a cgroup row's NODE:PAGES is "-"."""
    name = "a-service-with-a-rather-long-name-for-the-column.scope"
    with Cgroup(f"mmtrace-top-{os.getpid()}", name) as cg:
        def during():
            subprocess.run(cg.shell(f"python3 -c '{POLICY_CALLS}' 50"), check=True,
                           timeout=60)

        out, _ = run_top(["-n", "2", "-d", "1", "--by", "cgroup", "--nodes"], during)
        want = "..." + cg.rel[-(WIDTH - 3):]
        tables = top_rows(out, True)
        eq(len(tables), 2, "tables printed")
        rows = [t[want] for t in tables if want in t]
        check(rows, f"no row {want!r} in: {out[-1500:]}")
        check(max(nums[0] for nums, _ in rows) > 0, f"no POLICY/s for the group: {rows}")
        eq(rows[-1][1], "-", "NODE:PAGES of a cgroup")
        check(cg.rel not in out, "the whole path does not fit the column")


@test
def top_removed_cgroup_shows_its_id():
    """A group that made its calls and was removed before top looked it up
    has no path to show: its row is cgroup:ID, ID its directory's inode."""
    holder = {}

    def during():
        with Cgroup(f"mmtrace-top-{os.getpid()}", "gone.scope") as cg:
            subprocess.run(cg.shell(f"python3 -c '{POLICY_CALLS}' 40"), check=True, timeout=60)
            holder["cg"] = cg
        check(not os.path.exists(cg.path), "the group is removed")

    out, _ = run_top(["-n", "2", "-d", "1.5", "--by", "cgroup"], during)
    cg = holder["cg"]
    tables = top_rows(out, True)
    eq(len(tables), 2, "tables printed")
    row = tables[-1].get(f"cgroup:{cg.id}")
    check(row, f"no row cgroup:{cg.id} in: {out[-1500:]}")
    check(row[0][0] > 0, f"no POLICY/s for the removed group: {row}")
    check(cg.rel not in out, "a path for a group top never saw")


def numa_maps_pages(pid):
    """{node: base pages} from /proc/PID/numa_maps, as the test reads it."""
    pages = {}
    with open(f"/proc/{pid}/numa_maps") as f:
        for line in f:
            m = re.search(r"kernelpagesize_kB=(\d+)", line)
            kb = int(m.group(1)) if m else 4
            for node, n in re.findall(r"\bN(\d+)=(\d+)", line):
                pages[int(node)] = pages.get(int(node), 0) + int(n) * kb // 4
    return pages


@test
def top_nodes_match_numa_maps():
    """--nodes -p PID: a quiet process that touched 2048 pages has a row,
    and its NODE:PAGES is what its numa_maps says, at least the 2048."""
    touched = 2048
    p = subprocess.Popen([sys.executable, "-c", TOUCH, str(touched)], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, text=True)
    try:
        eq(p.stdout.readline().strip(), "ready", "the touching process")
        out, _ = run_top(["-n", "2", "-d", "1", "--nodes", "-p", str(p.pid)], lambda: None)
        want = numa_maps_pages(p.pid)
    finally:
        p.stdin.close()
        p.wait(timeout=30)
    tables = top_rows(out, False)
    eq(len(tables), 2, "tables printed")
    check("NODE:PAGES" in out.splitlines()[1], f"the header names NODE:PAGES: {out}")
    eq(len(tables[0]), 1, "rows with -p PID")
    row = tables[-1].get(p.pid)
    check(row, f"no row for pid {p.pid} (top -p shows it even while quiet): {out}")
    got = {int(n): int(v) for n, v in re.findall(r"\bN(\d+):(\d+)", row[1])}
    eq(got, {n: v for n, v in want.items() if v}, "pages per node (top vs numa_maps)")
    check(sum(got.values()) >= touched, f"{got}: fewer than the {touched} pages touched")
    check(got.get(0, 0) >= touched or len(got) > 1, f"{got}: the touched pages not on N0")


@test
def top_batch_leaves_nodes_out():
    """-b without --nodes (and with --no-nodes): no NODE:PAGES column."""
    for args in ([], ["--nodes", "--no-nodes"]):
        out, _ = run_top(["-n", "1", "-d", "0.2", "-p", str(os.getpid()), *args],
                         lambda: None)
        check("NODE:PAGES" not in out and " N0:" not in out, f"top {args}: {out}")


@test
def summary_by_cgroup_names_the_path():
    """-c --summary-by cgroup: the group's title is its path and id, with
    the calls made in it."""
    calls = 120
    with Cgroup(f"mmtrace-top-{os.getpid()}", "summary.scope") as cg:
        p = subprocess.run([MMTRACE, "-c", "--summary-by", "cgroup", "-e", "set_mempolicy",
                            *TO_STDOUT, "--",
                            *cg.shell(f"exec python3 -c '{POLICY_CALLS}' {calls}")],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                           timeout=120)
        eq(p.returncode, 0, f"mmtrace exit status ({p.stderr.strip()})")
        title = f"cgroup {cg.rel} (id {cg.id}):"
        check(title in p.stdout, f"no {title!r} in: {p.stdout}")
        block = p.stdout.split(title, 1)[1].split("\ncgroup ", 1)[0]
        m = re.search(r"^\s*[\d.]+ set_mempolicy\s+(\d+)\s+(\d+)", block, re.M)
        check(m, f"no set_mempolicy line under {title}: {block}")
        eq(int(m.group(1)), calls, "set_mempolicy calls in the group")
        eq(int(m.group(2)), 0, "errors")


if __name__ == "__main__":
    try:
        cgroup2_mount()
    except Fail as e:
        print(f"e2e: {e}", file=sys.stderr)
    sys.exit(main(TESTS))
