#!/bin/sh
# DKIM verification: senderauth, libopendkim, dkimpy and Mail::DKIM on one generated corpus,
# next to the bound (SHA-256 over the bytes + one signature verification per signature the
# message carries, measured in bench_dkim's process; Ed25519 verified by OpenSSL, as `openssl
# speed` does, and, in a second column, by libsodium, as senderauth does), all in one run. Every
# cell is measured
# RUNS times, the tools interleaved; the table shows medians (messages/s and MB/s), senderauth
# as % of the bound and as a multiple of libopendkim, and whether every signature passed.
# Then the peak RSS of bench_dkim --verify-corpus per message size (memory flat in size?).
#   bench/dkim_compare.sh BUILD_DIR [SECONDS] [COUNT] [RUNS]
# BUILD_DIR: a Release build with -DSENDERAUTH_BUILD_BENCH=ON (bench/bench_dkim built).
# SECONDS per measurement (default 2), COUNT messages per kind and size (default 10),
# RUNS repetitions (default 3). Needs libopendkim-dev, python3-dkim (for /usr/bin/python3),
# libmail-dkim-perl and /usr/bin/time. Raw per-run numbers: set DKIM_COMPARE_RAW=FILE.
set -eu
build=${1:?build dir}
secs=${2:-2}
count=${3:-10}
runs=${4:-3}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d /tmp/senderauth-dkim-bench-XXXXXX)
trap 'rm -rf "$work"' EXIT
bench="$build/bench/bench_dkim"
[ -x "$bench" ] || { echo "dkim_compare: $bench not built" >&2; exit 2; }
"$bench" --write-corpus "$work/corpus" "$count" >/dev/null
cc -O2 -o "$work/opendkim_driver" "$here/dkim_opendkim_driver.c" -lopendkim
raw=$work/raw.txt
: >"$raw"
for kind in rsa ed25519 dual; do
  for size in 2k 16k 64k 256k 1024k; do
    glob="$kind-$size-*.eml"
    # shellcheck disable=SC2086 # $glob is meant to expand
    files=$(ls "$work"/corpus/$glob)
    run=1
    while [ "$run" -le "$runs" ]; do
      echo "$kind $size $run bound $("$bench" --bound "$work/corpus" "$glob" "$secs" 2>/dev/null)" >>"$raw"
      if [ "$kind" != rsa ]; then
        echo "$kind $size $run bound_libsodium $("$bench" --bound-libsodium "$work/corpus" "$glob" "$secs" 2>/dev/null)" >>"$raw"
      fi
      echo "$kind $size $run senderauth $("$bench" --verify-corpus "$work/corpus" "$glob" "$secs" 2>/dev/null)" >>"$raw"
      # shellcheck disable=SC2086
      echo "$kind $size $run libopendkim $("$work/opendkim_driver" "$work/corpus/dns.txt" "$secs" $files)" >>"$raw"
      # shellcheck disable=SC2086
      echo "$kind $size $run dkimpy $(/usr/bin/python3 "$here/dkim_dkimpy_driver.py" "$work/corpus/dns.txt" "$secs" $files)" >>"$raw"
      if [ "$kind" = rsa ]; then  # Debian's Mail::DKIM has no ed25519
        # shellcheck disable=SC2086
        echo "$kind $size $run maildkim $(perl "$here/dkim_maildkim_driver.pl" "$work/corpus/dns.txt" "$secs" $files)" >>"$raw"
      fi
      run=$((run + 1))
    done
  done
done
[ -n "${DKIM_COMPARE_RAW:-}" ] && cp "$raw" "$DKIM_COMPARE_RAW"

/usr/bin/python3 - "$raw" "$runs" <<'PY'
import statistics, sys
from collections import defaultdict
rows = defaultdict(lambda: defaultdict(list))  # (kind, size) -> tool -> [(msgs/s, MB/s, ok)]
order = []
for line in open(sys.argv[1]):
    kind, size, _run, tool, rate, mbs, ok = line.split()
    if (kind, size) not in order:
        order.append((kind, size))
    rows[(kind, size)][tool].append((float(rate), float(mbs), ok))
def med(key, tool, i=0):
    v = rows[key].get(tool)
    return statistics.median(x[i] for x in v) if v else None
failures = []
def checks(key, tool):
    # "" when every signature passed in every run, else the runs' passes/signatures
    v = rows[key].get(tool) or []
    bad = [x[2] for x in v if x[2].split("/")[0] != x[2].split("/")[1]]
    if bad:
        failures.append(f"{tool} {key[0]} {key[1]}")
    return "" if not bad else " FAILED " + ",".join(x[2] for x in v)
print(f"Medians of {sys.argv[2]} runs; messages/s (MB/s).")
print()
print("| corpus | bound msgs/s | senderauth msgs/s (MB/s) | % of bound | % of the libsodium bound | libopendkim msgs/s (MB/s) | senderauth / libopendkim | dkimpy msgs/s (MB/s) | Mail::DKIM msgs/s (MB/s) |")
print("|---|---|---|---|---|---|---|---|---|")
for key in order:
    b, s, o = med(key, "bound"), med(key, "senderauth"), med(key, "libopendkim")
    bs = med(key, "bound_libsodium")
    bs_cell = "(= bound)" if bs is None else f"{100 * s / bs:.1f}%"
    p, m = med(key, "dkimpy"), med(key, "maildkim")
    m_cell = "n/a (no ed25519)" if m is None else f"{m:.0f} ({med(key, 'maildkim', 1):.1f})" + checks(key, "maildkim")
    print(f"| {key[0]} {key[1]} | {b:.0f} | {s:.0f} ({med(key, 'senderauth', 1):.1f}){checks(key, 'senderauth')} "
          f"| {100 * s / b:.1f}% | {bs_cell} | {o:.0f} ({med(key, 'libopendkim', 1):.1f}){checks(key, 'libopendkim')} "
          f"| {s / o:.2f}x | {p:.0f} ({med(key, 'dkimpy', 1):.1f}){checks(key, 'dkimpy')} "
          f"| {m_cell} |")
print()
print("Every signature passed in every run." if not failures
      else "Signatures FAILED (passes/signatures per run shown in the cells): " + "; ".join(failures))
PY

echo
echo "Peak RSS of bench_dkim --verify-corpus (rsa, $count messages per size, 1 s): /usr/bin/time -v"
echo "maximum resident set size, and bench_dkim's own peak with the corpus loaded vs at the end."
echo
echo "| corpus | corpus bytes | max RSS (time -v) kB | peak RSS corpus loaded kB | peak RSS at end kB | growth during verification kB |"
echo "|---|---|---|---|---|---|"
for size in 2k 16k 64k 256k 1024k; do
  /usr/bin/time -v "$bench" --verify-corpus "$work/corpus" "rsa-$size-*.eml" 1 >/dev/null 2>"$work/time.txt"
  rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/time.txt")
  line=$(grep '^max_rss_kb' "$work/time.txt")
  loaded=$(echo "$line" | sed 's/.*corpus_loaded=\([0-9]*\).*/\1/')
  after=$(echo "$line" | sed 's/.*after=\([0-9]*\).*/\1/')
  bytes=$(echo "$line" | sed 's/.*corpus_bytes=\([0-9]*\).*/\1/')
  echo "| rsa $size | $bytes | $rss | $loaded | $after | $((after - loaded)) |"
done
