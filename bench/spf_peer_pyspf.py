#!/usr/bin/python3
"""pyspf (Debian python3-spf) on an in-memory DNS, evaluating the same policies as bench_spf
(bench/spf_bench_records.txt). Prints one line per scenario:
    pyspf NAME RESULT CHECKS_PER_SECOND(cpu) CHECKS_PER_SECOND(wall)
    spf_peer_pyspf.py RECORDS [SECONDS] [--dns]
--dns: pyspf's own DNS lookups (dnspython over /etc/resolv.conf) instead of the in-memory
zone; the records must then be served there (bench/spf-compare-dns).
Run through bench/spf-compare (needs /usr/bin/python3: Debian's python modules)."""
import socket
import sys
import time

import spf

use_dns = "--dns" in sys.argv[1:]
args = [a for a in sys.argv[1:] if a != "--dns"]
path = args[0] if len(args) > 0 else "spf_bench_records.txt"
seconds = float(args[1]) if len(args) > 1 else 1.0

zone = {}
scenarios = []
for line in open(path):
    line = line.rstrip("\n")
    if not line or line.startswith("#"):
        continue
    if line.startswith("@scenario "):
        scenarios.append(line.split()[1:])
        continue
    owner, rtype, data = line.split(" ", 2)
    if rtype == "TXT":
        value = (data.encode(),)
    elif rtype == "AAAA":
        value = socket.inet_pton(socket.AF_INET6, data)
    elif rtype == "MX":
        pref, host = data.split()
        value = (int(pref), host)
    else:
        value = data
    zone.setdefault(owner.lower(), []).append((rtype, value))


def lookup(name, qtype, strict=True, timeout=None, level=0):
    for rtype, value in zone.get(name.lower().rstrip("."), []):
        if rtype == qtype:
            yield ((name, rtype), value)


if not use_dns:
    spf.DNSLookup = lookup

for name, ip, mail_from, helo, expected in scenarios:
    def once():
        return spf.query(i=ip, s=mail_from, h=helo).check()[0]
    result = once()
    n = 0
    cpu0, wall0 = time.process_time(), time.monotonic()
    while time.monotonic() - wall0 < seconds:
        for _ in range(100):
            once()
        n += 100
    cpu, wall = time.process_time() - cpu0, time.monotonic() - wall0
    flag = "" if result == expected else "(UNEXPECTED)"
    print(f"pyspf {name} {result}{flag} {n / cpu:.0f} {n / wall:.0f}")
