package qrimport

import (
	"bytes"
	"compress/flate"
	"errors"
	"image/png"
	"math/rand/v2"
	"strings"
	"testing"
)

// damagedPNGs is a noisy 600x400 gray PNG in IDAT chunks of 8 KB, and
// that file damaged past its first chunks, where inflater has already
// started: a byte changed in the third IDAT chunk (its CRC no longer
// matches), and the file cut in the middle of that chunk.
func damagedPNGs(t testing.TB) (good []byte, bad map[string][]byte) {
	const w, h, piece = 600, 400, 8192
	rng := rand.New(rand.NewPCG(3, 4))
	rows := make([]byte, h*(1+w))
	for i := range rows {
		if i%(1+w) != 0 { // filter byte 0: none
			rows[i] = byte(rng.IntN(60) + 90)
		}
	}
	good = zlibPNG(w, h, deflated(t, rows, flate.BestSpeed), nil, piece)
	third := len(pngMagic) + 12 + 13 + 2*(12+piece) + 8 // its body
	flipped := bytes.Clone(good)
	flipped[third+100] ^= 0x40
	return good, map[string][]byte{
		"a byte changed in the third IDAT chunk": flipped,
		"cut in the third IDAT chunk":            good[:third+piece/2],
	}
}

// TestPNGDamagedDecodedOnce: a PNG whose IDAT chunk is damaged after
// inflater started on the stream is refused as damaged from that first
// decoding: not tried again through compress/flate (errInflate), then
// through image/png, each refusing it in turn. The error says what is
// wrong.
func TestPNGDamagedDecodedOnce(t *testing.T) {
	good, bad := damagedPNGs(t)
	if _, err := decodeGrayData(good); err != nil {
		t.Fatalf("the undamaged file: %v", err)
	}
	once := allocated(func() { decodeGrayData(good) })
	for name, data := range bad {
		if _, err := png.Decode(bytes.NewReader(data)); err == nil {
			t.Fatalf("%s: image/png reads it, want a file it refuses", name)
		}
		if _, err := pngGrayInflate(data, true, new([]byte)); !errors.Is(err, errPNG) {
			t.Errorf("%s: through inflater got %v, want %v (not retried)", name, err, errPNG)
		}
		if _, err := pngGray(data); !errors.Is(err, errPNG) {
			t.Errorf("%s: pngGray got %v, want %v", name, err, errPNG)
		}
		var err error
		grew := allocated(func() { _, err = decodeGrayData(data) })
		if !errors.Is(err, ErrNotImage) || !strings.Contains(err.Error(), "damaged png image") {
			t.Errorf("%s: got %v, want a damaged png image (ErrNotImage)", name, err)
		}
		// One decoding allocates its image and inflater; a second
		// (compress/flate) and a third (image/png's RGBA) add as much
		// again and more.
		if grew > once+once/4 {
			t.Errorf("%s: allocated %d bytes, want at most %d (reading the whole undamaged file takes %d)", name, grew, once+once/4, once)
		}
	}
}

// BenchmarkPNGDamaged is the time a damaged PNG costs the reader.
func BenchmarkPNGDamaged(b *testing.B) {
	good, bad := damagedPNGs(b)
	b.Run("undamaged", func(b *testing.B) {
		for b.Loop() {
			decodeGrayData(good)
		}
	})
	b.Run("damaged", func(b *testing.B) {
		data := bad["a byte changed in the third IDAT chunk"]
		for b.Loop() {
			decodeGrayData(data)
		}
	})
}
