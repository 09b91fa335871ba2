# dkimpy over the same corpus as bench_dkim --verify-corpus (messages in memory, keys from a
# dict through dnsfunc). Run with /usr/bin/python3 (Debian's python3-dkim).
#   dkim_dkimpy_driver.py DNS_FILE SECONDS MESSAGE...  ->  "msgs/s MB/s passed/total"
import sys, time, dkim

records = {}
for line in open(sys.argv[1]):
    name, value = line.rstrip('\n').split(' ', 1)
    records[name.lower()] = value.encode()

def dnsfunc(name, timeout=5):
    if isinstance(name, bytes):
        name = name.decode()
    return records.get(name.lower().rstrip('.'))

seconds = float(sys.argv[2])
messages = [open(p, 'rb').read() for p in sys.argv[3:]]
counts = [m.split(b'\r\n\r\n', 1)[0].lower().count(b'\ndkim-signature:') +
          (1 if m.lower().startswith(b'dkim-signature:') else 0) for m in messages]
done = nbytes = passed = total = 0
start = time.monotonic()
while True:
    for m, c in zip(messages, counts):
        d = dkim.DKIM(m)  # parsed once, each signature verified on it
        for i in range(c):
            total += 1
            try:
                passed += bool(d.verify(idx=i, dnsfunc=dnsfunc))
            except dkim.DKIMException:
                pass
        done += 1
        nbytes += len(m)
    elapsed = time.monotonic() - start
    if elapsed >= seconds:
        break
print("%.0f %.1f %d/%d" % (done / elapsed, nbytes / elapsed / 1e6, passed, total))
