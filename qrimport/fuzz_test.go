package qrimport

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/png"
	"runtime"
	"strings"
	"testing"

	"latchkey/otp"
)

// decodeImage decodes data as image.Decode does, the declared dimensions
// checked first as decodeGrayData checks them, so a decompression bomb is
// refused before its pixels are allocated.
func decodeImage(data []byte) (image.Image, error) {
	_, format, err := imageConfig(data)
	if err != nil {
		return nil, err
	}
	return decodeChecked(data, format)
}

// FuzzReadImageBytes feeds arbitrary bytes through the whole reader: the
// image decoders, the size checks and gozxing. Nothing may panic or hang,
// and:
//   - an image declaring more than the limits is refused with ErrTooLarge
//     before its pixels are allocated;
//   - anything else is decoded within a few bytes per declared pixel, or
//     refused as ErrNotImage;
//   - every key read from it writes out again (as an otpauth URI, and as an
//     export link when Google Authenticator can hold it) and reads back
//     equal.
func FuzzReadImageBytes(f *testing.F) {
	// QR code seeds, checked to read back: the re-encoding properties
	// then run on real keys, not only on what the fuzzer stumbles on.
	qrSeed := func(p []byte, want []otp.Key) {
		img, err := decodeImage(p)
		if err != nil {
			f.Fatal(err)
		}
		r, err := ReadImage(img)
		if err != nil || len(r.Keys) != len(want) {
			f.Fatalf("seed: got %d keys (%v), want %d", len(r.Keys), err, len(want))
		}
		for i := range want {
			if !r.Keys[i].Equal(want[i]) {
				f.Fatalf("seed: got %+v, want %+v", r.Keys[i], want[i])
			}
		}
		f.Add(p)
	}
	// A link written by another app, not by otp.Key.URI: the seed then
	// checks URI() against a key built by hand.
	other, err := textPNG("otpauth://totp/ACME%20Co:john?period=60&digits=8&algorithm=SHA256&secret=HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ&issuer=ACME+Co", 250)
	if err != nil {
		f.Fatal(err)
	}
	qrSeed(other, []otp.Key{{Type: otp.TOTP, Issuer: "ACME Co", Name: "john", Algorithm: otp.SHA256, Digits: 8, Period: 60,
		Secret: mustHex("3dc6caa4824a6d288767b2331e20b43166cb85d9")}})
	for _, k := range roundTripKeys()[:2] {
		p, err := KeyPNG(k, 200)
		if err != nil {
			f.Fatal(err)
		}
		qrSeed(p, []otp.Key{k})
	}
	exported := testKeys()[:3]
	pngs, _, err := MigrationPNGs(exported, 250)
	if err != nil || len(pngs) != 1 {
		f.Fatalf("export seed: %d codes, %v", len(pngs), err)
	}
	qrSeed(pngs[0], exported)
	var buf bytes.Buffer
	png.Encode(&buf, image.NewGray(image.Rect(0, 0, 40, 40)))
	f.Add(buf.Bytes())
	buf.Reset()
	pal := image.NewPaletted(image.Rect(0, 0, 30, 30), []color.Color{color.Black, color.White})
	gif.Encode(&buf, pal, nil)
	f.Add(buf.Bytes())
	f.Add(pngHeader(50000, 50000))
	f.Add(pngHeader(1, MaxSide+1))
	// 48 megapixels with the start of their pixel data: a decoder that
	// is let loose allocates the 48 MB image before it finds the data cut.
	f.Add(bombPNG(8000, 6000))
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, _, cfgErr := image.DecodeConfig(bytes.NewReader(data))
		w, h := int64(cfg.Width), int64(cfg.Height)
		if cfgErr == nil && (w > MaxSide || h > MaxSide || w*h > MaxPixels) {
			var img image.Image
			grew := allocated(func() { img, err = decodeImage(data) })
			if !errors.Is(err, ErrTooLarge) || img != nil {
				t.Fatalf("%dx%d image: got error %v, want ErrTooLarge", w, h, err)
			}
			if grew > 1<<20 {
				t.Fatalf("%dx%d image: refusing it allocated %d bytes, want under 1 MiB", w, h, grew)
			}
			return
		}
		var img image.Image
		grew := allocated(func() { img, err = decodeImage(data) })
		if err != nil {
			if !errors.Is(err, ErrNotImage) {
				t.Fatalf("got error %v, want ErrNotImage", err)
			}
			return
		}
		// A GIF decodes to its first frame, which lies inside the
		// declared screen.
		if b := img.Bounds(); !b.In(image.Rect(0, 0, int(w), int(h))) {
			t.Fatalf("decoded %v, outside the %dx%d the header declared", b, w, h)
		}
		// RGBA64 is 8 bytes a pixel; interlaced PNGs and progressive
		// JPEGs hold about as much again while decoding.
		if budget := 32*uint64(w*h) + 4*uint64(len(data)) + 4<<20; grew > budget {
			t.Fatalf("%dx%d image of %d bytes: decoding allocated %d bytes, want at most %d", w, h, len(data), grew, budget)
		}
		if w*h > 300*300 {
			return // big images are slow to fuzz; their reading has its own tests
		}
		var c Collector
		if c.AddImage(img) != nil {
			return
		}
		r := c.Result()
		for _, k := range r.Keys {
			back, err := otp.ParseURI(k.URI())
			if err != nil || !back.Equal(k) {
				t.Fatalf("%s: its URI reads back as %+v (%v)", k.Label(), back, err)
			}
		}
		uris, skipped, err := MigrationURIs(r.Keys)
		if errors.Is(err, ErrTooManyKeys) || (err == nil && len(uris) == 0 && len(skipped) == len(r.Keys)) {
			return
		}
		if err != nil {
			t.Fatalf("export of %d keys: %v", len(r.Keys), err)
		}
		back, err := ReadText(strings.Join(uris, "\n"))
		if err != nil || len(back.Problems) != 0 || len(back.Keys)+len(skipped) != len(r.Keys) {
			t.Fatalf("export of %d keys (%d skipped) read back as %d keys, problems %v (%v)", len(r.Keys), len(skipped), len(back.Keys), back.Problems, err)
		}
		i := 0
		for _, k := range r.Keys {
			if len(skipped) > 0 && skipped[0].Equal(k) {
				skipped = skipped[1:]
				continue
			}
			if !back.Keys[i].Equal(k) {
				t.Fatalf("%s: its export reads back as %+v", k.Label(), back.Keys[i])
			}
			i++
		}
	})
}

