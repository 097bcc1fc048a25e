#!/usr/bin/env python3
"""Compare mmtrace's events from the multi-node guests with the guest kernel.

usage: check.py RESULTS_DIR

RESULTS_DIR/<guest>/ holds what a guest's /init sent out (tests/numa/init):
meta.txt, runs.txt and, per mmtrace run, <run>.events.json (mmtrace -o json),
<run>.facts.json (numatest: what the kernel reported) and <run>.stderr.
Prints "ok - NAME" or "not ok - NAME: REASON" per test.
"""
import json
import os
import re
import sys

NPAGES = 32
MAXNODE = 65
MPOL_DEFAULT, MPOL_BIND, MPOL_INTERLEAVE, MPOL_PREFERRED_MANY = 0, 2, 3, 5
MPOL_MF_STRICT, MPOL_MF_MOVE = 1, 2
MPOL_F_NODE, MPOL_F_ADDR = 1, 2
# how a node mask is checked for a change during the call ("toctouCheck")
FEXIT, KPROBE, REREAD = ("kernel-copy (fexit get_nodes)", "kernel-copy (kprobe get_nodes)",
                         "entry-exit re-read")


class Check:
    """One test: collects mismatches; ok when there are none."""

    def __init__(self, name):
        self.name = name
        self.errors = []

    def eq(self, what, got, want):
        if got != want:
            self.errors.append(f"{what} is {short(got)}, expected {short(want)}")
        return got == want

    def true(self, what, cond):
        if not cond:
            self.errors.append(what)
        return cond

    def done(self):
        if self.errors:
            print(f"not ok - {self.name}: {'; '.join(self.errors[:3])}"
                  + (f" (+{len(self.errors) - 3} more)" if len(self.errors) > 3 else ""))
        else:
            print(f"ok - {self.name}")


def short(v):
    s = json.dumps(v) if not isinstance(v, str) else v
    return s if len(s) <= 80 else s[:77] + "..."


def nodes_of_mask(m):
    return [i for i in range(64) if m >> i & 1]


def arg(ev, name):
    for a in ev.get("args", []):
        if a.get("name") == name:
            return a
    return {}


class Run:
    """One mmtrace run in one guest: its events, facts and stderr."""

    def __init__(self, gdir, guest, name, label, meta, method=FEXIT):
        self.guest, self.name, self.label, self.meta = guest, name, label, meta
        self.method = method  # what the input masks' toctouCheck must say
        self.gdir = gdir
        self.events, self.bad_lines, self.facts = [], 0, {}
        p = os.path.join(gdir, f"{name}.events.json")
        if os.path.exists(p):
            for line in open(p, errors="replace"):
                try:
                    self.events.append(json.loads(line))
                except ValueError:
                    self.bad_lines += 1
        self.events.sort(key=lambda e: e.get("timestamp", 0))
        p = os.path.join(gdir, f"{name}.facts.json")
        if os.path.exists(p):
            for line in open(p, errors="replace"):
                try:
                    f = json.loads(line)
                    self.facts[f["scenario"]] = f
                except (ValueError, KeyError):
                    pass
        p = os.path.join(gdir, f"{name}.stderr")
        self.stderr = open(p, errors="replace").read() if os.path.exists(p) else ""
        self.rc = None
        p = os.path.join(gdir, "runs.txt")
        if os.path.exists(p):
            for line in open(p):
                m = re.match(rf"{name} rc=(\d+) start=([\d.]+) end=([\d.]+)", line)
                if m:
                    self.rc = int(m.group(1))
                    self.secs = float(m.group(3)) - float(m.group(2))

    def test(self, what):
        return Check(f"{self.guest}: {what}{self.label}")

    def of(self, pid, name):
        return [e for e in self.events
                if e.get("hostProcessId") == pid and e.get("eventName") == name]

    def fact(self, checks, scenario):
        """numatest's facts of the scenario; without them every check fails."""
        f = self.facts.get(scenario)
        why = None
        if f is None:
            why = f"numatest reported nothing for {scenario} (mmtrace exit {self.rc})"
        elif "error" in f:
            why = f"numatest: {f['error']}"
        if why:
            for c in checks:
                c.errors.append(why)
            return None
        return f

    def load_failure(self):
        """Why mmtrace did not run: its error and the verifier's last words."""
        lines = self.stderr.splitlines()
        why = [l for l in lines if l.startswith("mmtrace:")][-1:]
        for i, l in enumerate(lines):
            if l.startswith("processed ") and i > 0:
                why.insert(0, f"verifier: {lines[i - 1].strip()}")
                break
        progs = [m.group(1) for m in (re.search(r"prog '(\w+)': failed to load", l)
                                      for l in lines) if m]
        if progs:
            why.insert(0, f"program {progs[0]}")
        return " / ".join(why) or f"exit {self.rc}, no message"


def one_event(c, run, pid, name, n=1):
    evs = run.of(pid, name)
    if not c.eq(f"number of {name} events of pid {pid}", len(evs), n):
        return None
    return evs


def check_copied(c, run, a, what, want):
    """An input mask nobody changed: with a kernel copy, the copy equals the
    entry read; the method is the run's."""
    c.eq(f"{what}.toctouCheck", a.get("toctouCheck"), run.method)
    if run.method == REREAD:
        c.true(f"{what} has kernelNodes without a kernel copy", "kernelNodes" not in a)
    else:
        c.eq(f"{what}.kernelNodes", a.get("kernelNodes"), want)
    c.true(f"{what} is flagged toctou", not a.get("toctou") and not a.get("changedAtExit"))


