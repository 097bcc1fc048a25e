#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The sink's spool file across runs, with no NATS server at first:
mmtrace killed (SIGKILL) while its events wait in the spool file, then the
next run with the same --spool-dir delivers what the file held, exactly
once, and counts what the killed run held in memory only; mmtrace stopped
(SIGTERM) writes what it holds in memory to the file; --drain-timeout
bounds the wait at exit. The spool file is read here as its header
(src/sinks/spoolfile.h) lays it out."""
import glob
import json
import os
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time

from common import (MMTRACE, check, finish, free_port, not_ok, port_open, spawn, stop,
                    wait_for)

# set_mempolicy (238): even calls MPOL_DEFAULT, odd ones EINVAL
WORKLOAD = """
import ctypes, sys, time
libc = ctypes.CDLL(None, use_errno=True)
libc.prctl(15, sys.argv[1].encode(), 0, 0, 0)
time.sleep(float(sys.argv[3]))
for i in range(int(sys.argv[2])):
    libc.syscall(238, 0 if i % 2 == 0 else 99, 0, 0)
time.sleep(float(sys.argv[4]))
"""

HEADER = 4096
# magic, version, pid, id prefix, host, subject, then six __u64
HDR = struct.Struct("<8sII48s64s128sQQQQQ")
REC = struct.Struct("<QHHI")


def spool_file(path):
    """The header's counters and the records (seq, JSON) of a spool file."""
    with open(path, "rb") as f:
        data = f.read()
    magic, _, pid, prefix, host, subject, next_seq, floor, mem_held, closed, _ = \
        HDR.unpack_from(data)
    recs, off = [], HEADER
    while off + REC.size <= len(data):
        seq, _, _, n = REC.unpack_from(data, off)
        if off + REC.size + n > len(data):
            break
        recs.append((seq, data[off + REC.size:off + REC.size + n].decode()))
        off += REC.size + n
    return {"magic": magic, "pid": pid, "prefix": prefix.rstrip(b"\0").decode(),
            "next_seq": next_seq, "floor": floor, "mem_held": mem_held, "closed": closed,
            "records": recs, "torn": len(data) - off}


def stats_of(text):
    for line in reversed(text.splitlines()):
        if line.startswith('{"stats"'):
            return json.loads(line)["stats"]
    return {}


class Server:
    def __init__(self, tmp, port):
        self.tmp, self.port, self.proc = tmp, port, None
        self.url = f"nats://127.0.0.1:{port}"

    def start(self):
        self.proc = spawn(["nats-server", "-js", "-sd", os.path.join(self.tmp, "store"), "-a",
                           "127.0.0.1", "-p", str(self.port)],
                          stderr=open(os.path.join(self.tmp, "nats.log"), "a"))
        return wait_for(lambda: port_open(self.port), 20)

    def stop(self):
        if self.proc:
            stop(self.proc)
            self.proc = None


def read_all(url, durable):
    r = subprocess.run([MMTRACE, "read", url, "--durable", durable, "--idle-exit", "2",
                        "-e", "set_mempolicy"], capture_output=True, text=True, timeout=60)
    return r.returncode, [json.loads(line) for line in r.stdout.splitlines()], r.stderr


def key(e):
    return (e["hostThreadId"], e["timestamp"])


def deliver_next_run(srv, spool, name):
    """A run with the same spool folder and a command that makes no traced
    call: (its stderr, its sink stats)."""
    r = subprocess.run([MMTRACE, "-o", srv.url, "--spool-dir", spool, "--stats", "-e",
                        "set_mempolicy", "--", "true"], capture_output=True, text=True,
                       timeout=60)
    check(f"{name}: the next run exits 0", r.returncode == 0, r.stderr[-300:])
    return r.stderr, stats_of(r.stderr).get("sink", {})


def test_sigkill(tmp, srv, wl):
    n = 300
    spool = os.path.join(tmp, "spool-kill")
    # the server is down: events wait, 4 KiB of them in memory, the rest in
    # the file
    tr = spawn([MMTRACE, "-o", srv.url, "--spool-dir", spool, "--spool-memory", "4K", "-e",
                "set_mempolicy", "--", sys.executable, wl, "mmtkill", str(n), "0.5", "60"])
    files = wait_for(lambda: glob.glob(os.path.join(spool, "*.spool")), 20)
    path = files[0] if files else None
    done = path and wait_for(lambda: spool_file(path)["next_seq"] == n + 1, 30)
    check(f"sigkill: {n} events taken in before the kill", done,
          str(path and spool_file(path)["next_seq"]))
    stop(tr, signal.SIGKILL)
    sf = spool_file(path)
    in_file = len(sf["records"])
    print(f"# sigkill: file {in_file} events, memory {sf['mem_held']}, torn {sf['torn']}",
          flush=True)
    check("sigkill: the file is mmtrace's, nothing acknowledged",
          sf["magic"] == b"MMTSPOOL" and sf["floor"] == 1 and sf["closed"] == 0, str(sf)[:200])
    check(f"sigkill: file + memory = {n}, both held some",
          in_file + sf["mem_held"] == n and in_file > 0 and sf["mem_held"] > 0,
          f"{in_file} + {sf['mem_held']}")
    check("sigkill: the file's sequence numbers are the last ones, once each",
          [s for s, _ in sf["records"]] == list(range(n - in_file + 1, n + 1)), "")
    check("server up", srv.start(), "no answer")
    err, sink = deliver_next_run(srv, spool, "sigkill")
    check(f"sigkill: the next run delivers the {in_file} events of the file and counts "
          f"the {sf['mem_held']} lost",
          sink.get("recovered") == in_file and sink.get("recoveredLost") == sf["mem_held"] and
          f"{in_file} events of an earlier run" in err and
          f"{sf['mem_held']} those runs held in memory only were lost" in err,
          f"{sink} {err[-400:]}")
    check("sigkill: the killed run's file is gone", not os.path.exists(path),
          str(os.listdir(spool)))
    rc, got, rerr = read_all(srv.url, "kill")
    want = {key(json.loads(j)) for _, j in sf["records"]}
    check(f"sigkill: mmtrace read gets the file's {in_file} events, each once",
          rc == 0 and len(got) == in_file and {key(e) for e in got} == want,
          f"rc {rc}, {len(got)} read, {len({key(e) for e in got} ^ want)} differ: {rerr[-200:]}")
    # one more run: nothing is left to send again
    _, sink = deliver_next_run(srv, spool, "sigkill again")
    check("sigkill: a later run finds nothing more", sink.get("recovered") == 0, str(sink))


