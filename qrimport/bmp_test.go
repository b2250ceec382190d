package qrimport

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"path/filepath"
	"testing"

	"golang.org/x/image/bmp"
)

// TestBMPGrayMatchesXBMP compares bmpGray with x/image/bmp and toGray on
// what its encoder writes (8-bit palette, 24-bit, 32-bit with alpha), on
// top-down rows, a short palette and 32 bits without alpha, by hand.
func TestBMPGrayMatchesXBMP(t *testing.T) {
	for _, w := range []int{1, 2, 3, 5, 67} { // every row padding
		const h = 9
		r := image.Rect(0, 0, w, h)
		pal := make(color.Palette, 256)
		for i := range pal {
			pal[i] = color.RGBA{uint8(i * 7), uint8(i * 13), uint8(i * 29), 255}
		}
		imgs := map[string]image.Image{"gray": image.NewGray(r), "palette": image.NewPaletted(r, pal), "rgb": image.NewRGBA(r), "rgba": image.NewNRGBA(r)}
		noisy(w, h, func(x, y int, v uint32) {
			imgs["gray"].(*image.Gray).SetGray(x, y, color.Gray{uint8(v >> 8)})
			imgs["palette"].(*image.Paletted).SetColorIndex(x, y, uint8(v>>16))
			imgs["rgb"].(*image.RGBA).SetRGBA(x, y, color.RGBA{uint8(v), uint8(v >> 8), uint8(v >> 16), 255})
			imgs["rgba"].(*image.NRGBA).SetNRGBA(x, y, color.NRGBA{uint8(v), uint8(v >> 8), uint8(v >> 16), uint8(v >> 24)})
		})
		for name, img := range imgs {
			var buf bytes.Buffer
			if err := bmp.Encode(&buf, img); err != nil {
				t.Fatal(err)
			}
			data := buf.Bytes()
			got, err := bmpGray(data)
			if err != nil {
				t.Fatalf("%s %d wide: %v", name, w, err)
			}
			sameGray(t, name, got, viaReference(t, "bmp", data))

			// The same rows top-down: a negative height, rows reversed.
			top := append([]byte(nil), data...)
			neg := int32(-h)
			binary.LittleEndian.PutUint32(top[22:], uint32(neg))
			off := int(binary.LittleEndian.Uint32(top[10:]))
			stride := (len(top) - off) / h
			for y := 0; y < h; y++ {
				copy(top[off+y*stride:off+(y+1)*stride], data[off+(h-1-y)*stride:])
			}
			got, err = bmpGray(top)
			if err != nil {
				t.Fatalf("%s %d wide, top-down: %v", name, w, err)
			}
			sameGray(t, name+" top-down", got, viaReference(t, "bmp", top))
		}
	}

	// A palette of 3 colours, indexes past it: black, as toGray has it.
	img := image.NewPaletted(image.Rect(0, 0, 4, 2), color.Palette{color.Black, color.White, color.RGBA{9, 99, 200, 255}})
	var buf bytes.Buffer
	bmp.Encode(&buf, img)
	data := buf.Bytes()
	off := int(binary.LittleEndian.Uint32(data[10:]))
	copy(data[off:], []byte{0, 1, 2, 7, 200, 2, 1, 0})
	got, err := bmpGray(data)
	if err != nil {
		t.Fatal(err)
	}
	sameGray(t, "short palette", got, viaReference(t, "bmp", data))

	// 32 bits with a 40-byte header: the fourth byte is not alpha.
	rgba := image.NewNRGBA(image.Rect(0, 0, 3, 2))
	noisy(3, 2, func(x, y int, v uint32) {
		rgba.SetNRGBA(x, y, color.NRGBA{uint8(v), uint8(v >> 8), 50, uint8(v >> 20)})
	})
	buf.Reset()
	bmp.Encode(&buf, rgba)
	v4 := buf.Bytes()
	// Rebuild with BITMAPINFOHEADER: drop the V4 fields.
	pix := v4[binary.LittleEndian.Uint32(v4[10:]):]
	plain := make([]byte, 54, 54+len(pix))
	copy(plain, v4[:54])
	binary.LittleEndian.PutUint32(plain[2:], uint32(54+len(pix)))
	binary.LittleEndian.PutUint32(plain[10:], 54)
	binary.LittleEndian.PutUint32(plain[14:], 40)
	binary.LittleEndian.PutUint32(plain[30:], 0) // BI_RGB
	plain = append(plain, pix...)
	got, err = bmpGray(plain)
	if err != nil {
		t.Fatal(err)
	}
	sameGray(t, "32-bit without alpha", got, viaReference(t, "bmp", plain))
}

// TestBMPGrayScenes compares the two on the BMP scenes, and checks that a
// truncated or odd BMP never panics and is left to x/image/bmp.
func TestBMPGrayScenes(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(scenes(t), "*.bmp"))
	if len(files) == 0 {
		t.Fatal("no BMP scene")
	}
	for _, f := range files {
		data := sceneMatches(t, f, bmpGray, "bmp")
		for n := 0; n < len(data); n += 1 + n/3 {
			if g, err := safeDirect(bmpGray, data[:n]); err == nil {
				t.Errorf("%s cut at %d: got a %dx%d picture, want an error", filepath.Base(f), n, g.w, g.h)
			}
		}
	}
	if _, err := bmpGray([]byte("BM")); err == nil {
		t.Error("a 2-byte BMP: got no error")
	}
}
