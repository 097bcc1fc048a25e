# SPDX-License-Identifier: GPL-2.0
"""The tracers the benchmark compares: how each starts, when it is attached,
what it delivered. Each is one column of the comparison."""
import atexit
import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time

from common import (FLOOR, MMTRACE, SYSCALLS, NotAvailable, count_lines, in_epoll_wait, read_text,
                    tail, tracer_cpus)

class Tracer:
    """One column of the comparison: how to start, when attached, what it saw."""

    key = ""
    label = ""
    short = None  # a shorter label, for wide tables
    slow = False  # makes the workload run the slow-peer number of calls
    stdout = "file"  # "file", "pipe" (read and counted, then thrown away)
    selects = set(SYSCALLS)

    def check(self):
        """Raise NotAvailable when the tracer cannot run here."""

    def argv(self, pid, d):
        raise NotImplementedError

    def attached(self, run):
        """Default: it holds a hook and its CPU time stopped moving."""
        return run.idle_with_hooks()

    def collect(self, run):
        """(events delivered, drops) of a finished run."""
        raise NotImplementedError


class NoTracer(Tracer):
    key = "none"
    label = "none"
    selects = set()


class Binary:
    """An mmtrace executable, run from a copy: src/ may be rebuilt meanwhile,
    and every round must run one binary."""

    def __init__(self, path):
        self.path = path
        self.built = None
        self._help = None
        self._events = None

    def snapshot(self, tmp, name):
        if os.access(self.path, os.X_OK):
            self.built = os.path.getmtime(self.path)
            copy = os.path.join(tmp, name)
            shutil.copy2(self.path, copy)
            self.path = copy

    def help(self):
        if self._help is None:
            try:
                self._help = subprocess.run([self.path, "--help"], capture_output=True,
                                            text=True, timeout=10).stdout
            except (OSError, subprocess.TimeoutExpired):
                self._help = ""
        return self._help

    def default_buffer_mb(self):
        m = re.search(r"--buffer-size BYTES.*?default:? *(\d+)M", self.help(), re.S)
        return int(m.group(1)) if m else "?"

    def events(self):
        if self._events is None:
            try:
                out = subprocess.run([self.path, "list", "--names"], capture_output=True,
                                     text=True, timeout=10).stdout
            except (OSError, subprocess.TimeoutExpired):
                out = ""
            self._events = set(out.split())
        return self._events


MAIN = Binary(MMTRACE)


class Mmtrace(Tracer):
    """mmtrace, by pid, on the benchmark's syscalls that it knows; with
    baseline=True, another binary (BENCH_BASELINE) in the same run."""

    mode = ""
    mode_label = ""

    def __init__(self, binary=MAIN, baseline=False):
        self.binary = binary
        self.baseline = baseline
        self.key = ("baseline-" if baseline else "mmtrace-") + self.mode
        self.label = ("baseline mmtrace " if baseline else "mmtrace ") + self.mode_label
        self.short = ("baseline " if baseline else "mmtrace ") + self.mode_label.replace(" --output-file", "")

    def check(self):
        if not os.access(self.binary.path, os.X_OK):
            raise NotAvailable(f"{self.binary.path} not built")
        self.selects = set(SYSCALLS) & self.binary.events()
        if not self.selects:
            raise NotAvailable("mmtrace knows none of " + ",".join(SYSCALLS))

    def attached(self, run):
        """Idle with hooks is not enough: attaching the per-syscall
        tracepoints waits for RCU grace periods, idle, with the first hooks
        held, and a workload let go then ran partly untraced (424 162 of
        1 050 000 calls written, none lost). Its main thread must also be
        in the ring buffers' epoll_wait, which it reaches only once every
        hook is attached."""
        return run.idle_with_hooks() and in_epoll_wait(run.pid)

    def base_argv(self, pid):
        return [self.binary.path, "--stats", "-p", str(pid), "-e",
                ",".join(s for s in SYSCALLS if s in self.selects)]

    @staticmethod
    def lost(run):
        """Events mmtrace says it lost: --stats' "lost", else its loss line."""
        err = read_text(run.stderr_path)
        for line in err.splitlines():
            if line.startswith('{"stats"'):
                try:
                    return int(json.loads(line)["stats"]["lost"])
                except (ValueError, KeyError, TypeError):
                    pass
        m = re.search(r"mmtrace: (\d+) events lost", err)
        return int(m.group(1)) if m else 0


class MmtraceJson(Mmtrace):
    mode = "json"
    mode_label = "-o json --output-file"

    def argv(self, pid, d):
        return self.base_argv(pid) + ["-o", "json", "--output-file", os.path.join(d, "out.json")]

    def collect(self, run):
        # calls: every line but the lost_events records that say what
        # went missing
        path = os.path.join(run.dir, "out.json")
        return (count_lines(path) - count_lines(path, rb'"eventName":"lost_events"'),
                self.lost(run))


