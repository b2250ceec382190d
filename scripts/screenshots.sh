#!/bin/sh
# screenshots.sh OUTDIR: the main screens (create, the backup-codes gate,
# unlock, list, the keyboard focus on a button, a row's menu, add review,
# add by hand, settings) at 460x640
# and 1200x800, light and dark, from the real binary in a virtual X
# display, to look at before a UI change lands.
# Needs xvfb-run, xdotool, xclip and ImageMagick's import (scripts/deps.sh).
set -eu
out=${1:?usage: screenshots.sh OUTDIR}
mkdir -p "$out"
out=$(cd "$out" && pwd)
if [ -z "${DISPLAY:-}" ]; then
	exec xvfb-run -a -s "-screen 0 1280x1024x24" "$0" "$out"
fi
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$root" && go build -o "$work/latchkey" .)
pw="correct horse battery staple"
printf '%s\n' "$pw" >"$work/pw"
lk() { "$work/latchkey" "$@" --vault "$work/vault.latchkey" --password-file "$work/pw" >/dev/null; }
export HOME="$work/home" XDG_CONFIG_HOME="$work/home/.config" LANG=C.UTF-8
lk init
printf '%s\n' \
	"otpauth://totp/GitHub:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=GitHub" \
	"otpauth://totp/GitLab:alice?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=GitLab" \
	"otpauth://hotp/Bank:alice?secret=MFRGGZDFMZTWQ2LM&issuer=Bank&counter=3" \
	"otpauth://totp/Very%20Long%20Issuer%20Name%20Incorporated%20International:someone.with.a.very.long.address@example-company.example?secret=MFRGGZDFMZTWQ2LN&issuer=Very%20Long%20Issuer%20Name%20Incorporated%20International" |
	lk add -
prefs="$XDG_CONFIG_HOME/fyne/app.latchkey.desktop"
mkdir -p "$prefs"

shot() { sleep 0.8; import -window "$win" "$out/$1.png"; }

# await EVENT: waits (up to 60 s: key derivation is slow on a busy
# machine) for the window to trace EVENT.
await() {
	for _ in $(seq 600); do
		grep -q " $1\$" "$work/trace" && return 0
		sleep 0.1
	done
	echo "screenshots.sh: no \"$1\" from the window" >&2
	return 1
}

# window VAULT: starts the window on VAULT at the size and look asked;
# its milestones go to $work/trace (see ui/trace.go).
window() {
	: >"$work/trace"
	LATCHKEY_TRACE=1 "$work/latchkey" --vault "$1" 2>"$work/trace" &
	pid=$!
	win=
	for _ in $(seq 100); do
		win=$(xdotool search --onlyvisible --pid "$pid" --name '^Latchkey$' 2>/dev/null | head -n1) && [ -n "$win" ] && break
		sleep 0.1
	done
	xdotool windowfocus --sync "$win"
	xdotool windowsize --sync "$win" "$w" "$h" || true
	sleep 1
}

for theme in light dark; do
	for size in 460x640 1200x800; do
		w=${size%x*} h=${size#*x}
		printf '{"theme":"%s","window.width":%s,"window.height":%s}' "$theme" "$w" "$h" >"$prefs/preferences.json"
		tag="$theme-$size"
		# A new vault: the create screen, then the backup codes and their
		# gate, which must show without scrolling.
		window "$work/new-$tag.latchkey"
		shot "create-$tag"
		xdotool type --delay 10 "$pw"; xdotool key Tab; xdotool type --delay 10 "$pw"; xdotool key Return
		await "codes shown" || true
		shot "codes-$tag"
		kill "$pid"; wait "$pid" 2>/dev/null || true
		window "$work/vault.latchkey"
		shot "unlock-$tag"
		xdotool type --delay 10 "$pw"; xdotool key Return
		await "list shown" || true
		shot "list-$tag"
		# The keyboard's focus on the Add button: its focus fill.
		xdotool key Tab
		shot "focus-$tag"
		# The first row's ⋮ at the right edge of the list (capped at 640 px
		# and centred on a wide window).
		right=$(( w < 640 ? w : (w + 640) / 2 ))
		xdotool mousemove --window "$win" $((right - 24)) 88 click 1
		shot "rowmenu-$tag"
		xdotool key Escape; sleep 0.3
		printf '%s\n%s\n' "otpauth://totp/GitHub:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=GitHub" \
			"otpauth://totp/Another%20Quite%20Long%20Service%20Name%20Limited:bob.with.a.long.name@example.org?secret=MFRGGZDFMZTWQ2LO&issuer=Another%20Quite%20Long%20Service%20Name%20Limited" |
			xclip -selection clipboard -i
		xdotool key ctrl+shift+v
		shot "review-$tag"
		xdotool key Escape; sleep 0.3
		xdotool key ctrl+n
		xdotool type --delay 10 "Example"; xdotool key Tab Tab; xdotool type --delay 10 "not base32 1"
		shot "manual-$tag"
		xdotool key Escape; sleep 0.3
		xdotool key ctrl+comma
		shot "settings-$tag"
		kill "$pid"; wait "$pid" 2>/dev/null || true
	done
done
echo "screenshots in $out"