def test_sigterm(tmp, srv, wl):
    n = 200
    spool = os.path.join(tmp, "spool-term")
    srv.stop()
    # system-wide, the workload's comm only; memory holds every event
    tr = spawn([MMTRACE, "-o", srv.url, "--spool-dir", spool, "--comm", "mmtterm", "--stats",
                "--drain-timeout", "1", "-e", "set_mempolicy"], stderr=subprocess.PIPE,
               text=True)
    time.sleep(1.5)
    subprocess.run([sys.executable, wl, "mmtterm", str(n), "0", "0"], timeout=60)
    time.sleep(0.5)
    t0 = time.monotonic()
    stop(tr, signal.SIGTERM)
    took = time.monotonic() - t0
    err = tr.stderr.read()
    sink = stats_of(err).get("sink", {})
    files = glob.glob(os.path.join(spool, "*.spool"))
    sf = spool_file(files[0]) if files else {"records": [], "mem_held": -1, "closed": 0}
    check(f"sigterm: --drain-timeout 1 ends the wait ({took:.1f} s)", took < 6, "")
    check(f"sigterm: the {n} events held are kept in the file, none dropped",
          sink.get("kept") == n and sink.get("dropped") == 0 and sink.get("drainTimeout") == 1
          and f"{n} events not delivered within 1 s are kept in" in err, f"{sink} {err[-300:]}")
    check("sigterm: the file holds them all, nothing in memory only",
          len(sf["records"]) == n and sf["mem_held"] == 0 and sf["closed"] == 1,
          f"{len(sf['records'])} records, mem_held {sf['mem_held']}")
    check("server up", srv.start(), "no answer")
    _, sink = deliver_next_run(srv, spool, "sigterm")
    check(f"sigterm: the next run delivers the {n}, none lost",
          sink.get("recovered") == n and sink.get("recoveredLost") == 0, str(sink))
    rc, got, _ = read_all(srv.url, "term")
    mine = [e for e in got if e["processName"] == "mmtterm"]
    check(f"sigterm: mmtrace read gets {n}, each once, {n // 2} failed",
          len(mine) == n and len({key(e) for e in mine}) == n and
          sum(e["returnValue"] < 0 for e in mine) == n // 2, str(len(mine)))


def test_drain(tmp, srv, wl):
    n = 100
    srv.stop()
    for timeout, wait in (("0", (0, 3)), ("3", (3, 8))):
        t0 = time.monotonic()
        r = subprocess.run([MMTRACE, "-o", srv.url, "--spool-file", "0", "--spool-dir",
                            os.path.join(tmp, "spool-drain"), "--drain-timeout", timeout,
                            "--stats", "-e", "set_mempolicy", "--", sys.executable, wl,
                            "mmtdrain", str(n), "0", "0"], capture_output=True, text=True,
                           timeout=60)
        took = time.monotonic() - t0
        sink = stats_of(r.stderr).get("sink", {})
        check(f"--drain-timeout {timeout} without a file: waits {wait[0]}-{wait[1]} s "
              f"({took:.1f}), the {n} counted dropped",
              wait[0] <= took < wait[1] + 2 and sink.get("dropped") == n and
              sink.get("kept") == 0 and "failed to deliver every event" in r.stderr,
              f"{sink} {r.stderr[-200:]}")
    r = subprocess.run([MMTRACE, "--drain-timeout", "-1"], capture_output=True, text=True)
    check("--drain-timeout -1: a usage error", r.returncode == 2, r.stderr)


def main():
    if not shutil.which("nats-server"):
        not_ok("spool: nats-server", "not installed (make setup)")
        finish()
    tmp = tempfile.mkdtemp(prefix="mmt-spool-")
    wl = os.path.join(tmp, "wl.py")
    with open(wl, "w") as f:
        f.write(WORKLOAD)
    srv = Server(tmp, free_port())
    try:
        test_sigkill(tmp, srv, wl)
        test_sigterm(tmp, srv, wl)
        test_drain(tmp, srv, wl)
    finally:
        srv.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    finish()


if __name__ == "__main__":
    main()
