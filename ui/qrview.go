package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"latchkey/internal/safetext"
	"latchkey/qrimport"
)

// qrSize is the side of the QR code image, in pixels.
const qrSize = 320

// showKeyQR shows an account's key as a QR code, to move it to a phone.
func showKeyQR(s *session, id string) {
	acct, ok := s.account(id)
	if !ok {
		return
	}
	s.touch()
	png, err := qrimport.KeyPNG(acct.Key, qrSize)
	if err != nil {
		s.w.showError("Could not draw the QR code", err)
		return
	}
	img := canvas.NewImageFromResource(fyne.NewStaticResource("key.png", png))
	img.FillMode = canvas.ImageFillContain
	img.ScaleMode = canvas.ImageScalePixels
	img.SetMinSize(fyne.NewSize(qrSize, qrSize))
	label := safetext.Escape(acct.Key.Label())
	warn := widget.NewLabel("Anyone who sees this code can make " + label + " codes. Close it when done.")
	warn.Wrapping = fyne.TextWrapWord
	warn.Importance = widget.WarningImportance
	body := container.NewBorder(nil, warn, nil, nil, img)
	d := dialog.NewCustom(label, "Close", container.New(&minSizeLayout{size: fyne.NewSize(qrSize+20, qrSize+80)}, body), s.w.win)
	s.w.present(d, nil)
}
