package ui

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/png"
	"time"

	"latchkey/capture"
	"latchkey/internal/harden"
)

// captureScreen returns a PNG of every screen, taken through the desktop's
// screenshot service, the X protocol or the system's own capture (package
// capture chooses). Its errors say what to do instead.
func captureScreen() ([]byte, error) {
	// The desktop may first ask the person, so give them time to answer.
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	img, err := capture.CurrentDesktop().Screen(ctx)
	if err != nil {
		return nil, err
	}
	return encodePNG(img)
}

// clipboardImage returns the clipboard's image as a PNG, when it holds one.
func clipboardImage() ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	img, err := capture.CurrentDesktop().ClipboardImage(ctx)
	if errors.Is(err, capture.ErrNoImage) {
		return nil, errors.New("the clipboard holds neither an otpauth:// link nor an image. Copy the QR code or its link and try again")
	}
	if err != nil {
		return nil, err
	}
	return encodePNG(img)
}

// encodePNG hands a captured image on the way files are handed on, as
// bytes; quickly, as it is decoded again at once.
func encodePNG(img image.Image) ([]byte, error) {
	var b bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&b, img); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// introducePortal lets xdg-desktop-portal (the screenshot, and Fyne's theme
// and file questions) know this process before it holds any secret; see
// capture.IntroducePortal. It waits at most half a second for a slow portal.
func introducePortal() {
	harden.BeforeSecrets(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
		defer cancel()
		capture.IntroducePortal(ctx)
	})
}
