#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""mmtrace read with the filters, scopes and outputs of live tracing: a
workload makes set_mempolicy calls with known modes and masks (some fail)
and mmap/munmap calls of a known length, traced with -o nats:// into one
nats-server (JetStream, started and stopped here) while a second mmtrace
traces the same calls live as a table. Each read's counts and decoded
arguments are compared with what the workload made, its table with the
live one, and its latency filters with the recorded durations."""
import collections
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

from common import (MMTRACE, check, finish, free_port, not_ok, port_open, spawn, stop,
                    wait_for)

PAGES = 59  # the workload's mmap length: no other mmap of the process has it
LENGTH = PAGES * 4096

# set_mempolicy (238) by mode, with mask {0} or {5} (node 5 does not exist
# here: EINVAL), or NULL; mode 99 is no mode (EINVAL). mmap (9) / munmap (11).
WORKLOAD = f"""
import ctypes, os, sys, time
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
libc.prctl(15, sys.argv[1].encode(), 0, 0, 0)  # PR_SET_NAME: a comm of its own
time.sleep(float(sys.argv[2]))                 # the live tracer attaches
node0, node5 = ctypes.c_ulong(1), ctypes.c_ulong(1 << 5)
calls = [(2, node0, 64)] * 5 + [(1, node0, 64)] * 4 + [(3, node0, 64)] * 3 + \\
        [(0, None, 0)] * 6 + [(99, None, 0)] * 7 + [(2, node5, 64)] * 2
for mode, mask, maxnode in calls:
    libc.syscall(238, mode, ctypes.byref(mask) if mask else None, maxnode)
for i in range(3):
    # PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS|MAP_NORESERVE
    a = libc.syscall(9, None, {LENGTH}, 3, 0x4022, -1, 0)
    libc.syscall(11, ctypes.c_void_p(a), {LENGTH})
