package main

import (
	_ "embed"
	"fmt"

	"github.com/BurntSushi/toml"
)

// fyneApp is FyneApp.toml, the one place the version is written: fyne
// package reads it for the installers, and the binary carries it for
// "latchkey --version".
//
//go:embed FyneApp.toml
var fyneApp string

// appVersion is the [Details] Version of a FyneApp.toml.
func appVersion(metadata string) (string, error) {
	var m struct{ Details struct{ Version string } }
	if _, err := toml.Decode(metadata, &m); err != nil {
		return "", fmt.Errorf("reading FyneApp.toml: %w", err)
	}
	if m.Details.Version == "" {
		return "", fmt.Errorf("FyneApp.toml has no [Details] Version")
	}
	return m.Details.Version, nil
}
