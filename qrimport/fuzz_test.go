package qrimport

import (
	"bytes"
	"image"
	"image/color"
	"image/gif"
	"image/png"
	"strings"
	"testing"
)

// FuzzReadImageBytes feeds arbitrary bytes through the whole reader: the
// image decoders, the size checks and gozxing. Nothing may panic or hang.
func FuzzReadImageBytes(f *testing.F) {
	k := roundTripKeys()[0]
	if p, err := KeyPNG(k, 120); err == nil {
		f.Add(p)
	}
	var buf bytes.Buffer
	png.Encode(&buf, image.NewGray(image.Rect(0, 0, 40, 40)))
	f.Add(buf.Bytes())
	buf.Reset()
	pal := image.NewPaletted(image.Rect(0, 0, 30, 30), []color.Color{color.Black, color.White})
	gif.Encode(&buf, pal, nil)
	f.Add(buf.Bytes())
	f.Add(pngHeader(50000, 50000))
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
		if err == nil && cfg.Width*cfg.Height > 300*300 {
			return // big images are slow to fuzz; the size checks have their own test
		}
		img, err := decodeImage(data)
		if err != nil {
			return
		}
		var c Collector
		c.AddImage(img)
		c.Result()
	})
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
