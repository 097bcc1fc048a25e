# SPDX-License-Identifier: GPL-2.0
"""Shared helpers of the fleet tests: free loopback ports, bounded waits,
processes that are always stopped, and the workload's own call counts."""
import json
import os
import signal
import socket
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.environ.get("MMTRACE_OUT", os.path.join(ROOT, "build"))
MMTRACE = os.path.join(OUT, "mmtrace")
WORKLOAD = os.path.join(OUT, "tests", "workload")

failures = 0
procs = []


def ok(name):
    print(f"ok - {name}", flush=True)


def not_ok(name, why):
    global failures
    failures += 1
    print(f"not ok - {name}: {why}", flush=True)


def check(name, cond, why=""):
    (ok if cond else lambda n: not_ok(n, why))(name)
    return cond


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(pred, timeout, step=0.1):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        v = pred()
        if v:
            return v
        time.sleep(step)
    return pred()


def port_open(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def spawn(argv, **kw):
    kw.setdefault("stdout", subprocess.DEVNULL)
    kw.setdefault("stderr", subprocess.DEVNULL)
    p = subprocess.Popen(argv, start_new_session=True, **kw)
    procs.append(p)
    return p


def stop(p, sig=signal.SIGTERM, timeout=10):
    if p.poll() is None:
        try:
            os.killpg(p.pid, sig)
        except ProcessLookupError:
            pass
        try:
            p.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()
    return p.returncode


def stop_all():
    for p in procs:
        stop(p)


def workload_counts(log):
    """Calls per event and failed calls per event, from the workload's log."""
    calls, errors = {}, {}
    with open(log) as f:
        for line in f:
            r = json.loads(line)
            n = r.get("calls", 1)
            calls[r["event"]] = calls.get(r["event"], 0) + n
            if "ret" in r and r["ret"] < 0:
                errors[r["event"]] = errors.get(r["event"], 0) + n
    return calls, errors


def finish():
    stop_all()
    print(f"{'FAIL' if failures else 'PASS'}: {failures} failed", flush=True)
    sys.exit(1 if failures else 0)
