package capture

import (
	"bytes"
	"encoding/binary"
	"errors"
	"image"
	"image/color"
	"image/png"
	"io"
	"testing"

	"golang.org/x/image/bmp"
)

// testPicture has a different colour in every pixel, and an odd width so
// 24-bit rows need padding.
func testPicture(w, h int, opaque bool) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			a := uint8(255)
			if !opaque {
				a = uint8(x * 40)
			}
			img.SetNRGBA(x, y, color.NRGBA{uint8(x * 50), uint8(y * 60), uint8(x*7 + y*11), a})
		}
	}
	return img
}

// dibFromBMP strips a BMP file's 14-byte file header, which leaves what the
// Windows clipboard holds as CF_DIB.
func dibFromBMP(t *testing.T, img image.Image) []byte {
	t.Helper()
	return encoded(t, img, bmp.Encode)[14:]
}

func pngBytes(t *testing.T, img image.Image) []byte {
	t.Helper()
	return encoded(t, img, png.Encode)
}

// encoded is img as enc writes it.
func encoded(t *testing.T, img image.Image, enc func(io.Writer, image.Image) error) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := enc(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// wantPixels compares RGB only: clipboard bitmaps carry no usable alpha.
func wantPixels(t *testing.T, got image.Image, want *image.NRGBA) {
	t.Helper()
	if got.Bounds() != want.Bounds() {
		t.Fatalf("got bounds %v, want %v", got.Bounds(), want.Bounds())
	}
	for y := range want.Bounds().Dy() {
		for x := range want.Bounds().Dx() {
			g := color.RGBAModel.Convert(got.At(x, y)).(color.RGBA)
			w := want.NRGBAAt(x, y)
			if g.R != w.R || g.G != w.G || g.B != w.B || g.A != 255 {
				t.Fatalf("pixel (%d,%d): got %v, want %v opaque", x, y, g, w)
			}
		}
	}
}

func TestDecodeDIBFromAnEncoder(t *testing.T) {
	// golang.org/x/image/bmp writes 24 bits for opaque pictures and 32 bits
	// (BI_RGB, alpha we ignore) for the rest, bottom-up.
	for _, opaque := range []bool{true, false} {
		want := testPicture(5, 3, opaque)
		got, err := decodeDIB(dibFromBMP(t, want))
		if err != nil {
			t.Fatalf("opaque %v: %v", opaque, err)
		}
		wantPixels(t, got, want)
	}
}

// bitfieldsDIB writes a 16-bit RGB565 top-down bitmap with BI_BITFIELDS, as
// Windows puts 16-bit screens on the clipboard: short header, masks after it.
func bitfieldsDIB(w, h int, at func(x, y int) uint16) []byte {
	stride := (w*2 + 3) &^ 3
	b := make([]byte, 40+12+stride*h)
	le := binary.LittleEndian
	le.PutUint32(b[0:], 40)
	le.PutUint32(b[4:], uint32(w))
	le.PutUint32(b[8:], uint32(int32(-h)))
	le.PutUint16(b[12:], 1)
	le.PutUint16(b[14:], 16)
	le.PutUint32(b[16:], biBitfields)
	le.PutUint32(b[40:], 0xf800)
	le.PutUint32(b[44:], 0x07e0)
	le.PutUint32(b[48:], 0x001f)
	for y := range h {
		for x := range w {
			le.PutUint16(b[52+y*stride+2*x:], at(x, y))
		}
	}
	return b
}

func TestDecodeDIBBitfields(t *testing.T) {
	// Row 0: white, red, green; row 1: blue, black, mid grey (16,32,16).
	pixels := [][]uint16{{0xffff, 0xf800, 0x07e0}, {0x001f, 0, 16<<11 | 32<<5 | 16}}
	got, err := decodeDIB(bitfieldsDIB(3, 2, func(x, y int) uint16 { return pixels[y][x] }))
	if err != nil {
		t.Fatal(err)
	}
	want := [][]color.RGBA{
		{{255, 255, 255, 255}, {255, 0, 0, 255}, {0, 255, 0, 255}},
		{{0, 0, 255, 255}, {0, 0, 0, 255}, {132, 130, 132, 255}},
	}
	for y, row := range want {
		for x, w := range row {
			if g := got.At(x, y); g != w {
				t.Errorf("pixel (%d,%d): got %v, want %v", x, y, g, w)
			}
		}
	}
}

func TestDecodeDIBRefusesLies(t *testing.T) {
	good := dibFromBMP(t, testPicture(5, 3, true))
	le := binary.LittleEndian
	edit := func(f func(b []byte)) []byte {
		b := bytes.Clone(good)
		f(b)
		return b
	}
	for _, tc := range []struct {
		name string
		dib  []byte
		want error
	}{
		{"empty", nil, ErrNotImage},
		{"cut short", good[:len(good)-1], ErrNotImage},
		{"huge, with small data", edit(func(b []byte) { le.PutUint32(b[4:], 16000); le.PutUint32(b[8:], 2000) }), ErrNotImage},
		{"beyond the pixel cap", edit(func(b []byte) { le.PutUint32(b[4:], 16000); le.PutUint32(b[8:], 16000) }), ErrTooLarge},
		{"wider than a side", edit(func(b []byte) { le.PutUint32(b[4:], 1<<30) }), ErrTooLarge},
		{"most negative height", edit(func(b []byte) { le.PutUint32(b[8:], 1<<31) }), ErrTooLarge},
		{"negative width", edit(func(b []byte) { le.PutUint32(b[4:], uint32(0xffffffff)) }), ErrNotImage},
		{"header longer than the data", edit(func(b []byte) { le.PutUint32(b[0:], 1<<20) }), ErrNotImage},
		{"compressed", edit(func(b []byte) { le.PutUint32(b[16:], 1) }), ErrNotImage},
		{"8 bits", edit(func(b []byte) { le.PutUint16(b[14:], 8) }), ErrNotImage},
		{"huge palette", edit(func(b []byte) { le.PutUint32(b[32:], 1<<30) }), ErrNotImage},
	} {
		if _, err := decodeDIB(tc.dib); !errors.Is(err, tc.want) {
			t.Errorf("%s: got %v, want %v", tc.name, err, tc.want)
		}
	}
	overlap := bitfieldsDIB(2, 2, func(x, y int) uint16 { return 0 })
	le.PutUint32(overlap[44:], 0xfc00)
	if _, err := decodeDIB(overlap); !errors.Is(err, ErrNotImage) {
		t.Errorf("overlapping masks: got %v, want ErrNotImage", err)
	}
}

func FuzzDecodeDIB(f *testing.F) {
	var b bytes.Buffer
	bmp.Encode(&b, testPicture(3, 2, true))
	f.Add(b.Bytes()[14:])
	b.Reset()
	bmp.Encode(&b, testPicture(3, 2, false))
	f.Add(b.Bytes()[14:])
	f.Add(bitfieldsDIB(3, 2, func(x, y int) uint16 { return uint16(x * y) }))
	f.Fuzz(func(t *testing.T, dib []byte) {
		img, err := decodeDIB(dib)
		if err != nil {
			return
		}
		if r := img.Bounds(); r.Dx()*r.Dy() > MaxPixels || r.Dx()*r.Dy()*2 > len(dib)*8 {
			t.Errorf("decoded %v from %d bytes", r, len(dib))
		}
	})
}
