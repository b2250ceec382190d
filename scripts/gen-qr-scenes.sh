#!/usr/bin/env bash
# Generates the screenshot-like QR test set: codes made by an independent
# encoder (qrencode) composed by ImageMagick into scenes for each hard case a
# real screenshot brings. Everything is deterministic (fixed texts, no random
# seeds), so a failure can be reproduced from the file name alone.
#
#   scripts/gen-qr-scenes.sh OUTDIR [KIND...]
#
# Writes OUTDIR/IMAGE files and OUTDIR/manifest.tsv: one line per QR code an
# image holds, "FILE<TAB>KIND<TAB>TEXT". Needs qrencode, ImageMagick (convert,
# montage), sha1sum and base32 (coreutils). With KIND arguments it makes only
# those: sheet-N (a sheet of N codes: sheet-100, sheet-1000..., for
# measuring how reading grows with the number of codes; the full set holds
# sheet-200 and sheet-500), page or lowhard.
set -euo pipefail
out=${1:?usage: gen-qr-scenes.sh OUTDIR [KIND...]}
shift
mkdir -p "$out"
out=$(cd "$out" && pwd)
for t in qrencode convert identify montage sha1sum base32 base64; do
	command -v "$t" >/dev/null || { echo "gen-qr-scenes: $t is missing" >&2; exit 3; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rm -f "$out"/manifest.tsv "$out"/*.man
# ImageMagick may use every core per image; we parallelise across images.
export MAGICK_THREAD_LIMIT=1

# ---- texts -----------------------------------------------------------------

issuers=(GitHub Google "Example Corp" Amazon Dropbox Microsoft Slack GitLab Proton Fastmail Cloudflare "Bank of Test")
names=(alice@example.com bob carol@example.org dave.ops@example.net erin frank@corp.example grace heidi@mail.example ivan judy@example.com mallory oscar@example.io)

# secret_hex N: a fixed 20-byte secret per account number.
secret_hex() { printf 'latchkey-scene-%s' "$1" | sha1sum | cut -c1-40; }
hex2bin() { local h=$1 i; for ((i = 0; i < ${#h}; i += 2)); do printf "\\x${h:i:2}"; done; }
secret_b32() { hex2bin "$(secret_hex "$1")" | base32 -w0 | tr -d '='; }
urlesc() { local s=$1 o="" c i; for ((i = 0; i < ${#s}; i++)); do c=${s:i:1}
	case $c in [A-Za-z0-9._~@-]) o+=$c ;; *) o+=$(printf '%%%02X' "'$c") ;; esac; done; printf '%s' "$o"; }

# uri N: a varied otpauth URI for account N (algorithms, digits, periods,
# hotp, steam, the spellings services really use).
uri() {
	local n=$1 is=${issuers[$(($1 % 12))]} nm=${names[$(($1 * 7 % 12))]} s
	s=$(secret_b32 "$n")
	case $((n % 9)) in
	0) printf 'otpauth://totp/%s:%s?secret=%s&issuer=%s' "$(urlesc "$is")" "$(urlesc "$nm")" "$s" "$(urlesc "$is")" ;;
	1) printf 'otpauth://totp/%s%%3A%s?secret=%s&issuer=%s&algorithm=SHA256&digits=8' "$(urlesc "$is")" "$(urlesc "$nm")" "$s" "$(urlesc "$is")" ;;
	2) printf 'otpauth://totp/%s?secret=%s' "$(urlesc "$nm")" "$(tr 'A-Z' 'a-z' <<<"$s")" ;;
	3) printf 'otpauth://hotp/%s:%s?secret=%s&issuer=%s&counter=%d' "$(urlesc "$is")" "$(urlesc "$nm")" "$s" "$(urlesc "$is")" "$((n * 13))" ;;
	4) printf 'otpauth://totp/%s:%s?secret=%s&issuer=%s&algorithm=SHA512&digits=8&period=60' "$(urlesc "$is")" "$(urlesc "$nm")" "$s" "$(urlesc "$is")" ;;
	5) printf 'otpauth://totp/Steam:%s?secret=%s&issuer=Steam&encoder=steam' "$(urlesc "$nm")" "$s" ;;
	6) printf 'otpauth://totp/%s:%s?issuer=%s&secret=%s&period=30&digits=6&algorithm=SHA1&image=https%%3A%%2F%%2Fexample.com%%2Flogo.png' "$(urlesc "$is")" "$(urlesc "$nm")" "$(urlesc "$is")" "$s" ;;
	7) printf 'steam://%s' "$s" ;;
	8) printf 'otpauth://totp/%s:%%20%s?secret=%s&issuer=%s&digits=7' "$(urlesc "$is")" "$(urlesc "$nm")" "$s" "$(urlesc "$is")" ;;
	esac
}

# ---- Google Authenticator export payloads, built byte by byte ----------------

# varint V: protobuf base-128 varint of a 64-bit two's complement value.
varint() {
	local v=$1 b
	while :; do
		b=$((v & 0x7f))
		v=$(((v >> 7) & 0x01ffffffffffffff)) # logical shift
		if ((v == 0)); then printf '%02x' "$b"; return; fi
		printf '%02x' $((b | 0x80))
	done
}
lenfield() { # lenfield FIELDNO HEX
	varint $((($1 << 3) | 2)); varint $((${#2} / 2)); printf '%s' "$2"
}
vfield() { varint $((($1 << 3) | 0)); varint "$2"; }
strhex() { printf '%s' "$1" | od -An -tx1 -v | tr -d ' \n'; }

# migration BATCHID SIZE INDEX FIRST COUNT: one otpauth-migration URI.
migration() {
	local id=$1 size=$2 idx=$3 first=$4 count=$5 p="" i param alg dig typ
	for ((i = first; i < first + count; i++)); do
		alg=$((i % 4 == 1 ? 2 : 1)); dig=$((i % 5 == 2 ? 2 : 1)); typ=$((i % 7 == 3 ? 1 : 2))
		param=$(lenfield 1 "$(secret_hex "g$i")")
		if ((i % 3 == 0)); then # older exports: issuer only inside the name
			param+=$(lenfield 2 "$(strhex "${issuers[$((i % 12))]}:${names[$((i % 12))]}")")
		else
			param+=$(lenfield 2 "$(strhex "${names[$((i % 12))]}")")
			param+=$(lenfield 3 "$(strhex "${issuers[$((i % 12))]}")")
		fi
		param+=$(vfield 4 "$alg")$(vfield 5 "$dig")$(vfield 6 "$typ")
		((typ == 1)) && param+=$(vfield 7 $((i * 3)))
		p+=$(lenfield 1 "$param")
	done
	p+=$(vfield 2 1)$(vfield 3 "$size")$(vfield 4 "$idx")$(vfield 5 "$id")
	printf 'otpauth-migration://offline?data=%s' "$(hex2bin "$p" | base64 -w0 | sed 's/+/%2B/g; s#/#%2F#g; s/=/%3D/g')"
}

# ---- scene helpers ----------------------------------------------------------

# qr OUT MODULE MARGIN TEXT [qrencode options]: an independent encoder's code.
qr() { local o=$1 s=$2 m=$3 t=$4; shift 4; qrencode -l M -s "$s" -m "$m" "$@" -o "$o" -- "$t"; }

# desktop W H BG: draw commands for a screenshot-like window layout.
desktop() {
	local w=$1 h=$2 bg=$3 fg=${4:-'#d8d8d8'}
	printf -- "-size %dx%d 'xc:%s' -fill '%s' -draw 'rectangle 0,0 %d,%d' -draw 'rectangle 0,0 %d,%d' -fill '#4a90d9' -draw 'rectangle %d,%d %d,%d'" \
		"$w" "$h" "$bg" "$fg" "$w" $((h / 30)) $((w / 6)) "$h" $((w / 5)) $((h / 12)) $((w / 5 + w / 10)) $((h / 12 + h / 40))
}

man() { # man FILE KIND TEXT...
	local f=$1 k=$2 t; shift 2
	for t in "$@"; do printf '%s\t%s\t%s\n' "$f" "$k" "$t"; done >"$out/$f.man"
}

# scene FILE KIND W H BG "TEXT..." per-code: x y module [margin] — composites
# codes onto a desktop; extra convert options come from $post.
place() { # place OUT W H BG [fg] -- CODE X Y ...
	local o=$1 w=$2 h=$3 bg=$4 fg=$5; shift 6
	local args=() 
	while (($#)); do args+=("$1" -geometry "+$2+$3" -composite); shift 3; done
	# $post is evaluated so that it may hold quoted draw commands.
	eval "convert $(desktop "$w" "$h" "$bg" "$fg")" '"${args[@]}"' "${post:-}" -depth 8 '"$o"'
}

n=0
next() { n=$((n + 1)); }

# ---- the kinds ----------------------------------------------------------------

k_plain() {
	local i t
	for i in 0 1 2 3 4 5; do
		t=$(uri $((100 + i)))
		qr "$work/p$i.png" $((4 + i)) 4 "$t"
		post="" place "$out/plain-$i.png" 1024 768 white '#ececec' -- "$work/p$i.png" $((300 + i * 20)) $((200 + i * 10))
		man "plain-$i.png" plain "$t"
	done
	# Raw UTF-8 in the label: byte-mode text whose charset must be guessed.
	t="otpauth://totp/Caf%C3%A9:jos%C3%A9?secret=$(secret_b32 utf)&issuer=Café Ünïcode"
	qr "$work/pu.png" 5 4 "$t"
	post="" place "$out/plain-utf8.png" 1024 768 white '#ececec' -- "$work/pu.png" 300 200
	man "plain-utf8.png" plain "$t"
}

k_tiny() { # tiny modules in 4K and 5K screenshots
	local kind=$1 w=$2 h=$3 base=$4 i t s
	for i in 0 1 2 3 4 5; do
		t=$(uri $((base + i)))
		s=$((i % 3 == 2 ? 3 : 2))
		qr "$work/$kind$i.png" $s 4 "$t"
		post="" place "$out/$kind-$i.png" "$w" "$h" '#f3f3f3' '#e1e1e1' -- "$work/$kind$i.png" $((w / 3 + i * 137)) $((h / 4 + i * 91))
		man "$kind-$i.png" "$kind" "$t"
	done
}

k_tinyblur() { # 2-pixel modules in a 4K screenshot, softened by scaling or compression
	local i t r=(0.6 0.8 0.7 0.5)
	for i in 0 1 2 3; do
		t=$(uri $((280 + i)))
		qr "$work/tb$i.png" 2 4 "$t"
		post="-blur 0x${r[$i]}" place "$out/4k-blur-$i.png" 3840 2160 '#f3f3f3' '#e1e1e1' -- "$work/tb$i.png" $((1200 + i * 211)) $((500 + i * 143))
		man "4k-blur-$i.png" 4k-blur "$t"
	done
}

k_hidpi() { # a 1x layout scaled by the desktop: 2x, 1.5x, 1.25x, 1.75x
	local i t scales=(200 150 125 175 200 150)
	for i in 0 1 2 3 4 5; do
		t=$(uri $((300 + i)))
		qr "$work/h$i.png" 3 4 "$t"
		post="-filter Triangle -resize ${scales[$i]}%" place "$out/hidpi-$i.png" 1280 800 white '#eaeaea' -- "$work/h$i.png" $((500 + i * 11)) $((240 + i * 7))
		man "hidpi-$i.png" hidpi "$t"
	done
}

k_downscaled() { # a big code shrunk to 1.6-2.5 pixels per module
	local i t pct=(40 35 45 30 38 42)
	for i in 0 1 2 3 4 5; do
		t=$(uri $((400 + i)))
		qr "$work/d$i.png" 6 4 "$t"
		post="-filter Lanczos -resize ${pct[$i]}%" place "$out/downscaled-$i.png" 1920 1080 white '#e6e6e6' -- "$work/d$i.png" $((700 + i * 23)) $((300 + i * 9))
		man "downscaled-$i.png" downscaled "$t"
	done
}

k_dark() { # light-on-dark codes in dark-mode pages
	local i t fgs=(E0E0E0 FFFFFF CCCCCC D4D4D4 F0F0F0 BBBBBB) bgs=(1E1E1E 000000 2B2B2B 121212 202124 303030) m=(4 2 4 1 3 4)
	for i in 0 1 2 3 4 5; do
		t=$(uri $((500 + i)))
		qr "$work/k$i.png" $((3 + i % 3)) "${m[$i]}" "$t" --foreground="${fgs[$i]}" --background="${bgs[$i]}"
		post="" place "$out/dark-$i.png" 1280 800 "#${bgs[$i]}" '#3a3a3a' -- "$work/k$i.png" $((480 + i * 13)) $((220 + i * 17))
		man "dark-$i.png" dark "$t"
	done
}

k_transparent() { # dark modules on a transparent background, as app assets are
	local i t
	for i in 0 1 2 3 4 5; do
		t=$(uri $((600 + i)))
		if ((i < 3)); then
			qr "$out/transparent-$i.png" $((4 + i)) 4 "$t" --background=FFFFFF00
		elif ((i < 5)); then
			qr "$work/t$i.png" 4 $((i - 3)) "$t" --background=FFFFFF00 --foreground=000000
			convert -size 600x600 xc:none "$work/t$i.png" -geometry +120+140 -composite "$out/transparent-$i.png"
		else # half-transparent dark modules
			qr "$out/transparent-$i.png" 5 2 "$t" --background=FFFFFF00 --foreground=000000A0
		fi
		man "transparent-$i.png" transparent "$t"
	done
}

k_noquiet() { # cropped tight to the code, or pressed against the page edge
	local i t
	for i in 0 1 2 3 4 5; do
		t=$(uri $((700 + i)))
		if ((i < 3)); then
			qr "$out/noquiet-$i.png" $((3 + i)) 0 "$t"
		else
			qr "$work/n$i.png" 4 0 "$t"
			post="" place "$out/noquiet-$i.png" 1024 768 '#5a5a5a' '#707070' -- "$work/n$i.png" 300 200
		fi
		man "noquiet-$i.png" noquiet "$t"
	done
}

k_jpeg() {
	local i t q=(30 35 40 45 50 30)
	for i in 0 1 2 3 4 5; do
		t=$(uri $((800 + i)))
		qr "$work/j$i.png" $((3 + i % 2)) 4 "$t"
		post="-quality ${q[$i]}" place "$out/jpeg-$i.jpg" 1600 900 white '#dfe3e8' -- "$work/j$i.png" $((600 + i * 31)) $((260 + i * 5))
		man "jpeg-$i.jpg" jpeg "$t"
	done
}

k_lowcontrast() {
	local i t fgs=(777777 999999 6E7A88 8A8A8A A0A0A0 5C6670) bgs=(AAAAAA C8C8C8 A4AEB8 B4B4B4 C4C4C4 8C96A0)
	for i in 0 1 2 3 4 5; do
		t=$(uri $((900 + i)))
		qr "$work/l$i.png" 4 4 "$t" --foreground="${fgs[$i]}" --background="${bgs[$i]}"
		post="" place "$out/lowcontrast-$i.png" 1280 800 "#${bgs[$i]}" '#b0b0b0' -- "$work/l$i.png" $((400 + i * 9)) $((200 + i * 21))
		man "lowcontrast-$i.png" lowcontrast "$t"
	done
}

k_blur() {
	local i t r=(1.0 1.5 2.0 1.2 1.8 2.2)
	for i in 0 1 2 3 4 5; do
		t=$(uri $((1000 + i)))
		qr "$work/b$i.png" $((5 + i % 2)) 4 "$t"
		post="-blur 0x${r[$i]}" place "$out/blur-$i.png" 1024 768 white '#e8e8e8' -- "$work/b$i.png" $((300 + i * 13)) $((150 + i * 11))
		man "blur-$i.png" blur "$t"
	done
}

k_pointer() { # a mouse pointer drawn over the code
	local i t s x y sc pts
	for i in 0 1 2 3 4 5; do
		t=$(uri $((1100 + i)))
		s=$((4 + i % 3))
		qr "$work/m$i.png" $s 4 "$t"
		sc=$((1 + i % 2)) # 1x and 2x cursors
		x=$((400 + s * (14 + i * 4))); y=$((200 + s * (16 + i * 3)))
		pts="$x,$y $x,$((y + 17 * sc)) $((x + 4 * sc)),$((y + 13 * sc)) $((x + 7 * sc)),$((y + 20 * sc)) $((x + 9 * sc)),$((y + 19 * sc)) $((x + 6 * sc)),$((y + 12 * sc)) $((x + 12 * sc)),$((y + 12 * sc))"
		post="-fill black -stroke white -strokewidth $sc -draw 'polygon $pts'" place "$out/pointer-$i.png" 1280 800 white '#ececec' -- "$work/m$i.png" 400 200
		man "pointer-$i.png" pointer "$t"
	done
}

k_rotated() {
	local i t deg=(3 -5 7 -10 5 9)
	for i in 0 1 2 3 4 5; do
		t=$(uri $((1200 + i)))
		qr "$work/r$i.png" $((4 + i % 2)) 4 "$t"
		convert "$work/r$i.png" -background white -rotate "${deg[$i]}" "$work/rr$i.png"
		post="" place "$out/rotated-$i.png" 1280 800 white '#ececec' -- "$work/rr$i.png" $((380 + i * 17)) $((160 + i * 9))
		man "rotated-$i.png" rotated "$t"
	done
}

k_multi() { # a page with 2-4 codes of different sizes
	local i j t texts args cnt
	for i in 0 1 2 3 4 5; do
		texts=(); args=()
		cnt=$((2 + i % 3))
		for ((j = 0; j < cnt; j++)); do
			t=$(uri $((1300 + i * 10 + j)))
			texts+=("$t")
			qr "$work/u$i-$j.png" $((3 + (i + j) % 3)) 4 "$t"
			args+=("$work/u$i-$j.png" $((80 + j * 420)) $((120 + (j % 2) * 330)))
		done
		post="" place "$out/multi-$i.png" 1800 1000 white '#f0f0f0' -- "${args[@]}"
		man "multi-$i.png" multi "${texts[@]}"
	done
}

k_sheet() { # a printed sheet of 12 codes, 4 x 3
	local i j t texts args
	for i in 0 1 2 3; do
		texts=(); args=()
		for ((j = 0; j < 12; j++)); do
			t=$(uri $((1400 + i * 20 + j)))
			texts+=("$t")
			qr "$work/s$i-$j.png" $((3 + i % 2)) 4 "$t"
			args+=("$work/s$i-$j.png" $((60 + (j % 3) * 520)) $((80 + (j / 3) * 560)))
		done
		post="" place "$out/sheet-$i.png" 1654 2339 white white -- "${args[@]}"
		man "sheet-$i.png" sheet "${texts[@]}"
	done
}

k_google() { # Google Authenticator exports: phone screenshots of each part, and a page of all parts
	local b parts id first j t texts args cw x maxw
	for b in 0 1 2; do
		parts=$((b + 2)); id=$((-(1000003 * (b + 7) + 17 * b)))
		((b == 1)) && id=$((1234567 + b))
		texts=(); args=(); x=40; maxw=0
		for ((j = 0; j < parts; j++)); do
			first=$((b * 100 + j * 10))
			t=$(migration "$id" "$parts" "$j" "$first" $((j == parts - 1 ? 3 + b : 10)))
			texts+=("$t")
			qr "$work/g$b-$j.png" 6 4 "$t"
			post="-filter Triangle -resize 50%" place "$out/google-b$b-p$j.png" 1080 2400 white '#f1f3f4' -- "$work/g$b-$j.png" 120 700
			man "google-b$b-p$j.png" google-part "$t"
			cw=$(identify -format %w "$work/g$b-$j.png")
			args+=("$work/g$b-$j.png" "$x" 200)
			x=$((x + cw + 20)); ((cw > maxw)) && maxw=$cw
		done
		post="-resize 60%" place "$out/google-page-$b.png" $((x + 40)) $((maxw + 300)) white '#f1f3f4' -- "${args[@]}"
		man "google-page-$b.png" google-page "${texts[@]}"
	done
}

k_formats() { # GIF, BMP and WebP screenshots
	local i t ext=(gif bmp webp gif bmp webp)
	for i in 0 1 2 3 4 5; do
		t=$(uri $((1600 + i)))
		qr "$work/f$i.png" $((3 + i % 3)) 4 "$t"
		post="" place "$out/format-$i.${ext[$i]}" 1024 640 white '#e8e8e8' -- "$work/f$i.png" $((300 + i * 10)) 120
		man "format-$i.${ext[$i]}" formats "$t"
	done
}

k_combined() { # several hard cases at once: 4K, dark, JPEG, small modules
	local i t
	for i in 0 1 2 3; do
		t=$(uri $((1700 + i)))
		qr "$work/c$i.png" $((2 + i % 2)) 4 "$t" --foreground=E8E8E8 --background=1F1F1F
		post="-quality $((40 + i * 5))" place "$out/combined-$i.jpg" 3840 2160 '#1f1f1f' '#2d2d2d' -- "$work/c$i.png" $((1500 + i * 101)) $((700 + i * 57))
		man "combined-$i.jpg" combined "$t"
	done
}

k_downtiny() { # 4K and 5K screenshots shrunk by a viewer or a chat app: modules of 1.3-2 pixels
	local i t x y w=(5120 3840 3840 5120 5120 3840 5120 3840) h=(2880 2160 2160 2880 2880 2160 2880 2160)
	local m=(3 3 2 4 2 3 3 2) pct=(50 50 75 40 67 60 50 67) f=(Lanczos Triangle Lanczos Triangle Lanczos Catrom Lanczos Triangle)
	local cap=""
	for i in 0 1 2 3 4 5 6 7; do
		t=$(uri $((1800 + i)))
		qr "$work/dt$i.png" "${m[$i]}" 4 "$t"
		x=$((w[i] / 3 + i * 157)); y=$((h[i] / 4 + i * 113))
		# The last two have a caption right above the code, as set-up
		# pages do: two lines of text touching the quiet zone.
		((i >= 6)) && cap="-fill '#202020' -pointsize 26 -annotate +$x+$((y - 36)) 'Set up two-factor authentication' -annotate +$x+$((y - 2)) 'Scan this code with your app'"
		post="$cap -filter ${f[$i]} -resize ${pct[$i]}%" place "$out/tiny-$i.png" "${w[$i]}" "${h[$i]}" '#f3f3f3' '#e1e1e1' -- "$work/dt$i.png" "$x" "$y"
		man "tiny-$i.png" tiny "$t"
	done
}

k_page() { # a set-up page in a 4K or 5K browser: lines of text around a small code
	local i t w=(5120 3840 5120 3840) h=(2880 2160 2880 2160) m=(3 3 4 2) fs=(22 18 26 16) lines="" j
	for ((j = 1; j <= 70; j++)); do lines+="$j. Scan the code below with your authenticator app, then type the six digits it shows: 0123456789 oO@"$'\n'; done
	for i in 0 1 2 3; do
		t=$(uri $((1900 + i)))
		qr "$work/pg$i.png" "${m[$i]}" 4 "$t"
		post="-font DejaVu-Sans -pointsize ${fs[$i]} -fill '#202124' -annotate +$((w[i] / 5 + 40))+120 \"\$lines\"" \
			place "$out/page-$i.png" "${w[$i]}" "${h[$i]}" white '#f1f3f4' -- "$work/pg$i.png" $((w[i] * 2 / 3)) $((h[i] / 3 + i * 50))
		man "page-$i.png" page "$t"
	done
}

k_lowhard() { # low contrast made harder: blur, a gradient, JPEG, text around, a dark page
	local i t fg=(6E6E6E 6E6E6E 9090A0 A8A8A8 767676 8A8A8A) bg=(8C8C8C 8C8C8C A8A8B8 C0C0C0 929292 A6A6A6) m=(4 4 5 3 4 5)
	for i in 0 1 2 3 4 5; do
		t=$(uri $((2000 + i)))
		qr "$work/lh$i.png" "${m[$i]}" 4 "$t" --foreground="${fg[$i]}" --background="${bg[$i]}"
	done
	post="-blur 0x1.2" place "$out/lowhard-0.png" 1280 800 "#${bg[0]}" '#9a9a9a' -- "$work/lh0.png" 300 200
	convert -size 1280x800 "gradient:#707070-#c0c0c0" "$work/lh1.png" -geometry +500+200 -composite -depth 8 "$out/lowhard-1.png"
	post="-quality 40" place "$out/lowhard-2.jpg" 1280 800 "#${bg[2]}" '#b0b0c0' -- "$work/lh2.png" 300 200
	post="-font DejaVu-Sans -pointsize 14 -fill '#a4a4a4' -annotate +260+40 'Account settings\nTwo-factor authentication\nScan this code, then enter the code it shows.\nKeep your recovery codes somewhere safe.'" \
		place "$out/lowhard-3.png" 1280 800 "#${bg[3]}" '#b8b8b8' -- "$work/lh3.png" 700 300
	convert "$work/lh4.png" -negate "$work/lh4n.png"
	post="" place "$out/lowhard-4.png" 1920 1080 '#303030' '#3a3a3a' -- "$work/lh4n.png" 600 300
	post="-attenuate 0.15 +noise Gaussian" place "$out/lowhard-5.png" 1280 800 "#${bg[5]}" '#a0a0a0' -- "$work/lh5.png" 420 260
	man "lowhard-0.png" lowhard "$(uri 2000)"; man "lowhard-1.png" lowhard "$(uri 2001)"; man "lowhard-2.jpg" lowhard "$(uri 2002)"
	man "lowhard-3.png" lowhard "$(uri 2003)"; man "lowhard-4.png" lowhard "$(uri 2004)"; man "lowhard-5.png" lowhard "$(uri 2005)"
}

k_bigsheet() { # k_bigsheet N: N codes of 2-pixel modules tiled 5:4 in 99-pixel cells, as a printed recovery sheet
	local count=$1 cols rows i t tiles=() texts=()
	cols=$(awk -v n="$count" 'BEGIN { c = sqrt(n * 5 / 4); printf "%d", (c == int(c)) ? c : int(c) + 1 }')
	rows=$(((count + cols - 1) / cols))
	mkdir -p "$work/big$count"
	# One awk for every text (a process per secret would take minutes):
	# 32 base32 characters from a fixed MINSTD sequence (exact in any awk). Short
	# enough for version 6 (41 modules), so each code fits its cell.
	mapfile -t texts < <(awk -v n="$count" 'BEGIN {
		a = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"; x = 12345 + n
		for (i = 0; i < n; i++) {
			s = ""
			for (j = 0; j < 32; j++) { x = (x * 48271) % 2147483647; s = s substr(a, int(x / 67108864) + 1, 1) }
			printf "otpauth://totp/Sheet%%20%d:user%d@example.com?secret=%s&issuer=Sheet%%20%d\n", i, i, s, i
		}
	}')
	for ((i = 0; i < count; i++)); do
		tiles+=("$work/big$count/$i.png")
		qr "$work/big$count/$i.png" 2 4 "${texts[$i]}"
	done
	# 2475x1980 pixels for 500 codes: the image zbarimg reads at once.
	montage "${tiles[@]}" -tile "${cols}x$rows" -geometry '99x99>+0+0' -background white -depth 8 "$out/sheet-$count.png"
	man "sheet-$count.png" "sheet-$count" "${texts[@]}"
}

if (($#)); then
	for k in "$@"; do
		case $k in
		sheet-[1-9]*) k_bigsheet "${k#sheet-}" ;;
		page) k_page ;;
		lowhard) k_lowhard ;;
		*) echo "gen-qr-scenes: unknown kind $k (sheet-N, page and lowhard can be made alone)" >&2; exit 2 ;;
		esac
	done
	cat "$out"/*.man | LC_ALL=C sort -s -t$'\t' -k1,1 >"$out/manifest.tsv"
	rm -f "$out"/*.man
	exit 0
fi

k_bigsheet 200 & k_bigsheet 500 &
k_plain & k_tiny 4k 3840 2160 200 & wait
k_tiny 5k 5120 2880 250 & k_hidpi & wait
k_downscaled & k_dark & wait
k_transparent & k_noquiet & wait
k_jpeg & k_lowcontrast & wait
k_blur & k_pointer & wait
k_rotated & k_multi & wait
k_sheet & k_google & wait
k_formats & k_combined & wait
k_tinyblur & k_downtiny & wait
k_page & k_lowhard & wait

cat "$out"/*.man | LC_ALL=C sort -s -t$'\t' -k1,1 >"$out/manifest.tsv"
rm -f "$out"/*.man
echo "gen-qr-scenes: $(cut -f1 "$out/manifest.tsv" | sort -u | wc -l) images, $(wc -l <"$out/manifest.tsv") codes in $out" >&2
