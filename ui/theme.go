package ui

import (
	_ "embed"
	"image/color"
	"math"
	"slices"

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

// themeNames holds each choice's stored name and the label Settings shows.
var themeNames = storedNames[themeChoice]{
	themeSystem: {"system", "Same as the system"},
	themeLight:  {"light", "Light"},
	themeDark:   {"dark", "Dark"},
}

var themeChoices = themeNames.values()

func (c themeChoice) String() string { return themeNames.name(c, "themeChoice") }

// label is how Settings shows the choice.
func (c themeChoice) label() string { return themeNames.label(c) }

// parseThemeChoice reads a stored choice; anything unknown means system.
func parseThemeChoice(s string) themeChoice { return themeNames.parse(s) }

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
	c := t.Theme.Color(n, v)
	if slices.Contains(textColours, n) {
		var grounds []color.Color
		for _, g := range textGrounds {
			grounds = append(grounds, t.Theme.Color(g, v))
		}
		c = readableOn(c, grounds)
	}
	if n == theme.ColorNameForegroundOnPrimary {
		// The text of a default button, on Primary as corrected above.
		c = readableOn(c, []color.Color{t.Color(theme.ColorNamePrimary, v)})
	}
	return c
}

// textColours are the colour names text is drawn in: labels by importance
// (Disabled is a low-importance label's: the empty list's hint, the backup
// line), entries' placeholders, the codes and their "next" line.
var textColours = []fyne.ThemeColorName{
	theme.ColorNameForeground, theme.ColorNameDisabled, theme.ColorNamePlaceHolder,
	theme.ColorNamePrimary, theme.ColorNameWarning, theme.ColorNameError,
	theme.ColorNameSuccess, theme.ColorNameHyperlink,
}

// textGrounds are what that text sits on: the window, dialogs, menus and
// entries.
var textGrounds = []fyne.ThemeColorName{
	theme.ColorNameBackground, theme.ColorNameOverlayBackground,
	theme.ColorNameMenuBackground, theme.ColorNameInputBackground,
}

// minContrast is WCAG's AA ratio for normal text.
const minContrast = 4.5

// readableOn moves c towards black on light grounds, or white on dark
// ones, in small steps until it reaches minContrast on every ground; a
// colour that already does is kept as it is.
func readableOn(c color.Color, grounds []color.Color) color.Color {
	worst := func(c color.Color) float64 {
		w := math.Inf(1)
		for _, g := range grounds {
			w = min(w, contrast(c, g))
		}
		return w
	}
	if len(grounds) == 0 || worst(c) >= minContrast {
		return c
	}
	toward := color.NRGBA{A: 0xff} // black
	if luminance(grounds[0]) < 0.18 {
		toward = color.NRGBA{R: 0xff, G: 0xff, B: 0xff, A: 0xff}
	}
	from := color.NRGBAModel.Convert(c).(color.NRGBA)
	for i := 1; i <= 20; i++ {
		f := float64(i) / 20
		mix := func(a, b uint8) uint8 { return uint8(math.Round(float64(a)*(1-f) + float64(b)*f)) }
		m := color.NRGBA{R: mix(from.R, toward.R), G: mix(from.G, toward.G), B: mix(from.B, toward.B), A: 0xff}
		if worst(m) >= minContrast {
			return m
		}
	}
	return toward
}

// contrast is WCAG 2's contrast ratio of two colours, from 1 to 21.
func contrast(a, b color.Color) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// luminance is WCAG 2's relative luminance of an opaque colour (a
// translucent one counts as opaque: the themes' text colours are).
func luminance(c color.Color) float64 {
	n := color.NRGBAModel.Convert(c).(color.NRGBA)
	lin := func(v uint8) float64 {
		s := float64(v) / 255
		if s <= 0.04045 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(n.R) + 0.7152*lin(n.G) + 0.0722*lin(n.B)
}

// icon.png is a copy of ../assets/icon.png (which FyneApp.toml names); a
// test keeps the two identical.
//
//go:embed icon.png
var iconPNG []byte

func iconResource() fyne.Resource { return fyne.NewStaticResource("latchkey.png", iconPNG) }