def check_migration(c, ev, fact, label=""):
    mig = ev.get("migration")
    if not c.true(f"{label}no \"migration\" object", isinstance(mig, dict)):
        return
    c.eq(f"{label}migration.succeeded", mig.get("succeeded"), fact["VmstatSuccess"])
    c.eq(f"{label}migration.failed", mig.get("failed"), fact["VmstatFail"])
    c.eq(f"{label}migration.split", mig.get("split"), 0)
    if fact["VmstatSuccess"] or fact["VmstatFail"]:
        c.true(f"{label}migration.batches is {mig.get('batches')}, expected >= 1",
               (mig.get("batches") or 0) >= 1)
    else:
        c.eq(f"{label}migration.batches", mig.get("batches"), 0)


def check_migrate_pages(run, scenario, other):
    who = "another process" if other else "itself"
    c1 = run.test(f"migrate_pages of {who} {{0}}->{{1}}: nodes, return value, target decoded")
    c2 = run.test(f"migrate_pages of {who}: migration == pgmigrate_success delta")
    f = run.fact([c1, c2], scenario)
    if f:
        moved = f["childAfter"] if other else f["after"]
        c2.true(f"guest: migrate_pages returned {f['ret']} (errno {f['errno']})", f["ret"] >= 0)
        c2.true(f"guest: pgmigrate_success rose by {f['VmstatSuccess']}", f["VmstatSuccess"] > 0)
        c2.eq("guest: nodes of the buffer after the call", sorted(set(moved)), [1])
        evs = one_event(c1, run, f["pid"], "migrate_pages")
        if evs:
            ev = evs[0]
            c1.eq("returnValue", ev.get("returnValue"), f["ret"])
            c1.eq("pid", arg(ev, "pid").get("value"), f["child"] if other else 0)
            c1.eq("maxnode", arg(ev, "maxnode").get("value"), MAXNODE)
            c1.eq("old_nodes.nodes", arg(ev, "old_nodes").get("nodes"), f["from"])
            c1.eq("new_nodes.nodes", arg(ev, "new_nodes").get("nodes"), f["to"])
            check_copied(c1, run, arg(ev, "old_nodes"), "old_nodes", f["from"])
            check_copied(c1, run, arg(ev, "new_nodes"), "new_nodes", f["to"])
            t = ev.get("target")
            if c1.true("no \"target\" object", isinstance(t, dict)):
                c1.eq("target.hostProcessId", t.get("hostProcessId"),
                      f["child"] if other else f["pid"])
                c1.eq("target.processName", t.get("processName"),
                      f["childComm"] if other else "numatest")
                c1.eq("target.otherProcess", t.get("otherProcess"), other)
                c1.eq("target.otherUser", t.get("otherUser"), False)
            check_migration(c2, ev, f)
            c2.name += f" ({f['VmstatSuccess']} pages)"
        elif f:
            c2.true("no event", False)
    c1.done()
    c2.done()


def check_move_pages(run, scenario, calls, what):
    c1 = run.test(f"{what}: nodes and status decoded, status == get_mempolicy's nodes")
    c2 = run.test(f"{what}: migration.succeeded == pages moved == pgmigrate_success delta")
    f = run.fact([c1, c2], scenario)
    if f:
        evs = one_event(c1, run, f["pid"], "move_pages", len(calls))
        c2.true("no move_pages events to compare", evs)
        for i, key in enumerate(calls):
            k = f[key]
            c2.true(f"guest: {key}: move_pages returned {k['ret']} (errno {k['errno']})",
                    k["ret"] == 0)
            c1.eq(f"guest: {key}: status (move_pages) vs get_mempolicy", k["status"], k["after"])
            if k["nodes"] is not None:
                c2.eq(f"guest: {key}: nodes after the call", k["after"], k["nodes"])
                want = sum(1 for a, b in zip(k["nodes"], [0] * NPAGES if key in ("there", "spread")
                                             else [1] * NPAGES) if a != b)
                c2.eq(f"guest: {key}: pgmigrate_success delta", k["VmstatSuccess"], want)
            if not evs:
                continue
            ev = evs[i]
            c1.eq(f"{key}: returnValue", ev.get("returnValue"), k["ret"])
            c1.eq(f"{key}: pid", arg(ev, "pid").get("value"), 0)
            c1.eq(f"{key}: count", arg(ev, "count").get("value"), NPAGES)
            c1.eq(f"{key}: pages.values", arg(ev, "pages").get("values"), k["pages"])
            c1.eq(f"{key}: nodes.values", arg(ev, "nodes").get("values"), k["nodes"])
            c1.eq(f"{key}: status.values", arg(ev, "status").get("values"), k["after"])
            c1.eq(f"{key}: flags", arg(ev, "flags").get("value"),
                  MPOL_MF_MOVE if k["nodes"] is not None else 0)
            check_migration(c2, ev, k, f"{key}: ")
        if evs:
            c2.name += " (" + ", ".join(f"{key} {f[key]['VmstatSuccess']}" for key in calls) + ")"
    c1.done()
    c2.done()


