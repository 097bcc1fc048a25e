# SPDX-License-Identifier: GPL-2.0
"""The workloads (bench/workload) and one run of a workload under a tracer:
start the workload (it waits), start the tracer on its pid, wait until it
is attached, let the workload go, let the tracer catch up, stop it, collect."""
import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time

from common import (ATTACH_TIMEOUT, CLK_TCK, QUIET_WAIT, STOP_TIMEOUT, WORKLOAD, NotAvailable,
                    foreign_probes, has_hooks, parse_kv, proc_cpu_s, proc_hwm_kb, prog_ids,
                    tail, tracer_cpus)

# name: (calls per run for the cheap tracers, for the slow peers) - full and
# quick. The slow peers (strace, perf trace, bpftrace) cost 15-150 us per
# call, so they make fewer calls; ns/call is per call either way.
WORKLOADS = {
    "mremap": ((100000, 10000), (20000, 4000)),
    "set_mempolicy": ((200000, 20000), (40000, 4000)),
    "get_mempolicy": ((200000, 20000), (40000, 4000)),
    "mmap": ((100000, 10000), (20000, 4000)),
    "getppid": ((200000, 20000), (40000, 4000)),
    "migrate_pages": ((2000, 1000), (1000, 500)),
    "mix": ((8000, 4000), (2000, 1000)),
}
QUICK_WORKLOADS = ["mremap", "set_mempolicy", "getppid"]


def calls_for(workload, tracer, quick):
    full, short = WORKLOADS[workload]
    return (short if quick else full)[1 if tracer.slow else 0]


class TracerRun:
    """A started tracer process and what is needed to judge and stop it."""

    def __init__(self, tracer, pid, d, pin=False):
        self.tracer = tracer
        self.dir = d
        self.stdout_path = os.path.join(d, "stdout")
        self.stderr_path = os.path.join(d, "stderr")
        self.pipe_lines = 0
        self.pipe_lost_lines = 0
        self.reader = None
        argv = tracer.argv(pid, d)
        out = subprocess.PIPE if tracer.stdout == "pipe" else open(self.stdout_path, "wb")
        with open(self.stderr_path, "wb") as err:
            self.proc = subprocess.Popen(
                argv, stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                preexec_fn=(lambda: os.sched_setaffinity(0, tracer_cpus())) if pin else None)
        if out is not subprocess.PIPE:
            out.close()
        else:
            self.reader = threading.Thread(target=self._drain, daemon=True)
            self.reader.start()
        self.pid = self.proc.pid
        self.last_cpu = None
        self.rusage = None

    LOST_MARK = b" lost_events LOST "  # mmtrace's table line of a loss: no call

    def _drain(self):
        fd = self.proc.stdout.fileno()
        carry = b""
        while True:
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                break
            self.pipe_lines += chunk.count(b"\n")
            both = carry + chunk
            self.pipe_lost_lines += both.count(self.LOST_MARK)
            # a mark cut by the chunk's end is counted with the next one
            # (one shorter than the mark: never holds a whole one)
            carry = both[-(len(self.LOST_MARK) - 1):]

    def alive(self):
        if self.rusage is not None:
            return False
        pid, status, ru = os.wait4(self.pid, os.WNOHANG)
        if pid == self.pid:
            self._reaped(status, ru)
            return False
        return True

    def _reaped(self, status, ru):
        self.rusage = ru
        self.proc.returncode = os.waitstatus_to_exitcode(status)

    def idle_with_hooks(self):
        """Attached and idle: hooks held, no CPU time for the last poll (10 ms ticks)."""
        cpu = proc_cpu_s(self.pid)
        idle = self.last_cpu is not None and cpu is not None and \
            cpu - self.last_cpu < 1.5 / CLK_TCK
        self.last_cpu = cpu
        return idle and has_hooks(self.pid)

    def wait_attached(self):
        deadline = time.monotonic() + ATTACH_TIMEOUT
        while time.monotonic() < deadline:
            if not self.alive():
                raise NotAvailable(f"exited {self.proc.returncode} before attaching: "
                                   + tail(self.stderr_path))
            if self.tracer.attached(self):
                return
            time.sleep(0.2)
        raise NotAvailable(f"not attached after {ATTACH_TIMEOUT:.0f} s: " + tail(self.stderr_path))

    def progress(self):
        """What moves while it works: CPU time, output written."""
        sizes = []
        for name in sorted(os.listdir(self.dir)):
            try:
                sizes.append(os.path.getsize(os.path.join(self.dir, name)))
            except OSError:
                pass
        return proc_cpu_s(self.pid), self.pipe_lines, sizes

    def settle(self, limit=20.0):
        """Let it catch up with what the workload made: until nothing moves for 0.3 s."""
        deadline = time.monotonic() + limit
        last, still = self.progress(), 0
        while still < 3 and time.monotonic() < deadline and self.alive():
            time.sleep(0.1)
            now = self.progress()
            busy = now[0] is not None and last[0] is not None and now[0] - last[0] > 1.5 / CLK_TCK
            still = 0 if busy or now[1:] != last[1:] else still + 1
            last = now

    def stop(self):
        if self.alive():
            os.kill(self.pid, signal.SIGINT)
            deadline = time.monotonic() + STOP_TIMEOUT
            while self.alive() and time.monotonic() < deadline:
                time.sleep(0.02)
        if self.rusage is None:
            self.kill()
            raise NotAvailable(f"did not stop within {STOP_TIMEOUT:.0f} s of SIGINT")
        if self.reader:
            self.reader.join(5)

    def kill(self):
        if self.rusage is None:
            try:
                os.kill(self.pid, signal.SIGKILL)
                _, status, ru = os.wait4(self.pid, 0)
                self._reaped(status, ru)
            except (ProcessLookupError, ChildProcessError):
                pass


