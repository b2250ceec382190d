//go:build unix && !darwin

package capture

import (
	"context"
	"errors"
	"fmt"
	"image"
	"io"
	"log"

	"github.com/jezek/xgb"
	"github.com/jezek/xgb/xproto"
)

func init() {
	// xgb reports missing X authority and closed connections on stderr; we
	// report what matters through errors instead.
	xgb.Logger = log.New(io.Discard, "", 0)
}

// bandBytes is how much of the screen one GetImage asks for, so the whole
// screen is never held twice.
const bandBytes = 8 << 20

// dialX connects to an X server; ending ctx closes the connection, which
// ends any wait for a reply. The caller calls done when finished.
func dialX(ctx context.Context, display string) (c *xgb.Conn, done func(), err error) {
	if display == "" {
		return nil, nil, errors.New("DISPLAY is not set")
	}
	c, err = xgb.NewConnDisplay(display)
	if err != nil {
		return nil, nil, err
	}
	stop := context.AfterFunc(ctx, c.Close)
	return c, func() { stop(); c.Close() }, nil
}

// x11Screenshot reads the root window, which spans every monitor, in bands
// of rows, converting the server's pixels as they come.
func (d Desktop) x11Screenshot(ctx context.Context) (image.Image, error) {
	c, done, err := dialX(ctx, d.Display)
	if err != nil {
		return nil, fmt.Errorf("%w: X11 display %q: %v", ErrNoScreen, d.Display, err)
	}
	defer done()
	setup := xproto.Setup(c)
	scr := setup.DefaultScreen(c)
	w, h := int(scr.WidthInPixels), int(scr.HeightInPixels)
	if err := checkSize(w, h); err != nil {
		return nil, fmt.Errorf("screen: %w", err)
	}
	pf, err := rootFormat(setup, scr)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNoScreen, err)
	}
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	stride := pf.stride(w)
	band := max(1, bandBytes/stride)
	for y := 0; y < h; y += band {
		n := min(band, h-y)
		reply, err := xproto.GetImage(c, xproto.ImageFormatZPixmap, xproto.Drawable(scr.Root),
			0, int16(y), uint16(w), uint16(n), ^uint32(0)).Reply()
		if err != nil {
			if ctx.Err() != nil {
				return nil, fmt.Errorf("reading the screen: %w", ctx.Err())
			}
			return nil, fmt.Errorf("%w: GetImage: %v", ErrNoScreen, err)
		}
		if reply.Depth != scr.RootDepth || len(reply.Data) < stride*n {
			return nil, fmt.Errorf("%w: the X server sent %d bytes of depth %d for %d rows, want %d bytes of depth %d",
				ErrNoScreen, len(reply.Data), reply.Depth, n, stride*n, scr.RootDepth)
		}
		for row := range n {
			pf.convertRow(img.Pix[(y+row)*img.Stride:], reply.Data[row*stride:], w)
		}
	}
	return img, nil
}

// rootFormat finds the root window's pixel layout, refusing what we cannot
// convert (colour-mapped 8-bit screens).
func rootFormat(setup *xproto.SetupInfo, scr *xproto.ScreenInfo) (pixelFormat, error) {
	pf := pixelFormat{msbFirst: setup.ImageByteOrder == xproto.ImageOrderMSBFirst}
	for _, f := range setup.PixmapFormats {
		if f.Depth == scr.RootDepth {
			pf.bpp, pf.pad = int(f.BitsPerPixel), int(f.ScanlinePad)
		}
	}
	var visual *xproto.VisualInfo
	for _, d := range scr.AllowedDepths {
		for i := range d.Visuals {
			if d.Visuals[i].VisualId == scr.RootVisual {
				visual = &d.Visuals[i]
			}
		}
	}
	if visual == nil || visual.Class != xproto.VisualClassTrueColor {
		return pixelFormat{}, fmt.Errorf("a screen of depth %d without true colour is not supported", scr.RootDepth)
	}
	pf.channels = [3]channel{newChannel(visual.RedMask), newChannel(visual.GreenMask), newChannel(visual.BlueMask)}
	return pf, pf.check()
}
