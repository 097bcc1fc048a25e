#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The NATS sink's figures (root; a nats-server on loopback, started and
stopped here): events per second through the sink (the acknowledged count
read from --metrics while a backlog is waiting), and the time a traced call
takes with -o nats:// and with -o json --output-file, in interleaved rounds.
Usage: bench/sink.py [ROUNDS]"""
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MMTRACE = os.path.join(ROOT, "build", "mmtrace")
WORKLOAD = os.path.join(ROOT, "build", "tests", "workload")
CALLS = 20000  # one `workload burst`


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def scrape(port, name):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=1) as r:
            m = re.search(rf"^{name} (\d+)$", r.read().decode(), re.M)
            return int(m.group(1)) if m else None
    except OSError:
        return None


def per_call_ns(out_args):
    """ns per call of a burst of set_mempolicy calls, traced."""
    script = f"s=$(date +%s%N); {WORKLOAD} burst /dev/null; e=$(date +%s%N); echo $((e-s))"
    r = subprocess.run([MMTRACE, "-e", "set_mempolicy"] + out_args + ["--", "sh", "-c", script],
                       capture_output=True, text=True, timeout=120)
    return int(r.stdout.strip().splitlines()[-1]) / CALLS


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    tmp = tempfile.mkdtemp(prefix="mmt-sinkbench-")
    port, mport = free_port(), free_port()
    server = subprocess.Popen(["nats-server", "-a", "127.0.0.1", "-p", str(port), "-js",
                               "-sd", tmp], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    url = f"nats://127.0.0.1:{port}"
    try:
        time.sleep(1)
        # throughput: 20 bursts (400 000 events) faster than the sink drains
        cmd = f"for i in $(seq 20); do {WORKLOAD} burst /dev/null; done; sleep 15"
        # a spool folder of its own: what a run leaves there is sent by the
        # next run with the same folder
        spool = os.path.join(tmp, "spool")
        tr = subprocess.Popen([MMTRACE, "-e", "set_mempolicy", "-o", url, "--metrics",
                               f"127.0.0.1:{mport}", "--spool-memory", "1G", "--spool-dir", spool,
                               "--", "sh", "-c",
                               cmd], stderr=subprocess.DEVNULL)
        samples, end = [], time.monotonic() + 20
        while time.monotonic() < end:
            a = scrape(mport, "mmtrace_sink_acked_total")
            if a is not None:
                samples.append((time.monotonic(), a))
                if a >= 20 * CALLS:
                    break
            time.sleep(0.25)
        tr.terminate()
        tr.wait(30)
        rates = [(b[1] - a[1]) / (b[0] - a[0]) for a, b in zip(samples, samples[1:])
                 if b[1] > a[1]]
        print(f"sink throughput: {max(rates) if rates else 0:,.0f} events/s peak, "
              f"{samples[-1][1] if samples else 0} of {20 * CALLS} acknowledged in "
              f"{samples[-1][0] - samples[0][0] if samples else 0:.1f} s")
        # cost per traced call, interleaved rounds
        files, sinks = [], []
        for _ in range(rounds):
            files.append(per_call_ns(["-o", "json", "--output-file", "/dev/null"]))
            sinks.append(per_call_ns(["-o", url, "--spool-dir", spool]))
        print(f"traced call, median of {rounds}: --output-file {statistics.median(files):.0f} ns, "
              f"-o nats:// {statistics.median(sinks):.0f} ns "
              f"(rounds: {[round(x) for x in files]} / {[round(x) for x in sinks]})")
    finally:
        server.terminate()
        server.wait(10)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
