#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""mmtrace as an installed service: make install (DESTDIR), the man page
made from --help and the event table, bash completion, the systemd unit
(systemd-analyze verify), make deb installed into a separate dpkg root, run
and removed; SIGHUP reopening --output-file; and the capabilities that
tracing needs, as measured."""
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time

from common import MMTRACE, OUT, ROOT, WORKLOAD, check, finish, not_ok, spawn, stop


def run(argv, **kw):
    return subprocess.run(argv, capture_output=True, text=True, timeout=120, **kw)


def test_install(tmp):
    dest = os.path.join(tmp, "dest")
    r = run(["make", "--no-print-directory", "-C", ROOT, f"OUT={OUT}", "install",
             "PREFIX=/usr", f"DESTDIR={dest}"])
    check("install: make install exits 0", r.returncode == 0, r.stderr[-300:])
    files = ["usr/sbin/mmtrace", "usr/share/man/man8/mmtrace.8.gz",
             "usr/share/bash-completion/completions/mmtrace",
             "lib/systemd/system/mmtrace.service"]
    missing = [f for f in files if not os.path.isfile(os.path.join(dest, f))]
    check("install: binary, man page, completion, unit", not missing, f"missing {missing}")
    names = run([MMTRACE, "list", "--names"]).stdout.split()
    man = run(["man", "-l", os.path.join(dest, files[1])], env=dict(os.environ, MANWIDTH="100"))
    absent = [n for n in names if n not in man.stdout]
    check("install: mmtrace(8) has every event and option", man.returncode == 0 and not absent
          and "--output-file" in man.stdout and "--metrics" in man.stdout
          and "read nats://" in man.stdout, f"rc {man.returncode}, absent {absent}")
    comp = os.path.join(dest, files[2])
    script = (f"source /usr/share/bash-completion/bash_completion; source {comp}; "
              f"COMP_WORDS=({dest}/usr/sbin/mmtrace -e set_mem); COMP_CWORD=2; "
              f"COMP_LINE='mmtrace -e set_mem'; COMP_POINT=${{#COMP_LINE}}; _mmtrace; "
              "echo ${COMPREPLY[@]}")
    r = run(["bash", "-c", script])
    check("install: completion of -e set_mem",
          sorted(r.stdout.split()) == ["set_mempolicy", "set_mempolicy_home_node"],
          r.stdout + r.stderr[-200:])
    # the unit's default arguments are ones mmtrace takes: traced for a
    # command, its file put in tmp
    with open(os.path.join(dest, files[3])) as f:
        m = re.search(r'^Environment="MMTRACE_ARGS=([^"]*)"$', f.read(), re.M)
    args = m.group(1).split() if m else []
    args = [os.path.join(tmp, "unit.json") if a.startswith("/var/log/") else a for a in args]
    r = run([MMTRACE, *args, "-e", "set_mempolicy", "--", WORKLOAD, "burst", "/dev/null"])
    check("install: the unit's default MMTRACE_ARGS trace", m and r.returncode == 0
          and os.path.getsize(os.path.join(tmp, "unit.json")) > 0, f"{args}: {r.stderr[-300:]}")
    if shutil.which("systemd-analyze"):
        # the unit as installed, its ExecStart pointed at the staged binary
        unit = os.path.join(tmp, "mmtrace.service")
        with open(os.path.join(dest, files[3])) as f:
            text = f.read()
        check("install: unit runs /usr/sbin/mmtrace", "ExecStart=/usr/sbin/mmtrace " in text,
              "ExecStart")
        with open(unit, "w") as f:
            f.write(text.replace("/usr/sbin/mmtrace", os.path.join(dest, files[0])))
        r = run(["systemd-analyze", "verify", "--man=no", unit])
        check("install: systemd-analyze verify is clean",
              r.returncode == 0 and not r.stderr.strip(), r.stderr[-300:])


def test_deb(tmp):
    r = run(["make", "--no-print-directory", "-C", ROOT, f"OUT={OUT}", "deb"])
    deb = r.stdout.strip().splitlines()[-1] if r.stdout.strip() else ""
    if not check("deb: make deb", r.returncode == 0 and deb.endswith(".deb"),
                 r.stderr[-300:]):
        return
    deb = os.path.join(ROOT, deb) if not os.path.isabs(deb) else deb
    root = os.path.join(tmp, "root")
    for d in ("var/lib/dpkg/info", "var/lib/dpkg/updates", "var/lib/dpkg/triggers"):
        os.makedirs(os.path.join(root, d))
    open(os.path.join(root, "var/lib/dpkg/status"), "w").close()
    # a separate dpkg database: the host's packages are not touched
    r = run(["dpkg", f"--root={root}", "--force-depends", "--force-script-chrootless",
             "--force-not-root", "-i", deb])
    check("deb: installs", r.returncode == 0, r.stderr[-300:])
    r = run([os.path.join(root, "usr/sbin/mmtrace"), "--features"])
    check("deb: installed mmtrace --features runs", r.returncode == 0 and r.stdout,
          r.stderr[-300:])
    r = run(["dpkg", f"--root={root}", "--force-script-chrootless", "--force-not-root",
             "-r", "mmtrace"])
    left = [f for f in ("usr/sbin/mmtrace", "lib/systemd/system/mmtrace.service",
                        "usr/share/man/man8/mmtrace.8.gz")
            if os.path.exists(os.path.join(root, f))]
    check("deb: removes cleanly", r.returncode == 0 and not left, f"{r.stderr[-200:]} {left}")


def test_sighup(tmp):
    out = os.path.join(tmp, "events.json")
    release = os.path.join(tmp, "go")
    # 20000 calls, wait for the test's go, 20000 more (bounded wait: 20 s)
    script = (f"{WORKLOAD} burst /dev/null; i=0; while [ ! -e {release} ] && "
              f"[ $i -lt 200 ]; do sleep 0.1; i=$((i+1)); done; {WORKLOAD} burst /dev/null")
    p = spawn([MMTRACE, "-e", "set_mempolicy", "-o", "json", "--output-file", out, "--",
               "sh", "-c", script])

    def lines(path):
        try:
            with open(path) as f:
                return sum(1 for _ in f)
        except OSError:
            return -1
    end = time.monotonic() + 20
    while lines(out) < 20000 and time.monotonic() < end:
        time.sleep(0.1)
    os.rename(out, out + ".1")
    os.kill(p.pid, signal.SIGHUP)
    time.sleep(0.5)
    open(release, "w").close()
    try:
        rc = p.wait(30)
    except subprocess.TimeoutExpired:
        rc = stop(p)
    check("SIGHUP: reopens --output-file, tracing goes on",
          rc == 0 and lines(out + ".1") == 20000 and lines(out) == 20000,
          f"exit {rc}, rotated {lines(out + '.1')}, new {lines(out)}")


def test_caps():
    if not shutil.which("setpriv"):
        not_ok("caps", "setpriv (util-linux) missing")
        return
    cmd = [MMTRACE, "-e", "set_mempolicy", "-o", "json", "--output-file", "/dev/null",
           "--stats", "--", WORKLOAD, "burst", "/dev/null"]

    def with_caps(caps, user=None):
        pre = ["setpriv", "--inh-caps=-all", f"--bounding-set=-all,{caps}"]
        if user:
            pre = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                   f"--inh-caps={caps}", f"--ambient-caps={caps}"]
        return run(pre + cmd)
    r = with_caps("+bpf,+perfmon")
    check("caps: root with only CAP_BPF and CAP_PERFMON traces all 20000",
          r.returncode == 0 and '"events":20000,"lost":0' in r.stderr, r.stderr[-200:])
    r = with_caps("+bpf")
    check("caps: without CAP_PERFMON, one line naming it, exit 1",
          r.returncode == 1 and r.stderr.strip().count("\n") == 0 and
          "missing CAP_PERFMON" in r.stderr, r.stderr[-200:])
    os.chmod(MMTRACE, 0o755)
    r = with_caps("+bpf,+perfmon", user=True)
    check("caps: another user needs CAP_DAC_READ_SEARCH, and is told",
          r.returncode == 1 and "missing CAP_DAC_READ_SEARCH" in r.stderr, r.stderr[-200:])
    r = with_caps("+bpf,+perfmon,+dac_read_search", user=True)
    check("caps: another user with the three traces all 20000",
          r.returncode == 0 and '"events":20000,"lost":0' in r.stderr, r.stderr[-200:])


def main():
    tmp = tempfile.mkdtemp(prefix="mmt-service-")
    os.chmod(tmp, 0o755)
    try:
        test_install(tmp)
        test_deb(tmp)
        test_sighup(tmp)
        test_caps()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    finish()


if __name__ == "__main__":
    main()
