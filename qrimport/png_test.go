package qrimport

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// viaReference is what a direct reader must match: the decoder registered
// for format (image/png, golang.org/x/image/bmp), then toGray.
func viaReference(t testing.TB, format string, data []byte) *gray {
	t.Helper()
	img, got, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("%s: %v", format, err)
	}
	if got != format {
		t.Fatalf("read as %s, want %s", got, format)
	}
	return toGray(img)
}

// sceneMatches reads the scene file f with direct (pngGray, bmpGray) and
// checks it against viaReference; it gives the file's bytes for further
// checks.
func sceneMatches(t *testing.T, f string, direct func([]byte) (*gray, error), format string) []byte {
	t.Helper()
	data, err := os.ReadFile(f)
	if err != nil {
		t.Fatal(err)
	}
	got, err := direct(data)
	if err != nil {
		t.Fatalf("%s: %v", filepath.Base(f), err)
	}
	sameGray(t, filepath.Base(f), got, viaReference(t, format, data))
	return data
}

func sameGray(t testing.TB, name string, got, want *gray) {
	t.Helper()
	if got.w != want.w || got.h != want.h {
		t.Fatalf("%s: got %dx%d, want %dx%d", name, got.w, got.h, want.w, want.h)
	}
	for i := range got.pix {
		if got.pix[i] != want.pix[i] {
			t.Fatalf("%s: pixel (%d,%d) got %d, want %d", name, i%got.w, i/got.w, got.pix[i], want.pix[i])
		}
	}
}

// noisy fills an image with shades that make the encoder pick every
// filter, transparent and half-transparent pixels included.
func noisy(w, h int, set func(x, y int, v uint32)) {
	v := uint32(7)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			v = v*1664525 + 1013904223
			if (x/5+y/3)%3 == 0 {
				set(x, y, uint32(x*y)) // smooth areas: Sub, Up, Paeth win
			} else {
				set(x, y, v)
			}
		}
	}
}

// TestPNGGrayMatchesImagePNG compares pngGray with image/png and toGray on
// every kind of PNG Go's encoder writes.
func TestPNGGrayMatchesImagePNG(t *testing.T) {
	const w, h = 67, 41 // odd sizes: partial bytes at low depths
	r := image.Rect(0, 0, w, h)
	imgs := map[string]image.Image{}
	g8 := image.NewGray(r)
	noisy(w, h, func(x, y int, v uint32) { g8.SetGray(x, y, color.Gray{uint8(v >> 8)}) })
	imgs["gray8"] = g8
	g16 := image.NewGray16(r)
	noisy(w, h, func(x, y int, v uint32) { g16.SetGray16(x, y, color.Gray16{uint16(v >> 4)}) })
	imgs["gray16"] = g16
	rgb := image.NewRGBA(r)
	noisy(w, h, func(x, y int, v uint32) { rgb.SetRGBA(x, y, color.RGBA{uint8(v), uint8(v >> 8), uint8(v >> 16), 255}) })
	imgs["rgb8"] = rgb
	nrgba := image.NewNRGBA(r)
	noisy(w, h, func(x, y int, v uint32) {
		nrgba.SetNRGBA(x, y, color.NRGBA{uint8(v), uint8(v >> 8), uint8(v >> 16), uint8(v >> 24)})
	})
	imgs["rgba8"] = nrgba
	rgb16 := image.NewRGBA64(r)
	noisy(w, h, func(x, y int, v uint32) {
		rgb16.SetRGBA64(x, y, color.RGBA64{uint16(v), uint16(v >> 3), uint16(v >> 7), 0xffff})
	})
	imgs["rgb16"] = rgb16
	nrgba16 := image.NewNRGBA64(r)
	noisy(w, h, func(x, y int, v uint32) {
		nrgba16.SetNRGBA64(x, y, color.NRGBA64{uint16(v), uint16(v >> 3), uint16(v >> 7), uint16(v >> 11)})
	})
	imgs["rgba16"] = nrgba16
	for _, n := range []int{2, 4, 16, 256} {
		pal := make(color.Palette, n)
		for i := range pal {
			pal[i] = color.NRGBA{uint8(i * 37), uint8(i * 91), uint8(i * 13), uint8(255 - i*5%256)}
		}
		p := image.NewPaletted(r, pal)
		noisy(w, h, func(x, y int, v uint32) { p.SetColorIndex(x, y, uint8(v>>8)%uint8(n-1)) })
		imgs[fmt.Sprintf("palette%d", n)] = p
	}
	for name, img := range imgs {
		for _, level := range []png.CompressionLevel{png.DefaultCompression, png.NoCompression, png.BestCompression} {
			var buf bytes.Buffer
			if err := (&png.Encoder{CompressionLevel: level}).Encode(&buf, img); err != nil {
				t.Fatal(err)
			}
			got, err := pngGray(buf.Bytes())
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			sameGray(t, name, got, viaReference(t, "png", buf.Bytes()))
		}
	}
}

