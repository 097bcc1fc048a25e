"""Tracee's JSON event as its documentation describes it, as a validator.

The schema comes from Tracee v0.24's documented public types (the godoc of
types/trace: the Event structure, its JSON keys and Go field types, and the
argument types its reader accepts) and from the event pages and example
events of its documentation: every key an event has, the JSON kind and
range of its value, and each argument's type name with the values that fit
it. It is written from those documents, not from Tracee's code, and it is
stricter than Tracee's reader where the documents are: a number must fit
the type named, a string value belongs to type "string" or to a pointer
printed in hex (Tracee's --parse-arguments).

Also here: MurmurHash3 x86_32 written from the algorithm's definition, and
Tracee's entity id of a task (its host id and start time, rounded down to
100 ms, hashed big-endian with seed 0x18273645), to check mmtrace's ids
independently of its C code.
"""
import json
import re

# The event's keys and the JSON kind of each (Tracee v0.24 types/trace
# Event): "int" a Go int (64-bit signed), "uint" a Go uint (64-bit),
# "uint32", "str", "bool", "obj", "list".
EVENT_KEYS = {
    "timestamp": "int", "threadStartTime": "int", "processorId": "int",
    "processId": "int", "cgroupId": "uint", "threadId": "int",
    "parentProcessId": "int", "hostProcessId": "int", "hostThreadId": "int",
    "hostParentProcessId": "int", "userId": "int", "mountNamespace": "int",
    "pidNamespace": "int", "processName": "str", "executable": "obj",
    "hostName": "str", "containerId": "str", "container": "obj",
    "kubernetes": "obj", "eventId": "intstr", "eventName": "str",
    "matchedPolicies": "strlist", "argsNum": "int", "returnValue": "int",
    "syscall": "str", "stackAddresses": "u64list", "contextFlags": "obj",
    "threadEntityId": "uint32", "processEntityId": "uint32",
    "parentEntityId": "uint32", "args": "list",
}
# Keys Tracee always prints, in its order (matchedPolicies is omitempty in
# the type, but Tracee's CLI prints it; metadata is omitted when empty).
EVENT_ORDER = list(EVENT_KEYS)
# The container and kubernetes members the reader knows (all optional).
CONTAINER_KEYS = {"id": "str", "name": "str", "image": "str", "imageDigest": "str"}
KUBERNETES_KEYS = {"podName": "str", "podNamespace": "str", "podUID": "str",
                   "podSandbox": "bool"}
CONTEXT_FLAGS = {"containerStarted": "bool", "isCompat": "bool"}

# Argument type names the v0.24 reader accepts for numbers, with the range
# of each; pointers as trace.Pointer (unsigned 64-bit).
NUMERIC_V024 = {
    "trace.Pointer": (0, 2**64 - 1), "int8": (-2**7, 2**7 - 1), "uint8": (0, 2**8 - 1),
    "uint16": (0, 2**16 - 1), "int32": (-2**31, 2**31 - 1), "uint32": (0, 2**32 - 1),
    "int64": (-2**63, 2**63 - 1), "uint64": (0, 2**64 - 1),
}
# The C type names Tracee up to v0.23 read (and their ranges); a type
# ending in "*" is a pointer in both.
NUMERIC_V023 = {
    "int": (-2**31, 2**31 - 1), "pid_t": (-2**31, 2**31 - 1), "long": (-2**63, 2**63 - 1),
    "unsigned int": (0, 2**32 - 1), "u32": (0, 2**32 - 1), "mode_t": (0, 2**32 - 1),
    "dev_t": (0, 2**32 - 1), "unsigned long": (0, 2**64 - 1), "u64": (0, 2**64 - 1),
    "off_t": (0, 2**64 - 1), "size_t": (0, 2**64 - 1),
}


def _kind_ok(v, kind):
    if kind == "int":
        return type(v) is int and -2**63 <= v < 2**63
    if kind == "uint":
        return type(v) is int and 0 <= v < 2**64
    if kind == "uint32":
        return type(v) is int and 0 <= v < 2**32
    if kind == "str":
        return type(v) is str
    if kind == "bool":
        return type(v) is bool
    if kind == "obj":
        return type(v) is dict
    if kind == "list":
        return type(v) is list
    if kind == "strlist":
        return type(v) is list and all(type(x) is str for x in v)
    if kind == "u64list":
        return type(v) is list and all(type(x) is int and 0 <= x < 2**64 for x in v)
    if kind == "intstr":  # json:"eventId,string": an int in a string
        return type(v) is str and re.fullmatch(r"-?\d+", v) is not None
    raise ValueError(kind)


def _members(obj, keys, where, problems):
    for k, v in obj.items():
        if k in keys and not _kind_ok(v, keys[k]):
            problems.append(f"{where}.{k}: {v!r} is not {keys[k]}")


