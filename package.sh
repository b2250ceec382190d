#!/usr/bin/env bash
# Builds Latchkey's packages into dist/:
#   latchkey_VERSION_amd64.deb             Debian and Ubuntu
#   latchkey-VERSION-linux-amd64.tar.xz    other Linux (make install)
#   latchkey-VERSION-windows-amd64.zip     Windows (latchkey.exe, latchkey.com)
# The version and the app ID come from FyneApp.toml. Installs what it needs
# with apt-get when missing, as run.sh does. The Flatpak manifest is in
# packaging/flatpak/ and is built by flatpak-builder, not here.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/deps.sh package

# fyne_app SECTION KEY: a key = "value" line of FyneApp.toml ("" is the
# top level), which is all the file has.
fyne_app() {
  awk -v section="$1" -v key="$2" '
    /^\[/ { current = substr($0, 2, length($0) - 2); next }
    current == section && $1 == key && $2 == "=" {
      sub(/^[^=]*=[ \t]*"/, ""); sub(/"[ \t]*$/, ""); print; exit
    }' FyneApp.toml
}
VERSION=$(fyne_app Details Version)
ID=$(fyne_app Details ID)
WEBSITE=$(fyne_app "" Website)
[ -n "$VERSION" ] && [ -n "$ID" ] || { echo "package.sh: FyneApp.toml has no [Details] Version or ID" >&2; exit 1; }
# Dates and file times come from the last commit, so two runs on one commit
# make the same archives.
export SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}"
# Go's ldflags act only at link time, so these builds reuse the compiled
# packages of "go build" and the tests; -s -w drops the symbol tables.
LDFLAGS="-s -w"
ICON_SIZES="16 22 24 32 48 64 128 256 512"

root=$PWD
work=$(mktemp -d)
syso=rsrc_windows_amd64.syso
trap 'rm -rf "$work" "$syso"' EXIT
mkdir -p dist
rm -f dist/latchkey_*_amd64.deb dist/latchkey-*-linux-amd64.tar.xz dist/latchkey-*-windows-amd64.zip

# The metainfo's release list is the changelog software centres show.
newest=$(sed -n 's/.*<release version="\([^"]*\)".*/\1/p' "packaging/linux/$ID.metainfo.xml" | sed -n 1p)
[ "$newest" = "$VERSION" ] || { echo "package.sh: packaging/linux/$ID.metainfo.xml's newest release is \"$newest\"; add a <release> for $VERSION" >&2; exit 1; }

echo "== linux/amd64 binary" >&2
go build -ldflags "$LDFLAGS" -o "$work/latchkey" .
got=$("$work/latchkey" --version)
[ "$got" = "latchkey $VERSION" ] || { echo "package.sh: the binary says \"$got\", FyneApp.toml says $VERSION" >&2; exit 1; }

# stage_share PREFIX_DIR: the desktop entry, the metainfo and the icons.
stage_share() {
  local share="$1/share"
  install -Dm644 "packaging/linux/$ID.desktop" "$share/applications/$ID.desktop"
  install -Dm644 "packaging/linux/$ID.metainfo.xml" "$share/metainfo/$ID.metainfo.xml"
  for s in $ICON_SIZES; do
    mkdir -p "$share/icons/hicolor/${s}x${s}/apps"
    convert assets/icon.png -resize "${s}x${s}" -strip -define png:exclude-chunks=date,time \
      "$share/icons/hicolor/${s}x${s}/apps/$ID.png"
  done
}

