#!/usr/bin/env python3
"""End-to-end tests of --detect and `mmtrace detect FILE`: a program per
technique (tests/detect/techniques.c, 64- and 32-bit) fires exactly its rule
with the right process, addresses, file, target and severity; ordinary
programs fire nothing; the allow-list silences a JIT; a saved recording gives
the same findings as live tracing.

Needs root. Ends with "N passed, N failed".
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

from harness import MMTRACE, OUT, TO_STDOUT, check, eq, main, test

TECH = os.path.realpath(os.path.join(OUT, "tests", "techniques"))
TECH32 = os.path.realpath(os.path.join(OUT, "tests", "techniques32"))

# mode: (rule, severity, triggering syscall)
EXPECT = {
    "wx_mmap": ("MMT-1", 3, "mmap"),
    "wx_mprotect": ("MMT-1", 3, "mprotect"),
    "jit": ("MMT-2", 3, "mprotect"),
    "jit_file": ("MMT-2", 2, "mprotect"),
    "memfd": ("MMT-3", 3, "mmap"),
    "cross_migrate": ("MMT-4", 2, "migrate_pages"),
    "cross_move": ("MMT-4", 2, "move_pages"),
    "cross_madvise": ("MMT-4", 2, "process_madvise"),
    "cross_other_uid": ("MMT-4", 3, "migrate_pages"),
    "seal": ("MMT-5", 3, "mprotect"),
    "dontunmap": ("MMT-6", 2, "mremap"),
}


def trace(cmd, *opts, timeout=120):
    """mmtrace --detect -o json OPTS -- CMD: (findings, events, the command's
    stdout lines as JSON where they are, the stats line)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "out.json")
        p = subprocess.run([MMTRACE, "--detect", "-o", "json", "--stats", "--output-file", out,
                            *opts, "--", *cmd], capture_output=True, text=True,
                           timeout=timeout)
        eq(p.returncode, 0, f"exit status of {cmd} (stderr: {p.stderr.strip()[-500:]})")
        findings, events = [], []
        with open(out) as f:
            for line in f:
                d = json.loads(line)
                (findings if "metadata" in d else events).append(d)
    said = []
    for line in p.stdout.splitlines():
        try:
            said.append(json.loads(line))
        except ValueError:
            pass
    stats = [json.loads(l) for l in p.stderr.splitlines() if l.startswith('{"stats"')]
    check(stats, f"no stats line in {p.stderr!r}")
    return findings, events, said, stats[-1]["stats"]


def finding_value(f):
    return f["args"][1]["value"]


def check_technique(binary, mode):
    findings, events, said, stats = trace([binary, mode])
    rule, sev, syscall = EXPECT[mode]
    check(said and said[-1]["mode"] == mode, f"{mode}: the program said {said!r}")
    me = said[-1]
    mine = [f for f in findings if f["hostProcessId"] == me["pid"]]
    eq([(f["metadata"]["id"], f["metadata"]["properties"]["Severity"]) for f in findings],
       [(rule, sev)], f"{mode} ({os.path.basename(binary)}): the findings")
    eq(len(mine), 1, f"{mode}: findings of pid {me['pid']}")
    f = mine[0]
    v = finding_value(f)
    trig = f["args"][0]["value"]
    eq(f["args"][0]["name"], "triggeredBy", "first argument")
    eq(trig["eventName"], syscall, f"{mode}: the triggering event")
    eq(trig["hostProcessId"], me["pid"], f"{mode}: the triggering event's process")
    check(trig in events, f"{mode}: the embedded event is not the event written out")
    eq(f["eventName"], {"MMT-1": "wx_mapping", "MMT-2": "write_then_execute",
                        "MMT-3": "file_double_mapping", "MMT-4": "cross_process_memory",
                        "MMT-5": "sealed_memory_tamper", "MMT-6": "dontunmap_exec"}[rule],
       "eventName")
    md = f["metadata"]
    for k in ("id", "name", "description", "properties"):
        check(md.get(k), f"metadata.{k} missing: {md}")
    check(md["properties"]["external_id"].startswith("T"), f"technique id: {md}")
    eq(stats["detect"]["findings"][rule], 1, f"{mode}: --stats count of {rule}")
    if rule in ("MMT-1", "MMT-2", "MMT-5"):
        eq(int(v["address"], 16), me["addr"], f"{mode}: address")
        # seal: the program mprotects the first page of its two sealed ones
        eq(v["length"], 4096 if rule == "MMT-5" else me["len"], f"{mode}: length")
    if mode == "jit":
        eq((v["fileBacked"], v["previousProt"], v["prot"]),
           (False, "PROT_READ|PROT_WRITE", "PROT_READ|PROT_EXEC"), "jit: protections")
    if mode == "jit_file":
        eq(v["fileBacked"], True, "jit_file: file-backed")
        eq((v["file"]["device"], v["file"]["inode"]), (me["dev"], me["ino"]), "jit_file: file")
    if rule == "MMT-3":
        eq((v["file"]["device"], v["file"]["inode"]), (me["dev"], me["ino"]), "memfd: the file")
        check(v["file"]["path"].startswith("/memfd:mmt-jit"), f"memfd path: {v['file']}")
        eq(int(v["address"], 16), me["addr"], "memfd: the executable mapping")
        eq(int(v["otherMapping"]["address"], 16), me["writable"], "memfd: the writable one")
        eq(v["otherMapping"]["hostProcessId"], me["pid"], "memfd: the writer's pid")
    if rule == "MMT-4":
        t = v["target"]
        check(t is not None, f"{mode}: target not resolved: {v}")
        eq((t["hostProcessId"], t["userId"], t["otherUser"]),
           (me["target"], me["targetUid"], me["targetUid"] != me["uid"]), f"{mode}: target")
    if rule == "MMT-5":
        eq((int(v["sealed"]["address"], 16), v["sealed"]["length"]), (me["addr"], me["len"]),
           "seal: the sealed range")
    if rule == "MMT-6":
        eq(int(trig["returnValue"]) & 0xFFFFFFFFFFFFFFFF, me["newAddr"], "dontunmap: new address")


