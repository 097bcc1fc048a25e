# SPDX-License-Identifier: GPL-2.0
"""What every part of the benchmark shares: paths, the settings read from
the environment, small file and /proc readers, the machine's description."""
import json
import os
import platform
import re
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # bench/
TOP = os.path.dirname(HERE)
MMTRACE = os.path.join(TOP, "build", "mmtrace")
WORKLOAD = os.path.join(HERE, "workload")
FLOOR = os.path.join(HERE, "floor")
REPLAY = os.path.join(HERE, "replay")
EXECWAIT = os.path.join(HERE, "execwait")

# The syscalls every tracer selects (the floor probe's list too).
SYSCALLS = ["mremap", "set_mempolicy", "get_mempolicy", "migrate_pages", "mmap", "munmap"]

ATTACH_TIMEOUT = 60.0  # s: bpftrace compiles its program first
STOP_TIMEOUT = 30.0
QUIET_WAIT = 5.0  # s: how long a run waits for another tool's BPF programs to go
CLK_TCK = os.sysconf("SC_CLK_TCK")
NCPU = os.cpu_count() or 1
# The single-threaded workload runs on this CPU (bench/workload pins itself);
# pinned tracers run on the others.
WORKLOAD_CPU = 1 if NCPU > 1 else 0


def env_flag(name, default):
    return os.environ.get(name, "1" if default else "0") not in ("", "0")


def env_int(name, text):
    try:
        return int(text)
    except ValueError:
        raise ValueError(f"{name}: '{text}' is not a number") from None


def env_list(name, default):
    v = os.environ.get(name)
    return [x for x in v.split(",") if x] if v else list(default)


class Config:
    """The settings of one run, from the environment (bench/README.md)."""

    def __init__(self):
        self.quick = env_flag("BENCH_QUICK", False)
        self.rounds = env_int("BENCH_ROUNDS",
                              os.environ.get("BENCH_ROUNDS", "3" if self.quick else "5"))
        if self.rounds < 1:
            raise ValueError("BENCH_ROUNDS: at least 1")
        self.workloads = os.environ.get("BENCH_WORKLOADS")
        self.tracers = os.environ.get("BENCH_TRACERS")
        self.no_install = env_flag("BENCH_NO_INSTALL", False)
        self.results = os.environ.get("BENCH_RESULTS", os.path.join(HERE, "RESULTS.md"))
        self.two_threads = env_flag("BENCH_TWO_THREADS", True)
        self.bpf_stats = env_flag("BENCH_BPF_STATS", True)
        self.reader = env_flag("BENCH_READER", True)
        self.real = env_flag("BENCH_REAL", True)
        self.pin = env_flag("BENCH_PIN", True) and NCPU > 1
        self.baseline = os.environ.get("BENCH_BASELINE") or None
        default_n = [n for n in (1, 2) if n <= NCPU] or [1]
        self.producers = [env_int("BENCH_PRODUCERS", n)
                          for n in env_list("BENCH_PRODUCERS", default_n)]
        if self.producers == [0]:
            self.producers = []  # BENCH_PRODUCERS=0: skip the pass
        elif any(n < 1 for n in self.producers):
            raise ValueError("BENCH_PRODUCERS: each N must be 1 or more (0 alone: skip)")


class NotAvailable(Exception):
    """The tracer cannot run here; the message says why."""


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def tracer_cpus():
    """The CPUs a pinned tracer runs on: every one but the workload's."""
    return {c for c in range(NCPU) if c != WORKLOAD_CPU} or {0}


def tail(path, n=3):
    """The last lines of a tracer's stderr, for a reason why it failed."""
    # bpftrace always complains about RLIMIT_MEMLOCK, which this kernel ignores
    lines = [l for l in read_text(path).strip().splitlines() if "RLIMIT_MEMLOCK" not in l]
    return " / ".join(lines[-n:])


STATS_SYSCTL = "/proc/sys/kernel/bpf_stats_enabled"


def stats_holders():
    """Processes holding a BPF_ENABLE_STATS fd: while one is open, every BPF
    program run reads the clock twice more, whatever the sysctl says."""
    held = set()
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            fds = os.listdir(f"/proc/{pid}/fd")
        except OSError:
            continue
        for fd in fds:
            try:
                if os.readlink(f"/proc/{pid}/fd/{fd}") == "anon_inode:bpf-stats":
                    held.add(read_text(f"/proc/{pid}/comm").strip() or pid)
            except OSError:
                pass
    return held


