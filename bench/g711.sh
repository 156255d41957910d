#!/usr/bin/env bash
# Times G.711 A-law decoding of one hour of audio (28.8 MB) by callrec's
# decoder, sox and ffmpeg on the same file, in the same run, and prints the
# ratios. Usage: bench/g711.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/usr/local/go/bin:$PATH"
runs=${1:-3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

go build -o "$tmp/g711dec" ./bench/cmd/g711dec
head -c $((8000 * 3600)) /dev/urandom >"$tmp/hour.al" # every byte is an A-law code

best() { # best user+sys CPU seconds of $runs runs of "$@"
	local b=""
	for _ in $(seq "$runs"); do
		local t
		/usr/bin/time -f '%U %S' -o "$tmp/time" "$@" >/dev/null 2>&1
		t=$(awk '{print $1+$2}' "$tmp/time")
		if [ -z "$b" ] || awk "BEGIN{exit !($t < $b)}"; then b=$t; fi
	done
	echo "$b"
}

ours=$(best "$tmp/g711dec" "$tmp/hour.al" "$tmp/ours.raw")
printf '%-28s %6.2f s CPU for 1 h of audio\n' "callrec g711dec" "$ours"
if command -v sox >/dev/null; then
	s=$(best sox -t al -r 8000 -c 1 "$tmp/hour.al" -t raw -e signed -b 16 "$tmp/sox.raw")
	cmp -s "$tmp/ours.raw" "$tmp/sox.raw" && same="bit-identical" || same="DIFFERENT OUTPUT"
	printf '%-28s %6.2f s  (ours is %.1fx faster; %s)\n' "sox" "$s" "$(awk "BEGIN{print $s/$ours}")" "$same"
fi
if command -v ffmpeg >/dev/null; then
	f=$(best ffmpeg -v quiet -threads 1 -f alaw -ar 8000 -ac 1 -i "$tmp/hour.al" -f s16le -y "$tmp/ffmpeg.raw")
	cmp -s "$tmp/ours.raw" "$tmp/ffmpeg.raw" && same="bit-identical" || same="DIFFERENT OUTPUT"
	printf '%-28s %6.2f s  (ours is %.1fx faster; %s)\n' "ffmpeg -threads 1" "$f" "$(awk "BEGIN{print $f/$ours}")" "$same"
fi