def check_mbind(run):
    c1 = run.test("mbind MPOL_BIND {1} MPOL_MF_MOVE: arguments decoded")
    c2 = run.test("mbind MPOL_MF_MOVE: migration == pgmigrate_success delta")
    f = run.fact([c1, c2], "mbind_move")
    if f:
        c2.eq("guest: mbind return", f["ret"], 0)
        c2.eq("guest: nodes after mbind", f["after"], [1] * NPAGES)
        c2.eq("guest: pgmigrate_success delta", f["VmstatSuccess"], NPAGES)
        evs = one_event(c1, run, f["pid"], "mbind")
        c2.true("no mbind event to compare", evs)
        if evs:
            ev = evs[0]
            c1.eq("returnValue", ev.get("returnValue"), f["ret"])
            c1.eq("addr", arg(ev, "addr").get("value"), f["addr"])
            c1.eq("len", arg(ev, "len").get("value"), f["len"])
            c1.eq("mode", arg(ev, "mode").get("value"), f["mode"])
            c1.eq("nodemask.nodes", arg(ev, "nodemask").get("nodes"), f["nodes"])
            check_copied(c1, run, arg(ev, "nodemask"), "nodemask", f["nodes"])
            c1.eq("maxnode", arg(ev, "maxnode").get("value"), MAXNODE)
            c1.eq("flags", arg(ev, "flags").get("value"), f["flags"])
            check_migration(c2, ev, f)
            c2.name += f" ({f['VmstatSuccess']} pages)"
    c1.done()
    c2.done()