def make_technique_test(mode, binary, suffix):
    def t():
        check_technique(binary, mode)
    t.__name__ = f"detect_{mode}{suffix}"
    return t


for _mode in EXPECT:
    test(make_technique_test(_mode, TECH, ""))
    test(make_technique_test(_mode, TECH32, "_32"))


def quiet(cmd, **kw):
    findings, events, _, stats = trace(cmd, **kw)
    check(events, f"{cmd}: no events traced")
    eq([finding_value(f)["summary"] for f in findings], [], f"{cmd}: findings")
    eq(sum(stats["detect"]["findings"].values()), 0, f"{cmd}: --stats findings")
    return stats


@test
def detect_quiet_shell_pipeline():
    quiet(["sh", "-c", "ls /usr/bin | sort | head -5 | wc -l"])


@test
def detect_quiet_python_imports():
    quiet(["python3", "-c", "import json, ssl, ctypes"])


@test
def detect_quiet_perl():
    quiet(["perl", "-MPOSIX", "-e", "print floor(2.5), qq(\\n)"])


@test
def detect_quiet_gcc():
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "a.c")
        with open(src, "w") as f:
            f.write("#include <stdio.h>\nint main(void){puts(\"hi\");return 0;}\n")
        quiet(["gcc", "-O2", src, "-o", os.path.join(tmp, "a")])


@test
def detect_quiet_dlopen():
    quiet([TECH, "dlopen"])
    quiet([TECH32, "dlopen"])


@test
def detect_quiet_numa_self():
    quiet([TECH, "numa_self"])
    quiet([TECH32, "numa_self"])


@test
def detect_stress_ng_mmap():
    """stress-ng's mmap stressor maps every protection on purpose, PROT_WRITE|
    PROT_EXEC included: only MMT-1 may fire, only on such mmaps; allow-listed,
    nothing."""
    ng = shutil.which("stress-ng")
    check(ng, "stress-ng is not installed (scripts/setup.sh installs it)")
    ng = os.path.realpath(ng)
    # 4M per mapping (the default, 256M, takes minutes on a small machine)
    cmd = [ng, "--mmap", "1", "--mmap-ops", "200", "--mmap-bytes", "4M", "-q"]
    ev = "mmap,munmap,mremap,mprotect,pkey_mprotect,madvise,mseal"
    findings, _, _, _ = trace(cmd, "-e", ev, "--detect-only", timeout=300)
    for f in findings:
        trig = f["args"][0]["value"]
        prot = [a["value"] for a in trig["args"] if a["name"] == "prot"][0]
        eq((f["metadata"]["id"], trig["eventName"], prot & 6), ("MMT-1", "mmap", 6),
           "stress-ng finding")
    findings, _, _, stats = trace(cmd, "-e", ev, "--detect-only", "--detect-allow",
                                  ng + ":MMT-1", timeout=300)
    eq(len(findings), 0, "stress-ng allow-listed for MMT-1: findings")
    eq(sum(stats["detect"]["findings"].values()), 0, "stress-ng: --stats findings")


@test
def detect_allow_list_jit():
    """The JIT fires MMT-2; allow-listed for MMT-2 it does not (counted as
    allowed); allow-listed for another rule it still does."""
    findings, _, _, stats = trace([TECH, "jit"], "--detect-allow", TECH + ":MMT-2")
    eq(findings, [], "JIT allow-listed for MMT-2")
    eq(stats["detect"]["allowed"]["MMT-2"], 1, "allowed MMT-2")
    findings, _, _, stats = trace([TECH, "jit"], "--detect-allow", TECH)
    eq(findings, [], "JIT allow-listed for every rule")
    findings, _, _, _ = trace([TECH, "jit"], "--detect-allow", TECH + ":MMT-1")
    eq([f["metadata"]["id"] for f in findings], ["MMT-2"], "JIT allow-listed for MMT-1 only")


