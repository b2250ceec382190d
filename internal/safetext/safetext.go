// Package safetext shows text from untrusted input (an issuer or account
// name from a QR code, an imported file, a file name) without letting it act
// on the screen: control characters could recolour or retitle a terminal or
// erase what was printed, and bidirectional controls could make one name
// read as another. Such characters are shown as visible escapes (\x1b,
// \u202e); ordinary text, accents, CJK and emoji included, is kept as it is.
//
// The stored value never changes: only what is shown is escaped.
package safetext

import (
	"strings"
	"unicode/utf8"
)

// Escape shows one field (a name, a label, a file name) on one line. Two
// different strings never give the same output: a backslash that could be
// read as the start of an escape is doubled.
func Escape(s string) string { return escape(s, false) }

// Message shows a whole message that may quote untrusted text: like Escape,
// but line breaks and tabs stay, and backslashes are left alone so that
// fields already escaped are not escaped twice. It is a safety net, not a
// way to tell two names apart: escape fields with Escape.
func Message(s string) string { return escape(s, true) }

// escape is Escape, or with message Message: line breaks and tabs kept,
// backslashes left alone.
func escape(s string, message bool) string {
	if !needsEscape(s, message) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			writeByte(&b, s[i])
		case message && (r == '\n' || r == '\t'):
			b.WriteString(s[i : i+n])
		case Unsafe(r):
			writeRune(&b, r)
		case !message && r == '\\' && escapedNext(s[i+1:]):
			b.WriteString(`\\`)
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// Unsafe reports whether r must not reach a screen as it is: C0 and C1
// controls and DEL, bidirectional controls, line and paragraph separators,
// and the invisible characters that could make two names look the same.
// The zero-width joiner and non-joiner stay: emoji and several scripts
// need them.
func Unsafe(r rune) bool {
	switch {
	case r < 0x20, r >= 0x7f && r <= 0x9f:
		return true
	case r < 0x61c:
		return false
	}
	switch r {
	case 0x061c, // Arabic letter mark
		0x200b,         // zero-width space
		0x200e, 0x200f, // left-to-right and right-to-left marks
		0x2028, 0x2029, // line and paragraph separators
		0x202a, 0x202b, 0x202c, 0x202d, 0x202e, // embeddings and overrides
		0x2060, 0x2061, 0x2062, 0x2063, 0x2064, // word joiner and invisible operators
		0x2066, 0x2067, 0x2068, 0x2069, // isolates
		0xfeff,                 // zero-width no-break space (byte order mark)
		0xfff9, 0xfffa, 0xfffb: // interlinear annotations
		return true
	}
	return false
}

// needsEscape is the fast path: most names hold nothing to escape.
func needsEscape(s string, message bool) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x80 {
			return needsEscapeSlow(s[i:], message)
		}
		if c == '\\' && !message || Unsafe(rune(c)) && !(message && (c == '\n' || c == '\t')) {
			return true
		}
	}
	return false
}

func needsEscapeSlow(s string, message bool) bool {
	for i, r := range s {
		if r == utf8.RuneError {
			if _, n := utf8.DecodeRuneInString(s[i:]); n == 1 {
				return true
			}
		}
		if r == '\\' && !message || Unsafe(r) && !(message && (r == '\n' || r == '\t')) {
			return true
		}
	}
	return false
}

// escapedNext reports whether what follows a backslash would print as
// something an escape could start with: then the backslash is doubled, so
// that "\x1b" typed by someone never looks like an escaped ESC.
func escapedNext(rest string) bool {
	if rest == "" {
		return false
	}
	r, n := utf8.DecodeRuneInString(rest)
	return r == '\\' || r == 'x' || r == 'u' || r == utf8.RuneError && n == 1 || Unsafe(r)
}

const hexDigits = "0123456789abcdef"

// writeByte writes \xNN: a control byte below 0x80, or a byte that is not
// valid UTF-8.
func writeByte(b *strings.Builder, c byte) {
	b.WriteString(`\x`)
	b.WriteByte(hexDigits[c>>4])
	b.WriteByte(hexDigits[c&0xf])
}

// writeRune writes an unsafe rune: \xNN below 0x80, else \uNNNN (every
// unsafe rune is in the Basic Multilingual Plane).
func writeRune(b *strings.Builder, r rune) {
	if r < 0x80 {
		writeByte(b, byte(r))
		return
	}
	b.WriteString(`\u`)
	for shift := 12; shift >= 0; shift -= 4 {
		b.WriteByte(hexDigits[(r>>shift)&0xf])
	}
}
