package ui

import (
	"bytes"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"latchkey/internal/deptest"
	"latchkey/vault"
)

func TestGroupCode(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"123456", "123 456"}, {"1234567", "123 4567"}, {"12345678", "1234 5678"},
		{"1234567890", "12345 67890"}, {"BCDFG", "BCDFG"}, {"", ""},
	} {
		if got := groupCode(c.in); got != c.want {
			t.Errorf("groupCode(%q): got %q, want %q", c.in, got, c.want)
		}
	}
}

func TestPasswordStrength(t *testing.T) {
	for _, c := range []struct {
		pw   string
		want strength
	}{
		{"", strengthNone},
		{"abc", strengthWeak},
		{"aaaaaaaaaaaaaaaa", strengthWeak},
		{"password", strengthWeak},
		{"Tr0ub4dor", strengthFair},
		{"correct horse battery", strengthGood},
		{"correct horse battery staple glue", strengthStrong},
	} {
		if got, bits := passwordStrength(c.pw); got != c.want {
			t.Errorf("passwordStrength(%q): got %v (%.0f bits), want %v", c.pw, got, bits, c.want)
		}
	}
}

func TestDurationLabels(t *testing.T) {
	for _, c := range []struct {
		d    time.Duration
		want string
	}{{0, "Never"}, {time.Second, "1 second"}, {30 * time.Second, "30 seconds"}, {time.Minute, "1 minute"}, {90 * time.Minute, "90 minutes"}, {2 * time.Hour, "2 hours"}} {
		if got := durationLabel(c.d); got != c.want {
			t.Errorf("durationLabel(%v): got %q, want %q", c.d, got, c.want)
		}
		if got, ok := newChoices(durationLabel, time.Hour, c.d).of(c.want); !ok || got != c.d {
			t.Errorf("choices.of(%q): got %v, %v, want %v", c.want, got, ok, c.d)
		}
	}
}

func TestEnumStrings(t *testing.T) {
	for _, c := range themeChoices {
		if parseThemeChoice(c.String()) != c {
			t.Errorf("theme %v does not round-trip", c)
		}
	}
	for _, o := range sortOrders {
		if parseSortOrder(o.String()) != o {
			t.Errorf("sort %v does not round-trip", o)
		}
	}
	if got := parseThemeChoice("purple"); got != themeSystem {
		t.Errorf("got %v for an unknown theme, want system", got)
	}
}

// The window's icon is a copy of the one FyneApp.toml names.
func TestIconMatchesAssets(t *testing.T) {
	want, err := os.ReadFile("../assets/icon.png")
	if err != nil {
		t.Fatalf("no ../assets/icon.png: %v", err)
	}
	if !bytes.Equal(iconPNG, want) {
		t.Error("ui/icon.png differs from assets/icon.png; copy it again")
	}
}

// Only ui and main may import Fyne.
func TestOnlyUIImportsFyne(t *testing.T) {
	for _, pkg := range []string{"latchkey/otp", "latchkey/vault", "latchkey/qrimport", "latchkey/interop", "latchkey/kit", "latchkey/cli"} {
		if deps := deptest.Deps(t, pkg); slices.ContainsFunc(deps, func(p string) bool { return strings.HasPrefix(p, "fyne.io/") }) {
			t.Errorf("%s depends on Fyne", pkg)
		}
	}
}

func FuzzSplitTags(f *testing.F) {
	f.Add("work, home")
	f.Add(",,, ,")
	f.Fuzz(func(t *testing.T, s string) {
		seen := map[string]bool{}
		for _, tag := range splitTags(s) {
			if tag == "" || strings.TrimSpace(tag) != tag || strings.Contains(tag, ",") {
				t.Errorf("got tag %q from %q", tag, s)
			}
			if seen[strings.ToLower(tag)] {
				t.Errorf("got tag %q twice from %q", tag, s)
			}
			seen[strings.ToLower(tag)] = true
		}
	})
}

func FuzzPasswordStrength(f *testing.F) {
	f.Add("correct horse")
	f.Fuzz(func(t *testing.T, pw string) {
		st, bits := passwordStrength(pw)
		if pw != "" && utf8.RuneCountInString(pw) < minPasswordLen && st > strengthWeak {
			t.Errorf("got %v for a %d-character password", st, utf8.RuneCountInString(pw))
		}
		if bits < 0 {
			t.Errorf("got %f bits", bits)
		}
	})
}

func TestBarFractionSteps(t *testing.T) {
	for _, c := range []struct {
		left time.Duration
		want float32
	}{
		{30 * time.Second, 1}, {29 * time.Second, 1}, {25 * time.Second, 25.0 / 30}, {24500 * time.Millisecond, 25.0 / 30},
		{10 * time.Second, 10.0 / 30}, {6 * time.Second, 10.0 / 30}, {4 * time.Second, 5.0 / 30}, {time.Second, 5.0 / 30},
	} {
		if got := barFraction(c.left, 30); got < c.want-1e-6 || got > c.want+1e-6 {
			t.Errorf("barFraction(%v, 30): got %v, want %v", c.left, got, c.want)
		}
	}
}

// A panic in background work becomes an error dialog, not a crash.
func TestBackgroundPanicIsContained(t *testing.T) {
	h := newHarness(t, []vault.Account{})
	h.app.w.contained(func() { panic("a bug") })
	if m := shown(h); !strings.Contains(m, "internal error") {
		t.Errorf("after a panic in background work the window shows:\n%s\nwant the internal error", m)
	}
}
