#!/usr/bin/env python3
"""Conformance with Tracee's JSON event: every line mmtrace prints for every
workload scenario (all 24 events, the 64-bit and the 32-bit workload, raw
and --parse-arguments) must validate against the schema of
tracee_schema.py, written from Tracee v0.24's documentation: keys in order
and of the documented JSON kinds, each argument's type name in the set the
reader accepts and its value fitting that type. Entity ids are recomputed
from each line's own fields with an independent MurmurHash3. With
--tracee-format=v0.23 the lines must validate against v0.23's C type names.

Needs root (mmtrace loads BPF programs). Prints one line per test and ends
with "N passed, N failed".
"""
import os
import subprocess
import sys
import tempfile

from harness import MMTRACE, OUT, TO_STDOUT, WORKLOAD, Fail, check, eq, main, test
from tracee_schema import MURMUR3_VECTORS, entity_id, murmur3_32, validate_lines

WORKLOAD32 = os.path.realpath(os.path.join(OUT, "tests", "workload32"))
EVENTS = ["brk", "mmap", "munmap", "mremap", "mprotect", "pkey_mprotect", "madvise",
          "process_madvise", "mlock", "mlock2", "munlock", "mlockall", "munlockall", "msync",
          "mincore", "remap_file_pages", "mbind", "set_mempolicy", "get_mempolicy",
          "set_mempolicy_home_node", "migrate_pages", "move_pages", "mseal",
          "map_shadow_stack"]
# workload scenarios: one per event, and those that mix them
SCENARIOS = EVENTS + ["int_args", "mixed"]
ONLY_64 = {"int_args", "map_shadow_stack"}


def run(binary, scenario, *opts):
    """mmtrace -o json OPTS -e (all 24) -- BINARY SCENARIO LOG: its stdout."""
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [MMTRACE, *TO_STDOUT, "-o", "json", *opts, "-e", ",".join(EVENTS), "--", binary, scenario,
               os.path.join(tmp, "log")]
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        eq(p.returncode, 0, f"exit status of {' '.join(cmd)} (stderr: {p.stderr.strip()})")
        return p.stdout


def check_entities(ev, where):
    """The thread's entity id from the line's own tid and start time; the
    process's equals it for a thread group leader."""
    eq(ev["threadEntityId"], entity_id(ev["hostThreadId"], ev["threadStartTime"]),
       f"{where}: threadEntityId")
    if ev["hostThreadId"] == ev["hostProcessId"]:
        eq(ev["processEntityId"], ev["threadEntityId"], f"{where}: processEntityId")
    else:
        check(ev["processEntityId"] != ev["threadEntityId"], f"{where}: processEntityId")


def conform(binary, parsed, fmt="v0.24"):
    opts = (["--parse-arguments"] if parsed else []) + \
        (["--tracee-format", fmt] if fmt != "v0.24" else [])
    seen, lines = set(), 0
    for scenario in SCENARIOS:
        if binary == WORKLOAD32 and scenario in ONLY_64:
            continue
        events, problems = validate_lines(run(binary, scenario, *opts), fmt)
        check(not problems, f"{scenario}: {len(problems)} problems, first: {problems[:3]}")
        for ev in events:
            where = f"{scenario} {ev['eventName']}"
            check_entities(ev, where)
            eq(ev["contextFlags"]["isCompat"], binary == WORKLOAD32, f"{where}: isCompat")
            eq(ev["matchedPolicies"], [""], f"{where}: matchedPolicies")
            for a in ev["args"]:
                if parsed and isinstance(a["value"], str):
                    check(a["type"] in ("string", "trace.Pointer") or a["type"].endswith("*")
                          or (fmt == "v0.23" and a["value"].startswith("0x")),
                          f"{where}: parsed {a['name']} typed {a['type']}")
            seen.add(ev["eventName"])
        lines += len(events)
    want = set(EVENTS) - ({"map_shadow_stack"} if binary == WORKLOAD32 else set())
    eq(sorted(want - seen), [], "events never printed")
    check(lines > 100, f"only {lines} lines")


@test
def murmur3_matches_published_vectors():
    """The test's own MurmurHash3 before it judges mmtrace's ids."""
    for key, seed, want in MURMUR3_VECTORS:
        eq(murmur3_32(key, seed), want, f"murmur3({key!r}, {seed:#x})")
    # rounding to 100 ms: one id for the whole interval
    eq(entity_id(1234, 1700000000100000000), entity_id(1234, 1700000000199999999), "rounding")
    check(entity_id(1234, 1700000000199999999) != entity_id(1234, 1700000000200000000),
          "next interval")


@test
def raw_x86_64():
    conform(WORKLOAD, False)


@test
def parsed_x86_64():
    conform(WORKLOAD, True)


@test
def raw_ia32():
    conform(WORKLOAD32, False)


@test
def parsed_ia32():
    conform(WORKLOAD32, True)


@test
def raw_v023_names():
    """--tracee-format=v0.23: C type names, values that fit them."""
    conform(WORKLOAD, False, "v0.23")


@test
def parsed_v023_names_ia32():
    conform(WORKLOAD32, True, "v0.23")


@test
def values_fit_their_type():
    """mremap(flags = ~0UL): int32 -1, the register kept nowhere since -1
    sign-extended is the register; mbind's mode with garbage in its upper
    half: the int the kernel uses, and the register as rawValue."""
    events, problems = validate_lines(run(WORKLOAD, "int_args"))
    check(not problems, f"problems: {problems[:3]}")
    raws = [a for ev in events for a in ev["args"] if "rawValue" in a]
    check(raws, "no argument carried rawValue in int_args")
    for a in raws:
        if a["type"] == "int32":
            v = a["rawValue"] & 0xffffffff
            eq(a["value"], v - (1 << 32) if v & 0x80000000 else v, f"{a['name']} value")
        elif a["type"] in ("uint32", "uint64"):
            eq(a["value"], a["rawValue"] & 0xffffffff, f"{a['name']} value")
        low = a["rawValue"] & 0xffffffff
        sext = low | (0xffffffff << 32 if low & 0x80000000 else 0)
        check(a["rawValue"] not in (low, sext), f"{a['name']}: rawValue needless")


@test
def bad_tracee_format_is_a_usage_error():
    p = subprocess.run([MMTRACE, "-o", "json", "--tracee-format", "v9", "true"],
                       capture_output=True, text=True, timeout=30)
    eq(p.returncode, 2, "exit status")
    eq(len(p.stderr.strip().splitlines()), 1, "one line of error")
    p = subprocess.run([MMTRACE, "--tracee-format", "v0.23", "true"],
                       capture_output=True, text=True, timeout=30)
    eq(p.returncode, 2, "exit status without -o json")


if __name__ == "__main__":
    sys.exit(main())