class MmtraceJsonNull(MmtraceJson):
    """The same, the JSON thrown away: what the reader costs without the
    page-cache copy, and the programs' cost without a reader slower than
    the calls (past half a buffer, each record would wake it)."""

    mode = "json-null"
    mode_label = "-o json --output-file /dev/null"

    def argv(self, pid, d):
        return self.base_argv(pid) + ["-o", "json", "--output-file", "/dev/null"]

    def collect(self, run):
        # MmtraceJson's counts the lines of out.json, which this never writes
        raise NotAvailable("its events went to /dev/null: nothing to count")


class MmtraceJsonSyscallTp(MmtraceJson):
    """The same on the per-syscall tracepoints, when mmtrace has the option."""

    mode = "json-systp"
    mode_label = "-o json --syscall-tracepoints"

    def check(self):
        super().check()
        if "--syscall-tracepoints" not in self.binary.help():
            raise NotAvailable("mmtrace has no --syscall-tracepoints")

    def argv(self, pid, d):
        return super().argv(pid, d) + ["--syscall-tracepoints"]


class MmtraceJsonRaw(MmtraceJson):
    """The same on the raw sys_enter/sys_exit tracepoints, when mmtrace has
    --attach (before it, the raw ones were its default)."""

    mode = "json-raw"
    mode_label = "-o json --attach=raw"

    def check(self):
        super().check()
        if "--attach" not in self.binary.help():
            raise NotAvailable("mmtrace has no --attach")

    def argv(self, pid, d):
        return super().argv(pid, d) + ["--attach=raw"]


