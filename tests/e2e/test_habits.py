#!/usr/bin/env python3
"""What a strace or perf trace user expects of mmtrace: the traced command
is never harmed (an output that fails or closes, a second signal: tracing
stops, the command runs to its end and its status is mmtrace's), the trace
goes where strace puts it, strace's own line syntax, times, selection
habits, losses in the stream, and the smaller habits of its outputs.
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
from collections import Counter

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import MMTRACE, WORKLOAD, Fail, check, eq, main, test  # noqa: E402

MMT = os.environ.get("MMTRACE_BIN", MMTRACE)


def wait_for(path, what, timeout=30):
    """Wait until the file at path is not empty (the header: attached)."""
    end = time.time() + timeout
    while time.time() < end:
        if os.path.exists(path) and os.path.getsize(path) > 0:
            return
        time.sleep(0.05)
    raise Fail(f"{what}: nothing written to {path} within {timeout} s")


def finish(p, timeout=30):
    try:
        out, err = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        p.kill()
        out, err = p.communicate()
        raise Fail(f"mmtrace did not end within {timeout} s (stderr: {err!r})")
    return out, err


def bpf_fds(pid):
    """What process pid holds open of BPF programs, links and perf events."""
    out = []
    fd_dir = f"/proc/{pid}/fd"
    for fd in os.listdir(fd_dir):
        try:
            target = os.readlink(os.path.join(fd_dir, fd))
        except OSError:
            continue
        if target in ("anon_inode:bpf-prog", "anon_inode:bpf_link", "anon_inode:[perf_event]"):
            out.append(target)
    return out


# --- never harm the workload -------------------------------------------------

@test
def head_closes_the_output_the_command_runs_on():
    """`mmtrace -- sh -c 'sleep 2; echo done > f' | head -1`: f is written
    and the exit status is the command's. (/bin/true makes calls once head
    has surely left, so the output does fail while the command runs.)"""
    with tempfile.TemporaryDirectory() as tmp:
        f = os.path.join(tmp, "f")
        script = (f"{MMT} --output-file /dev/stdout -- sh -c "
                  f"'sleep 2; /bin/true; echo done > {f}; exit 7' | head -1; "
                  "echo \"status ${PIPESTATUS[0]}\" >&2")
        p = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=60)
        check(os.path.exists(f), f"the command was killed: f not written (stderr: {p.stderr!r})")
        eq(open(f).read(), "done\n", "what the command wrote")
        check("status 7" in p.stderr, f"mmtrace's exit status is not the command's: {p.stderr!r}")
        lines = [l for l in p.stderr.splitlines() if l.startswith("mmtrace:")]
        check(any("stopped tracing" in l and "closed" in l for l in lines),
              f"no line telling why tracing stopped: {lines}")


@test
def head_on_the_default_output():
    """The same with the trace where it goes by default (stderr with a
    command): the command's stdout is the pipe."""
    with tempfile.TemporaryDirectory() as tmp:
        f = os.path.join(tmp, "f")
        script = (f"{MMT} -- sh -c 'sleep 1; /bin/true; echo done > {f}; exit 6' 2>&1 "
                  "| head -1; echo \"status ${PIPESTATUS[0]}\" >&2")
        p = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=60)
        check(os.path.exists(f), f"the command was killed: f not written ({p.stderr!r})")
        check("status 6" in p.stderr, f"exit status is not the command's: {p.stderr!r}")


