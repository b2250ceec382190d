//go:build unix && !darwin

package capture

import (
	"context"
	"fmt"
	"image"
)

func (d Desktop) screenBy(ctx context.Context, r Route) (image.Image, error) {
	switch r {
	case Portal:
		return d.portalScreenshot(ctx)
	case X11:
		return d.x11Screenshot(ctx)
	}
	return nil, fmt.Errorf("%w: %v is not available here", ErrNoScreen, r)
}

// ClipboardImage reads the image on the clipboard through the X protocol,
// which reaches the clipboard of Wayland desktops too, through XWayland.
func (d Desktop) ClipboardImage(ctx context.Context) (image.Image, error) {
	data, _, err := d.x11ClipboardData(ctx, MaxBytes)
	if err != nil {
		return nil, err
	}
	return decode(data)
}