echo "== $ID $VERSION: .deb" >&2
# dpkg-shlibdeps wants a source tree: debian/control and the package's
# files in debian/PACKAGE.
deb="$work/src/debian/latchkey"
install -Dm755 "$work/latchkey" "$deb/usr/bin/latchkey"
stage_share "$deb/usr"
install -d "$deb/usr/share/doc/latchkey"
cat > "$deb/usr/share/doc/latchkey/copyright" <<EOF
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: Latchkey
Source: $WEBSITE
Comment: Built from source by package.sh; see README.md in the source.
EOF
# The libraries the binary links, as Debian names them, with the versions
# its symbols need.
mkdir -p "$deb/DEBIAN"
printf 'Source: latchkey\n\nPackage: latchkey\nArchitecture: amd64\n' > "$work/src/debian/control"
depends=$(cd "$work/src" && dpkg-shlibdeps -O debian/latchkey/usr/bin/latchkey | sed -n 's/^shlibs:Depends=//p')
[ -n "$depends" ] || { echo "package.sh: dpkg-shlibdeps found no dependencies" >&2; exit 1; }
# GLFW opens these at run time (cursors, monitors, input), which
# dpkg-shlibdeps cannot see; without them the window works, less well.
recommends=""
for lib in libXcursor.so.1 libXi.so.6 libXinerama.so.1 libXrandr.so.2 libXxf86vm.so.1; do
  pkg=$(dpkg -S "*/$lib" | awk -F: 'NR == 1 { print $1 }')
  [ -n "$pkg" ] || { echo "package.sh: no Debian package has $lib" >&2; exit 1; }
  recommends="${recommends:+$recommends, }$pkg"
done
cat > "$deb/DEBIAN/control" <<EOF
Package: latchkey
Version: $VERSION
Architecture: amd64
Maintainer: Latchkey maintainers <maintainers@latchkey.invalid>
Installed-Size: $(du -sk --exclude=DEBIAN "$deb" | cut -f1)
Depends: $depends
Recommends: $recommends
Section: utils
Priority: optional
Homepage: $WEBSITE
Description: two-factor authenticator with an encrypted vault
 Latchkey shows the current TOTP, HOTP and Steam Guard codes of your
 accounts, reads every QR code in a screenshot to add them, and keeps every
 secret in one encrypted vault file with backup codes. The same binary works
 on the command line ("latchkey help").
EOF
find "$deb" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
dpkg-deb --root-owner-group -Zxz --build "$deb" "dist/latchkey_${VERSION}_amd64.deb" >/dev/null

echo "== .tar.xz" >&2
top="latchkey-$VERSION"
tree="$work/tar/$top"
install -Dm755 "$work/latchkey" "$tree/usr/local/bin/latchkey"
stage_share "$tree/usr/local"
install -m644 packaging/linux/Makefile "$tree/Makefile"
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$SOURCE_DATE_EPOCH" \
  -C "$work/tar" -cf - "$top" | xz -T1 -6 > "dist/latchkey-$VERSION-linux-amd64.tar.xz"

echo "== windows/amd64" >&2
# The icon, the version and a manifest (DPI awareness) go into the .exe as
# a resource object that go build links for windows/amd64 only.
go run github.com/tc-hib/go-winres@v0.3.3 simply --arch amd64 --out rsrc --manifest gui \
  --icon assets/icon.png --product-name Latchkey --file-description "Latchkey two-factor authenticator" \
  --product-version "$VERSION" --file-version "$VERSION" --original-filename latchkey.exe
export CGO_ENABLED=1 GOOS=windows GOARCH=amd64 CC=x86_64-w64-mingw32-gcc
win="$work/win"
mkdir -p "$win"
# latchkey.exe is a GUI program (no console window opens with it);
# latchkey.com is the same program for the console, which cmd and
# PowerShell pick before the .exe when one types "latchkey".
go build -ldflags "$LDFLAGS -H windowsgui" -o "$win/latchkey.exe" .
go build -ldflags "$LDFLAGS" -o "$win/latchkey.com" .
unset CGO_ENABLED GOOS GOARCH CC
rm -f "$syso"
touch -d "@$SOURCE_DATE_EPOCH" "$win"/*
(cd "$win" && zip -q -X -9 "$root/dist/latchkey-$VERSION-windows-amd64.zip" latchkey.exe latchkey.com)

ls -l dist/ >&2
