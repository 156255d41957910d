#!/usr/bin/env bash
# bench/g729.sh — decode one hour of G.729 speech (360,000 frames) on one
# core with callrec's rtpcodec/g729 (both variants: the main body and Annex
# A) and with the installed peers (ffmpeg's g729 decoder, Debian's libbcg729
# through a small harness compiled here), all on the same raw 10-byte
# frames, and print the times and ratios.
#
# Usage: bench/g729.sh [runs]   (default 3 runs each; the best run counts)
# Needs the shared corpus (CALLREC_TESTDATA or ../shared/testdata), Go, and
# optionally ffmpeg, gcc + libbcg729-dev.
set -euo pipefail

runs=${1:-3}
root=$(cd "$(dirname "$0")/.." && pwd)
data=${CALLREC_TESTDATA:-$root/../shared/testdata}
src=$data/vectors/g729/derived/sip-rtp-g729a_ssrc044559a1.g729
[ -r "$src" ] || { echo "g729.sh: corpus file $src not found" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
frames=360000
raw=$tmp/hour.g729
# Real speech frames from a call, repeated to one hour.
while [ "$(stat -c %s "$raw" 2>/dev/null || echo 0)" -lt $((frames * 10)) ]; do
	cat "$src" >>"$raw"
done
truncate -s $((frames * 10)) "$raw"

now() { date +%s.%N; }
best() { sort -g | head -1; }

run_variant() {
	G729_BENCH_RAW=$raw taskset -c 0 "$tmp/g729.test" -test.run '^$' \
		-test.bench "BenchmarkDecodeRawFile/^$1\$" -test.benchtime 1x -test.benchmem |
		awk '/BenchmarkDecodeRawFile/ {print $3 / 1e9}'
}
run_main() { run_variant main; }
run_annexa() { run_variant annexa; }
run_ffmpeg() {
	local t0
	t0=$(now)
	taskset -c 0 ffmpeg -nostdin -loglevel error -threads 1 -f g729 -i "$raw" -f s16le -y /dev/null
	echo "$(now) - $t0" | bc -l
}
run_bcg729() { taskset -c 0 "$tmp/bcg729bench" "$raw" | cut -d' ' -f1; }

(cd "$root" && go test -c -o "$tmp/g729.test" ./rtpcodec/g729/)
ours=(main annexa)
peers=()
command -v ffmpeg >/dev/null && peers+=(ffmpeg)
if command -v gcc >/dev/null && [ -r /usr/include/bcg729/decoder.h ]; then
	cat >"$tmp/bcg729bench.c" <<'C'
/* Decode raw 10-byte G.729 frames with libbcg729 and report the time. */
#include <bcg729/decoder.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int main(int argc, char **argv) {
	FILE *f = fopen(argv[1], "rb");
	if (!f) return 1;
	fseek(f, 0, SEEK_END);
	long n = ftell(f) / 10;
	fseek(f, 0, SEEK_SET);
	uint8_t *buf = malloc(n * 10);
	if (fread(buf, 10, n, f) != (size_t)n) return 1;
	int16_t pcm[80];
	long sum = 0;
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	bcg729DecoderChannelContextStruct *ctx = initBcg729DecoderChannel();
	for (long i = 0; i < n; i++) {
		bcg729Decoder(ctx, buf + 10 * i, 10, 0, 0, 0, pcm);
		sum += pcm[i % 80];
	}
	closeBcg729DecoderChannel(ctx);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("%.6f %ld\n", (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9, sum);
	return 0;
}
C
	gcc -O2 -o "$tmp/bcg729bench" "$tmp/bcg729bench.c" -lbcg729
	peers+=(bcg729)
fi

# Interleave the decoders run by run so that load changes hit all alike;
# the best run of each counts.
for _ in $(seq "$runs"); do
	for p in "${ours[@]}" "${peers[@]}"; do
		echo "$p $(run_$p)" >>"$tmp/times"
	done
done
best_of() { awk -v p="$1" '$1 == p {print $2}' "$tmp/times" | best; }
echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
for p in "${peers[@]}"; do
	printf '%-40s %7.3f s/hour\n' "$p" "$(best_of "$p")"
done
for o in "${ours[@]}"; do
	t=$(best_of "$o")
	printf '%-40s %7.3f s/hour' "callrec rtpcodec/g729 $o (bit-exact)" "$t"
	for p in "${peers[@]}"; do
		printf '   /%s = %.2f' "$p" "$(echo "$t / $(best_of "$p")" | bc -l)"
	done
	echo
done
