#!/usr/bin/env python3
"""Page movement the kernel does on its own, on this host: compaction
(`echo 1 > /proc/sys/vm/compact_memory`) migrates pages in the writing
process's context. mmtrace's page_migration records, its -c table by reason
and `mmtrace top -b` must all charge them to that process, with the number
of pages /proc/vmstat's pgmigrate_success says moved meanwhile.

The vmstat delta is system-wide: another process migrating at the same time
(compaction in an allocation, mbind on a NUMA box) makes it larger than the
writer's share. Each test tries up to 3 times and reports the last try.
"""
import json
import os
import re
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import MMTRACE, TO_STDOUT, Fail, check, eq, main, test  # noqa: E402

# The command: its pid, pgmigrate_success before, compaction, after.
COMPACT = ("read -r _ b < <(grep '^pgmigrate_success ' /proc/vmstat); "
           "echo 1 > /proc/sys/vm/compact_memory; "
           "read -r _ a < <(grep '^pgmigrate_success ' /proc/vmstat); "
           "echo $$ $b $a > {facts}")
TRIES = 3

# Memory for compaction to move: 256 MiB of small pages touched, and of
# those, the ones at an even page frame number given back (pagemap says
# which; root). Two things hide a freed page from compaction's free
# scanner (a CI run saw compaction move nothing at all in three tries):
# - the page sits in a per-CPU free list (up to high_max pages a CPU in
#   /proc/zoneinfo, 47104 here) instead of the buddy lists the scanner
#   reads: so the process stays on one CPU, and after the holes frees a
#   scratch mapping larger than that list, which pushes them out;
# - past a pageblock that gave it nothing, the scanner looks at every 32nd
#   frame only, from an even one: so the holes are at even frames.
# The rest is held until stdin closes (a compacted machine moves nothing).
FRAGMENT = r"""
import ctypes, mmap, os, re, struct, sys
os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
def touched(size):
    m = mmap.mmap(-1, size)
    m.madvise(mmap.MADV_NOHUGEPAGE)
    for off in range(0, size, 4096):
        m[off] = 1
    return m
n = 256 << 20
m = touched(n)
with open("/proc/zoneinfo") as f:
    pcp = max([int(x) for x in re.findall(r"high_max:\s+(\d+)", f.read())] + [16384])
scratch = touched(2 * pcp * 4096)
addr = ctypes.addressof(ctypes.c_char.from_buffer(m))
with open("/proc/self/pagemap", "rb") as f:
    f.seek(addr // 4096 * 8)
    frames = f.read(n // 4096 * 8)
for i, (v,) in enumerate(struct.iter_unpack("Q", frames)):
    if v >> 63 and (v & ((1 << 55) - 1)) % 2 == 0:
        m.madvise(mmap.MADV_DONTNEED, i * 4096, 4096)
scratch.close()
print("ready", flush=True)
sys.stdin.read()
"""


class Fragmented:
    """A process holding fragmented memory while the test runs."""

    def __enter__(self):
        self.p = subprocess.Popen([sys.executable, "-c", FRAGMENT], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, text=True)
        eq(self.p.stdout.readline().strip(), "ready", "the fragmenting process")
        return self

    def __exit__(self, *exc):
        self.p.stdin.close()
        self.p.wait(timeout=30)


def compaction_under(*opts, timeout=120):
    """Run the compaction command under mmtrace; (pid, delta, output)."""
    with tempfile.TemporaryDirectory() as tmp:
        facts = os.path.join(tmp, "facts")
        out = os.path.join(tmp, "out")
        # -c read on stdout (the command writes its facts to a file)
        to = TO_STDOUT if "-c" in opts else ["--output-file", out]
        p = subprocess.run([MMTRACE, *opts, *to, "--",
                            "bash", "-c", COMPACT.format(facts=facts)],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                           timeout=timeout)
        eq(p.returncode, 0, f"mmtrace exit status ({p.stderr.strip()})")
        check("lost" not in p.stderr, f"mmtrace lost events: {p.stderr.strip()}")
        with open(facts) as f:
            pid, before, after = map(int, f.read().split())
        if "-c" in opts:
            return pid, after - before, p.stdout
        with open(out) as f:
            return pid, after - before, f.read()


