#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""-o nats:// and mmtrace read against a 3-node JetStream cluster on
127.0.0.1 (three nats-server processes started and stopped here): a server
killed and restarted while events flow, all servers down at start, a spool
limit, a reader stopped and started again, and an independent consumer (the
npm `nats` package) that must see the same messages."""
import collections
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

from common import (MMTRACE, OUT, check, finish, free_port, not_ok, ok, spawn, stop,
                    wait_for)

HERE = os.path.dirname(os.path.abspath(__file__))
NODE_DIR = os.path.join(OUT, "fleet-node")  # npm's nats package, never committed

# set_mempolicy (238) half failing with EINVAL, get_mempolicy (239) every third
WORKLOAD = """
import ctypes, sys, time
libc = ctypes.CDLL(None, use_errno=True)
n, pause = int(sys.argv[1]), float(sys.argv[2])
for i in range(n):
    libc.syscall(238, 0 if i % 2 == 0 else 99, 0, 0)
    if i % 3 == 0:
        libc.syscall(239, 0, 0, 0, 0, 0)
    if pause:
        time.sleep(pause)
"""


def expected(n):
    return {"set_mempolicy": n, "get_mempolicy": (n + 2) // 3}, {"set_mempolicy": n // 2}


class Cluster:
    def __init__(self, tmp):
        self.tmp = tmp
        self.client = [free_port() for _ in range(3)]
        self.route = [free_port() for _ in range(3)]
        self.http = [free_port() for _ in range(3)]
        self.procs = [None] * 3
        for i in range(3):
            routes = ", ".join(f"nats-route://127.0.0.1:{self.route[j]}"
                               for j in range(3) if j != i)
            with open(self.conf(i), "w") as f:
                f.write(f"server_name: n{i}\nlisten: 127.0.0.1:{self.client[i]}\n"
                        f"http: 127.0.0.1:{self.http[i]}\n"
                        f"jetstream {{ store_dir: \"{tmp}/store{i}\" }}\n"
                        f"cluster {{ name: mmt, listen: 127.0.0.1:{self.route[i]}, "
                        f"routes: [{routes}] }}\n")

    def conf(self, i):
        return os.path.join(self.tmp, f"n{i}.conf")

    def url(self, subject, order=(0, 1, 2)):
        return "nats://" + ",".join(f"127.0.0.1:{self.client[i]}" for i in order) + \
            "/" + subject

    def start(self, i):
        self.procs[i] = spawn(["nats-server", "-c", self.conf(i)],
                              stderr=open(os.path.join(self.tmp, f"n{i}.log"), "a"))

    def healthy(self, i):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.http[i]}/healthz",
                                        timeout=1) as r:
                return r.status == 200
        except OSError:
            return False

    def start_all(self):
        for i in range(3):
            self.start(i)
        return wait_for(lambda: all(self.healthy(i) for i in range(3)), 40, 0.2)

    def kill(self, i, sig=signal.SIGKILL):
        if self.procs[i]:
            stop(self.procs[i], sig)
            self.procs[i] = None

    def stop_all(self):
        for i in range(3):
            self.kill(i, signal.SIGTERM)


def stats_of(stderr_text):
    for line in reversed(stderr_text.splitlines()):
        if line.startswith('{"stats"'):
            return json.loads(line)["stats"]
    return None


def trace(tmp, url, stream, extra, script_args, tail=""):
    wl = os.path.join(tmp, "wl.py")
    with open(wl, "w") as f:
        f.write(WORKLOAD)
    cmd = f"{sys.executable} {wl} {script_args}{tail}"
    return spawn([MMTRACE, "-o", url, "--nats-stream", stream, "--nats-replicas", "3",
                  "--spool-dir", os.path.join(tmp, "spool"), "--stats",
                  "-e", "set_mempolicy,get_mempolicy"] + extra + ["--", "sh", "-c", cmd],
                 stderr=subprocess.PIPE, text=True)


def read_all(url, stream, durable, idle=3):
    r = subprocess.run([MMTRACE, "read", url, "--nats-stream", stream, "--durable", durable,
                        "--idle-exit", str(idle)], capture_output=True, text=True, timeout=90)
    return r.returncode, r.stdout.splitlines(), r.stderr


def tally(lines):
    """Calls and failed calls per event, and distinct calls, from JSON lines."""
    calls, errors, keys = collections.Counter(), collections.Counter(), set()
    for line in lines:
        e = json.loads(line)
        calls[e["eventName"]] += 1
        if e["returnValue"] < 0:
            errors[e["eventName"]] += 1
        keys.add((e["hostThreadId"], e["timestamp"]))
    return dict(calls), dict(errors), len(keys)


def check_events(name, lines, n):
    calls, errors, distinct = tally(lines)
    want_calls, want_errors = expected(n)
    check(f"{name}: {sum(want_calls.values())} events read", len(lines) == sum(
        want_calls.values()), f"read {len(lines)}")
    check(f"{name}: none twice", distinct == len(lines), f"{len(lines) - distinct} twice")
    check(f"{name}: per-event calls as made", calls == want_calls, f"{calls} != {want_calls}")
    check(f"{name}: per-event errors as made", errors == want_errors,
          f"{errors} != {want_errors}")


def test_kill_one(tmp, cl):
    n = 3000
    total = sum(expected(n)[0].values())
    url = cl.url("ta", order=(1, 0, 2))  # mmtrace is on n1, the one killed
    tr = trace(tmp, url, "TA", [], f"{n} 0.001")
    time.sleep(1.5)
    cl.kill(1)
    time.sleep(1.5)
    cl.start(1)
    try:
        _, err = tr.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        stop(tr)
        _, err = tr.communicate()
    st = stats_of(err) or {}
    sink = st.get("sink", {})
    check("kill one: mmtrace exits 0", tr.returncode == 0, f"exit {tr.returncode}: {err[-300:]}")
    check(f"kill one: traced {total}", st.get("events") == total and st.get("lost") == 0,
          str({k: st.get(k) for k in ("events", "lost")}))
    check(f"kill one: {total} acknowledged, none dropped",
          sink.get("acked") == total and sink.get("dropped") == 0, str(sink))
    print(f"# kill one: sink {sink}", flush=True)
    wait_for(lambda: cl.healthy(1), 20, 0.2)
    rc, lines, err = read_all(url, "TA", "r1")
    check("kill one: read exits 0", rc == 0, err[-300:])
    check_events("kill one: mmtrace read", lines, n)
    return url, n


def interrupted_read(url, durable, sig, after):
    """Lines a reader wrote before sig, sent after `after` lines."""
    lines = []
    p = subprocess.Popen([MMTRACE, "read", url, "--nats-stream", "TA", "--durable", durable],
                         stdout=subprocess.PIPE, text=True, start_new_session=True)
    try:
        for line in p.stdout:
            lines.append(line.rstrip("\n"))
            if len(lines) == after:
                os.killpg(p.pid, sig)
                break
        lines += [line.rstrip("\n") for line in p.stdout]
        p.wait(20)
    finally:
        stop(p)
    return lines


def test_reader_restart(url, n):
    total = sum(expected(n)[0].values())
    first = interrupted_read(url, "r2", signal.SIGTERM, total // 3)
    check("reader restart: stopped mid-stream", total // 3 <= len(first) < total,
          f"{len(first)} of {total} before the stop")
    rc, second, err = read_all(url, "TA", "r2")
    check("reader restart: second run exits 0", rc == 0, err[-300:])
    check_events("reader restart: both runs", first + second, n)
    # SIGKILL: what was not acknowledged comes again (after the 5 s ack
    # wait); only the event being written when killed may come twice
    first = interrupted_read(url, "r3", signal.SIGKILL, total // 3)
    rc, second, err = read_all(url, "TA", "r3", idle=8)
    both = first + second
    distinct = tally(both)[2]
    check("reader SIGKILL: nothing lost, at most one twice",
          rc == 0 and distinct == total and len(both) - distinct <= 1,
          f"{distinct} distinct of {total}, {len(both) - distinct} twice")


def test_read_formats(url, n):
    want_calls, want_errors = expected(n)
    host = os.uname().nodename
    r = subprocess.run([MMTRACE, "read", url, "--nats-stream", "TA", "--durable", "sum1",
                        "--idle-exit", "3", "-c", "--summary-by", "host"],
                       capture_output=True, text=True, timeout=90)
    # live tracing's summary, one per host: "host NAME:", then a row per event
    rows, at = {}, None
    for line in r.stdout.splitlines():
        f = line.split()
        if line.startswith("host ") and line.endswith(":"):
            at = line[5:-1]
        elif len(f) >= 4 and f[1] in want_calls:
            rows[(at, f[1])] = (int(f[2]), int(f[3]))
    want = {(host, e): (c, want_errors.get(e, 0)) for e, c in want_calls.items()}
    check("read -c --summary-by host: calls and errors per host and event", rows == want,
          f"{rows} != {want}")
    r = subprocess.run([MMTRACE, "read", url, "--nats-stream", "TA", "--durable", "tab1",
                        "--idle-exit", "3", "-o", "table", "--columns", "EVENT,RET,ARGS"],
                       capture_output=True, text=True, timeout=90)
    lines = r.stdout.splitlines()[1:]  # below the header
    per = collections.Counter(line.split()[0] for line in lines)
    check("read -o table: one row per event", dict(per) == want_calls, str(dict(per)))
    # filters: failed set_mempolicy calls of this host and of the workload's comm
    r = subprocess.run([MMTRACE, "read", url, "--nats-stream", "TA", "--durable", "flt1",
                        "--idle-exit", "3", "-e", "set_mempolicy", "--failed", "--host", host,
                        "--comm", "python3"], capture_output=True, text=True, timeout=90)
    calls, errors, distinct = tally(r.stdout.splitlines())
    check("read -e --failed --host --comm: only the failed set_mempolicy calls",
          calls == {"set_mempolicy": want_errors["set_mempolicy"]} and calls == errors
          and distinct == sum(calls.values()), f"{calls} {errors}")
    r = subprocess.run([MMTRACE, "read", url, "--nats-stream", "TA", "--durable", "flt2",
                        "--idle-exit", "3", "--host", "no-such-host"], capture_output=True,
                       text=True, timeout=90)
    check("read --host of another host: nothing", r.returncode == 0 and not r.stdout,
          r.stdout[:200])


def test_node(url, n):
    total = sum(expected(n)[0].values())
    if not os.path.exists(os.path.join(NODE_DIR, "node_modules", "nats")):
        os.makedirs(NODE_DIR, exist_ok=True)
        subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--silent", "nats@2"],
                       cwd=NODE_DIR, capture_output=True, timeout=180)
    script = os.path.join(NODE_DIR, "nats_consumer.mjs")
    shutil.copy(os.path.join(HERE, "nats_consumer.mjs"), script)
    servers = url[len("nats://"):].split("/")[0]
    r = subprocess.run(["node", script, servers, "TA"], capture_output=True, text=True,
                       timeout=60)
    try:
        got = json.loads(r.stdout)
    except ValueError:
        not_ok("node consumer: runs", (r.stdout + r.stderr)[-400:])
        return
    check(f"node consumer: stream holds {total}, read {total}, {total} distinct ids",
          got["messages"] == total and got["read"] == total and got["ids"] == total, str(got))
    check("node consumer: per-event counts as made", got["byEvent"] == expected(n)[0],
          str(got["byEvent"]))


def test_sink_metrics(tmp, cl):
    n = 300
    total = sum(expected(n)[0].values())
    port = free_port()
    tr = trace(tmp, cl.url("td"), "TD", ["--metrics", f"127.0.0.1:{port}"], f"{n} 0",
               tail="; sleep 3")

    def scrape():
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=1) as r:
                text = r.read().decode()
        except OSError:
            return None
        vals = dict(line.split() for line in text.splitlines()
                    if line.startswith("mmtrace_sink_"))
        return (text, vals) if vals.get("mmtrace_sink_acked_total") == str(total) else None
    got = wait_for(scrape, 15, 0.2)
    try:
        check(f"sink metrics: acked_total reaches {total}, nothing dropped or held",
              got and got[1]["mmtrace_sink_dropped_total"] == "0" and
              got[1]["mmtrace_sink_backlog_events"] == "0", str(got and got[1]))
        if got:
            r = subprocess.run(["promtool", "check", "metrics"], input=got[0], text=True,
                               capture_output=True)
            check("sink metrics: promtool check metrics", r.returncode == 0,
                  r.stdout + r.stderr)
    finally:
        stop(tr)


def test_down_at_start(tmp, cl, name, stream, extra, n, full):
    total = sum(expected(n)[0].values())
    cl.stop_all()
    url = cl.url(stream.lower())
    # the workload, then 8 s for the servers to come up while mmtrace runs
    tr = trace(tmp, url, stream, extra, f"{n} 0", tail="; sleep 8")
    time.sleep(1.5)
    check(f"{name}: cluster back up", cl.start_all(), "not healthy")
    try:
        _, err = tr.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        stop(tr)
        _, err = tr.communicate()
    st = stats_of(err) or {}
    sink = st.get("sink", {})
    print(f"# {name}: sink {sink}", flush=True)
    if not sink.get("acked"):
        said = [l[:200] for l in err.splitlines() if l.startswith("mmtrace:")]
        print("# mmtrace said: " + "\n# ".join(said[:5] + said[-5:]), flush=True)
    check(f"{name}: traced {total}", st.get("events") == total, str(st.get("events")))
    rc, lines, rerr = read_all(url, stream, "r1")
    if not full:
        check(f"{name}: spooled to the file, then all {total} acknowledged",
              sink.get("spooled", 0) > 0 and sink.get("acked") == total and
              sink.get("dropped") == 0, str(sink))
        check_events(f"{name}: mmtrace read", lines, n)
    else:
        check(f"{name}: some dropped, delivered + dropped = made",
              sink.get("dropped", 0) > 0 and
              sink.get("acked", 0) + sink.get("dropped", 0) == total, str(sink))
        check(f"{name}: read = acknowledged", len(lines) == sink.get("acked"),
              f"{len(lines)} != {sink.get('acked')}")
        check(f"{name}: none twice", tally(lines)[2] == len(lines), "duplicates")


def main():
    if not shutil.which("nats-server"):
        not_ok("nats: nats-server", "not installed (make setup)")
        finish()
    tmp = tempfile.mkdtemp(prefix="mmt-nats-")
    cl = Cluster(tmp)
    try:
        check("cluster: 3 servers healthy", cl.start_all(), "not healthy in 20 s")
        url, n = test_kill_one(tmp, cl)
        test_reader_restart(url, n)
        test_read_formats(url, n)
        if shutil.which("node"):
            test_node(url, n)
        else:
            not_ok("node consumer", "node is not installed")
        test_sink_metrics(tmp, cl)
        test_down_at_start(tmp, cl, "down at start", "TB", ["--spool-memory", "16K"], 300,
                           False)
        test_down_at_start(tmp, cl, "spool limit", "TC",
                           ["--spool-memory", "8K", "--spool-file", "32K"], 300, True)
    finally:
        cl.stop_all()
        shutil.rmtree(tmp, ignore_errors=True)
    finish()


if __name__ == "__main__":
    main()