def validate_arg(a, fmt="v0.24"):
    """Problems of one argument: its name, its type name in the accepted
    set, its value fitting that type."""
    problems = []
    if type(a) is not dict:
        return [f"argument {a!r} is not an object"]
    for k in ("name", "type", "value"):
        if k not in a:
            problems.append(f"argument without {k}: {a!r}")
    if problems:
        return problems
    name, t, v = a["name"], a["type"], a["value"]
    where = f"argument {name}"
    if type(name) is not str or not name:
        problems.append(f"{where}: name {name!r}")
    if type(t) is not str:
        return problems + [f"{where}: type {t!r} is not a string"]
    numeric = NUMERIC_V024 if fmt == "v0.24" else NUMERIC_V023
    pointer = t == "trace.Pointer" if fmt == "v0.24" else t.endswith("*")
    if fmt != "v0.24" and type(v) is str and t == "unsigned long":
        pointer = True  # v0.23: addresses typed by the syscall's prototype
    if v is None:
        return problems
    if type(v) is int:
        rng = (0, 2**64 - 1) if pointer else numeric.get(t)
        if rng is None:
            problems.append(f"{where}: unrecognized argument type {t!r} for a number")
        elif not rng[0] <= v <= rng[1]:
            problems.append(f"{where}: {v} does not fit {t}")
    elif type(v) is str:
        if pointer:
            if not re.fullmatch(r"0x[0-9a-f]+", v):
                problems.append(f"{where}: pointer {v!r} is not 0x and hex digits")
        elif t != "string":
            problems.append(f"{where}: a string value under type {t!r}")
    else:
        problems.append(f"{where}: value {v!r} is neither a number nor a string")
    if type(v) is int and not pointer and t in ("string",):
        problems.append(f"{where}: a number under type string")
    if "rawValue" in a:
        r = a["rawValue"]
        if type(r) is not int or not 0 <= r < 2**64:
            problems.append(f"{where}: rawValue {r!r} is not a 64-bit register")
    return problems


def validate_event(ev, fmt="v0.24"):
    """Problems of one event (a dict from one JSON line); [] when valid."""
    if type(ev) is not dict:
        return ["the line is not a JSON object"]
    problems = []
    keys = [k for k in ev if k in EVENT_KEYS]
    missing = [k for k in EVENT_ORDER if k not in ev]
    if missing:
        problems.append(f"missing keys {missing}")
    elif keys != EVENT_ORDER:
        problems.append(f"keys out of Tracee's order: {keys}")
    for k, kind in EVENT_KEYS.items():
        if k in ev and not _kind_ok(ev[k], kind):
            problems.append(f"{k}: {ev[k]!r} is not {kind}")
    if problems:
        return problems
    if type(ev["executable"].get("path")) is not str:
        problems.append(f"executable.path: {ev['executable']!r}")
    _members(ev["container"], CONTAINER_KEYS, "container", problems)
    _members(ev["kubernetes"], KUBERNETES_KEYS, "kubernetes", problems)
    for k, kind in CONTEXT_FLAGS.items():
        if not _kind_ok(ev["contextFlags"].get(k), kind):
            problems.append(f"contextFlags.{k}: {ev['contextFlags'].get(k)!r}")
    if ev["containerId"] != ev["container"].get("id", ""):
        problems.append("containerId differs from container.id")
    if ev["contextFlags"]["containerStarted"] and not ev["containerId"]:
        problems.append("containerStarted outside a container")
    if ev["argsNum"] != len(ev["args"]):
        problems.append(f"argsNum {ev['argsNum']} for {len(ev['args'])} args")
    for a in ev["args"]:
        problems += validate_arg(a, fmt)
    return problems


def murmur3_32(data, seed):
    """MurmurHash3, x86 32-bit: 4-byte little-endian blocks, the tail, the
    final mix."""
    c1, c2, mask = 0xcc9e2d51, 0x1b873593, 0xffffffff

    def rotl(x, r):
        return ((x << r) | (x >> (32 - r))) & mask

    def scramble(k):
        k = (k * c1) & mask
        return (rotl(k, 15) * c2) & mask

    h = seed & mask
    nblocks = len(data) // 4
    for i in range(nblocks):
        h ^= scramble(int.from_bytes(data[4 * i:4 * i + 4], "little"))
        h = (rotl(h, 13) * 5 + 0xe6546b64) & mask
    tail = data[4 * nblocks:]
    if tail:
        h ^= scramble(int.from_bytes(tail, "little"))
    h ^= len(data)
    h ^= h >> 16
    h = (h * 0x85ebca6b) & mask
    h ^= h >> 13
    h = (h * 0xc2b2ae35) & mask
    return h ^ (h >> 16)


# Vectors published for MurmurHash3 x86_32 (key, seed, hash).
MURMUR3_VECTORS = [
    (b"", 0, 0), (b"", 1, 0x514e28b7), (b"", 0xffffffff, 0x81f16f39),
    (b"\0\0\0\0", 0, 0x2362f9de), (b"\x21\x43\x65\x87", 0, 0xf55b516b),
    (b"\x21\x43\x65", 0, 0x7e4a8634), (b"\x21\x43", 0, 0xa0f7b07a), (b"\x21", 0, 0x72661cf4),
    (b"test", 0x9747b28c, 0x704b81dc), (b"Hello, world!", 0x9747b28c, 0x24884cba),
    (b"The quick brown fox jumps over the lazy dog", 0x9747b28c, 0x2fa826cd),
]


def entity_id(host_id, start_ns):
    """Tracee's entity id of a task: start time (ns since the epoch)
    rounded down to 100 ms, then murmur3 of the id and the time, big-endian,
    seed 0x18273645."""
    t = start_ns // 100000000 * 100000000
    return murmur3_32(host_id.to_bytes(4, "big") + t.to_bytes(8, "big"), 0x18273645)


def validate_lines(text, fmt="v0.24"):
    """(events, problems) of JSON lines: every line must parse and
    validate."""
    events, problems = [], []
    for n, line in enumerate(text.splitlines(), 1):
        try:
            ev = json.loads(line)
        except ValueError as e:
            problems.append(f"line {n}: not JSON: {e}")
            continue
        events.append(ev)
        problems += [f"line {n} ({ev.get('eventName')}): {p}"
                     for p in validate_event(ev, fmt)]
    return events, problems
