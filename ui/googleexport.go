package ui

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"latchkey/internal/safetext"
	"latchkey/otp"
)

// googleExport pages through the export's QR codes.
type googleExport struct {
	w       *window
	pngs    [][]byte
	at      int
	image   *canvas.Image
	counter *widget.Label
	prev    *widget.Button
	next    *widget.Button
	skipped []otp.Key
}

func newGoogleExport(w *window, pngs [][]byte, skipped []otp.Key) *googleExport {
	g := &googleExport{w: w, pngs: pngs, skipped: skipped}
	g.image = canvas.NewImageFromResource(nil)
	g.image.FillMode = canvas.ImageFillContain
	g.image.ScaleMode = canvas.ImageScalePixels
	g.image.SetMinSize(fyne.NewSize(320, 320))
	g.counter = widget.NewLabel("")
	g.counter.Alignment = fyne.TextAlignCenter
	g.prev = widget.NewButtonWithIcon("", theme.NavigateBackIcon(), g.onPrev)
	g.next = widget.NewButtonWithIcon("", theme.NavigateNextIcon(), g.onNext)
	g.showPage()
	return g
}

// skippedText names the accounts the export cannot carry.
func skippedText(skipped []otp.Key) string {
	if len(skipped) == 0 {
		return ""
	}
	var names []string
	for _, k := range skipped {
		names = append(names, safetext.Escape(k.Label()))
	}
	return "Not in these codes (Google Authenticator cannot hold them; move them by hand): " + strings.Join(names, ", ") + "."
}

func (g *googleExport) show() {
	intro := widget.NewLabel("In Google Authenticator choose Transfer accounts, Import accounts, and scan each code in turn.")
	intro.Wrapping = fyne.TextWrapWord
	parts := []fyne.CanvasObject{intro, g.image, container.NewBorder(nil, nil, g.prev, g.next, g.counter)}
	if t := skippedText(g.skipped); t != "" {
		l := widget.NewLabel(t)
		l.Wrapping = fyne.TextWrapWord
		l.Importance = widget.WarningImportance
		parts = append(parts, l)
	}
	d := dialog.NewCustom("Google Authenticator export", "Done", container.New(&columnLayout{width: 380}, container.NewVBox(parts...)), g.w.win)
	d.SetOnClosed(func() {
		for _, p := range g.pngs {
			clear(p)
		}
	})
	g.w.present(d, nil)
}

func (g *googleExport) showPage() {
	if len(g.pngs) == 0 {
		g.counter.SetText("No account can go into a Google Authenticator export.")
		g.prev.Disable()
		g.next.Disable()
		return
	}
	g.image.Resource = fyne.NewStaticResource(fmt.Sprintf("google-export-%d.png", g.at+1), g.pngs[g.at])
	g.image.Refresh()
	g.counter.SetText(fmt.Sprintf("Code %d of %d", g.at+1, len(g.pngs)))
	enable(g.prev, g.at > 0)
	enable(g.next, g.at < len(g.pngs)-1)
}

func (g *googleExport) onPrev() {
	if g.at > 0 {
		g.at--
		g.showPage()
	}
}

func (g *googleExport) onNext() {
	if g.at < len(g.pngs)-1 {
		g.at++
		g.showPage()
	}
}
