"""What every end-to-end test file shares: where the binaries are, the
assertion helpers, and the runner that prints one line per test and ends with
"N passed, N failed" (arguments: run only the tests whose name contains one).
"""
import os
import sys
import time
import traceback

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# MMTRACE_OUT: the build folder (build/asan for the sanitizer build)
OUT = os.path.join(ROOT, os.environ.get("MMTRACE_OUT", "build"))
MMTRACE = os.path.join(OUT, "mmtrace")
WORKLOAD = os.path.realpath(os.path.join(OUT, "tests", "workload"))
HOSTILE = os.path.join(OUT, "tests", "hostile")
# With a command, the trace goes to stderr (as strace's); tests that parse it
# read it on stdout, apart from mmtrace's own messages.
TO_STDOUT = ["--output-file", "/dev/stdout"]

TESTS = []


def bpf_fds(pid):
    """The fdinfo fields of each BPF object (program, map, link) process pid
    holds open, with "target", what its fd links to (anon_inode:bpf-prog,
    anon_inode:bpf-map, anon_inode:bpf_link)."""
    out = []
    fd_dir = f"/proc/{pid}/fd"
    for fd in os.listdir(fd_dir):
        try:
            target = os.readlink(os.path.join(fd_dir, fd))
            if not target.startswith("anon_inode:bpf"):
                continue
            with open(f"/proc/{pid}/fdinfo/{fd}") as f:
                info = {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in f)}
        except OSError:
            continue  # closed meanwhile
        info["target"] = target
        out.append(info)
    return out


def test(fn):
    """Register a test function."""
    TESTS.append(fn)
    return fn


class Fail(Exception):
    pass


def check(cond, msg):
    if not cond:
        raise Fail(msg)


def eq(got, want, what):
    if got != want:
        raise Fail(f"{what}: got {got!r}, want {want!r}")


def s32(v):
    """A register value as the C int the kernel takes."""
    v &= 0xFFFFFFFF
    return v - (1 << 32) if v & 0x80000000 else v


def cgroup2_mount():
    with open("/proc/self/mountinfo") as f:
        for line in f:
            fields = line.split()
            if fields[fields.index("-") + 1] == "cgroup2":
                return fields[4]
    raise Fail("no cgroup2 mount")


def main(tests=None):
    tests = TESTS if tests is None else tests
    if os.geteuid() != 0:
        print("e2e: needs root to load BPF programs", file=sys.stderr)
        print(f"0 passed, {len(tests)} failed")
        return 1
    passed = failed = 0
    only = sys.argv[1:]
    for t in tests:
        if only and not any(o in t.__name__ for o in only):
            continue
        start = time.time()
        try:
            t()
        except Fail as e:
            failed += 1
            print(f"not ok - {t.__name__}: {e}")
            continue
        except Exception:
            failed += 1
            print(f"not ok - {t.__name__}: {traceback.format_exc()}")
            continue
        passed += 1
        print(f"ok - {t.__name__} ({time.time() - start:.1f}s)")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0
