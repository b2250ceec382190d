package ui

import (
	_ "embed"
	"fmt"
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// themeChoice is the look a person picked in Settings.
type themeChoice uint8

const (
	themeSystem themeChoice = iota // follow the desktop
	themeLight
	themeDark
)

var themeChoices = []themeChoice{themeSystem, themeLight, themeDark}

func (c themeChoice) String() string {
	switch c {
	case themeSystem:
		return "system"
	case themeLight:
		return "light"
	case themeDark:
		return "dark"
	}
	return fmt.Sprintf("themeChoice(%d)", uint8(c))
}

// label is how Settings shows the choice.
func (c themeChoice) label() string {
	switch c {
	case themeLight:
		return "Light"
	case themeDark:
		return "Dark"
	}
	return "Same as the system"
}

// parseThemeChoice reads a stored choice; anything unknown means system.
func parseThemeChoice(s string) themeChoice {
	for _, c := range themeChoices {
		if c.String() == s {
			return c
		}
	}
	return themeSystem
}

// variantTheme forces the light or dark variant of a theme, or passes the
// system's through.
type variantTheme struct {
	fyne.Theme
	choice themeChoice
}

var _ fyne.Theme = (*variantTheme)(nil)

func newVariantTheme(base fyne.Theme, c themeChoice) fyne.Theme {
	return &variantTheme{Theme: base, choice: c}
}

func (t *variantTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	switch t.choice {
	case themeLight:
		v = theme.VariantLight
	case themeDark:
		v = theme.VariantDark
	}
	return t.Theme.Color(n, v)
}

// icon.png is a copy of ../assets/icon.png (which FyneApp.toml names); a
// test keeps the two identical.
//
//go:embed icon.png
var iconPNG []byte

func iconResource() fyne.Resource { return fyne.NewStaticResource("latchkey.png", iconPNG) }
