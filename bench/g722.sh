#!/usr/bin/env bash
# Times callrec's G.722 decoder against ffmpeg's adpcm_g722 and spandsp on
# one hour of G.722 (28.8 MB of 64 kbit/s payload), each on one core,
# writing 16 kHz s16le PCM to /dev/null, and prints the ratios.
#
#   bench/g722.sh [runs]      (default 3 runs each, interleaved; best CPU time counts)
#
# The input repeats the ITU-T speech vector derived/codspw_bytes.g722 of the
# shared corpus ($CALLREC_TESTDATA, default ../shared/testdata) in a
# temporary directory. The spandsp harness is compiled on the fly against
# Debian's libspandsp-dev and never kept. Times are user+system CPU seconds,
# which a loaded machine disturbs less than wall-clock time.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/usr/local/go/bin:$PATH"
runs=${1:-3}
corpus=${CALLREC_TESTDATA:-$(cd .. && pwd)/shared/testdata}
src="$corpus/vectors/g722/derived/codspw_bytes.g722"
[ -r "$src" ] || { echo "missing $src (set CALLREC_TESTDATA)" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/callrec-g722-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
input="$work/hour.g722"
bytes=$((8000 * 3600)) # 64 kbit/s for one hour
size=$(stat -c %s "$src")
for _ in $(seq $(( (bytes + size - 1) / size ))); do cat "$src"; done | head -c "$bytes" >"$input"

go build -o "$work/g722dec" ./bench/cmd/g722dec
declare -A cmds=([callrec]="taskset -c 0 $work/g722dec -o /dev/null $input")
if command -v ffmpeg >/dev/null; then
  cmds[ffmpeg]="taskset -c 0 ffmpeg -nostdin -hide_banner -loglevel error -threads 1 -f g722 -i $input -f s16le -y /dev/null"
fi
if pkg-config --exists spandsp 2>/dev/null || [ -r /usr/include/spandsp.h ]; then
  cat >"$work/spandsp_g722.c" <<'C'
#include <stdio.h>
#include <stdint.h>
#include <spandsp.h>
/* Decode raw G.722 from argv[1] to /dev/null in 160-octet packets. */
int main(int argc, char **argv) {
    FILE *in = fopen(argv[1], "rb"), *out = fopen("/dev/null", "wb");
    if (!in || !out) return 1;
    g722_decode_state_t *s = g722_decode_init(NULL, 64000, 0);
    uint8_t buf[160];
    int16_t pcm[320];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        fwrite(pcm, sizeof pcm[0], g722_decode(s, pcm, buf, (int) n), out);
    return 0;
}
C
  if cc -O2 -o "$work/spandsp_g722" "$work/spandsp_g722.c" $(pkg-config --cflags --libs spandsp 2>/dev/null || echo -lspandsp) 2>"$work/cc.log"; then
    cmds[spandsp]="taskset -c 0 $work/spandsp_g722 $input"
  else
    echo "spandsp harness did not build (skipped):" >&2; cat "$work/cc.log" >&2
  fi
fi

declare -A best
for run in $(seq "$runs"); do
  for name in "${!cmds[@]}"; do
    /usr/bin/time -f "%U %S %e" -o "$work/t" ${cmds[$name]}
    read -r user sys wall <"$work/t"
    cpu=$(echo "$user + $sys" | bc)
    echo "run $run $name: cpu ${cpu}s wall ${wall}s"
    if [ -z "${best[$name]:-}" ] || [ "$(echo "$cpu < ${best[$name]}" | bc)" = 1 ]; then best[$name]=$cpu; fi
  done
done

echo
echo "one hour of G.722 (64 kbit/s), best CPU time of $runs runs, one core:"
for name in callrec ffmpeg spandsp; do
  [ -n "${best[$name]:-}" ] || continue
  line=$(printf "  %-8s %6.2f s" "$name" "${best[$name]}")
  if [ "$name" != callrec ]; then
    line="$line   callrec is $(echo "scale=2; ${best[$name]} / ${best[callrec]}" | bc)x faster"
  fi
  echo "$line"
done
