//go:build !unix && !windows

package capture

import (
	"context"
	"fmt"
	"image"
)

func (d Desktop) screenBy(ctx context.Context, r Route) (image.Image, error) {
	return nil, fmt.Errorf("%w: not supported on this system", ErrNoScreen)
}

// ClipboardImage is not supported on this system.
func (d Desktop) ClipboardImage(ctx context.Context) (image.Image, error) {
	return nil, fmt.Errorf("%w: not supported on this system", ErrNoClipboard)
}