// rawPNG writes a PNG by hand, for the types Go's encoder never writes
// (gray with alpha, gray and RGB with a transparent shade), each row with
// the next of the five filters.
func rawPNG(w, h, depth, colorType int, extra map[string][]byte, row func(y int) []byte) []byte {
	var out bytes.Buffer
	out.Write(pngMagic)
	chunk := func(typ string, body []byte) {
		binary.Write(&out, binary.BigEndian, uint32(len(body)))
		out.WriteString(typ)
		out.Write(body)
		crc := crc32.NewIEEE()
		crc.Write([]byte(typ))
		crc.Write(body)
		binary.Write(&out, binary.BigEndian, crc.Sum32())
	}
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr, uint32(w))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(h))
	ihdr[8], ihdr[9] = byte(depth), byte(colorType)
	chunk("IHDR", ihdr)
	for _, typ := range []string{"PLTE", "tRNS"} {
		if b, ok := extra[typ]; ok {
			chunk(typ, b)
		}
	}
	channels := map[int]int{0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[colorType]
	bpp := max(1, channels*depth/8)
	var raw bytes.Buffer
	var prev []byte
	for y := 0; y < h; y++ {
		cur := row(y)
		if prev == nil {
			prev = make([]byte, len(cur))
		}
		f := byte(y % 5)
		raw.WriteByte(f)
		for i := range cur {
			var left, up, ul byte
			if i >= bpp {
				left, ul = cur[i-bpp], prev[i-bpp]
			}
			up = prev[i]
			switch f {
			case 0:
				raw.WriteByte(cur[i])
			case 1:
				raw.WriteByte(cur[i] - left)
			case 2:
				raw.WriteByte(cur[i] - up)
			case 3:
				raw.WriteByte(cur[i] - byte((int(left)+int(up))/2))
			case 4:
				raw.WriteByte(cur[i] - byte(paeth(int(left), int(up), int(ul))))
			}
		}
		prev = cur
	}
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	zw.Write(raw.Bytes())
	zw.Close()
	// Two IDAT chunks: the stream may be split anywhere.
	zb := z.Bytes()
	chunk("IDAT", zb[:len(zb)/3])
	chunk("IDAT", zb[len(zb)/3:])
	chunk("IEND", nil)
	return out.Bytes()
}