def read_text(path):
    try:
        with open(path, "rb") as f:
            return f.read().decode(errors="replace")
    except OSError:
        return ""


def count_lines(path, pattern=None):
    """Lines of a file; with pattern (bytes regex), only the lines matching it."""
    n = 0
    try:
        with open(path, "rb") as f:
            if pattern is None:
                while True:
                    chunk = f.read(1 << 20)
                    if not chunk:
                        break
                    n += chunk.count(b"\n")
            else:
                rx = re.compile(pattern)
                for line in f:
                    if rx.search(line):
                        n += 1
    except OSError:
        pass
    return n


# ---------------------------------------------------------------- /proc


def proc_cpu_s(pid):
    """utime + stime of a process (all its threads), in seconds."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLK_TCK
    except (OSError, IndexError, ValueError):
        return None


def proc_hwm_kb(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


TRACING_TYPES = {"tracing", "raw_tracepoint", "tracepoint", "kprobe", "perf_event"}


def prog_ids(pid):
    """Ids of the BPF programs a process holds (fdinfo of its prog and link fds)."""
    ids = set()
    try:
        for fd in os.listdir(f"/proc/{pid}/fdinfo"):
            for line in read_text(f"/proc/{pid}/fdinfo/{fd}").splitlines():
                if line.startswith("prog_id:"):
                    ids.add(int(line.split()[1]))
    except (OSError, ValueError):
        pass
    return ids


def foreign_probes(ours=()):
    """Names of the tracing BPF programs loaded but not in ours: another tool's
    probes, which tax every syscall of the workload too."""
    try:
        out = subprocess.run(["bpftool", "-j", "prog", "list"], capture_output=True,
                             text=True, timeout=10).stdout
        return {p.get("name", "?") for p in json.loads(out or "[]")
                if p.get("type") in TRACING_TYPES and p.get("id") not in ours}
    except (OSError, subprocess.SubprocessError, ValueError):
        return set()


def has_hooks(pid):
    """The process holds a perf event or a BPF link: it has attached something."""
    try:
        for fd in os.listdir(f"/proc/{pid}/fd"):
            try:
                target = os.readlink(f"/proc/{pid}/fd/{fd}")
            except OSError:
                continue
            if target in ("anon_inode:[perf_event]", "anon_inode:bpf_link"):
                return True
    except OSError:
        pass
    return False



def in_epoll_wait(pid):
    """The process's main thread is blocked in epoll_wait or epoll_pwait
    (/proc/PID/syscall: its number first)."""
    nr = read_text(f"/proc/{pid}/syscall").split(" ", 1)[0]
    return nr in ("232", "281", "441")  # x86_64: epoll_wait, epoll_pwait, epoll_pwait2


def parse_kv(line):
    out = {}
    for tok in line.split():
        k, _, v = tok.partition("=")
        out[k] = v
    return out




def setup_peers():
    """Install the peers that are missing (Debian packages), when root."""
    wanted = {"perf": "linux-perf", "bpftrace": "bpftrace", "strace": "strace"}
    missing = [pkg for tool, pkg in wanted.items() if not shutil.which(tool)]
    if not missing:
        return
    if os.environ.get("BENCH_NO_INSTALL") or os.geteuid() != 0:
        log(f"bench: not installing {' '.join(missing)} (BENCH_NO_INSTALL or not root)")
        return
    log(f"bench: installing {' '.join(missing)}")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    try:
        subprocess.run(["apt-get", "update", "-qq"], env=env, check=True, timeout=600,
                       stdout=subprocess.DEVNULL)
        subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends"] + missing,
                       env=env, check=True, timeout=900, stdout=subprocess.DEVNULL)
    except (OSError, subprocess.SubprocessError) as e:
        log(f"bench: failed to install {' '.join(missing)}: {e}")


def version(argv):
    try:
        p = subprocess.run(argv, capture_output=True, text=True, timeout=10)
        return (p.stdout + p.stderr).strip().splitlines()[0]
    except (OSError, subprocess.SubprocessError, IndexError):
        return "?"


def cpu_model():
    for line in read_text("/proc/cpuinfo").splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "?"




def loadavg():
    return " ".join(read_text("/proc/loadavg").split()[:3]) or "?"
