package otp

import (
	"fmt"
	"testing"
)

func TestURILines(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string // "number:line"
	}{
		{"", nil},
		{"\n\n  \n", nil},
		{"otpauth://a", []string{"1:otpauth://a"}},
		{"# list\n\n otpauth://a \r\n\t# note\notpauth://b#frag\n", []string{"3:otpauth://a", "5:otpauth://b#frag"}},
		{"a\nb", []string{"1:a", "2:b"}},
		{"  #x\n#\n", nil},
	} {
		var got []string
		for n, line := range URILines(tc.in) {
			got = append(got, fmt.Sprintf("%d:%s", n, line))
		}
		if fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("URILines(%q): got %q, want %q", tc.in, got, tc.want)
		}
	}
}

// A reader that stops early (a full import) stops the lines.
func TestURILinesStops(t *testing.T) {
	n := 0
	for range URILines("a\nb\nc\n") {
		n++
		if n == 2 {
			break
		}
	}
	if n != 2 {
		t.Errorf("got %d lines read, want 2", n)
	}
}
