package core

import (
	"bytes"
	"image"
	"image/png"
	"testing"

	"latchkey/qrimport"
)

func TestDecodeImageRefusesHugeHeaders(t *testing.T) {
	// A valid PNG header declaring 100000×100000 pixels, and nothing else.
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, 1, 1))); err != nil {
		t.Fatal(err)
	}
	data := b.Bytes()
	// Patch the IHDR width and height (bytes 16-23); the CRC no longer
	// matches, but DecodeConfig reads the size before checking it.
	copy(data[16:24], []byte{0, 1, 0x86, 0xa0, 0, 1, 0x86, 0xa0})
	if _, err := decodeImage(data); err == nil {
		t.Error("got no error for a 100000×100000 image")
	}
}

func FuzzDecodeImage(f *testing.F) {
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, 4, 4))); err != nil {
		f.Fatal(err)
	}
	f.Add(b.Bytes())
	f.Add([]byte("GIF89a"))
	f.Fuzz(func(t *testing.T, data []byte) {
		img, err := decodeImage(data)
		if err == nil && img.Bounds().Dx()*img.Bounds().Dy() > qrimport.MaxPixels {
			t.Errorf("decoded %v, over the cap", img.Bounds())
		}
	})
}