def key(f):
    v = finding_value(f)
    return (f["metadata"]["id"], f["metadata"]["properties"]["Severity"], f["hostProcessId"],
            v["address"], v["length"], json.dumps(v.get("target")), f["args"][0]["value"]["timestamp"])


@test
def detect_recording_equals_live():
    """mmtrace detect on the JSON recording (raw and --parse-arguments) gives
    the findings live --detect gave, with the recorded event embedded."""
    modes = ["wx_mmap", "wx_mprotect", "jit", "seal", "dontunmap", "cross_migrate",
             "cross_other_uid", "cross_move"]
    for parse in ([], ["--parse-arguments"]):
        with tempfile.TemporaryDirectory() as tmp:
            rec = os.path.join(tmp, "rec.json")
            script = " && ".join(f"{TECH} {m} && {TECH32} {m}" for m in modes)
            p = subprocess.run([MMTRACE, "--detect", "-o", "json", *parse, "--output-file", rec,
                                "--", "sh", "-c", script], capture_output=True, text=True,
                               timeout=120)
            eq(p.returncode, 0, f"live run (stderr {p.stderr.strip()})")
            with open(rec) as f:
                lines = [json.loads(l) for l in f]
            live = [d for d in lines if "metadata" in d]
            eq(len(live), 2 * len(modes), f"live findings {parse}")
            p = subprocess.run([MMTRACE, "detect", "-o", "json", "--stats", rec],
                               capture_output=True, text=True, timeout=120)
            eq(p.returncode, 0, f"mmtrace detect (stderr {p.stderr.strip()})")
            again = [json.loads(l) for l in p.stdout.splitlines()]
            eq(sorted(map(key, again)), sorted(map(key, live)), f"findings {parse}")
            for a, b in zip(sorted(again, key=key), sorted(live, key=key)):
                eq(a["args"][0]["value"], b["args"][0]["value"], "the embedded event")
                eq(a["metadata"], b["metadata"], "metadata")
            st = json.loads(p.stderr.splitlines()[-1])["stats"]
            eq(st["detect"]["malformedLines"], 0, "malformed lines")


@test
def detect_table_line():
    """In the table a finding is one line, marked (no colour) or in reverse
    red (colour), after its event."""
    for color, mark in (("never", "!! "), ("always", "\033[1;7;31m")):
        p = subprocess.run([MMTRACE, *TO_STDOUT, "--detect", "--color", color, "-e", "mmap", "--", TECH,
                            "wx_mmap"], capture_output=True, text=True, timeout=60)
        eq(p.returncode, 0, "exit status")
        lines = [l for l in p.stdout.splitlines() if "FINDING" in l]
        eq(len(lines), 1, f"finding lines ({color})")
        check(lines[0].startswith(mark) and "MMT-1 wx_mapping [high]" in lines[0],
              f"finding line: {lines[0]!r}")


@test
def detect_command_errors():
    """Bad input to mmtrace detect: one line, non-zero status."""
    p = subprocess.run([MMTRACE, "detect", "/nonexistent.json"], capture_output=True, text=True)
    eq((p.returncode, len(p.stderr.splitlines())), (1, 1), f"missing file: {p.stderr!r}")
    with tempfile.NamedTemporaryFile("w", suffix=".json") as f:
        f.write("not json\n{\"eventName\": 3\n")
        f.flush()
        p = subprocess.run([MMTRACE, "detect", f.name], capture_output=True, text=True)
        eq((p.returncode, len(p.stderr.splitlines())), (1, 1), f"garbage: {p.stderr!r}")
    for args in ([], ["a", "b"], ["--detect-allow", "relative:MMT-1", "x"],
                 ["--detect-allow", "/x:NOPE", "x"], ["-o", "yaml", "x"]):
        p = subprocess.run([MMTRACE, "detect", *args], capture_output=True, text=True)
        eq(p.returncode, 2, f"mmtrace detect {args}: {p.stderr!r}")
    p = subprocess.run([MMTRACE, "--detect-allow", "/bin/true"], capture_output=True, text=True)
    eq(p.returncode, 2, "--detect-allow without --detect")
    p = subprocess.run([MMTRACE, "-c", "--detect", "true"], capture_output=True, text=True)
    eq(p.returncode, 2, "-c with --detect")


@test
def detect_list_rules():
    p = subprocess.run([MMTRACE, "list", "--rules"], capture_output=True, text=True)
    eq(p.returncode, 0, "exit status")
    for i in range(1, 7):
        check(f"MMT-{i}" in p.stdout, f"MMT-{i} not listed")
    check(p.stdout.count("False positives:") == 6, "a caveat per rule")


if __name__ == "__main__":
    sys.exit(main())
