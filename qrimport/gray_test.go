package qrimport

import (
	"image"
	"image/color"
	"image/draw"
	"testing"
)

// TestToGrayEachLayout checks toGray's row converters, one a pixel layout,
// against the slow road: image.At, then color.NRGBAModel and the same
// blend onto white. pngGray and bmpGray share the converters, so their
// comparisons with image/png and x/image/bmp cannot catch a converter's
// mistake; this test can.
func TestToGrayEachLayout(t *testing.T) {
	const w, h = 13, 7
	r := image.Rect(-3, 2, w-3, h+2) // not at the origin, as a sub-image is
	pal := color.Palette{color.White, color.NRGBA{200, 10, 90, 128}, color.RGBA{0, 70, 0, 255}, color.Transparent}
	ycc := image.NewYCbCr(r, image.YCbCrSubsampleRatio444)
	imgs := []image.Image{image.NewGray(r), image.NewGray16(r), image.NewNRGBA(r), image.NewRGBA(r),
		image.NewNRGBA64(r), image.NewRGBA64(r), image.NewPaletted(r, pal), ycc,
		// Sub-images, whose pixels start past their parent's first row.
		image.NewNRGBA(r.Inset(-2)).SubImage(r), image.NewGray16(r.Inset(-3)).SubImage(r)}
	for _, img := range imgs {
		v := uint32(12345)
		for y := r.Min.Y; y < r.Max.Y; y++ {
			for x := r.Min.X; x < r.Max.X; x++ {
				v = v*1664525 + 1013904223
				if m, ok := img.(draw.Image); ok {
					m.Set(x, y, color.NRGBA64{uint16(v), uint16(v >> 5), uint16(v >> 11), uint16(v >> 16)})
				} else {
					ycc.Y[ycc.YOffset(x, y)] = uint8(v) // only Y counts
				}
			}
		}
		// Premultiplied and 16-bit layouts round on the way through
		// NRGBAModel: a shade or two.
		slack := 0
		switch img.(type) {
		case *image.RGBA, *image.NRGBA64, *image.RGBA64:
			slack = 2
		}
		g := toGray(img)
		if g.w != w || g.h != h {
			t.Fatalf("%T: got %dx%d, want %dx%d", img, g.w, g.h, w, h)
		}
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				got, want := int(g.pix[y*w+x]), int(grayOf(img.At(r.Min.X+x, r.Min.Y+y)))
				if img == ycc {
					want = int(ycc.YCbCrAt(r.Min.X+x, r.Min.Y+y).Y)
				}
				if got < want-slack || got > want+slack {
					t.Fatalf("%T: pixel (%d,%d) got %d, want %d (±%d)", img, x, y, got, want, slack)
				}
			}
		}
	}
}
