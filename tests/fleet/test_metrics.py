#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""--metrics: Debian's prometheus scrapes mmtrace on loopback while a
workload makes known calls; PromQL answers are compared with the workload's
own counts, and promtool checks the exposition text."""
import json
import os
import shutil
import subprocess
import tempfile
import time
import urllib.parse
import urllib.request

from common import (MMTRACE, WORKLOAD, check, finish, free_port, not_ok, ok, port_open,
                    spawn, stop, wait_for, workload_counts)

EVENTS = ["set_mempolicy", "mbind", "get_mempolicy"]


def get(url, timeout=5):
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return r.status, r.read().decode()


def promql(port, q):
    url = f"http://127.0.0.1:{port}/api/v1/query?" + urllib.parse.urlencode({"query": q})
    _, body = get(url)
    res = json.loads(body)["data"]["result"]
    return {r["metric"].get("event", ""): float(r["value"][1]) for r in res}


def main():
    if not shutil.which("prometheus") or not shutil.which("promtool"):
        not_ok("metrics: prometheus", "prometheus and promtool are not installed (make setup)")
        finish()
    tmp = tempfile.mkdtemp(prefix="mmt-metrics-")
    mport, pport = free_port(), free_port()
    log = os.path.join(tmp, "calls.log")
    cfg = os.path.join(tmp, "prometheus.yml")
    with open(cfg, "w") as f:
        f.write("global:\n  scrape_interval: 1s\n"
                "scrape_configs:\n  - job_name: mmtrace\n"
                f"    static_configs:\n      - targets: ['127.0.0.1:{mport}']\n")
    done = os.path.join(tmp, "done")
    release = os.path.join(tmp, "release")
    # the workloads, then a wait (30 s at most) until the test has its answers
    script = (f"{WORKLOAD} burst {log} && {WORKLOAD} set_mempolicy {log}; "
              f"touch {done}; i=0; "
              f"while [ ! -e {release} ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done")
    prom = spawn(["prometheus", f"--config.file={cfg}", f"--storage.tsdb.path={tmp}/tsdb",
                  f"--web.listen-address=127.0.0.1:{pport}"])

    def target_known():
        try:
            return json.loads(get(f"http://127.0.0.1:{pport}/api/v1/targets")[1])[
                "data"]["activeTargets"]
        except OSError:
            return None
    # prometheus applies a new target list only every 5 s
    check("metrics: prometheus up, target known", wait_for(target_known, 30, 0.5), "timeout")
    tracer = spawn([MMTRACE, "--metrics", f"127.0.0.1:{mport}", "-e", ",".join(EVENTS),
                    "-o", "json", "--output-file", os.path.join(tmp, "events.json"),
                    "--", "sh", "-c", script])
    try:
        check("metrics: endpoint up", wait_for(lambda: port_open(mport), 10), "no listener")
        check("metrics: workload done", wait_for(lambda: os.path.exists(done), 30), "timeout")
        calls, errors = workload_counts(log)
        status, text = get(f"http://127.0.0.1:{mport}/metrics")
        r = subprocess.run(["promtool", "check", "metrics"], input=text, text=True,
                           capture_output=True)
        check("metrics: promtool check metrics", r.returncode == 0 and status == 200,
              r.stdout + r.stderr)
        try:
            get(f"http://127.0.0.1:{mport}/other")
            not_ok("metrics: other paths are 404", "served")
        except urllib.error.HTTPError as e:
            check("metrics: other paths are 404", e.code == 404, str(e.code))

        def answer():
            got = promql(pport, 'mmtrace_calls_total{job="mmtrace"}')
            return got if all(got.get(e) == calls.get(e, 0) for e in EVENTS) else None
        got = wait_for(answer, 15, 0.5) or promql(pport, 'mmtrace_calls_total{job="mmtrace"}')
        for e in EVENTS:
            check(f"metrics: PromQL calls of {e} = {calls.get(e, 0)}",
                  got.get(e) == calls.get(e, 0), f"got {got.get(e)}")
        got = promql(pport, 'mmtrace_call_errors_total{job="mmtrace"}')
        for e in EVENTS:
            check(f"metrics: PromQL errors of {e} = {errors.get(e, 0)}",
                  got.get(e) == errors.get(e, 0), f"got {got.get(e)}")
        got = promql(pport, 'mmtrace_call_duration_seconds_count{job="mmtrace"}')
        check("metrics: histogram count = calls", all(
            got.get(e) == calls.get(e) for e in EVENTS), str(got))
        got = promql(pport, 'sum(mmtrace_lost_events_total{job="mmtrace"})')
        check("metrics: no lost events", got.get("") == 0, str(got))
        got = promql(pport, 'mmtrace_ringbuf_size_bytes{job="mmtrace"}')
        check("metrics: ring-buffer size 16 MiB", got.get("") == 16 << 20, str(got))
        open(release, "w").close()
        rc = tracer.wait(15)
        check("metrics: mmtrace exits 0", rc == 0, f"exit {rc}")
        with open(os.path.join(tmp, "events.json")) as f:
            n = sum(1 for _ in f)
        check("metrics: events written = calls made", n == sum(calls.values()),
              f"{n} != {sum(calls.values())}")
        test_summary_mode(tmp)
    finally:
        stop(prom)
        stop(tracer)
        shutil.rmtree(tmp, ignore_errors=True)
    finish()


def test_summary_mode(tmp):
    """-c: the counts come from the kernel's statistics map."""
    port = free_port()
    log = os.path.join(tmp, "c.log")
    done, release = os.path.join(tmp, "c.done"), os.path.join(tmp, "c.release")
    script = (f"{WORKLOAD} burst {log} && {WORKLOAD} set_mempolicy {log}; touch {done}; "
              f"i=0; while [ ! -e {release} ] && [ $i -lt 300 ]; do sleep 0.1; "
              "i=$((i+1)); done")
    tracer = spawn([MMTRACE, "-c", "--metrics", f"127.0.0.1:{port}", "-e", ",".join(EVENTS),
                    "--", "sh", "-c", script])
    try:
        check("metrics -c: workload done", wait_for(lambda: os.path.exists(done), 30), "timeout")
        calls, errors = workload_counts(log)
        _, text = get(f"http://127.0.0.1:{port}/metrics")
        got = {}
        for line in text.splitlines():
            for name in ("mmtrace_calls_total", "mmtrace_call_errors_total"):
                if line.startswith(name + '{event="set_mempolicy"}'):
                    got[name] = int(line.split()[-1])
        want = {"mmtrace_calls_total": calls["set_mempolicy"],
                "mmtrace_call_errors_total": errors["set_mempolicy"]}
        check("metrics -c: set_mempolicy calls and errors from the kernel's map", got == want,
              f"{got} != {want}")
        open(release, "w").close()
        check("metrics -c: exits 0", tracer.wait(15) == 0, "exit status")
    finally:
        stop(tracer)


if __name__ == "__main__":
    main()
