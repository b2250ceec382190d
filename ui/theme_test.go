package ui

import (
	"fmt"
	"image/color"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// TestContrastFormula checks the WCAG formula against known ratios.
func TestContrastFormula(t *testing.T) {
	for _, c := range []struct {
		a, b color.Color
		want float64
	}{
		{color.White, color.Black, 21},
		{color.White, color.White, 1},
		{color.NRGBA{0x77, 0x77, 0x77, 0xff}, color.White, 4.48}, // the classic "just fails" grey
	} {
		if got := contrast(c.a, c.b); fmt.Sprintf("%.2f", got) != fmt.Sprintf("%.2f", c.want) {
			t.Errorf("contrast(%v, %v): got %.2f, want %.2f", c.a, c.b, got, c.want)
		}
	}
}

// TestTextContrast: every colour text is drawn in reaches 4.5:1 on every
// ground text sits on, in the light and the dark theme.
func TestTextContrast(t *testing.T) {
	for _, choice := range []themeChoice{themeLight, themeDark} {
		th := newVariantTheme(theme.DefaultTheme(), choice)
		for _, n := range textColours {
			for _, g := range textGrounds {
				fg, bg := th.Color(n, theme.VariantLight), th.Color(g, theme.VariantLight)
				if r := contrast(fg, bg); r < minContrast {
					t.Errorf("%s theme: %s text on %s: got %.2f:1, want at least %.1f:1", choice, n, g, r, minContrast)
				}
			}
		}
		// The text of a default (high-importance) button sits on Primary.
		if r := contrast(th.Color(theme.ColorNameForegroundOnPrimary, 0), th.Color(theme.ColorNamePrimary, 0)); r < minContrast {
			t.Errorf("%s theme: text on a primary button: got %.2f:1, want at least %.1f:1", choice, r, minContrast)
		}
	}
}

// TestBaseThemeNeededFixing keeps the test above honest: Fyne's own
// colours fail somewhere, so the theme's correction is what passes.
func TestBaseThemeNeededFixing(t *testing.T) {
	base := theme.DefaultTheme()
	failing := 0
	for _, v := range []fyne.ThemeVariant{theme.VariantLight, theme.VariantDark} {
		for _, n := range textColours {
			if contrast(base.Color(n, v), base.Color(theme.ColorNameBackground, v)) < minContrast {
				failing++
			}
		}
	}
	if failing == 0 {
		t.Error("got every base colour readable, want the test to check a correction (has Fyne's theme changed?)")
	}
}
