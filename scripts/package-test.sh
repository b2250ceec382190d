#!/usr/bin/env bash
# Checks that Latchkey builds for every system it ships on and that what
# ./package.sh makes installs and works: the cgo-free core for macOS and
# Windows, the whole program for Windows (inside package.sh), the .deb
# unpacked and validated, the archive's make install, the zip's programs.
# Called by test.sh; runs alone too.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/deps.sh package

fail() { echo "package-test: $*" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# RFC 6238's SHA-1 seed at T=59s: its Appendix B code, 6 digits.
URI='otpauth://totp/x?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ'
WANT_CODE=287082

echo "== the core for darwin/arm64 and windows/amd64, without cgo" >&2
core=(./otp/... ./vault/... ./qrimport/... ./interop/... ./kit/... ./core/... ./agent/... ./cli/... ./internal/...)
for target in darwin/arm64 windows/amd64; do
  GOOS=${target%/*} GOARCH=${target#*/} CGO_ENABLED=0 go build "${core[@]}"
  GOOS=${target%/*} GOARCH=${target#*/} CGO_ENABLED=0 go vet "${core[@]}"
done

echo "== ./package.sh" >&2
start=$(date +%s)
./package.sh
echo "package.sh took $(($(date +%s) - start)) s" >&2

version=$(sed -n 's/^Version = "\(.*\)"$/\1/p' FyneApp.toml)
id=$(sed -n 's/^ID = "\(.*\)"$/\1/p' FyneApp.toml)
[ -n "$version" ] && [ -n "$id" ] || fail "no Version or ID in FyneApp.toml"
deb=dist/latchkey_${version}_amd64.deb
txz=dist/latchkey-$version-linux-amd64.tar.xz
zip=dist/latchkey-$version-windows-amd64.zip
for f in "$deb" "$txz" "$zip"; do [ -s "$f" ] || fail "package.sh did not make $f"; done
sizes="16 22 24 32 48 64 128 256 512"

# check_binary FILE: the program answers --version and prints a code.
check_binary() {
  local got
  got=$("$1" --version) || fail "$1 --version failed"
  [ "$got" = "latchkey $version" ] || fail "$1 --version: got \"$got\", want \"latchkey $version\""
  got=$("$1" version)
  [ "$got" = "latchkey $version" ] || fail "$1 version: got \"$got\", want \"latchkey $version\""
  got=$("$1" code "$URI" --at 59) || fail "$1 code failed"
  [ "$got" = "$WANT_CODE" ] || fail "$1 code --at 59: got \"$got\", want $WANT_CODE"
  check_tags "$1"
}

# check_tags FILE: built with deps.sh's Fyne tags; the bundled emoji font
# alone would add about 14 MiB to a running window.
check_tags() {
  ! grep -q EmojiOneColor "$1" || fail "$1 bundles Fyne's emoji font: built without the no_emoji tag"
}

# check_share PREFIX: the desktop entry, the metainfo and the icons.
check_share() {
  local share=$1/share s dims
  desktop-file-validate "$share/applications/$id.desktop" || fail "$share/applications/$id.desktop does not validate"
  appstreamcli validate --no-net "$share/metainfo/$id.metainfo.xml" >&2 || fail "$share/metainfo/$id.metainfo.xml does not validate"
  grep -q "<launchable type=\"desktop-id\">$id.desktop</launchable>" "$share/metainfo/$id.metainfo.xml" ||
    fail "the metainfo does not launch $id.desktop"
  grep -q "^Icon=$id$" "$share/applications/$id.desktop" || fail "the desktop entry's Icon is not $id"
  for s in $sizes; do
    dims=$(identify -format '%wx%h' "$share/icons/hicolor/${s}x${s}/apps/$id.png") ||
      fail "no ${s}x${s} icon"
    [ "$dims" = "${s}x${s}" ] || fail "the ${s}x${s} icon is $dims"
  done
}

echo "== the .deb" >&2
[ "$(dpkg-deb -f "$deb" Package)" = latchkey ] || fail "$deb: Package is not latchkey"
[ "$(dpkg-deb -f "$deb" Version)" = "$version" ] || fail "$deb: Version is not $version"
[ "$(dpkg-deb -f "$deb" Architecture)" = amd64 ] || fail "$deb: Architecture is not amd64"
owners=$(dpkg-deb -c "$deb" | awk '{ print $2 }' | sort -u)
[ "$owners" = root/root ] || fail "$deb: files owned by $owners, want root/root"
root=$tmp/deb
dpkg -x "$deb" "$root"
[ -x "$root/usr/bin/latchkey" ] || fail "$deb has no /usr/bin/latchkey"
check_binary "$root/usr/bin/latchkey"
check_share "$root/usr"
[ -s "$root/usr/share/doc/latchkey/copyright" ] || fail "$deb has no copyright file"
# Every library the binary loads comes from a package it depends on.
depends=$(dpkg-deb -f "$deb" Depends)
for lib in $(objdump -p "$root/usr/bin/latchkey" | awk '$1 == "NEEDED" { print $2 }'); do
  pkg=$(dpkg -S "*/$lib" 2>/dev/null | awk -F: 'NR == 1 { print $1 }')
  [ -n "$pkg" ] || fail "no Debian package has $lib"
  grep -Eq "(^|, )$pkg( |,|$)" <<<"$depends" || fail "$deb needs $lib from $pkg, which Depends ($depends) lacks"
done

echo "== the .tar.xz" >&2
top=latchkey-$version
want_list=$( {
  echo "$top/Makefile" "$top/usr/local/bin/latchkey" "$top/usr/local/share/applications/$id.desktop" \
    "$top/usr/local/share/metainfo/$id.metainfo.xml"
  for s in $sizes; do echo "$top/usr/local/share/icons/hicolor/${s}x${s}/apps/$id.png"; done
} | tr ' ' '\n' | sort)
got_list=$(tar -tJf "$txz" | grep -v '/$' | sort)
[ "$got_list" = "$want_list" ] || fail "$txz holds:
$got_list
want:
$want_list"
tar -C "$tmp" -xJf "$txz"
inst=$tmp/installed
make -s -C "$tmp/$top" install DESTDIR="$inst" PREFIX=/opt/lk >/dev/null
check_binary "$inst/opt/lk/bin/latchkey"
check_share "$inst/opt/lk"
grep -q '^Exec=/opt/lk/bin/latchkey$' "$inst/opt/lk/share/applications/$id.desktop" ||
  fail "make install did not point the desktop entry at /opt/lk/bin/latchkey"
make -s -C "$tmp/$top" uninstall DESTDIR="$inst" PREFIX=/opt/lk >/dev/null
left=$(find "$inst" -type f)
[ -z "$left" ] || fail "make uninstall left: $left"

echo "== the .zip" >&2
got_list=$(unzip -Z1 "$zip" | sort)
[ "$got_list" = "$(printf 'latchkey.com\nlatchkey.exe')" ] || fail "$zip holds: $got_list; want latchkey.com and latchkey.exe"
unzip -q "$zip" -d "$tmp/win"
for f in latchkey.exe latchkey.com; do
  check_tags "$tmp/win/$f"
  pe=$(x86_64-w64-mingw32-objdump -p "$tmp/win/$f")
  grep -q '^Magic.*PE32+' <<<"$pe" || fail "$f is not a 64-bit Windows program"
  # The resource types at the top of .rsrc: icons (3), the icon group
  # (14), the version (16), the manifest (24).
  types=$(sed -n '/The .rsrc Resource Directory section/,$ s/^[0-9a-f]\{3\}   Entry: ID: 0x\([0-9a-f]*\),.*/\1/p' <<<"$pe" | tr '\n' ' ')
  [ "$types" = "000003 00000e 000010 000018 " ] || fail "$f has resource types $types, want icon, icon group, version and manifest"
  # The version block's strings (UTF-16), after their names.
  info=$(strings -el "$tmp/win/$f")
  for pair in "ProductName Latchkey" "ProductVersion $version" "FileVersion $version"; do
    got=$(grep -A1 -x "${pair% *}" <<<"$info" | sed -n 2p)
    [ "$got" = "${pair#* }" ] || fail "$f's ${pair% *}: got \"$got\", want \"${pair#* }\""
  done
  case $f in
    *.exe) want_sub="(Windows GUI)" ;;
    *.com) want_sub="(Windows CUI)" ;;
  esac
  grep -qF "$want_sub" <<<"$(grep '^Subsystem' <<<"$pe")" || fail "$f's subsystem is not $want_sub"
done

echo "== the Flatpak manifest" >&2
manifest=packaging/flatpak/$id.yml
[ -f "$manifest" ] || fail "no $manifest (Flatpak wants the manifest named by the app id)"
grep -q "^id: $id$" "$manifest" || fail "$manifest's id is not $id"
for arg in --filesystem --share=network --socket=x11 --device=all --talk-name; do
  ! grep -q -- "- $arg" "$manifest" || fail "$manifest asks for $arg"
done
packaging/flatpak/update-go-sources.sh "$tmp"
for f in modules.txt go-modules.json; do
  cmp -s "$tmp/$f" "packaging/flatpak/$f" || fail "packaging/flatpak/$f is out of date with go.mod: run packaging/flatpak/update-go-sources.sh"
done
echo "package-test: ok" >&2