def check_policy(run, scenario, what, spread):
    """set_mempolicy(mode, nodes), pages touched, get_mempolicy per page."""
    c1 = run.test(f"{what}: set_mempolicy decoded")
    c2 = run.test(f"{what}: get_mempolicy MPOL_F_NODE|MPOL_F_ADDR decoded == kernel's nodes")
    f = run.fact([c1, c2], scenario)
    if f:
        want = f["nodes"]
        c1.eq("guest: set_mempolicy return", f["ret"], 0)
        c1.true(f"guest: pages on nodes {sorted(set(f['where']))}, outside {want}",
                set(f["where"]) <= set(want))
        if spread:
            counts = {n: f["where"].count(n) for n in want}
            c1.true(f"guest: pages not spread over {want}: {counts}",
                    min(counts.values()) >= NPAGES // (2 * len(want)))
            c1.name += " (pages per node " + "/".join(str(counts[n]) for n in want) + ")"
        evs = one_event(c1, run, f["pid"], "set_mempolicy", 2)
        if evs:
            ev = evs[0]
            c1.eq("returnValue", ev.get("returnValue"), f["ret"])
            c1.eq("mode", arg(ev, "mode").get("value"), f["mode"])
            c1.eq("nodemask.nodes", arg(ev, "nodemask").get("nodes"), want)
            check_copied(c1, run, arg(ev, "nodemask"), "nodemask", want)
            c1.eq("maxnode", arg(ev, "maxnode").get("value"), MAXNODE)
            c1.eq("reset: mode", arg(evs[1], "mode").get("value"), MPOL_DEFAULT)
            c1.eq("reset: nodemask.nodes", arg(evs[1], "nodemask").get("nodes"), None)
            c1.eq("reset: nodemask keys", sorted(arg(evs[1], "nodemask")),
                  ["name", "nodes", "type", "value"])  # NULL: nothing copied, nothing to check
        gets = one_event(c2, run, f["pid"], "get_mempolicy", 4)
        c2.true("no get_mempolicy events to compare", gets)
        if gets:
            for i, ev in enumerate(gets):
                c2.eq(f"guest: get_mempolicy node of page {i}", f["getNode"][i], f["where"][i])
                c2.eq(f"{i}: returnValue", ev.get("returnValue"), 0)
                c2.eq(f"{i}: addr", arg(ev, "addr").get("value"), f["getAddrs"][i])
                c2.eq(f"{i}: flags", arg(ev, "flags").get("value"), MPOL_F_NODE | MPOL_F_ADDR)
                c2.eq(f"{i}: mode.out (the page's node)", arg(ev, "mode").get("out"),
                      f["getNode"][i])
                c2.eq(f"{i}: nodemask.nodes", arg(ev, "nodemask").get("nodes"),
                      nodes_of_mask(f["getMask"][i]))
    c1.done()
    c2.done()


def check_home_node(run):
    c = run.test("set_mempolicy_home_node 3 and 2 on MPOL_BIND {2,3} (memory-only nodes)")
    f = run.fact([c], "set_mempolicy_home_node")
    if f:
        binds = one_event(c, run, f["pid"], "mbind", 2)
        homes = one_event(c, run, f["pid"], "set_mempolicy_home_node", 2)
        for i, r in enumerate(f["regions"]):
            c.eq(f"guest: region {i} mbind return", r["mbindRet"], 0)
            c.eq(f"guest: region {i} set_mempolicy_home_node return", r["ret"], 0)
            c.eq(f"guest: region {i} pages' nodes", sorted(set(r["where"])), [r["home"]])
            if binds:
                b = binds[i]
                c.eq(f"mbind {i}: mode", arg(b, "mode").get("value"), MPOL_BIND)
                c.eq(f"mbind {i}: nodemask.nodes", arg(b, "nodemask").get("nodes"), [2, 3])
                c.eq(f"mbind {i}: migration.batches", (b.get("migration") or {}).get("batches"), 0)
            if homes:
                h = homes[i]
                c.eq(f"home {i}: returnValue", h.get("returnValue"), r["ret"])
                c.eq(f"home {i}: start", arg(h, "start").get("value"), r["addr"])
                c.eq(f"home {i}: len", arg(h, "len").get("value"), r["len"])
                c.eq(f"home {i}: home_node", arg(h, "home_node").get("value"), r["home"])
                c.eq(f"home {i}: flags", arg(h, "flags").get("value"), 0)
    c.done()


def check_core(run):
    """The migrate:mm_migrate_pages fields, read with CO-RE on this kernel."""
    kernel = run.meta.get("kernel", "?")
    c = run.test(f"CO-RE on {kernel}: migrate:mm_migrate_pages read without large_folio_split")
    want_s = want_f = got_s = got_f = 0
    for f in run.facts.values():
        parts = [f[k] for k in ("there", "back", "query", "spread") if k in f] or [f]
        for k in parts:
            want_s += k.get("VmstatSuccess", 0)
            want_f += k.get("VmstatFail", 0)
    for ev in run.events:
        m = ev.get("migration")
        if m:
            got_s += m.get("succeeded", 0)
            got_f += m.get("failed", 0)
            c.eq(f"{ev['eventName']} migration.split", m.get("split"), 0)
    c.true("no page migrated: nothing to compare", want_s > 0)
    c.eq("sum of migration.succeeded", got_s, want_s)
    c.eq("sum of migration.failed", got_f, want_f)
    c.name += f" ({got_s} pages over {len(run.events)} events)"
    c.done()


def check_race(run):
    """numatest's race: one thread flips the mask {0} <-> {0,1} while another
    calls set_mempolicy(MPOL_BIND) then get_mempolicy, which reports the
    policy the kernel applied. With a kernel copy, every copy must be that
    policy, and toctou must be set exactly when the entry read differs from
    it; at least one call must be caught."""
    kcopy = run.method != REREAD
    c = run.test(f"TOCTOU race {{0}}<->{{0,1}}: set_mempolicy checked by {run.method}"
                 + (", every kernel copy == the policy get_mempolicy read back" if kcopy else ""))
    f = run.fact([c], "toctou_race")
    if f:
        n = f["calls"]
        c.eq("guest: failed set_mempolicy/get_mempolicy calls", f["failed"], 0)
        sets = [e for e in run.of(f["pid"], "set_mempolicy")
                if arg(e, "nodemask").get("value")]  # not the final reset
        gets = run.of(f["pid"], "get_mempolicy")
        c.eq("set_mempolicy events of the race", len(sets), n)
        c.eq("get_mempolicy events of the race", len(gets), n)
        flagged = differs = caught = changed = 0
        for i, (sev, gev) in enumerate(zip(sets, gets)):
            a = arg(sev, "nodemask")
            applied = nodes_of_mask(f["got"][i])
            c.eq(f"call {i}: threadId", sev.get("hostThreadId"), f["tid"])
            c.eq(f"call {i}: get_mempolicy nodemask.nodes vs the guest's", arg(gev, "nodemask")
                 .get("nodes"), applied)
            c.true(f"call {i}: nodes {a.get('nodes')}, not [0] or [0, 1]",
                   a.get("nodes") in ([0], [0, 1]))
            c.eq(f"call {i}: toctouCheck", a.get("toctouCheck"), run.method)
            if kcopy:
                c.eq(f"call {i}: kernelNodes vs the policy applied", a.get("kernelNodes"), applied)
                c.eq(f"call {i}: toctou (nodes {a.get('nodes')}, kernelNodes "
                     f"{a.get('kernelNodes')})", bool(a.get("toctou")),
                     a.get("nodes") != a.get("kernelNodes"))
                changed += bool(a.get("changedAtExit"))
            else:
                c.true(f"call {i}: kernelNodes without a kernel copy", "kernelNodes" not in a)
            flagged += bool(a.get("toctou"))
            differs += a.get("nodes") != applied
            caught += bool(a.get("toctou")) and a.get("nodes") != applied
        during = (f"the mask flipped during {f.get('contended', '?')} calls; "
                  f"{f.get('waits', '?')} waits for the flipper to run")
        if kcopy:
            c.true(f"no call caught in {n} ({f.get('seconds', '?')} s, {during}): the race"
                   " did not happen", flagged > 0)
            c.name += (f" ({flagged} of {n} calls flagged, each a real race; {during}; the"
                       f" exit re-read saw a change in {changed})")
        else:
            c.name += (f" (informative: {flagged} of {n} calls flagged; the entry read was not"
                       f" the policy applied in {differs}, of which {caught} flagged; {during})")
    c.done()


def check_hostile_race(run):
    """tests/hostile/hostile.c's race as is (no read-back): every event
    checked by the run's method, a kernel copy consistent with the verdict."""
    kcopy = run.method != REREAD
    c = run.test(f"hostile.c race: set_mempolicy checked by {run.method}")
    try:
        made = json.load(open(os.path.join(run.gdir, f"{run.name}.hostile.json")))
    except (OSError, ValueError):
        made = None
    if c.true("hostile.c wrote no log", made):
        evs = [e for e in run.events
               if e.get("processName") == "hostile" and e.get("eventName") == "set_mempolicy"]
        c.eq("set_mempolicy events vs calls made", len(evs), made["set_mempolicy"])
        flagged = n = 0
        for i, ev in enumerate(evs):
            a = arg(ev, "nodemask")
            if not a.get("value"):
                continue  # the final reset
            n += 1
            c.eq(f"{i}: toctouCheck", a.get("toctouCheck"), run.method)
            c.true(f"{i}: nodes {a.get('nodes')}", a.get("nodes") in ([0], [0, 1]))
            if kcopy:
                c.true(f"{i}: kernelNodes {a.get('kernelNodes')}",
                       a.get("kernelNodes") in ([0], [0, 1]))
                c.eq(f"{i}: toctou", bool(a.get("toctou")), a.get("nodes") != a.get("kernelNodes"))
            flagged += bool(a.get("toctou"))
        c.name += f" (informative: {flagged} of {n} calls flagged)"
    c.done()


def check_table(gdir, guest):
    """The table's words for the race under --kernel-copy=fexit."""
    c = Check(f"{guest}: table: hostile.c race under --kernel-copy=fexit, a proven race says"
              " \"(kernel copied [...]: TOCTOU)\"")
    try:
        lines = open(os.path.join(gdir, "ktable.txt"), errors="replace").read().splitlines()
    except OSError:
        lines = []
    rows = [l for l in lines[1:] if " set_mempolicy " in l and "maxnode: 3" in l]
    c.true("no set_mempolicy line of the race", rows)
    pat = re.compile(r".*mode: MPOL_BIND, nodemask: \[(0|0-1)\]( \(kernel copied \[(0|0-1)\]:"
                     r" TOCTOU\)| \(changed after the kernel copied it\))?, maxnode: 3$")
    bad = [l for l in rows if not pat.match(l)]
    c.true(f"{len(bad)} lines unlike the others: {bad[:1]}", not bad)
    proven = [l for l in rows if "(kernel copied [" in l]
    for l in proven:
        m = pat.match(l)
        c.true(f"a proven race with equal node sets: {l}", m.group(1) != m.group(3))
    c.name += f" (informative: {len(proven)} of {len(rows)} lines)"
    c.done()


def check_table_migrations(gdir, guest, meta):
    """The table output of migrate_pages {0}->{1} and of move_pages there and
    back: node sets decoded, and the migration counts equal to the guest's
    pgmigrate_success deltas."""
    run = Run(gdir, guest, "table", " [-o table]", meta)
    c = run.test("table: migrate_pages {0}->{1} and move_pages there and back, "
                 "migrated == pgmigrate_success delta")
    try:
        lines = open(os.path.join(gdir, "table.txt"), errors="replace").read().splitlines()
    except OSError:
        lines = []
    mig = run.fact([c], "migrate_pages_self")
    mov = run.fact([c], "move_pages")
    if mig and mov:
        rows = [l for l in lines if " migrate_pages " in l]
        if c.eq("migrate_pages rows", len(rows), 1):
            c.true(f"node sets in {rows[0]}",
                   "old_nodes: [0], new_nodes: [1]" in rows[0])
            m = re.search(r" => migrated (\d+), failed (\d+), split (\d+)$", rows[0])
            if c.true(f"no migration counts in {rows[0]}", m):
                c.eq("migrate_pages: migrated", int(m.group(1)), mig["VmstatSuccess"])
                c.eq("migrate_pages: failed", int(m.group(2)), mig["VmstatFail"])
        moved = [int(m.group(1)) for m in (re.search(r" => migrated (\d+),", l)
                                           for l in lines if " move_pages " in l) if m]
        c.eq("move_pages migrated, there and back", moved,
             [mov["there"]["VmstatSuccess"], mov["back"]["VmstatSuccess"]])
    c.done()


MISPLACED, SYSCALL_OR_CPUSET, MEMPOLICY_MBIND = 5, 3, 4


def check_no_double_count(run):
    """Migrations inside a traced migrate_pages, move_pages or mbind stay on
    the call's record: no page_migration record repeats them."""
    c = run.test("page_migration: the traced calls' migrations not written twice")
    recs = [e for e in run.events if e.get("eventName") == "page_migration"]
    again = [e for e in recs
             if arg(e, "reason").get("value") in (SYSCALL_OR_CPUSET, MEMPOLICY_MBIND)]
    c.eq("page_migration records of reason syscall_or_cpuset or mempolicy_mbind", len(again), 0)
    calls = sum(e["migration"]["succeeded"] for e in run.events if e.get("migration"))
    c.true("no traced call migrated a page: nothing to compare", calls > 0)
    c.name += f" ({calls} pages on the calls' records, {len(recs)} page_migration records)"
    c.done()


def moves_rows(text):
    """The -c table of pages migrated: [(pid, comm, reason, pages, failed)]."""
    rows, seen = [], False
    for line in text.splitlines():
        if line.startswith("pages migrated"):
            seen = True
            continue
        f = line.split()
        if seen and len(f) >= 9 and f[0].isdigit():
            rows.append((int(f[0]), f[1], f[2], int(f[5]), int(f[6])))
    return rows if seen else None


def top_last_table(text):
    """The last table of `mmtrace top -b`: {pid: (comm, column values)}."""
    tables = []
    for line in text.splitlines():
        if line.startswith("mmtrace top - "):
            tables.append({})
            continue
        f = line.split()
        if tables and len(f) >= 14 and f[0].isdigit():
            tables[-1][int(f[0])] = (f[1], f[2:])
    return tables[-1] if tables else None


def check_balancing(gdir, guest, meta):
    """numa_balancing: memory on node 1, the task on node 0. The kernel
    moves the pages (numa_misplaced); mmtrace charges them to the process,
    per record, in -c and in top."""
    run = Run(gdir, guest, "bal", "", meta)
    c0 = run.test("numa_balancing: mmtrace runs, nothing lost")
    c0.eq("exit status", run.rc, 0)
    lost = [l for l in run.stderr.splitlines() if "lost" in l or "malformed" in l]
    c0.true("; ".join(lost), not lost)
    c0.eq("lines that are not JSON", run.bad_lines, 0)
    c0.done()
    c1 = run.test("numa_balancing: the guest kernel moved the pages to node 0")
    c2 = run.test("numa_balancing: numa_misplaced records charged to the process, "
                  "summing to numa_pages_migrated")
    f = run.fact([c1, c2], "numa_balancing")
    if f:
        c1.eq("pages first touched on node 1", f["onNode1Before"], f["pages"])
        c1.eq("pages on node 0 at the end", f["onNode0After"], f["pages"])
        c1.true(f"this task's numa_pages_migrated (/proc/self/sched) not read: "
                f"{f['taskPagesMigrated']}", f["taskPagesMigrated"] >= 0)
        c1.name += f" ({f['seconds']:.1f} s)"
        recs = run.of(f["pid"], "page_migration")
        c2.true("no page_migration record of the process", recs)
        total = inside = 0
        for e in recs:
            c2.eq("reason", arg(e, "reason").get("value"), MISPLACED)
            c2.eq("mode (MIGRATE_ASYNC)", arg(e, "mode").get("value"), 0)
            c2.eq("kernelThread", arg(e, "kernelThread").get("value"), False)
            # the guests have CPU 0 on node 0 and CPU 1 on node 1
            c2.eq("dst_node vs the node of the CPU it ran on", arg(e, "dst_node").get("value"),
                  min(e.get("processorId", -1), 1))
            c2.eq("large_folio_split (not in 6.1)", arg(e, "large_folio_split").get("value"), 0)
            n = arg(e, "succeeded").get("value", 0)
            total += n
            if f["tBegin"] <= e.get("timestamp", 0) <= f["tEnd"]:
                inside += n
        # the kernel's counts are read while balancing is on (the window);
        # what moved after it went off is in numaPagesMigratedAfter
        c2.eq("succeeded summed in the window vs this task's numa_pages_migrated", inside,
              f["taskPagesMigrated"])
        c2.eq("succeeded summed in the window vs the numa_pages_migrated delta", inside,
              f["numaPagesMigrated"])
        c2.eq("succeeded summed, all records vs the window + after it", total,
              f["numaPagesMigrated"] + f["numaPagesMigratedAfter"])
        others = [e for e in run.events if e.get("eventName") == "page_migration"
                  and e.get("hostProcessId") != f["pid"]]
        c2.eq("page_migration records of other processes", len(others), 0)
        c2.name += (f" ({inside} pages in {f['seconds']:.1f} s, {len(recs)} records, "
                    f"{f['numaPagesMigratedAfter']} after)")
    c1.done()
    c2.done()

    # -c: counted in the kernel, numa_balancing and an mbind that moves 32
    c = Check(f"{guest}: -c pages migrated by reason: numa_misplaced and mempolicy_mbind")
    text = ""
    for name in ("balc.txt", "balc.facts.json"):  # the summary, numatest's facts
        p = os.path.join(gdir, name)
        text += open(p, errors="replace").read() + "\n" if os.path.exists(p) else ""
    facts = {}
    for line in text.splitlines():
        if line.startswith("{"):
            try:
                j = json.loads(line)
                facts[j["scenario"]] = j
            except (ValueError, KeyError):
                pass
    rows = moves_rows(text)
    c.true("no 'pages migrated' table in balc.txt", rows is not None)
    bal, mb = facts.get("numa_balancing"), facts.get("mbind_move")
    c.true("numatest reported nothing for numa_balancing / mbind_move", bal and mb)
    if rows is not None and bal and mb:
        mis = [r for r in rows if r[0] == bal["pid"]]
        c.eq("numa_misplaced rows of the balancing process", [r[2] for r in mis],
             ["numa_misplaced"] * len(mis) or ["numa_misplaced"])
        c.eq("its pages vs its numa_pages_migrated (+ after balancing went off)",
             sum(r[3] for r in mis), bal["taskPagesMigrated"] + bal["numaPagesMigratedAfter"])
        mbr = [r for r in rows if r[0] == mb["pid"]]
        c.eq("mbind process: reasons", [r[2] for r in mbr], ["mempolicy_mbind"])
        c.eq("mbind process: pages vs pgmigrate_success delta", sum(r[3] for r in mbr),
             mb["VmstatSuccess"])
        c.name += f" ({sum(r[3] for r in mis)} + {sum(r[3] for r in mbr)} pages)"
    c.done()

    # top -b, over both runs: the processes' rows, pages since its start
    c = Check(f"{guest}: mmtrace top -b shows the migrations per process")
    p = os.path.join(gdir, "top.txt")
    table = top_last_table(open(p, errors="replace").read()) if os.path.exists(p) else None
    c.true("top printed no table", table)
    if table is not None:
        for name, fact, col in (("bal", f, 3), ("balc", bal, 3), ("balc mbind", mb, 5)):
            if not fact:
                c.errors.append(f"no facts of {name}")
                continue
            if "taskPagesMigrated" in fact:
                want = fact["taskPagesMigrated"] + fact["numaPagesMigratedAfter"]
            else:
                want = fact["VmstatSuccess"]
            row = table.get(fact["pid"])
            if not c.true(f"no row for {name} pid {fact['pid']}", row):
                continue
            c.eq(f"{name}: comm", row[0], "numatest")
            c.eq(f"{name}: PAGES", int(row[1][-2]), want)
    c.done()


def numa_maps_anon(text):
    """Anonymous pages per node of numa_maps text (base pages; a mapping
    with file= is file-backed; hugetlb apart), as mmtrace counts them."""
    nodes = {}
    for line in text.splitlines():
        toks = line.split()
        if "huge" in toks or any(t.startswith("file=") for t in toks):
            continue
        kb = 4
        for t in toks:
            if t.startswith("kernelpagesize_kB="):
                kb = int(t.split("=")[1])
        for t in toks[1:]:
            m = re.fullmatch(r"N(\d+)=(\d+)", t)
            if m and int(m.group(2)):
                n = int(m.group(1))
                nodes[n] = nodes.get(n, 0) + int(m.group(2)) * kb // 4
    return nodes


def sample_anon(ev):
    """Anonymous pages per node of a placement record."""
    return {n["node"]: n["anon"] for n in arg(ev, "nodes").get("value") or [] if n.get("anon")}


def summary_of(stderr, pid):
    """The placement summary block of pid: (head line, {node: (anon before,
    anon after)}, moved-by line)."""
    lines = stderr.splitlines()
    for i, l in enumerate(lines):
        if l.startswith(f"placement of {pid} "):
            rows, moved = {}, None
            for r in lines[i + 2:]:
                if r.startswith("placement"):
                    break
                f = r.split()
                if len(f) == 10 and f[0].isdigit():
                    rows[int(f[0])] = (int(f[1]), int(f[2]))
                elif r.startswith("  moved by:"):
                    moved = r
            return l, rows, moved
    return None, {}, None


def check_placement(gdir, guest, meta):
    """--placement --follow: the worker's memory bound to node 0, moved to
    node 1 by migrate_pages. Its samples against the numa_maps it read
    itself (anon exactly), the summary's moves against its call's counts
    and the vmstat deltas."""
    run = Run(gdir, guest, "pl", " [--placement --follow]", meta)
    c0 = run.test("placement: mmtrace runs, nothing lost")
    c0.eq("exit status", run.rc, 0)
    lost = [l for l in run.stderr.splitlines() if "lost" in l or "malformed" in l]
    c0.true("; ".join(lost), not lost)
    c0.eq("lines that are not JSON", run.bad_lines, 0)
    c0.done()
    c1 = run.test("placement: the first sample of the worker (bound to node 0) == its "
                  "numa_maps before, anon exactly")
    c2 = run.test("placement: the interval and exit samples (moved to node 1) == its "
                  "numa_maps after, anon exactly")
    c3 = run.test("placement: the summary's pages moved by reason == migrate_pages' "
                  "migration == pgmigrate_success delta")
    f = run.fact([c1, c2, c3], "placement")
    if f:
        w = f["worker"]
        recs = [e for e in run.events
                if e.get("eventName") == "placement" and e.get("hostProcessId") == w]
        kinds = [arg(e, "kind").get("value") for e in recs]
        before, after = numa_maps_anon(f["mapsBefore"]), numa_maps_anon(f["mapsAfter"])
        c1.eq("guest: the first pages of the buffer on node 0", f["onNode0Before"], NPAGES)
        c1.true(f"guest: anon on node 0 before: {before}", before.get(0, 0) >= f["pages"])
        if c1.true(f"no placement record of the worker {w}", recs):
            c1.eq("kind of the first sample", kinds[0], "start")
            c1.eq("its parent", recs[0].get("parentProcessId"), f["pid"])
            c1.eq("anon per node, first sample vs numa_maps before the fork", sample_anon(recs[0]),
                  before)
        c2.eq("guest: migrate_pages returned", f["ret"], 0)
        c2.eq("guest: pages of the buffer on node 1 after", f["onNode1After"], f["pages"])
        c2.true(f"guest: anon on node 1 after: {after}", after.get(1, 0) >= f["pages"])
        if recs:
            c2.eq("kind of the last sample", kinds[-1], "exit")
            c2.eq("anon per node, exit sample vs numa_maps at the end", sample_anon(recs[-1]),
                  after)
            inter = [e for e in recs if arg(e, "kind").get("value") == "interval"]
            # the worker holds still 1.5 s after the move: --interval 1 samples it
            if c2.true(f"no interval sample of the worker: {kinds}", inter):
                c2.eq("anon per node, last interval sample vs numa_maps at the end",
                      sample_anon(inter[-1]), after)
        calls = run.of(w, "migrate_pages")
        if c3.eq("migrate_pages events of the worker", len(calls), 1):
            mig = calls[0].get("migration") or {}
            c3.eq("migration.succeeded vs pgmigrate_success delta", mig.get("succeeded"),
                  f["VmstatSuccess"])
            c3.eq("migration.failed vs pgmigrate_fail delta", mig.get("failed"),
                  f["VmstatFail"])
            c3.true(f"guest: pgmigrate_success rose by {f['VmstatSuccess']}",
                    f["VmstatSuccess"] >= f["pages"])
            head, rows, moved = summary_of(run.stderr, w)
            c3.true(f"no summary of the worker {w}", head)
            if head:
                want = f"  moved by: syscall_or_cpuset {mig.get('succeeded')}"
                if f["VmstatFail"]:
                    want += f" (failed: syscall_or_cpuset {f['VmstatFail']})"
                c3.eq("the summary's moved-by line", moved, want)
                c3.true(f"summary head: {head}", f"child of {f['pid']}: start " in head
                        and " -> exit " in head)
                if recs:
                    for n in (0, 1):
                        c3.eq(f"summary node {n} anon before/after vs first/exit sample",
                              rows.get(n, (0, 0)), (sample_anon(recs[0]).get(n, 0),
                                                    sample_anon(recs[-1]).get(n, 0)))
        again = [e for e in run.events if e.get("eventName") == "page_migration"
                 and arg(e, "reason").get("value") in (SYSCALL_OR_CPUSET, MEMPOLICY_MBIND)]
        c3.eq("page_migration records repeating the call's migrations", len(again), 0)
        c1.name += f" ({before.get(0, 0)} on node 0)"
        c2.name += f" ({after.get(1, 0)} on node 1, {len(recs)} samples)"
        c3.name += f" ({f['VmstatSuccess']} pages)"
    c1.done()
    c2.done()
    c3.done()


def check_guest(gdir, guest):
    meta = {}
    for line in open(os.path.join(gdir, "meta.txt"), errors="replace"):
        if "=" in line:
            k, v = line.rstrip("\n").split("=", 1)
            meta[k] = v
    n = int(meta.get("nodes_wanted", "0") or 0)
    c = Check(f"{guest}: {n} NUMA nodes online in the guest")
    c.eq("online nodes", meta.get("nodes_online"), f"0-{n - 1}")
    if n == 4:
        c.eq("CPUs of node 2 and 3 (memory-only)", [meta.get("node2_cpus"), meta.get("node3_cpus")],
             ["", ""])
    c.eq("/sys/kernel/btf/vmlinux readable", meta.get("btf"), "yes")
    c.done()

    # the 6.1 guest has fentry/fexit: the default (auto) takes the kernel copy by fexit
    runs = [Run(gdir, guest, "raw", "", meta),
            Run(gdir, guest, "sctp", " [--syscall-tracepoints]", meta),
            Run(gdir, guest, "kfexit", " [--kernel-copy=fexit]", meta, FEXIT),
            Run(gdir, guest, "kkprobe", " [--kernel-copy=kprobe]", meta, KPROBE),
            Run(gdir, guest, "koff", " [--kernel-copy=off]", meta, REREAD)]
    for run in runs:
        c = run.test(f"mmtrace (built on the host) loads and runs on {meta.get('kernel', '?')}")
        if run.rc is None:
            c.true("the guest did not run it", False)
        elif not c.eq("exit status", run.rc, 0):
            c.errors.append(run.load_failure())
        else:
            c.name += f" ({run.secs:.1f} s)"
        c.done()
        c = run.test("no event lost or malformed")
        lost = [l for l in run.stderr.splitlines() if "lost" in l or "malformed" in l]
        c.true("; ".join(lost), not lost)
        c.eq("lines that are not JSON", run.bad_lines, 0)
        c.done()

        if run.name.startswith("k"):  # the race runs
            if run.method != REREAD:
                check_migrate_pages(run, "migrate_pages_self", False)
                check_mbind(run)
            check_race(run)
            check_hostile_race(run)
            continue
        check_migrate_pages(run, "migrate_pages_self", False)
        check_move_pages(run, "move_pages", ["there", "back", "query"],
                         f"move_pages of {NPAGES} pages to node 1 and back")
        check_mbind(run)
        check_migrate_pages(run, "migrate_pages_other", True)
        if run.name == "sctp":
            continue
        if n >= 4:
            check_move_pages(run, "move_pages_spread", ["spread"],
                             f"move_pages of page i to node i%{n}")
        check_policy(run, "set_mempolicy_interleave",
                     f"MPOL_INTERLEAVE {{{','.join(map(str, range(n)))}}}", True)
        check_policy(run, "set_mempolicy_preferred_many",
                     "MPOL_PREFERRED_MANY " + ("{2,3}" if n >= 4 else "{1}"), False)
        if n >= 4:
            check_home_node(run)
        check_core(run)
        check_no_double_count(run)
    check_table(gdir, guest)
    check_placement(gdir, guest, meta)
    check_balancing(gdir, guest, meta)
    check_table_migrations(gdir, guest, meta)


def main():
    top = sys.argv[1]
    for guest in sorted(os.listdir(top)):
        gdir = os.path.join(top, guest)
        if os.path.exists(os.path.join(gdir, "meta.txt")):
            check_guest(gdir, guest)


if __name__ == "__main__":
    main()
