package ui

import (
	_ "embed"
	"image/color"
	"math"
	"slices"
	"sync"

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

	mu    sync.Mutex
	focus map[fyne.ThemeVariant]focusColours // worked out once per variant
}

// focusColours are the focus fill and the text drawn on it and elsewhere.
type focusColours struct{ text, fill color.Color }

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
	// Foreground is a text colour too, but focusColours makes it readable
	// itself, on the focus fill as well.
	c := t.Theme.Color(n, v)
	switch {
	case n == theme.ColorNameForeground:
		c = hintSafeOf(t.focusColours(v).text)
	case n == theme.ColorNameFocus:
		c = t.focusColours(v).fill
	case n == theme.ColorNameInputBorder:
		// 1 px wide and smoothed, a 3:1 border is drawn lighter than its
		// colour (2.9:1 measured): the colour keeps a margin.
		c = contrastingOn(c, t.grounds(outlineGrounds, v), minContrast)
	case n == theme.ColorNameForegroundOnPrimary:
		// The text of a default button, on Primary as Color corrects it.
		c = readableOn(c, []color.Color{t.Color(theme.ColorNamePrimary, v)})
	case slices.Contains(textColours, n):
		c = readableOn(c, t.grounds(textGrounds, v))
	}
	return c
}

// hintSafe is an opaque text colour that Fyne 2.7.1's menu shortcut hints
// ("Ctrl+L") survive. They are drawn in the foreground colour at 95% of its
// alpha, but only the low byte of the 16-bit result is kept
// (widget/menu_item.go, shortcutColor): an opaque colour gives hints at
// about 20%. At alpha 0xFFC9 of 0xFFFF the colour is opaque to every other
// reader (0xFF in 8 bits) and that byte comes out 0xFE; the hints take the
// low bytes of the premultiplied values, a shade nearer black, which reads
// at 4.5:1 in both themes (TestMenuHintsReadable). Should Fyne fix its
// arithmetic, the hints are drawn at 95%: still readable.
type hintSafe struct{ r, g, b uint8 }

const hintSafeAlpha = 0xFFC9

func hintSafeOf(c color.Color) hintSafe {
	n := color.NRGBAModel.Convert(c).(color.NRGBA)
	return hintSafe{n.R, n.G, n.B}
}

func (c hintSafe) RGBA() (r, g, b, a uint32) {
	premul := func(v uint8) uint32 { return uint32(v) * 0x101 * hintSafeAlpha / 0xffff }
	return premul(c.r), premul(c.g), premul(c.b), hintSafeAlpha
}

// focusColours makes the focus fill stand out by minNonText from every
// ground it lies on while text on it stays readable; where Fyne's grey
// text cannot allow that, the text goes darker (lighter in the dark theme)
// until it can.
func (t *variantTheme) focusColours(v fyne.ThemeVariant) focusColours {
	t.mu.Lock()
	defer t.mu.Unlock()
	if fc, ok := t.focus[v]; ok {
		return fc
	}
	grounds := t.grounds(focusGrounds, v)
	text := readableOn(t.Theme.Color(theme.ColorNameForeground, v), t.grounds(textGrounds, v))
	fill := t.Theme.Color(theme.ColorNameFocus, v)
	extreme := extremeFor(grounds[0])
	var fc focusColours
	for i := 0; i <= 20; i++ {
		fg := towards(text, extreme, float64(i)/20)
		f, ok := focusOn(fill, grounds, fg)
		fc = focusColours{text: fg, fill: f}
		if ok {
			break
		}
	}
	if t.focus == nil {
		t.focus = map[fyne.ThemeVariant]focusColours{}
	}
	t.focus[v] = fc
	return fc
}

// Icon draws the outlines of empty check boxes and radio buttons two units
// wide in 24: Fyne's one unit is under a pixel at the usual 20 px, so
// smoothing leaves even a 3:1 colour a faint grey (measured 195 on white).
func (t *variantTheme) Icon(n fyne.ThemeIconName) fyne.Resource {
	switch n {
	case theme.IconNameCheckButton:
		return checkOutline
	case theme.IconNameRadioButton:
		return radioOutline
	}
	return t.Theme.Icon(n)
}