@contextlib.contextmanager
def traced_workload(tracer, workload, calls, tmp, threads=1, pin=False):
    """Start `workload --wait` and, unless tracer is None, the tracer on its
    pid, attached (with pin, on every CPU but the workload's); yield (workload process, TracerRun or None); kill and
    clean up whatever is left. The workload waits for go()."""
    d = tempfile.mkdtemp(dir=tmp)
    argv = [WORKLOAD, "--wait", workload, str(calls)] + ([str(threads)] if threads > 1 else [])
    wl = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE)
    tr = None
    try:
        if not wl.stdout.readline().decode().startswith("ready"):
            raise RuntimeError(f"workload {workload} did not start: "
                               + wl.stderr.read().decode(errors="replace").strip())
        if tracer is not None:
            tr = TracerRun(tracer, wl.pid, d, pin)
            tr.wait_attached()
        yield wl, tr
    finally:
        end_run(wl, tr, d)


def end_run(wl, tr, d):
    """Kill and reap what is left of a run (the workload process, the
    TracerRun or None), close their pipes, remove the run's folder d."""
    if wl.poll() is None:
        wl.kill()
        wl.wait()
    for f in (wl.stdin, wl.stdout, wl.stderr):
        try:
            f.close()
        except (OSError, ValueError):
            pass
    if tr:
        tr.kill()
        if tr.proc.stdout:
            tr.proc.stdout.close()
    shutil.rmtree(d, ignore_errors=True)


def go(wl):
    """Let the workload run; its key=value line once it has exited."""
    wl.stdin.write(b"g")
    wl.stdin.close()
    out = wl.stdout.read().decode()
    wl.wait()
    if wl.returncode != 0:
        raise RuntimeError(f"workload exited {wl.returncode}: "
                           + wl.stderr.read().decode(errors="replace").strip())
    return parse_kv(out)


def run_once(tracer, workload, calls, tmp, threads=1, pin=False):
    """One workload run under one tracer: a dict of what was measured."""
    # another tool's probes come and go (or ours are still being freed): wait a little
    deadline = time.monotonic() + QUIET_WAIT
    foreign = foreign_probes()
    while foreign and time.monotonic() < deadline:
        time.sleep(0.1)
        foreign = foreign_probes()
    with traced_workload(None if tracer.key == "none" else tracer, workload, calls, tmp,
                         threads, pin) as (wl, tr):
        if tr:
            cpu_at_start = proc_cpu_s(tr.pid) or 0.0
            hwm = proc_hwm_kb(tr.pid)  # some exit with the workload, before any later read
        wl.stdin.write(b"g")
        wl.stdin.close()
        while wl.poll() is None:
            if tr:
                hwm = max(hwm, proc_hwm_kb(tr.pid))
            time.sleep(0.02)
        foreign |= foreign_probes(prog_ids(tr.pid) if tr else ())
        out = wl.stdout.read().decode()
        if wl.returncode != 0:
            raise RuntimeError(f"workload {workload} exited {wl.returncode}: "
                               + wl.stderr.read().decode(errors="replace").strip())
        res = parse_kv(out)
        r = {"ns": float(res["ns_per_call"]), "calls": int(res["calls"]),
             "expected": sum(int(res.get(s, 0)) for s in tracer.selects)}
        if tr:
            tr.settle()
            hwm = max(hwm, proc_hwm_kb(tr.pid))
            tr.stop()
            ru = tr.rusage
            r["cpu_s"] = max(ru.ru_utime + ru.ru_stime - cpu_at_start, 0.0)
            r["rss_kb"] = hwm
            r["events"], r["drops"] = tracer.collect(tr)
            if hasattr(tracer, "hook"):
                r["hook"] = tracer.hook(tr)
        r["foreign"] = sorted(foreign)
        return r


