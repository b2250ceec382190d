#!/usr/bin/env bash
# Runs every test Latchkey has: formatting, vet, unit, fuzz seeds, the
# real window under Xvfb, the Windows and macOS builds and the packages.
# Installs what the tests need when it is missing.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/deps.sh test

echo "== gofmt and vet" >&2
bad=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [ -n "$bad" ]; then echo "gofmt would change: $bad" >&2; exit 1; fi
go vet ./...

echo "== unit tests" >&2
go build -o bin/latchkey .
export LATCHKEY_BIN="$PWD/bin/latchkey"
# UI tests that need a display get a virtual one.
xvfb-run -a -s "-screen 0 1280x1024x24" go test -count=1 -timeout 40m ./...

# After the unit tests, not beside them: the Windows build keeps a core busy
# for minutes when its cache is cold, and timing-sensitive window tests
# should not share the machine with it.
echo "== cross-builds and packages (scripts/package-test.sh)" >&2
scripts/package-test.sh
