#!/usr/bin/env bash
# Installs what building (and, with "test", testing; with "package",
# packaging) Latchkey needs, only when it is missing. Sourced by run.sh,
# test.sh and package.sh.
set -euo pipefail

need_pkgs=()
want() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "ok installed" || need_pkgs+=("$1"); }

# Fyne builds with cgo against OpenGL and X11.
want gcc; want pkg-config; want libgl1-mesa-dev; want xorg-dev
if [ "${1:-}" = test ]; then
  # The window is tested for real under Xvfb; QR images come from an
  # independent encoder (text on the scenes in DejaVu Sans); codes are checked
  # against independent tools; the screenshot portal is tested on a private
  # bus (dbus-daemon); two Syncthings on 127.0.0.1 carry a vault between two
  # "computers".
  for p in xvfb xdotool xclip imagemagick fonts-dejavu-core x11-utils qrencode zbar-tools zxing-cpp-tools oathtool argon2 dbus syncthing; do want "$p"; done
fi
if [ "${1:-}" = test ] || [ "${1:-}" = package ]; then
  # package.sh: the Windows build (MinGW), icons, the .deb's dependencies
  # and the checks of its desktop entry and AppStream metainfo.
  for p in gcc-mingw-w64-x86-64 imagemagick desktop-file-utils appstream dpkg-dev make xz-utils zip unzip; do want "$p"; done
fi
if ! command -v go >/dev/null 2>&1 && [ ! -x /usr/local/go/bin/go ]; then want golang-go; fi

if [ ${#need_pkgs[@]} -gt 0 ]; then
  echo "installing: ${need_pkgs[*]}" >&2
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}" >&2
fi
export PATH="$PATH:/usr/local/go/bin:$(go env GOPATH 2>/dev/null || echo "$HOME/go")/bin"
# An older distribution Go fetches the toolchain go.mod asks for.
export GOTOOLCHAIN="${GOTOOLCHAIN:-auto}"
# Fyne's animations (the blinking cursor, button ripples) repaint the whole
# window several times a second while an entry has the focus: 2.5-5% of a
# core for a window that mostly waits with its password field focused.
# Latchkey is built without them: a steady cursor, the same everywhere.
# Fyne also bundles a 4 MiB colour emoji font and parses a copy of it for
# every text style a window uses (regular, bold and monospace here): about
# 14 MiB of a 500-account window's memory. Without it an emoji in an
# account's name comes from the system's emoji font, like any other glyph
# Noto Sans lacks. A GOFLAGS that already sets -tags is left as it is.
case " ${GOFLAGS:-} " in *-tags*) ;; *) export GOFLAGS="${GOFLAGS:+$GOFLAGS }-tags=no_animations,no_emoji" ;; esac
