package main

import (
	"regexp"
	"testing"
)

func TestAppVersion(t *testing.T) {
	tests := []struct {
		toml, want string
		wantErr    bool
	}{
		{"[Details]\nName = \"Latchkey\"\nVersion = \"1.2.3\"\n", "1.2.3", false},
		{"Website = \"x\"\n[Details]\n  Version = '0.9.0-rc.1'\n[Other]\nVersion = \"9\"\n", "0.9.0-rc.1", false},
		{"[Other]\nVersion = \"1.0.0\"\n", "", true},
		{"[Details]\nVersion = 1.0\n", "", true},
		{"[Details\n", "", true},
	}
	for _, tt := range tests {
		got, err := appVersion(tt.toml)
		if got != tt.want || (err != nil) != tt.wantErr {
			t.Errorf("appVersion(%q): got %q, %v; want %q, error %v", tt.toml, got, err, tt.want, tt.wantErr)
		}
	}
}

// The FyneApp.toml built into the binary has a version fyne package and the
// Debian and Windows metadata accept: numbers and dots.
func TestEmbeddedVersion(t *testing.T) {
	v, err := appVersion(fyneApp)
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^[0-9]+\.[0-9]+\.[0-9]+$`).MatchString(v) {
		t.Errorf("got version %q, want MAJOR.MINOR.PATCH", v)
	}
}