@test
def second_sigint_detaches_and_the_command_runs_on():
    with tempfile.TemporaryDirectory() as tmp:
        f, out = os.path.join(tmp, "f"), os.path.join(tmp, "out")
        ready = os.path.join(tmp, "ready")
        # events with tracepoints of their own: they are attached by links
        p = subprocess.Popen([MMT, "--output-file", out, "-e", "mmap,munmap,brk", "--", "sh", "-c",
                              f"trap '' INT; echo > {ready}; sleep 2; echo done > {f}; exit 5"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        wait_for(out, "mmtrace")
        wait_for(ready, "the command's trap")  # a SIGINT before it would end sh
        p.send_signal(signal.SIGINT)
        time.sleep(0.3)
        p.send_signal(signal.SIGINT)
        # detached while the command runs on: mmtrace holds no program,
        # link or perf event any more (the tracepoints' links once stayed
        # until the command ended, their programs running untraced)
        deadline, held = time.time() + 1.0, ["?"]
        while held and time.time() < deadline:
            held = bpf_fds(p.pid)
            time.sleep(0.05)
        eq(held, [], "BPF objects mmtrace still holds while the command runs on")
        check(not os.path.exists(f), "the command ended before the check: make it sleep longer")
        _, err = finish(p)
        check(os.path.exists(f), f"the command was killed: f not written (stderr: {err!r})")
        eq(p.returncode, 5, f"exit status (stderr: {err!r})")
        lines = [l for l in err.splitlines() if "stopped tracing" in l]
        eq(len(lines), 1, f"one line saying why tracing stopped in {err!r}")
        check("second signal" in lines[0], f"the line says why: {lines[0]!r}")


@test
def third_signal_leaves_without_killing():
    with tempfile.TemporaryDirectory() as tmp:
        f, out = os.path.join(tmp, "f"), os.path.join(tmp, "out")
        errf = open(os.path.join(tmp, "err"), "w+")
        ready = os.path.join(tmp, "ready")
        p = subprocess.Popen([MMT, "--output-file", out, "--", "sh", "-c",
                              f"trap '' INT; echo > {ready}; sleep 3; echo done > {f}"],
                             stdout=subprocess.DEVNULL, stderr=errf)
        wait_for(out, "mmtrace")
        wait_for(ready, "the command's trap")
        for _ in range(3):
            p.send_signal(signal.SIGINT)
            time.sleep(0.3)
        try:
            p.wait(timeout=2)
        except subprocess.TimeoutExpired:
            p.kill()
            raise Fail("mmtrace did not leave on a third signal")
        check(not os.path.exists(f), "mmtrace waited for the command after a third signal")
        time.sleep(3.5)
        errf.seek(0)
        check(os.path.exists(f), f"the command did not run to its end: {errf.read()!r}")


@test
def output_to_dev_full_detaches():
    with tempfile.TemporaryDirectory() as tmp:
        f = os.path.join(tmp, "f")
        p = subprocess.run([MMT, "--output-file", "/dev/full", "--", "sh", "-c",
                            f"sleep 1; echo done > {f}; exit 3"],
                           capture_output=True, text=True, timeout=60)
        check(os.path.exists(f), f"the command was killed: f not written ({p.stderr!r})")
        eq(p.returncode, 3, f"exit status (stderr: {p.stderr!r})")
        lines = [l for l in p.stderr.splitlines() if "stopped tracing" in l]
        eq(len(lines), 1, f"one line saying why in {p.stderr!r}")
        check("No space left on device" in lines[0], f"the reason: {lines[0]!r}")


@test
def blocked_pipe_sigterm_stops():
    """Nobody reads the output pipe: SIGTERM still stops mmtrace."""
    r, w = os.pipe()
    try:
        p = subprocess.Popen([MMT, "-e", "set_mempolicy", "--comm", "mmt-workload"],
                             stdout=w, stderr=subprocess.PIPE, text=True)
        os.close(w)
        w = -1
        ready, _, _ = select.select([r], [], [], 30)
        check(ready, "no header within 30 s")
        with tempfile.TemporaryDirectory() as tmp:
            # 20000 calls: far more than a pipe holds
            subprocess.run([WORKLOAD, "burst", os.path.join(tmp, "log")], timeout=60)
        time.sleep(0.5)
        check(p.poll() is None, "mmtrace ended by itself")
        p.send_signal(signal.SIGTERM)
        _, err = finish(p, timeout=5)
        eq(p.returncode, 0, f"exit status after SIGTERM ({err!r})")
    finally:
        os.close(r)
        if w >= 0:
            os.close(w)


@test
def blocked_pipe_two_signals_command_runs_on():
    """With a command, nobody reading: the first SIGTERM goes to the command
    (which ignores it), the second detaches; the command ends normally."""
    r, w = os.pipe()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            f, log = os.path.join(tmp, "f"), os.path.join(tmp, "log")
            p = subprocess.Popen([MMT, "-e", "set_mempolicy", "--output-file", "/dev/stdout",
                                  "--", "sh", "-c",
                                  f"trap '' TERM; {WORKLOAD} burst {log}; sleep 1; "
                                  f"echo done > {f}; exit 4"],
                                 stdout=w, stderr=subprocess.PIPE, text=True)
            os.close(w)
            w = -1
            end = time.time() + 30
            while not os.path.exists(log) and time.time() < end:
                time.sleep(0.1)
            time.sleep(0.5)
            p.send_signal(signal.SIGTERM)
            time.sleep(0.3)
            p.send_signal(signal.SIGTERM)
            _, err = finish(p, timeout=20)
            check(os.path.exists(f), f"the command did not run to its end ({err!r})")
            eq(p.returncode, 4, f"exit status ({err!r})")
    finally:
        os.close(r)
        if w >= 0:
            os.close(w)


# --- outputs where users expect them -------------------------------------------

@test
def trace_on_stderr_with_a_command():
    p = subprocess.run([MMT, "-e", "mmap", "--", "sh", "-c", "echo hello"],
                       capture_output=True, text=True, timeout=60)
    eq(p.returncode, 0, f"exit status ({p.stderr!r})")
    eq(p.stdout, "hello\n", "stdout is the command's alone")
    lines = p.stderr.splitlines()
    check(lines and lines[0].split()[:3] == ["TIME", "UID", "COMM"],
          f"no table header on stderr: {lines[:2]}")
    check(any(" mmap " in l for l in lines), "no mmap row on stderr")


@test
def summary_on_stderr_with_a_command():
    p = subprocess.run([MMT, "-c", "-e", "mmap", "--", "sh", "-c", "echo hello"],
                       capture_output=True, text=True, timeout=60)
    eq(p.stdout, "hello\n", "stdout is the command's alone")
    check(re.search(r"^\s*[\d.]+\s+.*\bmmap\b", p.stderr, re.M) or "mmap" in p.stderr,
          f"no summary on stderr: {p.stderr!r}")


@test
def output_file_as_strace_and_tracee_spell_it():
    with tempfile.TemporaryDirectory() as tmp:
        for spec, fmt in (("{}/a.txt", "table"), ("json:{}/b.json", "json"),
                          ("table:{}/c.txt", "table"), ("strace:{}/d.txt", "strace")):
            path = spec.format(tmp).split(":")[-1]
            p = subprocess.run([MMT, "-o", spec.format(tmp), "-e", "mmap", "--", "true"],
                               capture_output=True, text=True, timeout=60)
            eq(p.returncode, 0, f"-o {spec} ({p.stderr!r})")
            eq(p.stdout, "", f"stdout with -o {spec}")
            text = open(path).read().splitlines()
            check(text, f"-o {spec}: empty file")
            if fmt == "json":
                eq(json.loads(text[0])["eventName"], "mmap", "json: an event")
            elif fmt == "table":
                eq(text[0].split()[:2], ["TIME", "UID"], f"-o {spec}: header")
            else:
                check(re.match(r"\[pid \d+\] mmap\(", text[0]), f"strace line: {text[0]!r}")


# --- -o strace against strace itself -------------------------------------------

# Scenarios of workload.c traced by both at once (strace runs the workload,
# mmtrace traces it), compared between the workload's window markers.
STRACE_SCENARIOS = ["brk", "mmap", "munmap", "mremap", "mprotect", "pkey_mprotect", "madvise",
                    "mlock", "mlock2", "munlock", "mlockall", "munlockall", "msync",
                    "set_mempolicy", "mbind", "migrate_pages", "move_pages"]
TOKEN_RE = re.compile(r"0x[0-9a-f]+|\w+|[^\w\s]")


def strace_norm(line):
    """What differs only in spelling (README, -o strace): strace's comment
    on unknown bits, and the padding before '=' (both pad to column 40, but
    after another prefix)."""
    line = re.sub(r" /\* [A-Z_]+\?\?\? \*/", "", line)
    return re.sub(r"\) +=", ") =", line)


HUGE_NAMES = {14: "MAP_HUGE_16KB", 16: "MAP_HUGE_64KB", 19: "MAP_HUGE_512KB",
              20: "MAP_HUGE_1MB", 21: "MAP_HUGE_2MB", 23: "MAP_HUGE_8MB", 24: "MAP_HUGE_16MB",
              25: "MAP_HUGE_32MB", 28: "MAP_HUGE_256MB", 29: "MAP_HUGE_512MB",
              30: "MAP_HUGE_1GB", 31: "MAP_HUGE_2GB", 34: "MAP_HUGE_16GB"}


def strace_spelling(line):
    """strace's spelling of mmap flags in mmtrace's (README, -o strace): a
    huge page size N<<MAP_HUGE_SHIFT is MAP_HUGE_<size> (1<<MAP_HUGE_SHIFT,
    alone, is MAP_UNINITIALIZED's bit; an unnamed size stays hex), and map
    type 0 is MAP_FILE for strace, 0 for mmtrace."""
    def huge(m):
        n = int(m.group(1))
        if n == 1:
            return "MAP_UNINITIALIZED"
        return HUGE_NAMES.get(n, hex(n << 26))
    line = re.sub(r"(\d+)<<MAP_HUGE_SHIFT", huge, line)
    return re.sub(r"\bMAP_FILE\|", "0|", line)


def explained(ours, theirs):
    """A documented difference (README, -o strace), or None: the order of
    flags; a constant newer than Debian's strace 6.1, which it prints in hex
    and mmtrace by name; an array longer than strace's 32 elements (it
    abbreviates) or a mask longer than mmtrace reads (1024 bits); a node mask's bit past maxnode-1 (the kernel ignores it;
    mmtrace shows what the kernel reads)."""
    a, b = TOKEN_RE.findall(ours), TOKEN_RE.findall(theirs)
    if "..." in theirs:
        return "abbreviated by strace"
    if "...]" in ours and ours.split("...]")[0].rstrip(", ") in theirs:
        return "mask past 1024 bits: mmtrace reads 1024"
    if Counter(a) == Counter(b):
        return "flag order"
    mine = list((Counter(a) - Counter(b)).elements())
    its = list((Counter(b) - Counter(a)).elements())
    if len(mine) != len(its):
        return None
    if all(re.fullmatch(r"[A-Z][A-Z0-9_]+", x) for x in mine) and \
            all(re.fullmatch(r"0x[0-9a-f]+", y) for y in its):
        return "newer constant"
    if len(mine) == 1 and re.fullmatch(r"0x[0-9a-f]+", mine[0]) and \
            re.fullmatch(r"0x[0-9a-f]{16}", its[0]) and \
            int(mine[0], 16) == int(its[0], 16) & ((1 << 63) - 1):
        return "bit past maxnode-1"
    return None


def window(lines):
    out, on = [], False
    for l in lines:
        if "set_mempolicy_home_node(0x1," in l:
            on = True
        elif "set_mempolicy_home_node(0x2," in l:
            on = False
        elif on:
            out.append(l)
    return out


@test
def strace_output_equals_strace():
    same = total = 0
    why = {}
    for scen in STRACE_SCENARIOS:
        events = f"{scen},set_mempolicy_home_node"
        with tempfile.TemporaryDirectory() as tmp:
            ours_f, theirs_f = os.path.join(tmp, "m"), os.path.join(tmp, "s")
            p = subprocess.run([MMT, "--not-comm", "strace", "-o", "strace:" + ours_f,
                                "-e", events, "--", "strace", "-f", "-qq", "-o", theirs_f,
                                "-e", "trace=" + events, WORKLOAD, scen,
                                os.path.join(tmp, "log")],
                               capture_output=True, text=True, timeout=120)
            eq(p.returncode, 0, f"{scen}: exit status ({p.stderr!r})")
            ours_raw = open(ours_f).read().splitlines()
            theirs = window([strace_spelling(strace_norm(re.sub(r"^\d+ +", "", l)))
                             for l in open(theirs_f).read().splitlines()])
        for l in ours_raw:
            check(re.match(r"\[pid \d+\] \w+\(.*\) +=", l), f"{scen}: strace syntax: {l!r}")
        ours = window([strace_norm(re.sub(r"^\[pid \d+\] ", "", l)) for l in ours_raw])
        eq(len(ours), len(theirs), f"{scen}: calls ({ours} vs {theirs})")
        for o, t in zip(ours, theirs):
            total += 1
            if o == t:
                same += 1
                continue
            w = explained(o, t)
            check(w, f"{scen}: mmtrace {o!r} vs strace {t!r}")
            why[w] = why.get(w, 0) + 1
    check(total > 100 and same >= total - 15, f"{same} of {total} lines equal ({why})")
    print(f"    {same} of {total} lines equal strace's; the rest: {why}")


@test
def strace_alignment_and_durations():
    p = subprocess.run([MMT, "-o", "strace", "-T", "-e", "munmap", "--", "sh", "-c", "true"],
                       capture_output=True, text=True, timeout=60)
    lines = [l for l in p.stderr.splitlines() if "munmap(" in l]
    check(lines, f"no munmap line: {p.stderr!r}")
    for l in lines:
        m = re.fullmatch(r"(\[pid \d+\] munmap\(0x[0-9a-f]+, \d+\) +)= 0 <(\d+)\.(\d{6})>", l)
        check(m, f"strace line with -T: {l!r}")
        eq(len(m.group(1)), max(40, len(m.group(1).rstrip()) + 1), "' = ' at column 40")
        # at home in 80 columns, where a table row takes 97 before ARGS
        check(len(l) <= 80, f"{len(l)} columns: {l!r}")


# --- time ----------------------------------------------------------------------

# Three small mappings, then one of 128 MiB populated: milliseconds.
SLOW_MMAP = ("import mmap\n"
             "for i in range(3): mmap.mmap(-1, 4096)\n"
             "m = mmap.mmap(-1, 128 << 20, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS"
             " | mmap.MAP_POPULATE)\n")


def slow_mmap_events(*opts):
    """JSON events (-T: with durations) of SLOW_MMAP's mmap calls."""
    p = subprocess.run([MMT, "-o", "json", "-T", "-e", "mmap", *opts, "--", sys.executable,
                        "-c", SLOW_MMAP], capture_output=True, text=True, timeout=60)
    eq(p.returncode, 0, f"exit status ({p.stderr!r})")
    return [json.loads(l) for l in p.stderr.splitlines() if l.startswith("{")]


@test
def duration_in_json_and_filters_on_it():
    events = slow_mmap_events()
    check(all(isinstance(e.get("duration"), int) for e in events), "a duration in each event")
    big = [e for e in events if e["args"][1]["value"] == 128 << 20]
    eq(len(big), 1, "the 128 MiB mmap")
    check(big[0]["duration"] > 2_000_000, f"populating 128 MiB took {big[0]['duration']} ns")
    small = [e for e in events if e["args"][1]["value"] == 4096]
    check(len(small) >= 3 and all(e["duration"] < 2_000_000 for e in small),
          "the small mmaps took less than 2 ms")
    for opts in (["--duration", "2"], ["-e", "mmap.latency>=2000"]):
        got = slow_mmap_events(*opts)
        eq([e["args"][1]["value"] for e in got], [128 << 20], f"calls kept by {opts}")
    p = subprocess.run([MMT, "-e", "mmap.latency>-1", "--", "true"], capture_output=True,
                       text=True, timeout=10)
    eq(p.returncode, 2, "a negative latency is refused")


@test
def time_formats():
    want = {"-t": r"\d\d:\d\d:\d\d", "-tt": r"\d\d:\d\d:\d\d\.\d{6}",
            "-ttt": r"\d{10}\.\d{6}", "-r": r" *\d+\.\d{6}"}
    for opt, rx in want.items():
        start = time.time()
        p = subprocess.run([MMT, "-o", "strace", opt, "-e", "munmap", "--", "sh", "-c", "true"],
                           capture_output=True, text=True, timeout=60)
        lines = [l for l in p.stderr.splitlines() if "munmap(" in l]
        check(lines, f"{opt}: no munmap line ({p.stderr!r})")
        for l in lines:
            m = re.fullmatch(r"\[pid \d+\] (" + rx + r") munmap\(.*", l)
            check(m, f"{opt}: {l!r}")
            if opt == "-ttt":
                check(abs(float(m.group(1)) - start) < 30, f"-ttt is the epoch: {l!r}")
        if opt == "-r":
            check(float(lines[0].split()[2]) == 0.0, "-r: the first call is at 0")
        # the table's TIME column takes the same format
        p = subprocess.run([MMT, opt, "-e", "munmap", "--", "sh", "-c", "true"],
                           capture_output=True, text=True, timeout=60)
        rows = [l for l in p.stderr.splitlines()[1:] if " munmap " in l]
        check(rows and all(re.match(rx + r" ", r.lstrip() if opt == "-r" else r) for r in rows),
              f"{opt}: table TIME column {rows[:1]}")


@test
def table_durations_stay_aligned():
    """-T adds LATENCY before ARGS: every row's ARGS starts under its header."""
    p = subprocess.run([MMT, "-T", "-e", "mmap,munmap", "--", "sh", "-c", "true"],
                       capture_output=True, text=True, timeout=60)
    lines = p.stderr.splitlines()
    head = lines[0]
    check("LATENCY" in head and head.index("LATENCY") < head.index("ARGS"),
          f"LATENCY before ARGS: {head!r}")
    col = head.index("ARGS")
    rows = [l for l in lines[1:] if " mmap " in l or " munmap " in l]
    check(rows, "no rows")
    for r in rows:
        check(r[col - 1] == " " and r[col] != " " and r[col:].startswith("addr: "),
              f"ARGS not under its header: {r!r}")
        lat = r[head.index("LATENCY"):col].strip()
        check(re.fullmatch(r"\d+\.\d{3}", lat), f"LATENCY {lat!r}")
    # --columns with LATENCY after ARGS: ARGS (of varying width) goes last
    p = subprocess.run([MMT, "--columns", "EVENT,ARGS,LATENCY", "-e", "mmap", "--", "sh",
                        "-c", "true"], capture_output=True, text=True, timeout=60)
    lines = p.stderr.splitlines()
    eq(lines[0].split(), ["EVENT", "LATENCY(us)", "ARGS"], "header")
    col = lines[0].index("LATENCY")
    for r in lines[1:]:
        check(re.fullmatch(r"\d+\.\d{3}", r[col:].split()[0]),
              f"LATENCY not under its header: {r!r} (header {lines[0]!r})")


# --- selection -----------------------------------------------------------------

def events_of(*opts, cmd=("sh", "-c", "true")):
    """Event names of JSON events of `mmtrace OPTS -- CMD`."""
    p = subprocess.run([MMT, "-o", "json", *opts, "--", *cmd], capture_output=True, text=True,
                       timeout=60)
    eq(p.returncode, 0, f"{opts}: exit status ({p.stderr!r})")
    return [json.loads(l) for l in p.stderr.splitlines() if l.startswith("{")]


NUMA = {"mbind", "set_mempolicy", "get_mempolicy", "set_mempolicy_home_node", "migrate_pages",
        "move_pages", "page_migration", "numa_task_placement"}


@test
def strace_event_sets():
    everything = {e["eventName"] for e in events_of()}
    check({"mmap", "munmap", "mprotect", "brk"} <= everything, f"a shell's calls: {everything}")
    for spec in ("trace=%memory", "%memory", "all", "trace=all"):
        eq({e["eventName"] for e in events_of("-e", spec)}, everything, f"-e {spec}")
    for spec in ("trace=!mmap", "!mmap", "trace=%memory,!mmap"):
        eq({e["eventName"] for e in events_of("-e", spec)}, everything - {"mmap"}, f"-e {spec}")
    with tempfile.TemporaryDirectory() as tmp:
        got = {e["eventName"] for e in events_of("-e", "trace=%numa", cmd=(
            WORKLOAD, "mixed", os.path.join(tmp, "log")))}
    check(got and got <= NUMA, f"-e trace=%numa: {got}")
    check("set_mempolicy" in got, f"-e trace=%numa: {got}")
    for spec, msg in (("%nosuch", "unknown class"), ("!nosuch", "unknown event"),
                      ("mmap,!mmap", "no event")):
        p = subprocess.run([MMT, "-e", spec, "--", "true"], capture_output=True, text=True,
                           timeout=10)
        eq(p.returncode, 2, f"-e {spec}: exit status")
        check(msg in p.stderr and len(p.stderr.splitlines()) == 1, f"-e {spec}: {p.stderr!r}")


@test
def values_of_one_field_or():
    sizes = {e["args"][1]["value"] for e in events_of(
        "-e", "mmap.args.length=8192", "-e", "mmap.args.length=12288")}
    eq(sizes, {8192, 12288}, "two values of one field: either")
    # other fields AND with them
    got = events_of("-e", "mmap.args.length=8192,mmap.args.length=12288", "-e",
                    "mmap.args.fd=3")
    eq(got, [], "a shell maps no file of 8 or 12 KiB (fd AND length)")
    got = events_of("-e", "mmap.args.length=8192", "-e", "mmap.args.fd=-1")
    check(got and all(e["args"][1]["value"] == 8192 and e["args"][4]["value"] == -1
                      for e in got), "length AND fd")


@test
def filter_values_out_of_the_fields_type():
    for f in ("mmap.args.length>=-5", "mlock2.args.flags=-1", "madvise.args.advice=4294967296",
              "mprotect.args.addr<-1", "set_mempolicy.args.mode=-2147483649"):
        p = subprocess.run([MMT, "-e", f, "--", "true"], capture_output=True, text=True,
                           timeout=10)
        eq(p.returncode, 2, f"-e {f}: exit status")
        check("out of its range" in p.stderr and len(p.stderr.splitlines()) == 1,
              f"-e {f}: {p.stderr!r}")
    eq(events_of("-e", "madvise.args.advice=-1", cmd=("true",)), [], "an int takes -1")


THREADS = """
import mmap, os, sys, threading, time
go = threading.Event()
tids = {}
def worker(name, size):
    tids[name] = threading.get_native_id()
    go.wait()
    for i in range(5):
        mmap.mmap(-1, size)
t = [threading.Thread(target=worker, args=a) for a in (("a", 4096), ("b", 8192))]
[x.start() for x in t]
while len(tids) < 2:
    time.sleep(0.01)
print(os.getpid(), tids["a"], tids["b"], flush=True)
sys.stdin.readline()
go.set()
t[0].join()
time.sleep(float(sys.argv[1]))
"""


@test
def pid_takes_tids_and_lists_and_ends():
    procs = [subprocess.Popen([sys.executable, "-c", THREADS, d], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True) for d in ("0.5", "1.5")]
    try:
        ids = [list(map(int, p.stdout.readline().split())) for p in procs]
        (pid1, a1, _), (pid2, a2, b2) = ids
        errf = tempfile.TemporaryFile("w+")
        m = subprocess.Popen([MMT, "-e", "mmap", "-p", f"{a1},{pid2}"],
                             stdout=subprocess.PIPE, stderr=errf, text=True)
        ready, _, _ = select.select([m.stdout], [], [], 30)
        check(ready, "no header within 30 s")
        m.stdout.readline()  # the header: attached
        for p in procs:
            p.stdin.write("\n")
            p.stdin.flush()
        start = time.time()
        out, _ = m.communicate(timeout=20)
        took = time.time() - start
    finally:
        for p in procs:
            p.kill()
            p.wait()
    by_tid = {}
    for row in out.splitlines():
        f = row.split()
        size = re.search(r"length: (\d+)", row)
        if size and int(size.group(1)) in (4096, 8192):
            by_tid.setdefault(int(f[4]), set()).add(int(size.group(1)))
    errf.seek(0)
    eq(by_tid.get(a1), {4096}, f"-p TID: that thread's calls ({by_tid}, {ids}, {errf.read()!r})")
    check(set(by_tid) <= {a1, a2, b2}, f"only the thread and the process asked for: {by_tid}")
    eq(by_tid.get(b2), {8192}, "-p PID in a list: the whole process")
    check(took < 8, f"mmtrace ended {took:.1f} s after its targets started ending")
    eq(m.returncode, 0, "exit status once every target is gone")


# --- losses in place -------------------------------------------------------------

@test
def losses_in_the_stream():
    """A 4 KiB ring buffer and 20000 calls: lost_events records in the
    stream add up, with the records written, to the calls made, and to the
    losses of the exit report."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "out")
        p = subprocess.run([MMT, "--buffer-size", "4K", "--stats", "-o", f"json:{out}", "-e",
                            "set_mempolicy", "--", WORKLOAD, "burst", os.path.join(tmp, "log")],
                           capture_output=True, text=True, timeout=120)
        eq(p.returncode, 0, f"exit status ({p.stderr!r})")
        lines = [json.loads(l) for l in open(out)]
    stats = json.loads(p.stderr.splitlines()[-1])["stats"]
    lost = [l for l in lines if l["eventName"] == "lost_events"]
    events = [l for l in lines if l["eventName"] == "set_mempolicy"]
    check(lost, "no lost_events record in the stream")
    for l in lost:
        eq(sum(l["lostByEvent"].values()), l["lost"], "per-event counts add up")
        eq(list(l["lostByEvent"]), ["set_mempolicy"], "the event that lost records")
    total = sum(l["lost"] for l in lost)
    eq(total, stats["lost"], "losses in the stream = losses at exit")
    eq(len(events) + total, 20000, "records written + lost = calls made")
    # table: one line per gap, the same sum
    p = subprocess.run([MMT, "--buffer-size", "4K", "--stats", "-e", "set_mempolicy", "--",
                        WORKLOAD, "burst", "/dev/null"], capture_output=True, text=True,
                       timeout=120)
    gaps = [int(m.group(1)) for m in re.finditer(r"^\S+ lost_events LOST (\d+) events: "
                                                 r"set_mempolicy \d+$", p.stderr, re.M)]
    stats = json.loads(p.stderr.splitlines()[-1])["stats"]
    check(gaps, "no lost_events line in the table")
    eq(sum(gaps), stats["lost"], "table: losses in the stream = losses at exit")


# --- smaller habits --------------------------------------------------------------

def summary_lines(text):
    """(percent, event, calls, total us) of each -c row."""
    rows = []
    for l in text.splitlines():
        m = re.match(r"\s*(\d+\.\d\d) (\w+)\s+(\d+)\s+(\d+)\s+(\d+\.\d{3})", l)
        if m and m.group(2) != "total":
            rows.append((float(m.group(1)), m.group(2), int(m.group(3)), float(m.group(5))))
    return rows


@test
def summary_sorted_by_time_with_percent():
    p = subprocess.run([MMT, "-c", "--", "sh", "-c", "true; /bin/true"], capture_output=True,
                       text=True, timeout=60)
    eq(p.returncode, 0, f"exit status ({p.stderr!r})")
    text = p.stdout + p.stderr  # (stdout before the trace moved to stderr)
    head = next(l for l in text.splitlines() if "EVENT" in l)
    eq(head.split()[:3], ["%", "TIME", "EVENT"], "a % TIME column first")
    rows = summary_lines(text)
    check(len(rows) >= 3, f"rows: {rows}")
    times = [r[3] for r in rows]
    eq(times, sorted(times, reverse=True), "rows sorted by time, most first")
    total = sum(times)
    for pct, name, _, t in rows:
        check(abs(pct - 100 * t / total) < 0.02, f"{name}: {pct}% of {total} us is not {t} us")
    check(abs(sum(r[0] for r in rows) - 100) < 0.1, "the percentages add up to 100")


@test
def summary_by_pid_names_the_process():
    p = subprocess.run([MMT, "-c", "--summary-by", "pid", "-e", "mmap", "--", "sh", "-c",
                        "/bin/true"], capture_output=True, text=True, timeout=60)
    titles = re.findall(r"^pid (\d+) \((.*)\):$", p.stdout + p.stderr, re.M)
    names = {n for _, n in titles}
    check({"sh", "true"} <= names, f"pid groups name their process: {titles} ({p.stderr!r})")


@test
def interval_summaries_have_a_time():
    p = subprocess.run([MMT, "-c", "--interval", "1", "-e", "mmap", "--", "sh", "-c",
                        "sleep 2.5"], capture_output=True, text=True, timeout=60)
    stamps = re.findall(r"^--- (\d\d):(\d\d):(\d\d) ---$", p.stdout + p.stderr, re.M)
    check(len(stamps) >= 2, f"a time over each periodic summary: {p.stderr!r}")
    secs = [int(h) * 3600 + int(m) * 60 + int(s) for h, m, s in stamps]
    check(all(0 < b - a <= 2 or b < a for a, b in zip(secs, secs[1:])),
          f"one a second: {stamps}")


def on_a_terminal(args, env):
    """Run mmtrace on a pseudo-terminal; what it wrote there."""
    import pty
    master, slave = pty.openpty()
    try:
        p = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=slave, stderr=slave,
                             env=env)
        os.close(slave)
        out = b""
        while True:
            r, _, _ = select.select([master], [], [], 30)
            if not r:
                break
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
        p.wait(timeout=30)
    finally:
        os.close(master)
    return out.decode(errors="replace")


@test
def no_color_is_honoured():
    with tempfile.TemporaryDirectory() as tmp:
        args = [MMT, "-e", "mremap", "--", WORKLOAD, "mremap", os.path.join(tmp, "log")]
        env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
        coloured = on_a_terminal(args, env)
        check("\x1b[31m" in coloured, "failed calls in red on a terminal")
        plain = on_a_terminal(args, {**env, "NO_COLOR": "1"})
        check(" mremap " in plain and "\x1b[" not in plain, "NO_COLOR: no colour")


@test
def exec_errors_as_a_shell_reports_them():
    p = subprocess.run([MMT, "--", "/nonexistent/cmd"], capture_output=True, text=True,
                       timeout=60)
    eq(p.returncode, 127, "not found")
    eq(p.stdout, "", "stdout")
    eq(p.stderr.splitlines(),
       ["mmtrace: failed to run '/nonexistent/cmd': No such file or directory"],
       "one line, no header before it")
    with tempfile.TemporaryDirectory() as tmp:
        f = os.path.join(tmp, "script")
        with open(f, "w") as fh:
            fh.write("#!/bin/sh\ntrue\n")
        os.chmod(f, 0o644)
        p = subprocess.run([MMT, "--", f], capture_output=True, text=True, timeout=60)
        eq(p.returncode, 126, "found but not executable: as a shell, 126")
        eq(p.stderr.splitlines(), [f"mmtrace: failed to run '{f}': Permission denied"],
           "message")


@test
def list_is_aligned():
    p = subprocess.run([MMT, "list"], capture_output=True, text=True, timeout=10)
    syscalls = p.stdout.split("\n\n")[0].splitlines()  # the first table
    rows = [l for l in syscalls[1:] if re.match(r"\w+ +\d+ ", l)]
    eq(len(rows), 24, "one row per syscall")
    cols = {re.search(r" (\d+) ", l).start(1) for l in rows}
    eq(len(cols), 1, f"the ID column starts at one place: {sorted(cols)}")
    eq(p.stdout.splitlines()[0].index("ID"), cols.pop(), "under its header")


if __name__ == "__main__":
    sys.exit(main())