class NatsServer:
    """One JetStream server on loopback for the whole benchmark, pinned to
    the tracers' CPUs: on a fleet the server runs on other hosts, so it must
    not take the workload's CPU here."""

    proc = None
    port = None
    store = None

    @classmethod
    def url(cls):
        if cls.proc and cls.proc.poll() is None:
            return f"nats://127.0.0.1:{cls.port}"
        if not shutil.which("nats-server"):
            raise NotAvailable("nats-server is not installed")
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            cls.port = s.getsockname()[1]
        cls.store = tempfile.mkdtemp(prefix="mmt-bench-nats-")
        cpus = tracer_cpus()
        cls.proc = subprocess.Popen(
            ["nats-server", "-a", "127.0.0.1", "-p", str(cls.port), "-js", "-sd", cls.store],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            preexec_fn=lambda: os.sched_setaffinity(0, cpus))
        atexit.register(cls.stop)
        for _ in range(50):
            try:
                socket.create_connection(("127.0.0.1", cls.port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        else:
            cls.stop()
            raise NotAvailable("nats-server did not start")
        return f"nats://127.0.0.1:{cls.port}"

    @classmethod
    def stop(cls):
        if cls.proc and cls.proc.poll() is None:
            cls.proc.terminate()
            cls.proc.wait(10)
        if cls.store:
            shutil.rmtree(cls.store, ignore_errors=True)
            cls.store = None


class MmtraceNats(Mmtrace):
    """-o nats:// to a JetStream server on loopback, the server pinned with
    the tracers: what the sink adds to a traced call, next to
    --output-file. Delivered: what the stream acknowledged."""

    mode = "nats"
    mode_label = "-o nats:// (server on the tracer's CPUs)"

    def check(self):
        super().check()
        if "nats://" not in self.binary.help():
            raise NotAvailable("this mmtrace has no NATS output")
        self.url = NatsServer.url()

    def argv(self, pid, d):
        return self.base_argv(pid) + ["-o", self.url + "/mmtrace.bench"]

    def collect(self, run):
        for line in read_text(run.stderr_path).splitlines():
            if line.startswith('{"stats"'):
                try:
                    st = json.loads(line)["stats"]
                    return int(st["sink"]["acked"]), int(st["lost"]) + int(st["sink"]["dropped"])
                except (ValueError, KeyError, TypeError):
                    break
        raise NotAvailable("mmtrace printed no sink counts: " + tail(run.stderr_path))


class MmtraceTable(Mmtrace):
    mode = "table"
    mode_label = "-o table (to a pipe)"
    stdout = "pipe"

    def argv(self, pid, d):
        return self.base_argv(pid) + ["-o", "table"]

    def attached(self, run):
        return run.pipe_lines > 0  # the header, printed once attached

    def collect(self, run):
        return max(run.pipe_lines - 1 - run.pipe_lost_lines, 0), self.lost(run)


class MmtraceSummary(Mmtrace):
    mode = "summary"
    mode_label = "-c (summary)"

    def check(self):
        super().check()
        if not re.search(r"^\s*-c[,\s]", self.binary.help(), re.M):
            raise NotAvailable("mmtrace has no -c (summary mode) yet")

    def argv(self, pid, d):
        return self.base_argv(pid) + ["-c"]

    def calls(self, line):
        """The calls of a summary row: "% TIME EVENT CALLS ..." (before the
        % TIME column: "EVENT CALLS ..."); 0 for any other line."""
        f = line.split()
        for at in (1, 0):
            if len(f) > at + 1 and f[at] in self.selects and f[at + 1].isdigit():
                return int(f[at + 1])
        return 0

    def collect(self, run):
        events = sum(self.calls(line) for line in read_text(run.stdout_path).splitlines())
        return events, self.lost(run)


class MmtraceSummaryAll(MmtraceSummary):
    """-c system-wide (no -p), by process: what `mmtrace top` does in the
    kernel, at the same scope, without its refresh loop. Events: the
    workload's own counts (its pid's block of the summary)."""

    mode = "summary-all"
    mode_label = "-c, system-wide"

    def __init__(self, binary=MAIN, baseline=False):
        super().__init__(binary, baseline)
        self.pids = {}  # run folder: the workload's pid

    def argv(self, pid, d):
        self.pids[d] = pid
        return [self.binary.path, "--stats", "-e",
                ",".join(s for s in SYSCALLS if s in self.selects), "-c", "--summary-by", "pid"]

    def collect(self, run):
        pid = self.pids.pop(run.dir, None)
        events, mine = 0, False
        for line in read_text(run.stdout_path).splitlines():
            if line.startswith("pid "):
                mine = line.startswith(f"pid {pid} ")
            elif mine:
                events += self.calls(line)
        return events, self.lost(run)


class MmtraceTop(Mmtrace):
    """`mmtrace top -b -d 1`, system-wide: the kernel counts policy calls,
    pages migrated and NUMA task moves per process; user space reads the
    counts and prints a table every second. It prints rates, not events:
    events are "–". Its own event set (the policy calls, page_migration,
    numa_task_placement) on their own tracepoints, as tracing does."""

    mode = "top"
    mode_label = "top -b (system-wide)"
    TOP_SYSCALLS = {"set_mempolicy", "mbind", "migrate_pages", "move_pages",
                    "set_mempolicy_home_node"}

    def check(self):
        super().check()
        if "mmtrace top" not in self.binary.help():
            raise NotAvailable("mmtrace has no top")
        self.selects = set(SYSCALLS) & self.TOP_SYSCALLS

    def argv(self, pid, d):
        return [self.binary.path, "top", "-b", "-d", "1"]

    def attached(self, run):
        # the first table comes after the first interval, attached by then
        return "mmtrace top - " in read_text(run.stdout_path)

    def collect(self, run):
        if "mmtrace top - " not in read_text(run.stdout_path):
            raise NotAvailable("top printed no table: " + tail(run.stderr_path))
        return None, 0  # counted in the kernel: nothing to lose


class Floor(Tracer):
    """The reference probe (bench/floor): the true floor by default, or one
    of its labelled variants."""

    key = "floor"
    label = "true floor (64-byte record at entry and exit, one ring buffer)"
    short = "floor, one ring buffer"
    variant = "ring"

    def check(self):
        if not os.access(FLOOR, os.X_OK):
            raise NotAvailable(f"{FLOOR} not built (make -C bench)")

    def argv(self, pid, d):
        return [FLOOR, "-p", str(pid), "-v", self.variant]

    def attached(self, run):
        return "attached" in read_text(run.stdout_path)

    def collect(self, run):
        out = read_text(run.stdout_path)
        ev, dr = re.search(r"events=(\d+)", out), re.search(r"drops=(\d+)", out)
        if not ev or not dr:
            raise NotAvailable("floor printed no counts: " + tail(run.stderr_path))
        return int(ev.group(1)), int(dr.group(1))

    def hook(self, run):
        m = re.search(r"hook=(\S+)", read_text(run.stdout_path))
        return m.group(1) if m else "?"


class FloorPerCpu(Floor):
    key = "floor-pcpu"
    label = "floor, one ring buffer per CPU"
    short = "floor, ring buffer per CPU"
    variant = "pcpu"


class FloorSyscallTp(Floor):
    key = "floor-systp"
    label = "floor on the per-syscall tracepoints (per-CPU buffers)"
    short = "floor, per-syscall tracepoints"
    variant = "systp"


class FloorHashmap(Floor):
    key = "floor-hashmap"
    label = "floor-hashmap: entry kept in a hash map, one record at exit"
    short = "floor-hashmap"
    variant = "hash"


class Strace(Tracer):
    key = "strace"
    label = "strace -f"
    slow = True

    def check(self):
        if not shutil.which("strace"):
            raise NotAvailable("strace is not installed")

    def argv(self, pid, d):
        return ["strace", "-f", "-e", "trace=" + ",".join(SYSCALLS),
                "-o", os.path.join(d, "out.strace"), "-p", str(pid)]

    def attached(self, run):
        return "attached" in read_text(run.stderr_path)

    def collect(self, run):
        rx = rb"^(?:\d+\s+)?(?:" + "|".join(SYSCALLS).encode() + rb")\("
        return count_lines(os.path.join(run.dir, "out.strace"), rx), 0


class PerfTrace(Tracer):
    key = "perf-trace"
    label = "perf trace"
    slow = True

    def check(self):
        if not shutil.which("perf"):
            raise NotAvailable("perf is not installed")

    def argv(self, pid, d):
        return ["perf", "trace", "-e", ",".join(SYSCALLS),
                "-o", os.path.join(d, "out.perf"), "-p", str(pid)]

    def collect(self, run):
        path = os.path.join(run.dir, "out.perf")
        rx = rb" (?:" + "|".join(SYSCALLS).encode() + rb")\("
        lost = sum(int(n) for n in re.findall(r"LOST (\d+) events", read_text(path)))
        return count_lines(path, rx), lost


# One line per call at exit, with what mmtrace's table shows: time, uid,
# comm, pid, tid, return value, every argument, the first word of each mask.
BT_ARGS = {
    "mremap": ["addr", "old_len", "new_len", "flags", "new_addr"],
    "set_mempolicy": ["mode", "nmask", "maxnode"],
    "get_mempolicy": ["policy", "nmask", "maxnode", "addr", "flags"],
    "migrate_pages": ["pid", "maxnode", "old_nodes", "new_nodes"],
    "mmap": ["addr", "len", "prot", "flags", "fd", "off"],
    "munmap": ["addr", "len"],
}
BT_MASKS = {"set_mempolicy": ["nmask"], "migrate_pages": ["old_nodes", "new_nodes"]}
BT_HEX = {"addr", "new_addr", "flags", "prot", "nmask", "policy", "old_nodes", "new_nodes"}


def bpftrace_script():
    out = ['BEGIN { printf("BENCH_READY\\n"); }']
    for sc in SYSCALLS:
        vals = ["nsecs"] + [f"args->{a}" for a in BT_ARGS[sc]]
        vals += [f"*(uint64 *)args->{m}" for m in BT_MASKS.get(sc, [])]
        fmt = " ".join(f"{a}=0x%lx" if a in BT_HEX else f"{a}=%ld" for a in BT_ARGS[sc])
        fmt += "".join(f" {m}.nodes=0x%lx" for m in BT_MASKS.get(sc, []))
        fields = ", ".join(f"$e.{i}" for i in range(1, len(vals)))
        out.append(f"tracepoint:syscalls:sys_enter_{sc} /pid == $1/ "
                   f"{{ @{sc}[tid] = ({', '.join(vals)}); }}")
        out.append(f"tracepoint:syscalls:sys_exit_{sc} /pid == $1/ "
                   f"{{ $e = @{sc}[tid]; "
                   f'printf("EV %llu %u %s %d %d %ld {sc} {fmt}\\n", $e.0, uid, comm, pid, tid, '
                   f"args->ret, {fields}); delete(@{sc}[tid]); }}")
    return "\n".join(out) + "\n"


class Bpftrace(Tracer):
    key = "bpftrace"
    label = "bpftrace printf"
    slow = True

    def check(self):
        if not shutil.which("bpftrace"):
            raise NotAvailable("bpftrace is not installed")

    def argv(self, pid, d):
        script = os.path.join(d, "mm.bt")
        with open(script, "w") as f:
            f.write(bpftrace_script())
        return ["bpftrace", script, str(pid)]

    def attached(self, run):
        return "BENCH_READY" in read_text(run.stdout_path)

    def collect(self, run):
        text = read_text(run.stdout_path) + read_text(run.stderr_path)
        lost = sum(int(n) for n in re.findall(r"Lost (\d+) events", text))
        return count_lines(run.stdout_path, rb"^EV "), lost


def all_tracers(baseline=None):
    """Every tracer, in the order of the tables; with baseline (a Binary),
    the baseline mmtrace's -o json and -c too."""
    out = [NoTracer(), Floor(), FloorPerCpu(), FloorSyscallTp(), FloorHashmap(), MmtraceJson(),
           MmtraceJsonSyscallTp(), MmtraceJsonRaw(), MmtraceTable(), MmtraceSummary(),
           MmtraceSummaryAll(), MmtraceTop(), MmtraceNats()]
    if baseline:
        out += [MmtraceJson(baseline, True), MmtraceSummary(baseline, True)]
    return out + [Strace(), PerfTrace(), Bpftrace()]
