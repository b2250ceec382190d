#!/usr/bin/env bash
# Builds Latchkey and opens it. Extra arguments go to the program.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/deps.sh
go build -o bin/latchkey .
exec ./bin/latchkey "$@"
