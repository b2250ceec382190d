package ui

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"time"

	"fyne.io/fyne/v2"

	"latchkey/core"
)

// maxCapture caps a screenshot or clipboard image read from a helper tool.
const maxCapture = 256 << 20

// errNoCaptureTool: neither capture route is installed.
var errNoCaptureTool = errors.New("screen capture needs ImageMagick's \"import\" (Debian package imagemagick); install it, or save the QR code as an image and open that")

// onScanScreen captures every screen and reads every QR code on them.
func (a *app) onScanScreen() {
	if a.v == nil {
		return
	}
	a.touch()
	a.busy("Scanning the screen for QR codes…")
	a.background(func() {
		data, err := captureScreen()
		fyne.Do(func() {
			a.idleAgain()
			if err != nil {
				a.showError("Could not capture the screen", err)
				return
			}
			a.decodeImages([]core.Image{{Name: "the screen", Data: data}})
		})
	})
}

// captureScreen returns a PNG of the X11 root window, which spans every
// monitor. ImageMagick writes it to our pipe, so it never touches the disk.
// (Wayland sessions show only X11 windows here.)
func captureScreen() ([]byte, error) {
	if _, err := exec.LookPath("import"); err != nil {
		return nil, errNoCaptureTool
	}
	return runCapped(30*time.Second, "import", "-silent", "-window", "root", "png:-")
}

// clipboardImage reads a PNG from the X11 clipboard with xclip, when the
// clipboard holds one.
func clipboardImage() ([]byte, error) {
	if _, err := exec.LookPath("xclip"); err != nil {
		return nil, errors.New("the clipboard holds no text, and reading images from it needs xclip (Debian package xclip)")
	}
	targets, err := runCapped(5*time.Second, "xclip", "-selection", "clipboard", "-t", "TARGETS", "-o")
	if err != nil || !bytes.Contains(targets, []byte("image/png")) {
		return nil, errors.New("the clipboard holds neither an otpauth:// link nor an image. Copy the QR code or its link and try again")
	}
	return runCapped(10*time.Second, "xclip", "-selection", "clipboard", "-t", "image/png", "-o")
}

// runCapped runs a helper and returns its output, refusing more than
// maxCapture bytes.
func runCapped(timeout time.Duration, name string, args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	out := &cappedBuffer{limit: maxCapture}
	cmd.Stdout = out
	var stderr bytes.Buffer
	cmd.Stderr = &cappedBuffer{limit: 4096, buf: stderr}
	if err := cmd.Run(); err != nil {
		if out.over {
			return nil, fmt.Errorf("%s: output larger than %d MiB: %w", name, maxCapture>>20, errTooLarge)
		}
		return nil, fmt.Errorf("%s failed: %w", name, err)
	}
	return out.buf.Bytes(), nil
}

// cappedBuffer keeps at most limit bytes and then fails the writer.
type cappedBuffer struct {
	buf   bytes.Buffer
	limit int
	over  bool
}

func (c *cappedBuffer) Write(p []byte) (int, error) {
	if c.buf.Len()+len(p) > c.limit {
		c.over = true
		return 0, errTooLarge
	}
	return c.buf.Write(p)
}
