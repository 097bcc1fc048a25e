#!/usr/bin/env python3
"""End-to-end tests of containerId: the workload runs in a cgroup v2 group
named the way each container runtime names its groups, and its events must
carry that container's id and runtime. Needs root and a cgroup2 mount.
Ends with "N passed, N failed"."""
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, os.environ.get("MMTRACE_OUT", "build"))
MMTRACE = os.path.join(OUT, "mmtrace")
WORKLOAD = os.path.join(OUT, "tests", "workload")
# every group made here lives under this one, named per run: two runs at
# once (say, CI and a developer) must not remove each other's groups
TOP = f"mmtrace-test-{os.getpid()}"

ID = "0123456789abcdef" * 4
# (cgroup path under TOP, expected containerId, expected runtime)
CASES = [
    (f"system.slice/docker-{ID}.scope", ID, "docker"),
    (f"docker/{ID}", ID, "docker"),
    (f"kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod1234.slice/"
     f"cri-containerd-{ID}.scope", ID, "containerd"),
    (f"kubepods/besteffort/pod1234/{ID}", ID, "containerd"),
    (f"kubepods.slice/kubepods-burstable.slice/crio-{ID}.scope", ID, "crio"),
    (f"machine.slice/crio-conmon-{ID}.scope", "", ""),
    (f"machine.slice/libpod-{ID}.scope", ID, "podman"),
    (f"machine.slice/libpod-conmon-{ID}.scope", "", ""),
    (f"libpod_parent/libpod-{ID}", ID, "podman"),
    ("user.slice/session-1.scope", "", ""),
    (f"system.slice/docker-{ID[:63]}.scope", "", ""),  # not 64 hex digits
]


def cgroup2_mount():
    with open("/proc/self/mountinfo") as f:
        for line in f:
            fields = line.split()
            if fields[fields.index("-") + 1] == "cgroup2":
                return fields[4]
    return None


def run_in_cgroup(base, path):
    group = os.path.join(base, TOP, path)
    os.makedirs(group, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        log = os.path.join(tmp, "log")
        p = subprocess.run(
            [MMTRACE, "--output-file", "/dev/stdout", "-o", "json", "-e", "set_mempolicy", "--", "sh", "-c",
             f'echo $$ > "{group}/cgroup.procs" && exec {WORKLOAD} set_mempolicy {log}'],
            capture_output=True, text=True, timeout=60)
    if p.returncode != 0:
        raise AssertionError(f"exit status {p.returncode}: {p.stderr.strip()}")
    return [json.loads(line) for line in p.stdout.splitlines()]


def main():
    if os.geteuid() != 0:
        print(f"0 passed, {len(CASES)} failed")
        return 1
    base = cgroup2_mount()
    passed = failed = 0
    try:
        for path, want_id, runtime in CASES:
            name = f"container {runtime or 'none'}: /{path[:70]}"
            try:
                if not base:
                    raise AssertionError("no cgroup2 mount")
                events = run_in_cgroup(base, path)
                assert events, "no event"
                for ev in events:
                    assert ev["containerId"] == want_id, f"containerId {ev['containerId']!r}"
                    want = {"id": want_id, "runtime": runtime} if want_id else {}
                    assert ev["container"] == want, f"container {ev['container']!r}"
                    assert ev["contextFlags"]["containerStarted"] == bool(want_id), \
                        "containerStarted"
                    assert ev["cgroupId"] == os.stat(os.path.join(base, TOP, path)).st_ino, \
                        "cgroupId is the group's inode"
            except Exception as e:  # one line per test, whatever failed
                failed += 1
                print(f"not ok - {name}: {e}")
                continue
            passed += 1
            print(f"ok - {name}")
    finally:
        if base:
            # leaves first: a cgroup directory is removed with rmdir only
            for dirpath, _, _ in sorted(os.walk(os.path.join(base, TOP)), reverse=True):
                try:
                    os.rmdir(dirpath)
                except OSError:
                    pass
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