// TestPNGGrayHandMade covers gray with alpha, transparent shades and every
// bit depth with every filter.
func TestPNGGrayHandMade(t *testing.T) {
	const w, h = 37, 23
	seq := func(y, n int) []byte {
		b := make([]byte, n)
		v := uint32(y*7919 + 1)
		for i := range b {
			v = v*1103515245 + 12345
			b[i] = byte(v >> 16)
			if i%9 < 3 {
				b[i] = 0 // runs that match the transparent shades below
			}
		}
		return b
	}
	cases := []struct {
		name             string
		depth, colorType int
		extra            map[string][]byte
	}{
		{"gray1", 1, 0, nil},
		{"gray2", 2, 0, nil},
		{"gray4", 4, 0, nil},
		{"gray8", 8, 0, nil},
		{"gray16", 16, 0, nil},
		{"gray1-trns", 1, 0, map[string][]byte{"tRNS": {0, 0}}},
		{"gray2-trns", 2, 0, map[string][]byte{"tRNS": {0, 0}}},
		{"gray4-trns", 4, 0, map[string][]byte{"tRNS": {0, 0}}},
		{"gray8-trns", 8, 0, map[string][]byte{"tRNS": {0, 0}}},
		{"gray16-trns", 16, 0, map[string][]byte{"tRNS": {0, 0}}},
		{"rgb8", 8, 2, nil},
		{"rgb8-trns", 8, 2, map[string][]byte{"tRNS": {0, 0, 0, 0, 0, 0}}},
		{"rgb16-trns", 16, 2, map[string][]byte{"tRNS": {0, 0, 0, 0, 0, 0}}},
		{"gray-alpha8", 8, 4, nil},
		{"gray-alpha16", 16, 4, nil},
		{"rgba8", 8, 6, nil},
		{"rgba16", 16, 6, nil},
		{"palette1", 1, 3, map[string][]byte{"PLTE": {10, 20, 30, 200, 100, 50}, "tRNS": {128}}},
		{"palette2", 2, 3, map[string][]byte{"PLTE": {10, 20, 30, 200, 100, 50, 0, 0, 0, 255, 255, 255}}},
		// Indexes past a short palette: opaque black, as image/png has it.
		{"palette4-short", 4, 3, map[string][]byte{"PLTE": {10, 20, 30, 200, 100, 50, 90, 90, 90}, "tRNS": {0, 77}}},
		{"palette8-short", 8, 3, map[string][]byte{"PLTE": {1, 2, 3, 250, 251, 252}}},
	}
	for _, c := range cases {
		channels := map[int]int{0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[c.colorType]
		stride := (w*channels*c.depth + 7) / 8
		data := rawPNG(w, h, c.depth, c.colorType, c.extra, func(y int) []byte { return seq(y, stride) })
		got, err := pngGray(data)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		sameGray(t, c.name, got, viaReference(t, "png", data))
	}
}

// TestPNGGrayScenes compares the two ways on every PNG scene, and checks
// that an interlaced PNG is left to image/png and read the same.
func TestPNGGrayScenes(t *testing.T) {
	dir := scenes(t)
	files, _ := filepath.Glob(filepath.Join(dir, "*.png"))
	if len(files) < 50 {
		t.Fatalf("got %d PNG scenes, want the full set", len(files))
	}
	for _, f := range files {
		sceneMatches(t, f, pngGray, "png")
	}
	interlaced := filepath.Join(t.TempDir(), "interlaced.png")
	if out, err := exec.Command("convert", filepath.Join(dir, "plain-0.png"), "-interlace", "PNG", interlaced).CombinedOutput(); err != nil {
		t.Fatalf("convert: %v: %s", err, out)
	}
	data, err := os.ReadFile(interlaced)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pngGray(data); err != errPNGInterlaced {
		t.Fatalf("got %v, want errPNGInterlaced", err)
	}
	g, err := decodeGrayData(data)
	if err != nil {
		t.Fatal(err)
	}
	sameGray(t, "interlaced", g, viaReference(t, "png", data))
}

// TestPNGGrayDamaged: truncated and corrupted PNGs give an error, never a
// panic, and a file image/png accepts is never refused. A file cut after
// its last pixel (in the zlib checksum or the end chunk) still reads.
func TestPNGGrayDamaged(t *testing.T) {
	img := image.NewNRGBA(image.Rect(0, 0, 30, 20))
	noisy(30, 20, func(x, y int, v uint32) { img.SetNRGBA(x, y, color.NRGBA{uint8(v), uint8(v >> 8), 9, uint8(v >> 16)}) })
	var buf bytes.Buffer
	png.Encode(&buf, img)
	good := buf.Bytes()
	want := viaReference(t, "png", good)
	for n := 0; n < len(good); n++ {
		// pngGray itself, so that a panic fails the test; then the
		// reader's path, which reads what pngGray reads.
		g, err := pngGray(good[:n])
		if err == nil {
			sameGray(t, fmt.Sprintf("truncated at %d", n), g, want)
			if n < len(good)-20 {
				t.Errorf("truncated at %d of %d: got no error", n, len(good))
			}
		}
		if _, rerr := decodeGrayData(good[:n]); (rerr == nil) != (err == nil) || rerr != nil && !errors.Is(rerr, ErrNotImage) {
			t.Errorf("truncated at %d: the reader got %v, pngGray %v", n, rerr, err)
		}
	}
	for i := 8; i < len(good); i += 3 {
		bad := append([]byte(nil), good...)
		bad[i] ^= 0x5a
		g, err := decodeGrayData(bad)
		if _, perr := png.Decode(bytes.NewReader(bad)); perr == nil && err != nil {
			t.Errorf("byte %d flipped: image/png reads it, got %v", i, err)
		}
		if err == nil && (g.w != 30 || g.h != 20) {
			t.Errorf("byte %d flipped: got %dx%d", i, g.w, g.h)
		}
		if err != nil && !strings.Contains(err.Error(), "not an image") {
			t.Errorf("byte %d flipped: got %v, want ErrNotImage", i, err)
		}
	}
}

// FuzzPNGGray: whatever pngGray accepts within the size limits, image/png
// either refuses (a damaged checksum or trailing data pngGray does not
// check) or reads to the same luminance; whatever pngGray refuses as
// damaged, image/png refuses too (the reader then tries no other decoder).
func FuzzPNGGray(f *testing.F) {
	img := image.NewPaletted(image.Rect(0, 0, 9, 5), color.Palette{color.Black, color.White, color.NRGBA{1, 2, 3, 4}})
	noisy(9, 5, func(x, y int, v uint32) { img.SetColorIndex(x, y, uint8(v>>9)%3) })
	var buf bytes.Buffer
	png.Encode(&buf, img)
	f.Add(buf.Bytes())
	f.Add(rawPNG(5, 3, 16, 4, nil, func(y int) []byte { return bytes.Repeat([]byte{byte(y), 200}, 10) }))
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := png.DecodeConfig(bytes.NewReader(data))
		if err != nil || cfg.Width*cfg.Height > 100_000 {
			return
		}
		got, err := pngGray(data)
		ref, rerr := png.Decode(bytes.NewReader(data))
		if errors.Is(err, errPNG) && rerr == nil {
			t.Fatalf("pngGray got %v, but image/png reads it", err)
		}
		if err != nil || rerr != nil {
			return
		}
		sameGray(t, "fuzz", got, toGray(ref))
	})
}

