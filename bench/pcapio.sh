#!/usr/bin/env bash
# Times pcapio against tshark on the same generated capture: a 1-hour two-way
# G.711 call (360,000 RTP packets of 172 bytes, Ethernet, classic pcap).
# tshark does a minimal dissection (one field, no name resolution); pcapio
# returns every UDP datagram. Both are measured as processes with
# /usr/bin/time (CPU time, user + sys, which load from other processes on a
# shared machine inflates less than wall time), best of RUNS, one core each
# (GOMAXPROCS=1). Prints both figures and the ratio.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/usr/local/go/bin:$PATH"

if ! command -v tshark >/dev/null; then
  echo "tshark is not installed (apt-get install -y tshark): nothing to compare"
  exit 0
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
file="$tmp/call.pcap"
go test -c -o "$tmp/pcapio.test" ./pcapio
"$tmp/pcapio.test" -test.run '^TestWriteCallFile$' -callfile "$file" >/dev/null

runs=${RUNS:-3}
reads=${READS:-10} # pcapio reads the file this many times per run (a run is short)
packets=360000

# cpu_ns CMD... prints the user+sys CPU time of CMD in nanoseconds.
cpu_ns() {
  /usr/bin/time -f '%U %S' -o "$tmp/time" "$@" >/dev/null 2>&1
  awk '{printf "%.0f\n", ($1 + $2) * 1e9}' "$tmp/time"
}
best() { sort -n | head -1; }

tshark_ns=$(for _ in $(seq "$runs"); do cpu_ns tshark -n -r "$file" -T fields -e udp.srcport; done | best)
ours_ns=$(for _ in $(seq "$runs"); do
  GOMAXPROCS=1 cpu_ns "$tmp/pcapio.test" -test.run '^TestReadCallFile$' -callfile "$file" -callreads "$reads"
done | best)

echo "file: $packets packets, $(($(stat -c %s "$file") / 1000000)) MB; CPU time, best of $runs runs"
awk -v t="$tshark_ns" -v o="$ours_ns" -v r="$reads" -v n="$packets" 'BEGIN {
  o = o / r
  printf "tshark -n -T fields -e udp.srcport: %7.3f s %12.0f packets/s\n", t/1e9, n/(t/1e9)
  printf "pcapio Reader.Next (per read):      %7.3f s %12.0f packets/s\n", o/1e9, n/(o/1e9)
  printf "ratio (tshark CPU time / pcapio CPU time): %.0fx\n", t/o
}'