// The holes go the other way round, so the default fill rule cuts them.
var (
	checkOutline = fyne.NewStaticResource("check-outline.svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg" width="24" height="24" viewBox="0 0 24 24">`+
		`<path d="M4,3 H20 Q21,3 21,4 V20 Q21,21 20,21 H4 Q3,21 3,20 V4 Q3,3 4,3 Z M5,5 V19 H19 V5 Z"/></svg>`))
	radioOutline = fyne.NewStaticResource("radio-outline.svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg" width="24" height="24" viewBox="0 0 24 24">`+
		`<path d="M12,2 A10,10 0 1,1 12,22 A10,10 0 1,1 12,2 Z M12,4 A8,8 0 1,0 12,20 A8,8 0 1,0 12,4 Z"/></svg>`))
)

func (t *variantTheme) grounds(names []fyne.ThemeColorName, v fyne.ThemeVariant) []color.Color {
	out := make([]color.Color, len(names))
	for i, g := range names {
		out[i] = t.Theme.Color(g, v)
	}
	return out
}

// minNonText is WCAG's ratio for what identifies a control and its state
// (1.4.11): check box and radio outlines, entry borders, the focus mark.
const minNonText = 3

// outlineGrounds are what InputBorder, the outline of an empty check box or
// radio button and of an entry, lies between: the window or a dialog
// outside, the field inside. (A focused entry's border and a checked box
// are Primary, readable as text already.)
var outlineGrounds = []fyne.ThemeColorName{
	theme.ColorNameBackground, theme.ColorNameOverlayBackground, theme.ColorNameInputBackground,
}

// focusGrounds are what Focus, a translucent fill, is laid over: the disc
// behind a focused check box or radio button, a focused button or select,
// the menu item under the keyboard.
var focusGrounds = []fyne.ThemeColorName{
	theme.ColorNameBackground, theme.ColorNameOverlayBackground, theme.ColorNameMenuBackground,
	theme.ColorNameButton, theme.ColorNameInputBackground,
}

// focusOn makes the translucent fill c more opaque until it stands out
// from every ground by minNonText, but only as far as text (fg) on it stays
// readable: buttons, selects and menu items draw their label on it. It
// reports whether the fill got there.
func focusOn(c color.Color, grounds []color.Color, fg color.Color) (color.Color, bool) {
	from := color.NRGBAModel.Convert(c).(color.NRGBA)
	best := from
	for a := int(from.A); a <= 0xff; a += 4 {
		m := from
		m.A = uint8(a)
		worstMark, worstText := math.Inf(1), math.Inf(1)
		for _, g := range grounds {
			o := over(m, g)
			worstMark = min(worstMark, contrast(o, g))
			worstText = min(worstText, contrast(fg, o))
		}
		if worstText < minContrast {
			break
		}
		best = m
		if worstMark >= minNonText {
			return m, true
		}
	}
	return best, false
}

// over is c laid over the opaque ground g, as Fyne draws it.
func over(c color.NRGBA, g color.Color) color.NRGBA {
	b := color.NRGBAModel.Convert(g).(color.NRGBA)
	f := float64(c.A) / 0xff
	mix := func(x, y uint8) uint8 { return uint8(math.Round(float64(x)*f + float64(y)*(1-f))) }
	return color.NRGBA{R: mix(c.R, b.R), G: mix(c.G, b.G), B: mix(c.B, b.B), A: 0xff}
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
	return contrastingOn(c, grounds, minContrast)
}

// contrastingOn is readableOn to the ratio least.
func contrastingOn(c color.Color, grounds []color.Color, least float64) color.Color {
	worst := func(c color.Color) float64 {
		w := math.Inf(1)
		for _, g := range grounds {
			w = min(w, contrast(c, g))
		}
		return w
	}
	if len(grounds) == 0 || worst(c) >= least {
		return c
	}
	toward := extremeFor(grounds[0])
	for i := 1; i <= 20; i++ {
		if m := towards(c, toward, float64(i)/20); worst(m) >= least {
			return m
		}
	}
	return toward
}

// extremeFor is black on a light ground, white on a dark one.
func extremeFor(ground color.Color) color.NRGBA {
	if luminance(ground) < 0.18 {
		return color.NRGBA{R: 0xff, G: 0xff, B: 0xff, A: 0xff}
	}
	return color.NRGBA{A: 0xff}
}

// towards is the opaque mix of c with a fraction f of to.
func towards(c color.Color, to color.NRGBA, f float64) color.NRGBA {
	from := color.NRGBAModel.Convert(c).(color.NRGBA)
	mix := func(a, b uint8) uint8 { return uint8(math.Round(float64(a)*(1-f) + float64(b)*f)) }
	return color.NRGBA{R: mix(from.R, to.R), G: mix(from.G, to.G), B: mix(from.B, to.B), A: 0xff}
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
