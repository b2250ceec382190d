#!/usr/bin/env bash
# Runs Latchkey's QR reader, ZXingReader (zxing-cpp-tools) and zbarimg
# (zbar-tools) side by side on the generated screenshot-like set and prints,
# per kind of image, how many images each read completely and correctly, and
# the total wall-clock time of each. Every reader runs once per image, as a
# user would run it.
#
#   scripts/qr-bench.sh [SCENEDIR]
#
# SCENEDIR defaults to a fresh set made by scripts/gen-qr-scenes.sh. Exits 1
# when Latchkey reads fewer images than a peer in some kind, or takes longer
# in total than ZXingReader.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/local/go/bin"
for t in ZXingReader zbarimg; do
	command -v "$t" >/dev/null || { echo "qr-bench: $t is missing (apt-get install zxing-cpp-tools zbar-tools)" >&2; exit 3; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
dir=${1:-}
if [ -z "$dir" ]; then
	dir=$tmp/scenes
	scripts/gen-qr-scenes.sh "$dir"
fi
go build -o "$tmp/qrread" ./qrimport/internal/qrread

# Each reader prints one decoded text per line.
read_latchkey() { "$tmp/qrread" "$1" 2>/dev/null || true; }
read_zxing() { ZXingReader -format QRCode "$1" 2>/dev/null | sed -n 's/^Text: *"\(.*\)"$/\1/p' || true; }
read_zbar() { zbarimg -q --raw --nodbus "$1" 2>/dev/null || true; }

images=$(cut -f1 "$dir/manifest.tsv" | uniq)
readers=(latchkey zxing zbar)
declare -A ok total secs
for r in "${readers[@]}"; do mkdir -p "$tmp/out-$r"; secs[$r]=0; done
declare -A kindms
# Readers take turns on each image, so a busy machine slows all of them alike.
for f in $images; do
	kind=$(awk -F'\t' -v f="$f" '$1 == f { print $2; exit }' "$dir/manifest.tsv")
	for r in "${readers[@]}"; do
		start=$EPOCHREALTIME
		read_$r "$dir/$f" >"$tmp/out-$r/$f.txt"
		end=$EPOCHREALTIME
		secs[$r]=$(awk -v a="${secs[$r]}" -v s="$start" -v e="$end" 'BEGIN { printf "%.6f", a + e - s }')
		kindms[$r,$kind]=$(awk -v a="${kindms[$r,$kind]:-0}" -v s="$start" -v e="$end" 'BEGIN { printf "%.3f", a + (e - s) * 1000 }')
	done
done

# An image counts as read when every code it holds came out exactly.
for f in $images; do
	kind=$(awk -F'\t' -v f="$f" '$1 == f { print $2; exit }' "$dir/manifest.tsv")
	awk -F'\t' -v f="$f" '$1 == f { print $3 }' "$dir/manifest.tsv" | LC_ALL=C sort >"$tmp/want"
	total[$kind]=$((${total[$kind]:-0} + 1))
	for r in "${readers[@]}"; do
		LC_ALL=C sort -u "$tmp/out-$r/$f.txt" >"$tmp/got"
		if [ -z "$(LC_ALL=C comm -23 "$tmp/want" "$tmp/got")" ]; then
			ok[$r,$kind]=$((${ok[$r,$kind]:-0} + 1))
		elif [ -n "${QR_BENCH_VERBOSE:-}" ]; then
			echo "miss: $r $f" >&2
		fi
	done
done

status=0
printf '%-13s %6s %9s %12s %8s   %s\n' kind images latchkey ZXingReader zbarimg "time (ms): latchkey ZXingReader zbarimg"
declare -A sum
for kind in $(printf '%s\n' "${!total[@]}" | sort); do
	l=${ok[latchkey,$kind]:-0} z=${ok[zxing,$kind]:-0} b=${ok[zbar,$kind]:-0}
	mark=""
	if ((l < z || l < b)); then mark="  <- behind a peer"; status=1; fi
	printf '%-13s %6d %9d %12d %8d   %8.0f %8.0f %8.0f%s\n' "$kind" "${total[$kind]}" "$l" "$z" "$b" \
		"${kindms[latchkey,$kind]}" "${kindms[zxing,$kind]}" "${kindms[zbar,$kind]}" "$mark"
	sum[n]=$((${sum[n]:-0} + total[$kind])); sum[l]=$((${sum[l]:-0} + l)); sum[z]=$((${sum[z]:-0} + z)); sum[b]=$((${sum[b]:-0} + b))
done
printf '%-13s %6d %9d %12d %8d\n' total "${sum[n]}" "${sum[l]}" "${sum[z]}" "${sum[b]}"
printf '%-13s %6s %8.2fs %11.2fs %7.2fs\n' time "" "${secs[latchkey]}" "${secs[zxing]}" "${secs[zbar]}"
if awk -v l="${secs[latchkey]}" -v z="${secs[zxing]}" 'BEGIN { exit !(l > z) }'; then
	echo "qr-bench: Latchkey took longer than ZXingReader" >&2
	status=1
fi
exit $status
