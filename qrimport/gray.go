package qrimport

import (
	"errors"
	"image"
	"image/color"
	"image/draw"
	"sync"

	"github.com/makiuchi-d/gozxing"
)

// gray is an 8-bit luminance picture. gozxing v0.1.1 reads every pixel
// through image.At (an interface call and an allocation per pixel); building
// this once is several times faster on 4K and 5K screenshots.
type gray struct {
	pix  []byte
	w, h int
	lv   *[5]byte // levels, then the extremes, once computed
}

// toGray flattens img onto white: transparent pixels become white, as they
// look in an image viewer, so a dark code on a transparent background stays
// readable.
func toGray(img image.Image) *gray {
	b := img.Bounds()
	pix, stride, conv, ok := rows(img)
	if !ok {
		// Rare formats (CMYK, custom types): convert through the
		// standard library once, then take a fast path.
		n := image.NewNRGBA(b)
		draw.Draw(n, b, img, b.Min, draw.Src)
		pix, stride, conv = n.Pix, n.Stride, nrgbaRow
	}
	g := &gray{pix: make([]byte, b.Dx()*b.Dy()), w: b.Dx(), h: b.Dy()}
	fill := func(y0, y1 int) {
		for y := y0; y < y1; y++ {
			conv(g.pix[y*g.w:(y+1)*g.w], pix[y*stride:])
		}
	}
	// Two cores halve the time on big screenshots.
	if g.w*g.h < 1<<20 {
		fill(0, g.h)
		return g
	}
	parallel(func() { fill(0, g.h/2) }, func() { fill(g.h/2, g.h) })
	return g
}

// parallel runs a and b at once. A panic in b is raised again here, where
// the caller's recover can contain it (a goroutine's panic would end the
// program).
func parallel(a, b func()) {
	var wg sync.WaitGroup
	var panicked any
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer func() { panicked = recover() }()
		b()
	}()
	a()
	wg.Wait()
	if panicked != nil {
		panic(panicked)
	}
}

// rows gives the pixels of img from its top-left one on, the bytes from
// one row to the next, and the converter of a row, for the image types
// with a fast path; ok is false for the others. Each type's Pix starts at
// its Bounds().Min.
func rows(img image.Image) (pix []byte, stride int, conv func(dst, src []byte), ok bool) {
	switch m := img.(type) {
	case *image.Gray:
		return m.Pix, m.Stride, copyRow, true
	case *image.NRGBA:
		return m.Pix, m.Stride, nrgbaRow, true
	case *image.RGBA:
		return m.Pix, m.Stride, rgbaRow, true
	case *image.YCbCr:
		return m.Y, m.YStride, copyRow, true
	case *image.Paletted:
		var lut [256]byte
		for i, c := range m.Palette {
			lut[i] = grayOf(c)
		}
		return m.Pix, m.Stride, func(dst, src []byte) { lutRow(dst, src, &lut) }, true
	case *image.Gray16:
		return m.Pix, m.Stride, gray16Row, true
	case *image.NRGBA64:
		return m.Pix, m.Stride, nrgba64Row, true
	case *image.RGBA64:
		return m.Pix, m.Stride, rgba64Row, true
	}
	return nil, 0, nil, false
}

// The row converters below turn one row of src into len(dst) shades of
// gray on white. toGray and the PNG and BMP readers share them.

func copyRow(dst, src []byte) { copy(dst, src[:len(dst)]) }

// lutRow maps one byte a pixel (palette indexes, 8-bit gray) through lut.
func lutRow(dst, src []byte, lut *[256]byte) {
	src = src[:len(dst)]
	for x, v := range src {
		dst[x] = lut[v]
	}
}

func gray16Row(dst, src []byte) {
	for x := range dst {
		dst[x] = src[x*2] // the high byte
	}
}

// nrgbaRow reads non-premultiplied 8-bit RGBA.
func nrgbaRow(dst, src []byte) {
	for x := range dst {
		p := src[4*x : 4*x+4 : 4*x+4]
		dst[x] = lumaOnWhite(uint32(p[0]), uint32(p[1]), uint32(p[2]), uint32(p[3]))
	}
}

// rgbaRow reads premultiplied 8-bit RGBA: a colour channel is already
// scaled by alpha, so the white behind adds 255-alpha.
func rgbaRow(dst, src []byte) {
	for x := range dst {
		p := src[4*x : 4*x+4 : 4*x+4]
		dst[x] = byte(luma(uint32(p[0]), uint32(p[1]), uint32(p[2])) + 255 - uint32(p[3]))
	}
}

