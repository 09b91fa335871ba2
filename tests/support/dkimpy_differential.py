#!/usr/bin/python3
"""Differential DKIM and ARC test: random messages signed by dkimpy (Debian python3-dkim) and
verified by `senderauth dkim verify`, and signed by `senderauth dkim sign` and verified by
dkimpy; every signature must pass both ways, and a copy with one body byte changed must fail
both ways. With `arc`, the same for ARC sets: `arc_sign` and `senderauth arc verify`,
`senderauth arc seal` and `arc_verify` (relaxed/relaxed, as ARC has it; no l=).

    dkimpy_differential.py SENDERAUTH_BINARY SCRATCH_DIR SEED COUNT [dkim|arc]

The messages (seeded) vary what canonicalisation has to get right: folded fields (spaces and
tabs, several continuation lines), repeated fields, upper- and lower-case names, white space
before and after values, empty values, white space runs and tabs and trailing white space in the
body, lines starting with white space, empty lines inside and at the end, an empty body, 8-bit
bytes; each message under one of the four c= combinations, with or without l=, and stored with
CRLF or (half of them) LF line ends, as files from disk often are. Prints each failure and exits
1 if there is one.
"""
import json, random, re, subprocess, sys
import dkim

binary, scratch = sys.argv[1], sys.argv[2]
seed, count = int(sys.argv[3]), int(sys.argv[4])
mode = sys.argv[5] if len(sys.argv) > 5 else "dkim"
rng = random.Random(seed)

# One key per seed: the runs share the scratch folder, and keygen does not overwrite a key.
key_path = f"{scratch}/dkimpy-diff-{seed}.pem"
printed = subprocess.run([binary, "dkim", "keygen", "--type", "rsa", "--selector", "s1",
                          "--domain", "example.test", "--out", key_path],
                         capture_output=True, text=True, check=True).stdout
record = "".join(re.findall(r'"([^"]*)"', printed))
dns_path = f"{scratch}/dkimpy-diff.dns"
open(dns_path, "w").write(f"s1._domainkey.example.test {record}\n")
key = open(key_path, "rb").read()

def dnsfunc(name, timeout=5):
    if isinstance(name, bytes):
        name = name.decode()
    return record.encode() if name.lower().rstrip(".") == "s1._domainkey.example.test" else None

WORDS = [b"alpha", b"Beta", b"gamma-delta", b"x", b"\xc3\xa9t\xc3\xa9", b"end.", b"=20", b"<tag>"]

def ws():
    return rng.choice([b" ", b" ", b" ", b"  ", b"\t", b" \t "])

def text(n):
    out = b""
    for i in range(n):
        if i:
            out += ws()
        out += rng.choice(WORDS)
    return out

def field(name):
    value = rng.choice([b" ", b"", b"  ", b"\t"]) + text(rng.randint(0, 4))
    for _ in range(rng.choice([0, 0, 1, 2])):  # folding
        value += b"\r\n" + rng.choice([b" ", b"\t", b"  "]) + text(rng.randint(1, 3))
    value += rng.choice([b"", b"", b" ", b"\t"])
    if not value.strip():
        value = rng.choice([b"", b" "])
    return name + b":" + value + b"\r\n"

def message():
    fields = [b"From: Alice <alice@example.test>\r\n"]
    # Repeated names: X-Extra twice (dkimpy refuses to sign Received, which RFC 6376 5.4.1
    # advises against).
    for name in [b"To", b"Subject", b"Date", b"Message-ID", b"X-Extra", b"x-lower", b"X-Extra",
                 b"Received", b"Cc", b"X-Empty"]:
        if rng.random() < 0.6:
            fields.append(field(name))
    rng.shuffle(fields)
    lines = []
    for _ in range(rng.choice([0, 1, 3, 10, 40])):
        kind = rng.random()
        if kind < 0.15:
            lines.append(b"")
        elif kind < 0.25:
            lines.append(ws() + text(rng.randint(1, 6)))
        else:
            lines.append(text(rng.randint(1, 12)) + rng.choice([b"", b"", b" ", b"\t", b"  "]))
    lines += [b""] * rng.choice([0, 0, 1, 3])
    body = b"".join(l + b"\r\n" for l in lines)
    return b"".join(fields) + b"\r\n" + body

def to_lf(data):
    return data.replace(b"\r\n", b"\n")

def altered(data):
    # One body byte changed (not a line end or white space): every body canonicalisation sees it.
    start = data.index(b"\n\n") + 2 if b"\r\n\r\n" not in data else data.index(b"\r\n\r\n") + 4
    for i in range(len(data) - 1, start - 1, -1):
        if data[i:i + 1] not in b" \t\r\n":
            return data[:i] + (b"Q" if data[i:i + 1] != b"Q" else b"R") + data[i + 1:]
    return None  # no visible byte in the body

def ours_arc_verify(path):
    p = subprocess.run([binary, "arc", "verify", "--zone", dns_path, "--json", path],
                       capture_output=True, text=True)
    try:
        j = json.loads(p.stdout)
        return j["result"] + (" (" + j.get("reason", "") + ")" if j.get("reason") else "")
    except Exception:
        return "ERROR " + p.stderr.strip()[:200]

