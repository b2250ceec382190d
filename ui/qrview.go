package ui

import (
	"fmt"
	"image"
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"latchkey/otp"
)

// qrSize is the side of the QR code image, in pixels.
const qrSize = 320

// showKeyQR shows an account's key as a QR code, to move it to a phone.
func (a *app) showKeyQR(id string) {
	acct, ok := a.v.Account(id)
	if !ok {
		return
	}
	a.touch()
	qr, err := keyQR(acct.Key, qrSize)
	if err != nil {
		a.showError("Could not draw the QR code", err)
		return
	}
	img := canvas.NewImageFromImage(qr)
	img.FillMode = canvas.ImageFillContain
	img.ScaleMode = canvas.ImageScalePixels
	img.SetMinSize(fyne.NewSize(qrSize, qrSize))
	warn := widget.NewLabel("Anyone who sees this code can make " + acct.Key.Label() + " codes. Close it when done.")
	warn.Wrapping = fyne.TextWrapWord
	warn.Importance = widget.WarningImportance
	body := container.NewBorder(nil, warn, nil, nil, img)
	d := dialog.NewCustom(acct.Key.Label(), "Close", container.New(&minSizeLayout{size: fyne.NewSize(qrSize+20, qrSize+80)}, body), a.win)
	d.Show()
}

// keyQR draws k's URI as a QR code, size pixels square. (qrimport.KeyPNG is
// the intended home for this; it is not there yet.)
func keyQR(k otp.Key, size int) (image.Image, error) {
	m, err := qrcode.NewQRCodeWriter().Encode(k.URI(), gozxing.BarcodeFormat_QR_CODE, size, size, nil)
	if err != nil {
		return nil, fmt.Errorf("drawing the QR code for %s: %w", k.Label(), err)
	}
	img := image.NewGray(image.Rect(0, 0, m.GetWidth(), m.GetHeight()))
	for y := 0; y < m.GetHeight(); y++ {
		for x := 0; x < m.GetWidth(); x++ {
			if m.Get(x, y) {
				img.SetGray(x, y, color.Gray{})
			} else {
				img.SetGray(x, y, color.Gray{Y: 255})
			}
		}
	}
	return img, nil
}