// allocated is how many bytes of heap do allocated.
func allocated(do func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	do()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// bombPNG is a PNG declaring w x h 8-bit grey pixels whose data stops after
// the first two rows.
func bombPNG(w, h uint32) []byte {
	b := pngHeader(w, h)
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	zw.Write(make([]byte, 2*(1+int(w))))
	zw.Close()
	for _, c := range []struct {
		name string
		data []byte
	}{{"IDAT", z.Bytes()}, {"IEND", nil}} {
		b = binary.BigEndian.AppendUint32(b, uint32(len(c.data)))
		chunk := append([]byte(c.name), c.data...)
		b = append(b, chunk...)
		b = binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(chunk))
	}
	return b
}

// FuzzReadText: any text reads without panicking, and no problem quotes
// the secret of an otpauth URI.
func FuzzReadText(f *testing.F) {
	f.Add(canonical)
	f.Add("otpauth://totp/Bank:carol?secret=SECRETSECRET2&digits=99")
	f.Add("otpauth://hotp/x?secret=ABCDEFGHABCDEFGH")
	f.Add("steam://%zz")
	f.Add("otpauth-migration://offline?data=CjYKEExyJfPiZeroMa/MdF%2BnkTISE2pvaG5kb2VAZXhhbXBsZS5jb20aB0Rpc2NvcmQgASgBMAIQARgBIAA%3D")
	f.Add("WIFI:S:x;;")
	f.Fuzz(func(t *testing.T, text string) {
		r, err := ReadText(text)
		if err != nil {
			return
		}
		_, after, ok := strings.Cut(text, "secret=")
		if !ok {
			return
		}
		secret, _, _ := strings.Cut(after, "&")
		if len(secret) < 8 || strings.Count(text, secret) > 1 {
			return
		}
		for _, p := range r.Problems {
			if strings.Contains(p.Error(), secret) {
				t.Fatalf("problem %q quotes the secret", p)
			}
		}
	})
}
