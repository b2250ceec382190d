//go:build darwin

package capture

import (
	"context"
	"fmt"
	"image"

	"golang.design/x/clipboard"
)

// ClipboardImage reads the PNG on the pasteboard through
// golang.design/x/clipboard (cgo). The pasteboard hands the image over as
// one block already in memory and the library copies it before we see its
// length, so here MaxBytes is checked after that copy; the pixel caps still
// come before decoding.
func (d Desktop) ClipboardImage(ctx context.Context) (image.Image, error) {
	if err := clipboard.Init(); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNoClipboard, err)
	}
	data := clipboard.Read(clipboard.FmtImage)
	if len(data) == 0 {
		return nil, ErrNoImage
	}
	return decode(data)
}
