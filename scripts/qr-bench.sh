#!/usr/bin/env bash
# Runs Latchkey's QR reader, ZXingReader (zxing-cpp-tools) and zbarimg
# (zbar-tools) side by side on the generated screenshot-like set and prints,
# per kind of image, how many images each read completely and correctly, and
# the time Latchkey and ZXingReader took: limited to one core (taskset -c 0)
# and with two. Every reader runs once per image, as a user would run it.
#
#   scripts/qr-bench.sh [-r RUNS] [SCENEDIR]
#
# SCENEDIR defaults to a fresh set made by scripts/gen-qr-scenes.sh. The
# machine may be busy with other work: Latchkey and ZXingReader take turns on
# each image (which goes first alternates), so load slows both alike, and
# the set is timed RUNS times (default 3); times are medians over the runs.
#
# Exits 1 when Latchkey reads fewer images than a peer in some kind, takes
# longer in total than ZXingReader on one core, or is not faster on two;
# both with and without the 200- and 500-code sheets, where ZXingReader
# spends most of its time. A kind where Latchkey took longer than
# ZXingReader on one core is marked and named on stderr; with
# QR_BENCH_STRICT=1 that exits 1 too (kinds of a few small images are
# mostly process start-up, within the noise of a busy machine).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/local/go/bin"
runs=3
if [ "${1:-}" = -r ]; then runs=${2:?-r needs a count}; shift 2; fi
for t in ZXingReader zbarimg taskset; do
	command -v "$t" >/dev/null || { echo "qr-bench: $t is missing (apt-get install zxing-cpp-tools zbar-tools util-linux)" >&2; exit 3; }
done
if (($(nproc) < 2)); then echo "qr-bench: needs two cores, has $(nproc)" >&2; exit 3; fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
dir=${1:-}
if [ -z "$dir" ]; then
	dir=$tmp/scenes
	scripts/gen-qr-scenes.sh "$dir"
fi
go build -o "$tmp/qrread" ./qrimport/internal/qrread

# Each reader prints one decoded text per line; only the reader itself is
# timed, not the text's clean-up.
# run_READER CPUS FILE
run_latchkey() { taskset -c "$1" "$tmp/qrread" "$2" 2>/dev/null || true; }
run_zxing() { taskset -c "$1" ZXingReader -format QRCode "$2" 2>/dev/null || true; }
texts_latchkey() { cat; }
texts_zxing() { sed -n 's/^Text: *"\(.*\)"$/\1/p'; }
read_zbar() { zbarimg -q --raw --nodbus "$1" 2>/dev/null || true; }

# One line per image: FILE KIND.
awk -F'\t' '!seen[$1]++ { print $1 "\t" $2 }' "$dir/manifest.tsv" >"$tmp/images"
readers=(latchkey zxing zbar)
for r in "${readers[@]}"; do mkdir -p "$tmp/out-$r-1" "$tmp/out-$r-2"; done

# timed CORES READER FILE OUT: runs a reader on one core (cpu 0) or two,
# appends "CORES READER FILE MS" to this run's times.
timed() {
	local cpus=0 start end
	(($1 == 2)) && cpus=0,1
	start=$EPOCHREALTIME
	run_"$2" "$cpus" "$dir/$3" >"$tmp/raw"
	end=$EPOCHREALTIME
	texts_"$2" <"$tmp/raw" >"$4"
	printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.3f", (e - s) * 1000 }')" >>"$tmp/times-$run.tsv"
}

for ((run = 1; run <= runs; run++)); do
	i=0
	while IFS=$'\t' read -r f kind; do
		for cores in 1 2; do
			# Turns alternate, so neither reader always runs on a cache
			# the other warmed.
			if (((i + cores) % 2)); then order=(latchkey zxing); else order=(zxing latchkey); fi
			for r in "${order[@]}"; do timed "$cores" "$r" "$f" "$tmp/out-$r-$cores/$f.txt"; done
		done
		# zbarimg only counts: once, on two cores.
		((run == 1)) && read_zbar "$dir/$f" >"$tmp/out-zbar-2/$f.txt"
		i=$((i + 1))
	done <"$tmp/images"
	echo "qr-bench: run $run of $runs done" >&2
done

# The texts each image holds, sorted, in $tmp/want/FILE: from one pass
# over the manifest sorted by text, not one pass an image.
mkdir "$tmp/want"
LC_ALL=C sort -t "$(printf '\t')" -k3 "$dir/manifest.tsv" | awk -F'\t' -v d="$tmp/want" '{ t[$1] = t[$1] $3 "\n" }
END { for (f in t) { out = d "/" f; printf "%s", t[f] >out; close(out) } }'