// nrgba64Row reads non-premultiplied 16-bit RGBA (16-bit PNGs): the high
// bytes are all luminance needs.
func nrgba64Row(dst, src []byte) {
	for x := range dst {
		p := src[8*x : 8*x+8 : 8*x+8]
		dst[x] = lumaOnWhite(uint32(p[0]), uint32(p[2]), uint32(p[4]), uint32(p[6]))
	}
}

// rgba64Row reads premultiplied 16-bit RGBA, as rgbaRow does 8-bit.
func rgba64Row(dst, src []byte) {
	for x := range dst {
		p := src[8*x : 8*x+8 : 8*x+8]
		dst[x] = byte(luma(uint32(p[0]), uint32(p[2]), uint32(p[4])) + 255 - uint32(p[6]))
	}
}

// lumaOnWhite is the shade of a non-premultiplied pixel on white; an
// opaque one (most of them) skips the blend.
func lumaOnWhite(r, g, b, a uint32) byte {
	l := luma(r, g, b)
	if a != 255 {
		return onWhite(l, a)
	}
	return byte(l)
}

// luma is ITU-R BT.601 luminance of 8-bit channels, in 0..255.
func luma(r, g, b uint32) uint32 { return (299*r + 587*g + 114*b + 500) / 1000 }

// onWhite composites luminance l with coverage a over white.
func onWhite(l, a uint32) byte { return byte((l*a + 255*(255-a) + 127) / 255) }

func grayOf(c color.Color) byte {
	n := color.NRGBAModel.Convert(c).(color.NRGBA)
	return onWhite(luma(uint32(n.R), uint32(n.G), uint32(n.B)), uint32(n.A))
}

// invertLUT maps a shade to its negative, for light-on-dark codes.
var invertLUT = func() (lut [256]byte) {
	for i := range lut {
		lut[i] = byte(255 - i)
	}
	return lut
}()

// compose gives the table mapping through first, then through next.
func compose(first, next *[256]byte) *[256]byte {
	var out [256]byte
	for i, v := range first {
		out[i] = next[v]
	}
	return &out
}

// pad surrounds g with a border of the given shade, giving a code cropped
// tight to its modules the quiet zone the finder needs.
func (g *gray) pad(border int, shade byte) *gray {
	w, h := g.w+2*border, g.h+2*border
	out := &gray{pix: make([]byte, w*h), w: w, h: h}
	for i := range out.pix {
		out.pix[i] = shade
	}
	for y := 0; y < g.h; y++ {
		copy(out.pix[(y+border)*w+border:], g.pix[y*g.w:(y+1)*g.w])
	}
	return out
}

// scaleDown shrinks g by an integer factor, averaging each block: it removes
// JPEG noise and makes huge images with big modules faster to search.
func (g *gray) scaleDown(f int) *gray {
	w, h := g.w/f, g.h/f
	out := &gray{pix: make([]byte, w*h), w: w, h: h}
	n := uint32(f * f)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			var sum uint32
			for dy := 0; dy < f; dy++ {
				row := g.pix[(y*f+dy)*g.w+x*f:]
				for dx := 0; dx < f; dx++ {
					sum += uint32(row[dx])
				}
			}
			out.pix[y*w+x] = byte(sum / n)
		}
	}
	return out
}

// scaleUp doubles g with bilinear interpolation, so that modules of one or
// two pixels (downscaled or tiny codes) span enough pixels for the finder.
// Each output pixel is the rounded mean of the 2x2 source pixels at and
// after its half-position, clamped at the edges; written out per case, as
// it runs on every pixel of big pictures.
func (g *gray) scaleUp() *gray {
	w, h := g.w*2, g.h*2
	out := &gray{pix: make([]byte, w*h), w: w, h: h}
	last := g.w - 1
	for sy := 0; sy < g.h; sy++ {
		r0 := g.pix[sy*g.w : (sy+1)*g.w]
		r1 := g.pix[min(sy+1, g.h-1)*g.w:][:g.w]
		even := out.pix[2*sy*w : (2*sy+1)*w]
		odd := out.pix[(2*sy+1)*w : (2*sy+2)*w]
		for sx := 0; sx < last; sx++ {
			a, b := uint32(r0[sx]), uint32(r0[sx+1])
			c, d := uint32(r1[sx]), uint32(r1[sx+1])
			even[2*sx] = byte(a)
			even[2*sx+1] = byte((a + b + 1) / 2)
			odd[2*sx] = byte((a + c + 1) / 2)
			odd[2*sx+1] = byte((a + b + c + d + 2) / 4)
		}
		// The last column pairs with itself.
		a, c := uint32(r0[last]), uint32(r1[last])
		even[2*last], even[2*last+1] = byte(a), byte(a)
		odd[2*last], odd[2*last+1] = byte((a+c+1)/2), byte((a+c+1)/2)
	}
	return out
}