def retried(attempt):
    """attempt() returns None when it passed, or why the numbers differ."""
    why = None
    for n in range(1, TRIES + 1):
        with Fragmented():
            why = attempt()
        if why is None:
            return
        print(f"# try {n} of {TRIES}: {why}", flush=True)
        time.sleep(1)
    raise Fail(f"{why} (in each of {TRIES} tries)")


@test
def compaction_is_charged_to_the_writer():
    """page_migration records: reason compaction, mode MIGRATE_SYNC, the
    writer's pid, not a kernel thread; succeeded sums to the vmstat delta."""
    def attempt():
        pid, delta, out = compaction_under("-o", "json", "-e", "page_migration")
        events = [json.loads(line) for line in out.splitlines()]
        if delta == 0:
            return "compaction moved no page: nothing to compare"
        check(events, f"no page_migration record for {delta} pages moved")
        total = 0
        for ev in events:
            args = {a["name"]: a["value"] for a in ev["args"]}
            eq(ev["eventName"], "page_migration", "event name")
            eq(ev["eventId"], "2000", "event id")
            eq(ev["hostProcessId"], pid, "charged to")
            eq(ev["processName"], "bash", "process name")
            eq(args["reason"], 0, "reason (compaction)")
            eq(args["mode"], 2, "mode (MIGRATE_SYNC)")
            eq(args["kernelThread"], False, "kernelThread")
            eq(args["dst_node"], -1, "dst_node (not known for compaction)")
            check(args["succeeded"] + args["failed"] > 0, f"an empty batch: {args}")
            total += args["succeeded"]
        if total != delta:
            return f"records sum to {total} pages, pgmigrate_success moved {delta}"
        return None
    retried(attempt)


@test
def placement_summary_charges_compaction():
    """--placement: the summary's "moved by" line of the writer names
    compaction with the pages its page_migration records carry, which is
    pgmigrate_success's delta."""
    def attempt():
        with tempfile.TemporaryDirectory() as tmp:
            facts, out = os.path.join(tmp, "facts"), os.path.join(tmp, "out")
            p = subprocess.run([MMTRACE, "-o", "json", "--output-file", out, "-e",
                                "page_migration", "--placement", "--", "bash", "-c",
                                COMPACT.format(facts=facts)],
                               capture_output=True, text=True, timeout=120)
            eq(p.returncode, 0, f"mmtrace exit status ({p.stderr.strip()})")
            with open(facts) as f:
                pid, before, after = map(int, f.read().split())
            with open(out) as f:
                events = [json.loads(line) for line in f]
        if after == before:
            return "compaction moved no page: nothing to compare"
        def summed(name):
            return sum(a["value"] for e in events if e["eventName"] == "page_migration"
                       and e["hostProcessId"] == pid for a in e["args"] if a["name"] == name)
        total, failed = summed("succeeded"), summed("failed")
        m = re.search(rf"^placement of {pid} \(bash\): .*\n(?:.*\n)*?  moved by: (.*)$",
                      p.stderr, re.M)
        check(m, f"no summary of {pid}: {p.stderr}")
        want = (f"compaction {total}" if total else "nothing traced") + \
            (f" (failed: compaction {failed})" if failed else "")
        eq(m.group(1), want, "the summary's moved-by line")
        if total != after - before:
            return f"records sum to {total} pages, pgmigrate_success moved {after - before}"
        return None
    retried(attempt)


@test
def compaction_parsed_names():
    """--parse-arguments names the reason and the mode."""
    with Fragmented():
        _, _, out = compaction_under("-o", "json", "--parse-arguments", "-e", "page_migration")
    events = [json.loads(line) for line in out.splitlines()]
    check(events, "no page_migration record")
    for ev in events:
        args = {a["name"]: a["value"] for a in ev["args"]}
        eq(args["reason"], "compaction", "reason")
        eq(args["mode"], "MIGRATE_SYNC", "mode")


@test
def compaction_filter_in_kernel():
    """A filter on the reason runs in the kernel: numa_misplaced keeps none."""
    def attempt():
        _, delta, out = compaction_under("-o", "json", "-e",
                                         "page_migration.args.reason=numa_misplaced")
        if delta == 0:
            return "compaction moved no page: nothing to compare"
        eq(out, "", f"records of another reason ({delta} pages moved)")
        return None
    retried(attempt)


