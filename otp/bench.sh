#!/usr/bin/env bash
# Measures code generation beside pquerna/otp in the same run and fails
# unless Latchkey is faster for every hash and AppendCode allocates nothing.
# The best of several interleaved rounds is compared, since a busy machine
# only ever makes a round slower. Usage: otp/bench.sh [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")"
rounds=${1:-8}
out=$(go test -run '^$' -bench '^BenchmarkCode$' -benchmem -benchtime 100000x -count "$rounds" .)
echo "$out" | awk -v rounds="$rounds" '
/^BenchmarkCode\// {
	name = $1; sub(/-[0-9]+$/, "", name); sub(/^BenchmarkCode\//, "", name)
	ns = $3 + 0; allocs = $7 + 0
	if (!(name in best) || ns < best[name]) best[name] = ns
	if (allocs > maxallocs[name]) maxallocs[name] = allocs
}
END {
	fail = 0
	n = split("|SHA256/|SHA512/", hashes, "|")
	printf "best of %d rounds (ns/op, allocs/op):\n", rounds
	for (i = 1; i <= n; i++) {
		h = hashes[i]; label = (h == "" ? "SHA1/" : h)
		l = best[h "latchkey"]; a = best[h "latchkey-append"]; p = best[h "pquerna"]
		printf "  %-8s latchkey %7.1f (%d)   append %7.1f (%d)   pquerna %7.1f (%d)   speed-up %.2fx\n",
			label, l, maxallocs[h "latchkey"], a, maxallocs[h "latchkey-append"], p, maxallocs[h "pquerna"], p / l
		if (l == 0 || p == 0) { print "  missing results for " label; fail = 1 }
		if (!(l < p)) { print "  FAIL: latchkey is not faster than pquerna for " label; fail = 1 }
		if (!(a < p)) { print "  FAIL: AppendCode is not faster than pquerna for " label; fail = 1 }
		if (maxallocs[h "latchkey-append"] != 0) { print "  FAIL: AppendCode allocates for " label; fail = 1 }
	}
	exit fail
}'