def crlf(data):
    return data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")

def arc_case(n, msg):
    lf = rng.random() < 0.5
    problems = []
    msg = b"Authentication-Results: mx.example.test; spf=pass smtp.mailfrom=example.test\r\n" + msg
    # dkimpy seals, senderauth validates.
    fields = dkim.arc_sign(msg, b"s1", b"example.test", key, b"mx.example.test",
                           timestamp=1795400000)
    sealed = b"".join(fields) + msg
    path = f"{scratch}/arc-{seed}-{n}.eml"
    open(path, "wb").write(to_lf(sealed) if lf else sealed)
    got = ours_arc_verify(path)
    if not got.startswith("pass"):
        problems.append(f"dkimpy sealed, senderauth says {got}")
    bad = altered(sealed)
    if bad is not None:
        open(path, "wb").write(to_lf(bad) if lf else bad)
        got = ours_arc_verify(path)
        if not got.startswith("fail"):
            problems.append(f"dkimpy sealed, body altered, senderauth says {got}")
    # senderauth seals, dkimpy validates.
    src = f"{scratch}/arc-plain-{seed}-{n}.eml"
    open(src, "wb").write(to_lf(msg) if lf else msg)
    p = subprocess.run([binary, "arc", "seal", "--key", key_path, "--domain", "example.test",
                        "--selector", "s1", "--authserv-id", "mx.example.test", "--in", src],
                       capture_output=True)
    ours_sealed = crlf(p.stdout)
    cv = dkim.arc_verify(ours_sealed, dnsfunc=dnsfunc)[0] if p.returncode == 0 else b"-"
    if cv != b"pass":
        problems.append(f"senderauth sealed, dkimpy says {cv}: {p.stderr.decode()[:200]}")
    bad = altered(ours_sealed)
    if bad is not None and dkim.arc_verify(bad, dnsfunc=dnsfunc)[0] != b"fail":
        problems.append("senderauth sealed, body altered, dkimpy does not fail it")
    return f"lf={lf}", problems

def ours_verify(path):
    p = subprocess.run([binary, "dkim", "verify", "--zone", dns_path, "--json", path],
                       capture_output=True, text=True)
    try:
        return [r["result"] + (" (" + r.get("reason", "") + ")" if r.get("reason") else "")
                for r in json.loads(p.stdout)["results"]]
    except Exception:
        return ["ERROR " + p.stderr.strip()[:200]]

def dkim_case(n, msg):
    canon = rng.choice([(b"simple", b"simple"), (b"relaxed", b"relaxed"), (b"relaxed", b"simple"),
                        (b"simple", b"relaxed")])
    length = rng.random() < 0.2
    lf = rng.random() < 0.5
    names = [l.split(b":")[0] for l in msg.split(b"\r\n\r\n")[0].split(b"\r\n") if l[:1] not in b" \t"]
    include = sorted(set(n.lower() for n in names if n and n.lower() != b"received"))
    problems = []

    # dkimpy signs, senderauth verifies.
    sig = dkim.sign(msg, b"s1", b"example.test", key, canonicalize=canon,
                    include_headers=include, length=length)
    signed = sig + msg
    path = f"{scratch}/dkimpy-{seed}-{n}.eml"
    open(path, "wb").write(to_lf(signed) if lf else signed)
    got = ours_verify(path)
    if len(got) != 1 or not got[0].startswith("pass"):
        problems.append(f"dkimpy signed, senderauth says {got}")
    bad = altered(signed)
    if bad is not None:
        open(path, "wb").write(to_lf(bad) if lf else bad)
        got = ours_verify(path)
        if not got[0].startswith("fail"):
            problems.append(f"dkimpy signed, body altered, senderauth says {got}")

    # senderauth signs, dkimpy verifies.
    src = f"{scratch}/plain-{seed}-{n}.eml"
    open(src, "wb").write(to_lf(msg) if lf else msg)
    args = [binary, "dkim", "sign", "--key", key_path, "--domain", "example.test",
            "--selector", "s1", "--canon", (canon[0] + b"/" + canon[1]).decode(), "--in", src]
    if length:
        args.append("--body-length")
    p = subprocess.run(args, capture_output=True)
    ours_signed = crlf(p.stdout)
    if p.returncode != 0 or not dkim.verify(ours_signed, dnsfunc=dnsfunc):
        problems.append(f"senderauth signed, dkimpy fails it: {p.stderr.decode()[:200]}")
    bad = altered(ours_signed)
    if bad is not None and dkim.verify(bad, dnsfunc=dnsfunc):
        problems.append("senderauth signed, body altered, dkimpy still passes it")
    return f"c={canon} l={length} lf={lf}", problems

failures = 0
for n in range(count):
    msg = message()
    label, problems = arc_case(n, msg) if mode == "arc" else dkim_case(n, msg)
    if problems:
        failures += 1
        print(f"--- case {n}: {label}")
        for pr in problems:
            print("  " + pr)
        print(msg.decode("utf-8", "replace"))
print(f"seed {seed}: {failures} of {count} messages fail")
sys.exit(1 if failures else 0)