def moves_table(out):
    """The -c table of pages migrated: [(pid, comm, reason, pages, failed)]."""
    rows, seen = [], False
    for line in out.splitlines():
        if line.startswith("pages migrated"):
            seen = True
            continue
        if not seen or line.startswith("PID") or line.startswith("total by reason"):
            continue
        f = line.split()
        if len(f) >= 9:
            rows.append((int(f[0]), f[1], f[2], int(f[5]), int(f[6])))
    check(seen, f"no 'pages migrated' table in: {out[-400:]}")
    return rows


@test
def summary_by_reason():
    """-c --summary-by pid: the writer's compaction pages = the delta, and
    the page_migration batches are counted as its events."""
    def attempt():
        pid, delta, out = compaction_under("-c", "--summary-by", "pid",
                                           "-e", "page_migration")
        if delta == 0:
            return "compaction moved no page: nothing to compare"
        rows = moves_table(out)
        mine = [r for r in rows if r[0] == pid]
        check(mine, f"no row for pid {pid}: {rows}")
        for r in mine:
            eq(r[1], "bash", "comm")
            eq(r[2], "compaction", "reason")
        pages = sum(r[3] for r in mine)
        total = re.search(r"total by reason: compaction (\d+) ", out)
        check(total, f"no compaction total in: {out[-300:]}")
        if pages != delta or int(total.group(1)) != delta:
            return f"-c says {pages} (total {total.group(1)}), pgmigrate_success moved {delta}"
        return None
    retried(attempt)


def top_tables(out):
    """Each table of `top -b`: {pid: (comm, pages since start)}."""
    tables = []
    for line in out.splitlines():
        if line.startswith("mmtrace top - "):
            tables.append({})
            continue
        f = line.split()
        if tables and len(f) >= 14 and f[0].isdigit():
            tables[-1][int(f[0])] = (f[1], int(f[-2]))
    return tables


@test
def top_batch_shows_compaction():
    """`top -b -n 3 -d 1`: after a compaction in its second interval, the
    writer's row has the pages moved, and the last table still shows them."""
    def attempt():
        top = subprocess.Popen([MMTRACE, "top", "-b", "-n", "3", "-d", "1"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            first = top.stdout.readline()  # the first table: attached by then
            check(first.startswith("mmtrace top - "), f"top printed {first!r}")
            with tempfile.TemporaryDirectory() as tmp:
                facts = os.path.join(tmp, "facts")
                subprocess.run(["bash", "-c", COMPACT.format(facts=facts)], check=True,
                               timeout=60)
                with open(facts) as f:
                    pid, before, after = map(int, f.read().split())
            out, err = top.communicate(timeout=30)
        finally:
            if top.poll() is None:
                top.kill()
                top.wait()
        eq(top.returncode, 0, f"top exit status ({err.strip()})")
        tables = top_tables(first + out)
        eq(len(tables), 3, "tables printed")
        if after == before:
            return "compaction moved no page: nothing to compare"
        row = tables[-1].get(pid)
        check(row, f"no row for pid {pid} in the last table: {tables[-1]}")
        eq(row[0], "bash", "name of the writer (from the kernel's count: gone by then)")
        if row[1] != after - before:
            return f"top says {row[1]} pages, pgmigrate_success moved {after - before}"
        return None
    retried(attempt)


@test
def top_usage_errors():
    """Bad options: one line, exit 2."""
    for args in (["-n", "0"], ["-d", "0"], ["-d", "x"], ["--by", "comm"], ["-s", "x"],
                 ["-p", "0"], ["-x"], ["extra"]):
        p = subprocess.run([MMTRACE, "top", *args], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True, timeout=10)
        eq(p.returncode, 2, f"top {args}: exit status")
        eq(len(p.stderr.strip().splitlines()), 1, f"top {args}: stderr lines")


@test
def list_names_the_tracepoints():
    """`mmtrace list` says where each kernel event comes from."""
    out = subprocess.run([MMTRACE, "list"], stdout=subprocess.PIPE, text=True,
                         check=True).stdout
    check(re.search(r"page_migration\s+2000\s+migrate:mm_migrate_pages", out), out)
    check(re.search(r"numa_task_placement\s+2001\s+sched:sched_move_numa, "
                    r"sched:sched_swap_numa, sched:sched_stick_numa", out), out)


if __name__ == "__main__":
    sys.exit(main())