# An image counts as read when every code it holds came out exactly (the
# outputs of the last run; Latchkey must read it on one core and on two).
while IFS=$'\t' read -r f kind; do
	for out in latchkey-1 latchkey-2 zxing-2 zbar-2; do
		LC_ALL=C sort -u "$tmp/out-$out/$f.txt" >"$tmp/got"
		if [ -z "$(LC_ALL=C comm -23 "$tmp/want/$f" "$tmp/got")" ]; then
			printf '%s\t%s\t%s\n' "$out" "$kind" "$f"
		elif [ -n "${QR_BENCH_VERBOSE:-}" ]; then
			echo "miss: $out $f" >&2
		fi
	done
done <"$tmp/images" >"$tmp/read.tsv"

# Medians over the runs of each kind's total, and of the two totals.
awk -F'\t' -v runs="$runs" -v strict="${QR_BENCH_STRICT:-}" '
function median(key,   n, i, j, v, t) {
	n = 0
	for (i = 1; i <= runs; i++) v[++n] = ms[i, key] + 0
	for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
	return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
}
FILENAME ~ /images$/ { kind[$1] = $2; kinds[$2] = 1; total[$2]++; next }
FILENAME ~ /read.tsv$/ { ok[$1, $2]++; next }
{
	split(FILENAME, p, "times-"); run = p[2] + 0
	k = kind[$3]
	ms[run, $1 SUBSEP $2 SUBSEP k] += $4
	ms[run, $1 SUBSEP $2 SUBSEP "all"] += $4
	if (k !~ /^sheet-/) ms[run, $1 SUBSEP $2 SUBSEP "scenes"] += $4
}
END {
	status = 0
	printf "%-13s %6s %6s %6s %6s   %-28s %-28s\n", "kind", "images", "latch", "ZXing", "zbar", "1 core: latch ZXing ratio", "2 cores: latch ZXing ratio"
	nk = 0
	for (k in kinds) names[++nk] = k
	for (i = 1; i <= nk; i++) for (j = i + 1; j <= nk; j++) if (names[j] < names[i]) { t = names[i]; names[i] = names[j]; names[j] = t }
	for (i = 1; i <= nk; i++) {
		k = names[i]
		l = (ok["latchkey-1", k] < ok["latchkey-2", k]) ? ok["latchkey-1", k] + 0 : ok["latchkey-2", k] + 0
		z = ok["zxing-2", k] + 0; b = ok["zbar-2", k] + 0
		mark = ""
		if (l < z || l < b) { mark = "  <- behind a peer"; status = 1 }
		l1 = median(1 SUBSEP "latchkey" SUBSEP k); z1 = median(1 SUBSEP "zxing" SUBSEP k)
		l2 = median(2 SUBSEP "latchkey" SUBSEP k); z2 = median(2 SUBSEP "zxing" SUBSEP k)
		if (l1 > z1) {
			mark = mark "  <- slower on 1 core"
			slow = slow (slow == "" ? "" : ", ") sprintf("%s %.2fx", k, l1 / z1)
		}
		printf "%-13s %6d %6d %6d %6d   %8.0f %8.0f %6.2fx   %8.0f %8.0f %6.2fx%s\n", k, total[k], l, z, b, l1, z1, l1 / z1, l2, z2, l2 / z2, mark
		n += total[k]; sl += l; sz += z; sb += b
	}
	printf "%-13s %6d %6d %6d %6d\n", "read", n, sl, sz, sb
	if (slow != "") {
		print "qr-bench: on one core Latchkey took longer than ZXingReader in: " slow > "/dev/stderr"
		if (strict) status = 1
	}
	for (w = 1; w <= 2; w++) {
		set = w == 1 ? "all" : "scenes"
		l1 = median(1 SUBSEP "latchkey" SUBSEP set); z1 = median(1 SUBSEP "zxing" SUBSEP set)
		l2 = median(2 SUBSEP "latchkey" SUBSEP set); z2 = median(2 SUBSEP "zxing" SUBSEP set)
		printf "%-13s %27s   %7.2fs %7.2fs %6.2fx   %7.2fs %7.2fs %6.2fx\n", "time " set, set == "all" ? "(medians of " runs " runs)" : "(without sheet-N)", l1 / 1000, z1 / 1000, l1 / z1, l2 / 1000, z2 / 1000, l2 / z2
		if (l1 > z1) { print "qr-bench: on one core Latchkey took longer than ZXingReader (" set ")" > "/dev/stderr"; status = 1 }
		if (l2 >= z2) { print "qr-bench: on two cores Latchkey was not faster than ZXingReader (" set ")" > "/dev/stderr"; status = 1 }
	}
	exit status
}' "$tmp/images" "$tmp/read.tsv" "$tmp"/times-*.tsv
