#!/usr/bin/env bash
# Times pcap2wav converting a generated one-hour two-way G.711 call
# (360,000 RTP packets) against sox converting the same A-law audio (raw
# payloads of both sides, already extracted) into a stereo WAV, in the same
# run; then measures pcap2wav's peak RSS on a two-hour call.
# Usage: bench/pipeline.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/usr/local/go/bin:$PATH"
runs=${1:-3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

go build -o "$tmp/pcap2wav" ./examples/pcap2wav
go build -o "$tmp/mkcall" ./bench/cmd/mkcall
"$tmp/mkcall" -d 1h -o "$tmp/hour.pcap" -raw "$tmp/hour"
echo "1-hour call: $(du -m "$tmp/hour.pcap" | cut -f1) MB pcap"

best() { # best user+sys CPU seconds and wall seconds of $runs runs of "$@"
	local b="" w=""
	for _ in $(seq "$runs"); do
		/usr/bin/time -f '%U %S %e' -o "$tmp/time" "$@" >/dev/null 2>&1
		read -r u s e <"$tmp/time"
		local t
		t=$(awk "BEGIN{print $u+$s}")
		if [ -z "$b" ] || awk "BEGIN{exit !($t < $b)}"; then b=$t; w=$e; fi
	done
	echo "$b $w"
}

read -r ours ourwall < <(best taskset -c 0 "$tmp/pcap2wav" -o "$tmp/ours.wav" "$tmp/hour.pcap")
printf '%-40s %6.2f s CPU (%5.2f s wall, one core)\n' "pcap2wav (pcap -> stereo WAV)" "$ours" "$ourwall"
if command -v sox >/dev/null; then
	read -r s swall < <(best taskset -c 0 sox -M -t al -r 8000 -c 1 "$tmp/hour.local.al" -t al -r 8000 -c 1 "$tmp/hour.remote.al" "$tmp/sox.wav")
	printf '%-40s %6.2f s CPU (%5.2f s wall); pcap2wav/sox = %.2f\n' "sox -M (raw A-law x2 -> stereo WAV)" "$s" "$swall" "$(awk "BEGIN{print $ours/$s}")"
fi

"$tmp/mkcall" -d 2h -o "$tmp/two.pcap"
rm -f "$tmp/hour.pcap" "$tmp/ours.wav" "$tmp/sox.wav"
/usr/bin/time -v "$tmp/pcap2wav" -o "$tmp/two.wav" "$tmp/two.pcap" 2>"$tmp/rss" >/dev/null
rss=$(awk -F: '/Maximum resident set size/{gsub(/ /,"",$2); print $2}' "$tmp/rss")
printf '2-hour call (%s MB pcap, %s MB WAV): peak RSS %.1f MB (limit 64 MB)\n' \
	"$(du -m "$tmp/two.pcap" | cut -f1)" "$(du -m "$tmp/two.wav" | cut -f1)" "$(awk "BEGIN{print $rss/1024}")"
awk "BEGIN{exit !($rss <= 65536)}" || { echo "peak RSS above 64 MB"; exit 1; }
