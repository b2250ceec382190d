#!/usr/bin/env bash
# Writes go-modules.json and modules.txt beside this script: every Go module
# the build needs, as a Flatpak source (the module's zip from the Go module
# proxy, checked by sha256, unpacked into vendor/), since Flathub builds
# without network. Run it after go.mod changes; scripts/package-test.sh
# fails while they are out of date. With an argument, writes into that
# folder instead (the test compares).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out="${1:-$here}"
cd "$here/../.."

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go mod vendor -o "$tmp/vendor"
cp "$tmp/vendor/modules.txt" "$out/modules.txt"

# The proxy's case encoding: an upper-case letter becomes "!" and its lower case.
escape() { sed 's/[A-Z]/!\L&/g' <<<"$1"; }

{
  echo "["
  first=1
  while read -r hash path version rest; do
    [ "$hash" = "#" ] || continue
    case "$rest" in *"=>"*) echo "update-go-sources.sh: replaced module $path is not supported" >&2; exit 1 ;; esac
    zip=$(go mod download -json "$path@$version" | sed -n 's/^\t"Zip": "\(.*\)",$/\1/p')
    [ -f "$zip" ] || { echo "update-go-sources.sh: no zip for $path@$version" >&2; exit 1; }
    sum=$(sha256sum "$zip" | cut -d' ' -f1)
    # The zip holds PATH@VERSION/...: as many folders as PATH has parts.
    strip=$(($(tr -cd / <<<"$path" | wc -c) + 1))
    [ $first = 1 ] || echo ","
    first=0
    printf '  {\n    "type": "archive",\n    "url": "https://proxy.golang.org/%s/@v/%s.zip",\n    "sha256": "%s",\n    "strip-components": %d,\n    "dest": "vendor/%s"\n  }' \
      "$(escape "$path")" "$(escape "$version")" "$sum" "$strip" "$path"
  done < "$out/modules.txt"
  echo
  echo "]"
} > "$out/go-modules.json.new"
mv "$out/go-modules.json.new" "$out/go-modules.json"
