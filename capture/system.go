//go:build windows || darwin

package capture

import (
	"context"
	"fmt"
	"image"
	"runtime"

	"github.com/kbinani/screenshot"
)

func (d Desktop) screenBy(ctx context.Context, r Route) (image.Image, error) {
	if r != System {
		return nil, fmt.Errorf("%w: %v is not available here", ErrNoScreen, r)
	}
	return systemScreenshot()
}

// systemScreenshot captures the rectangle spanning every display in one
// picture, through kbinani/screenshot: GDI on Windows (no cgo), Core
// Graphics or ScreenCaptureKit on macOS (cgo; without it the library
// reports that it is unsupported).
func systemScreenshot() (image.Image, error) {
	n := screenshot.NumActiveDisplays()
	if n == 0 {
		return nil, fmt.Errorf("%w: no display found", ErrNoScreen)
	}
	var all image.Rectangle
	for i := range n {
		all = all.Union(screenshot.GetDisplayBounds(i))
	}
	if err := checkSize(all.Dx(), all.Dy()); err != nil {
		return nil, fmt.Errorf("screen: %w", err)
	}
	img, err := screenshot.CaptureRect(all)
	if err != nil {
		if runtime.GOOS == "darwin" {
			return nil, fmt.Errorf("%w: %v (allow Latchkey in System Settings, Privacy & Security, Screen Recording)", ErrNoScreen, err)
		}
		return nil, fmt.Errorf("%w: %v", ErrNoScreen, err)
	}
	return img, nil
}
