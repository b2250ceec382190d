package safetext

import (
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestEscape(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"GitHub", "GitHub"},
		{"alice@example.com", "alice@example.com"},
		{"Crédit Agricole", "Crédit Agricole"},
		{"楽天銀行", "楽天銀行"},
		{"بنك", "بنك"},
		{"🔐 vault", "🔐 vault"},
		{"👨‍👩‍👧 family", "👨‍👩‍👧 family"}, // zero-width joiners hold the emoji together
		{"\x1b[31mRED\x1b[0m", `\x1b[31mRED\x1b[0m`},
		{"\x1b]0;pwned\x07", `\x1b]0;pwned\x07`},
		{"ab\bc", `ab\x08c`},
		{"nul\x00", `nul\x00`},
		{"tab\there", `tab\x09here`},
		{"two\nlines\r", `two\x0alines\x0d`},
		{"del\x7f", `del\x7f`},
		{"c1\u009bcsi", `c1\u009bcsi`},
		{"evil\u202egpj.exe", `evil\u202egpj.exe`},
		{"\u2066isolate\u2069", `\u2066isolate\u2069`},
		{"\u200emark\u200f\u061c", `\u200emark\u200f\u061c`},
		{"Goo\u200bgle", `Goo\u200bgle`},
		{"bom\ufeff", `bom\ufeff`},
		{"sep\u2028", `sep\u2028`},
		{"bad \xff byte", `bad \xff byte`},
		{"\xe2\x80", `\xe2\x80`}, // a cut-off rune: its bytes, not one U+FFFD
		{"\ufffd", "\ufffd"},     // a real replacement character stays
		// A backslash stays single unless what follows could read as an escape.
		{`CORP\alice`, `CORP\alice`},
		{`C:\new`, `C:\new`},
		{`a\x1b`, `a\\x1b`},
		{`a\u202e`, `a\\u202e`},
		{`a\\b`, `a\\\b`},
		{"a\\\x1b", `a\\\x1b`},
		{`end\`, `end\`},
	} {
		if got := Escape(tc.in); got != tc.want {
			t.Errorf("Escape(%q): got %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestMessage(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"plain", "plain"},
		{"2 accounts match:\n  a\tb", "2 accounts match:\n  a\tb"},
		{"added \x1b[2J\u202eevil\r", `added \x1b[2J\u202eevil\x0d`},
		{`already \x1b escaped`, `already \x1b escaped`},
		{"bad \xff byte", `bad \xff byte`},
	} {
		if got := Message(tc.in); got != tc.want {
			t.Errorf("Message(%q): got %q, want %q", tc.in, got, tc.want)
		}
	}
}

// unescape inverts Escape; the fuzz target checks that it does.
func unescape(t *testing.T, s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		if s[i] != '\\' || i+1 == len(s) {
			b.WriteByte(s[i])
			i++
			continue
		}
		switch s[i+1] {
		case '\\':
			b.WriteByte('\\')
			i += 2
		case 'x':
			b.WriteByte(byte(escaped(t, s, i, 2)))
			i += 4
		case 'u':
			b.WriteRune(rune(escaped(t, s, i, 4)))
			i += 6
		default:
			b.WriteByte('\\')
			i++
		}
	}
	return b.String()
}

// escaped reads the value of the escape at s[i:], a backslash, a letter
// and digits hex digits.
func escaped(t *testing.T, s string, i, digits int) uint64 {
	t.Helper()
	v, err := strconv.ParseUint(s[i+2:i+2+digits], 16, 4*digits)
	if err != nil {
		t.Fatalf("%q: bad \\%c escape at %d", s, s[i+1], i)
	}
	return v
}

func FuzzEscape(f *testing.F) {
	for _, s := range []string{"", "GitHub", "\x1b[31m", `\x1b`, "a\\\x1b", "\u202e", "\xff\xfe", "👨‍👩‍👧", `\\u`, "\u0085", "end\\"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e := Escape(s)
		for _, out := range []string{e, Message(s)} {
			if !utf8.ValidString(out) {
				t.Fatalf("%q: output %q is not valid UTF-8", s, out)
			}
			for _, r := range out {
				if Unsafe(r) && !(out != e && (r == '\n' || r == '\t')) {
					t.Fatalf("%q: output %q holds %U", s, out, r)
				}
			}
		}
		// Injective: the input comes back from the output, so two
		// different names never print the same.
		if back := unescape(t, e); back != s {
			t.Fatalf("Escape(%q) = %q reads back as %q", s, e, back)
		}
		// Message leaves escaped fields alone.
		if m := Message(e); m != e {
			t.Fatalf("Message(Escape(%q)) = %q, want %q", s, m, e)
		}
	})
}