libc.syscall(238, 0, None, 0)  # back to the default policy: 7 MPOL_DEFAULT
print(os.getpid(), flush=True)
time.sleep(float(sys.argv[3]))
"""

# what the workload made: set_mempolicy calls by mode name, and failed ones
MODES = {"MPOL_BIND": 7, "MPOL_PREFERRED": 4, "MPOL_INTERLEAVE": 3, "MPOL_DEFAULT": 7,
         "0x63": 7}
FAILED = {"MPOL_BIND": 2, "0x63": 7}
SET_MEMPOLICY = sum(MODES.values())  # 28


class Server:
    def __init__(self, tmp):
        self.port = free_port()
        self.tmp = tmp
        self.proc = spawn(["nats-server", "-js", "-sd", os.path.join(tmp, "store"), "-a",
                           "127.0.0.1", "-p", str(self.port)],
                          stderr=open(os.path.join(tmp, "nats.log"), "a"))
        self.url = f"nats://127.0.0.1:{self.port}"
        self.up = wait_for(lambda: port_open(self.port), 20)


n_durable = 0


def read(url, *args, fmt=None):
    """mmtrace read with args, by a durable consumer of its own: (rc, lines, stderr)."""
    global n_durable
    n_durable += 1
    cmd = [MMTRACE, "read", url, "--durable", f"d{n_durable}", "--idle-exit", "1"]
    if fmt:
        cmd += ["-o", fmt]
    r = subprocess.run(cmd + list(args), capture_output=True, text=True, timeout=60)
    return r.returncode, r.stdout.splitlines(), r.stderr


def events(lines):
    return [json.loads(line) for line in lines]


def arg(e, name, key="value"):
    for a in e["args"]:
        if a["name"] == name:
            return a.get(key)
    raise KeyError(name)


def main():
    if not shutil.which("nats-server"):
        not_ok("read: nats-server", "not installed (make setup)")
        finish()
    tmp = tempfile.mkdtemp(prefix="mmt-read-")
    comm = f"mmtwl{os.getpid() % 100000}"
    wl = os.path.join(tmp, "wl.py")
    with open(wl, "w") as f:
        f.write(WORKLOAD)
    srv = Server(tmp)
    try:
        check("read: nats-server up", srv.up, "no answer")
        cols = "UID,COMM,PID,TID,RET,EVENT,ARGS"
        # the same calls traced live, as a table, and into the stream with -T
        live = spawn([MMTRACE, "--comm", comm, "-e", "set_mempolicy,mmap,munmap",
                      "--columns", cols], stdout=subprocess.PIPE, text=True)
        time.sleep(1.5)
        sink = subprocess.run([MMTRACE, "-o", srv.url, "--spool-dir",
                               os.path.join(tmp, "spool"), "-T", "--stats", "-e",
                               "set_mempolicy,mmap,munmap", "--", sys.executable, wl, comm,
                               "1", "0.5"], capture_output=True, text=True, timeout=60)
        stop(live)
        live_lines = live.stdout.read().splitlines()
        check("read: the traced workload ran", sink.returncode == 0,
              f"exit {sink.returncode}: {sink.stderr[-400:]}")
        pid = int(sink.stdout.split()[0])
        # everything, as recorded
        rc, lines, err = read(srv.url, "--stats")
        everything = events(lines)
        mine = [e for e in everything if e["processName"] == comm]
        check("read: everything as recorded", rc == 0 and len(lines) > SET_MEMPOLICY and
              '"read":%d' % len(lines) in err, f"rc {rc}, {len(lines)} lines: {err[-300:]}")
        sm = [e for e in mine if e["eventName"] == "set_mempolicy"]
        check(f"read: the workload's {SET_MEMPOLICY} set_mempolicy calls recorded",
              len(sm) == SET_MEMPOLICY, str(len(sm)))

        # -e EVENT --comm: the calls by mode, decoded as the workload made them
        rc, lines, _ = read(srv.url, "-e", "set_mempolicy", "--comm", comm,
                            "--parse-arguments")
        got = events(lines)
        modes = collections.Counter(arg(e, "mode") for e in got)
        failed = collections.Counter(arg(e, "mode") for e in got if e["returnValue"] < 0)
        check("read -e set_mempolicy --comm --parse-arguments: calls by mode",
              dict(modes) == MODES, f"{dict(modes)} != {MODES}")
        check("read: failed calls by mode, all EINVAL", dict(failed) == FAILED and
              all(e["returnValue"] == -22 for e in got if e["returnValue"] < 0),
              str(dict(failed)))
        nodes = collections.Counter((arg(e, "mode"), tuple(arg(e, "nodemask", "nodes") or ()))
                                    for e in got)
        check("read: masks as made", nodes[("MPOL_BIND", (0,))] == 5 and
              nodes[("MPOL_BIND", (5,))] == 2 and nodes[("MPOL_PREFERRED", (0,))] == 4 and
              nodes[("MPOL_INTERLEAVE", (0,))] == 3, str(nodes))

        def count(name, want, *args):
            rc, lines, err = read(srv.url, *args)
            got = events(lines)
            ok = rc == 0 and len(got) == want
            check(f"read {' '.join(args)}: {want} events", ok,
                  f"rc {rc}, {len(got)} events: {err[-300:]}")
            return got

        # argument and return value filters, as live: '=' of one field OR,
        # the rest AND; constants by name; '&' any of the bits
        got = count("mode=", 7, "-e", "set_mempolicy.args.mode=MPOL_BIND", "--comm", comm)
        got = count("bind failed", 2, "-e", "set_mempolicy.args.mode=MPOL_BIND", "--failed",
                    "--comm", comm)
        check("read: the failed MPOL_BIND calls name node 5",
              all(arg(e, "nodemask", "nodes") == [5] for e in got), str(got)[:300])
        count("retval<0", 9, "-e", "set_mempolicy.retval<0", "--comm", comm)
        count("mode= OR mode=", 14, "-e", "set_mempolicy.args.mode=MPOL_PREFERRED",
              "-e", "set_mempolicy.args.mode=MPOL_INTERLEAVE", "-e",
              "set_mempolicy.args.mode=MPOL_DEFAULT", "--comm", comm)
        count("mode!= AND retval=", 12, "-e", "set_mempolicy.args.mode!=MPOL_DEFAULT", "-e",
              "set_mempolicy.retval=0", "--comm", comm)
        count(".nodes=", 12, "-e", "set_mempolicy.args.nodemask.nodes=0", "--comm", comm)
        count(".nodes= of a node no call named", 0, "-e",
              "set_mempolicy.args.nodemask.nodes=3", "--comm", comm)
        got = count("mmap length", 3, "-e", f"mmap.args.length={LENGTH}", "--comm", comm)
        check("read: mmap's flags and protection as made",
              all(arg(e, "prot") == 3 and arg(e, "flags") == 0x4022 and e["returnValue"] > 0
                  for e in got), str(got)[:300])
        count("flags&", 3, "-e", "mmap.args.flags&MAP_NORESERVE", "--comm", comm)
        count("munmap length", 3, "-e", f"munmap.args.length={LENGTH}", "--comm", comm)
        # classes and '!', as strace's sets
        count("%numa", SET_MEMPOLICY, "-e", "%numa", "--comm", comm)
        other = [e for e in mine if e["eventName"] != "set_mempolicy"]
        got = count("!%numa", len(other), "-e", "!%numa", "--comm", comm)
        check("read -e !%numa: no set_mempolicy", all(e["eventName"] in ("mmap", "munmap")
                                                     for e in got), "")
        count("all but set_mempolicy", len(other), "-e", "!set_mempolicy", "--comm", comm)
        # scopes
        of_pid = [e for e in everything if e["hostProcessId"] == pid]
        count("-p", len(of_pid), "-p", str(pid))
        count("-p of another process", 0, "-p", "1", "--comm", comm)
        count("--tid", len([e for e in of_pid if e["hostThreadId"] == pid]), "--tid", str(pid))
        count("--comm and --not-comm", 0, "--comm", comm, "--not-comm", comm)
        count("--uid", len(mine), "--uid", str(mine[0]["userId"]), "--comm", comm)
        count("--uid of another user", 0, "--uid", "54321", "--comm", comm)
        count("--cgroup", len(mine), "--cgroup", str(mine[0]["cgroupId"]), "--comm", comm)
        count("--host", len(mine), "--host", mine[0]["hostName"], "--comm", comm)
        count("--host of another host", 0, "--host", "no-such-host")
        count("--container all (not in one)", 0, "--container", "all", "--comm", comm)

        # latency, recorded with -T: the same events as the durations say
        durs = sorted(e["duration"] for e in sm)
        mid = durs[len(durs) // 2]
        want = sum(d > mid for d in durs)
        count("latency>", want, "-e", f"set_mempolicy.latency>{mid / 1000}", "--comm", comm)
        want = sum(d >= mid for d in durs)
        count("--duration", want, "-e", "set_mempolicy", "--duration", str(mid / 1e6),
              "--comm", comm)

        # the table: live tracing's header and lines
        rc, lines, _ = read(srv.url, "--comm", comm, "--columns", cols, fmt="table")
        check("read -o table: live tracing's header", lines[:1] == live_lines[:1],
              f"{lines[:1]} != {live_lines[:1]}")
        check("read -o table: the live table's lines",
              sorted(lines[1:]) == sorted(live_lines[1:]) and len(lines) > SET_MEMPOLICY,
              "\n".join(sorted(set(lines[1:]) ^ set(live_lines[1:]))[:6]))
        rc, lines, _ = read(srv.url, "--comm", comm, fmt="table")
        r = subprocess.run([MMTRACE, "-e", "brk", "--", "true"], capture_output=True, text=True,
                           timeout=60)
        check("read -o table: the default columns of live tracing",
              lines[:1] == r.stderr.splitlines()[:1], f"{lines[:1]} {r.stderr[:200]}")
        check("read -o table -T: the recorded latency",
              all(" - " not in line for line in read(srv.url, "--comm", comm, "-T",
                                                     fmt="table")[1][1:]), "")

        # -c: per event, host, comm, pid
        def summary(*args):
            rc, lines, err = read(srv.url, "-c", "-e", "set_mempolicy", "--comm", comm, *args)
            rows = {}
            for line in lines:
                f = line.split()
                if len(f) >= 4 and f[1] in ("set_mempolicy", "total"):
                    rows[f[1]] = (int(f[2]), int(f[3]))
            return rc, rows, lines
        for by, title in (("event", None), ("host", f"host {mine[0]['hostName']}:"),
                          ("comm", f"comm {comm}:"), ("pid", f"pid {pid} ({comm}) on")):
            rc, rows, lines = summary("--summary-by", by)
            check(f"read -c --summary-by {by}: calls and errors as made",
                  rc == 0 and rows.get("set_mempolicy") == (SET_MEMPOLICY, 9) and
                  (not title or any(line.startswith(title) for line in lines)),
                  "\n".join(lines))
        rc, _, lines = summary("--failed")
        check("read -c --failed: the errnos", any("EINVAL:9" in line for line in lines),
              "\n".join(lines))
        # records that are not calls: --placement's samples go to the
        # stream too (they once stayed in a buffer, never sent); read -o json
        # shows them as recorded, the table leaves them out and says so
        touch = [sys.executable, "-c", "b = bytearray(3 << 20); b[::4096] = b'x' * 768"]

        def kinds(lines):
            out = []
            for line in lines:
                if '"eventName":"placement"' in line:
                    ev = json.loads(line)
                    out.append(next(a["value"] for a in ev["args"] if a["name"] == "kind"))
            return out
        pfile = os.path.join(tmp, "placement.json")
        r = subprocess.run([MMTRACE, "-e", "set_mempolicy", "--placement", "-o", "json",
                            "--output-file", pfile, "--"] + touch,
                           capture_output=True, text=True, timeout=60)
        want = kinds(open(pfile).read().splitlines())
        r = subprocess.run([MMTRACE, "-e", "set_mempolicy", "--placement", "-o", srv.url,
                            "--"] + touch, capture_output=True, text=True, timeout=60)
        rc, lines, _ = read(srv.url, fmt="json")
        got = kinds(lines)
        check("placement samples through the stream: the kinds a file gets",
              r.returncode == 0 and rc == 0 and len(want) >= 2 and got == want,
              f"file {want}, stream {got}: {r.stderr[-300:]}")
        rc, lines, err = read(srv.url, fmt="table")
        check("read -o table: the placement samples left out, and said",
              rc == 0 and not any("placement" in line for line in lines) and
              f"{len(want)} records that are not calls" in err, err[-300:])
        # usage errors: options that do not apply to recorded events
        for bad in (["--stack"], ["--follow"], ["-c", "-o", "json"], ["--summary-by", "host"],
                    ["-e", "set_mempolicy.args.mode=MPOL_NOPE"]):
            r = subprocess.run([MMTRACE, "read", srv.url] + bad, capture_output=True,
                               text=True, timeout=10)
            check(f"read {' '.join(bad)}: a usage error", r.returncode == 2 and
                  r.stderr.count("\n") == 1, r.stderr)
    finally:
        stop(srv.proc)
        shutil.rmtree(tmp, ignore_errors=True)
    finish()


if __name__ == "__main__":
    main()