// crop copies a rectangle of g.
func (g *gray) crop(x0, y0, w, h int) *gray {
	out := &gray{pix: make([]byte, w*h), w: w, h: h}
	for y := 0; y < h; y++ {
		copy(out.pix[y*w:(y+1)*w], g.pix[(y0+y)*g.w+x0:])
	}
	return out
}

// levels gives the darkest, median and lightest shades, ignoring the
// extreme 0.5% at each end so that a stray pixel cannot set the range.
func (g *gray) levels() (lo, med, hi byte) {
	if g.lv != nil {
		return g.lv[0], g.lv[1], g.lv[2]
	}
	var hist [256]int
	// Every third pixel is plenty for percentiles, and faster on 5K.
	n := 0
	for i := 0; i < len(g.pix); i += 3 {
		hist[g.pix[i]]++
		n++
	}
	at := func(rank int) byte {
		acc := 0
		for i, c := range hist {
			acc += c
			if acc > rank {
				return byte(i)
			}
		}
		return 255
	}
	g.lv = &[5]byte{at(n / 200), at(n / 2), at(n - 1 - n/200), at(0), at(n - 1)}
	return g.lv[0], g.lv[1], g.lv[2]
}

// span is the difference between the darkest and the lightest shade
// present: small only when the whole image, code included, is low-contrast.
func (g *gray) span() int {
	g.levels()
	return int(g.lv[4]) - int(g.lv[3])
}

// stretchLUT maps the darkest and lightest shades present to black and
// white, for low-contrast codes (grey on grey); nil when the image has
// too few shades for it to help.
func (g *gray) stretchLUT() *[256]byte {
	lo, _, hi := g.levels()
	if int(hi)-int(lo) < 8 {
		return nil
	}
	var lut [256]byte
	for i := range lut {
		v := (i - int(lo)) * 255 / (int(hi) - int(lo))
		lut[i] = byte(max(0, min(255, v)))
	}
	return &lut
}

// thresholdLUT makes every shade at or below t black and the rest white.
func thresholdLUT(t byte) *[256]byte {
	var lut [256]byte
	for i := range lut {
		if i > int(t) {
			lut[i] = 255
		}
	}
	return &lut
}

// threshold is g mapped through thresholdLUT.
func (g *gray) threshold(t byte) *gray { return g.mapped(thresholdLUT(t)) }

func (g *gray) mapped(lut *[256]byte) *gray {
	out := &gray{pix: make([]byte, len(g.pix)), w: g.w, h: g.h}
	for i, v := range g.pix {
		out.pix[i] = lut[v]
	}
	return out
}

// source adapts a gray (or a window of it) to gozxing.
type source struct {
	gozxing.LuminanceSourceBase
	g         *gray
	left, top int
	lut       *[256]byte // shades mapped through it, when not nil
}

var _ gozxing.LuminanceSource = (*source)(nil)

func newSource(g *gray) *source {
	return &source{LuminanceSourceBase: gozxing.LuminanceSourceBase{Width: g.w, Height: g.h}, g: g}
}

func (s *source) GetRow(y int, row []byte) ([]byte, error) {
	if y < 0 || y >= s.Height {
		return row, errors.New("row outside the image")
	}
	if len(row) < s.Width {
		row = make([]byte, s.Width)
	}
	off := (y+s.top)*s.g.w + s.left
	copy(row, s.g.pix[off:off+s.Width])
	s.mapRow(row[:s.Width])
	return row, nil
}

func (s *source) mapRow(row []byte) {
	if s.lut != nil {
		for i, v := range row {
			row[i] = s.lut[v]
		}
	}
}

func (s *source) GetMatrix() []byte {
	if s.Width == s.g.w && s.Height == s.g.h && s.lut == nil {
		return s.g.pix
	}
	m := make([]byte, s.Width*s.Height)
	for y := 0; y < s.Height; y++ {
		off := (y+s.top)*s.g.w + s.left
		copy(m[y*s.Width:], s.g.pix[off:off+s.Width])
		s.mapRow(m[y*s.Width : (y+1)*s.Width])
	}
	return m
}

func (s *source) IsCropSupported() bool { return true }

func (s *source) Crop(left, top, width, height int) (gozxing.LuminanceSource, error) {
	if left < 0 || top < 0 || left+width > s.Width || top+height > s.Height {
		return nil, errors.New("crop outside the image")
	}
	return &source{
		LuminanceSourceBase: gozxing.LuminanceSourceBase{Width: width, Height: height},
		g:                   s.g, left: s.left + left, top: s.top + top, lut: s.lut,
	}, nil
}

func (s *source) Invert() gozxing.LuminanceSource { return gozxing.NewInvertedLuminanceSource(s) }

func (s *source) String() string { return gozxing.LuminanceSourceString(s) }