func BenchmarkPNGGray(b *testing.B) {
	data, err := os.ReadFile(filepath.Join(scenes(b), "4k-0.png"))
	if err != nil {
		b.Fatal(err)
	}
	b.Run("pngGray", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			pngGray(data)
		}
	})
	b.Run("image/png+toGray", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			img, _ := png.Decode(bytes.NewReader(data))
			toGray(img)
		}
	})
}

// A PNG of a few bytes declaring a large image is refused before either
// decoder allocates its pixels (it allocated 340 MB as 16-bit RGBA).
func TestTinyPNGDeclaringALargeImage(t *testing.T) {
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewNRGBA64(image.Rect(0, 0, 1, 1))); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	// IHDR's width and height, then its CRC, at fixed offsets.
	binary.BigEndian.PutUint32(data[16:], 6000)
	binary.BigEndian.PutUint32(data[20:], 6600)
	binary.BigEndian.PutUint32(data[29:], crc32.ChecksumIEEE(data[12:29]))
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := decodeGrayData(data)
	runtime.ReadMemStats(&after)
	if !errors.Is(err, ErrNotImage) {
		t.Errorf("a %d-byte PNG declaring 6000x6600: got %v, want ErrNotImage", len(data), err)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 4<<20 {
		t.Errorf("a %d-byte PNG declaring 6000x6600 allocated %d MB, want under 4", len(data), alloc>>20)
	}
}
