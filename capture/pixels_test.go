package capture

import "testing"

func TestChannelScalesToEightBits(t *testing.T) {
	for _, tc := range []struct {
		mask uint32
		p    uint32
		want uint8
	}{
		{0xff0000, 0x123456, 0x12},
		{0xf800, 0xf800, 255}, // 5 bits, full
		{0xf800, 0x0800, 8},   // 5 bits, 1 of 31
		{0x07e0, 0x07e0, 255}, // 6 bits
		{0x07e0, 32 << 5, 130},
		{0x3ff00000, 0x3ff00000, 255}, // 10 bits, 30-bit screens
		{0x3ff00000, 0x20000000, 128},
		{0x000f, 0xfff0, 0},
	} {
		if got := newChannel(tc.mask).value(tc.p); got != tc.want {
			t.Errorf("mask %#x, pixel %#x: got %d, want %d", tc.mask, tc.p, got, tc.want)
		}
	}
}

func TestPixelFormatCheck(t *testing.T) {
	rgb := func(r, g, b uint32) [3]channel { return [3]channel{newChannel(r), newChannel(g), newChannel(b)} }
	for _, tc := range []struct {
		pf pixelFormat
		ok bool
	}{
		{pixelFormat{bpp: 32, pad: 32, channels: rgb(0xff0000, 0xff00, 0xff)}, true},
		{pixelFormat{bpp: 16, pad: 32, channels: rgb(0xf800, 0x7e0, 0x1f)}, true},
		{pixelFormat{bpp: 24, pad: 8, channels: rgb(0xff, 0xff00, 0xff0000)}, true},
		{pixelFormat{bpp: 8, pad: 32, channels: rgb(0xe0, 0x1c, 0x3)}, false},
		{pixelFormat{bpp: 32, pad: 12, channels: rgb(0xff0000, 0xff00, 0xff)}, false},
		{pixelFormat{bpp: 32, pad: 32, channels: rgb(0xff0000, 0xff0000, 0xff)}, false}, // overlap
		{pixelFormat{bpp: 32, pad: 32, channels: rgb(0xf0f000, 0xf00, 0xff)}, false},    // gap
		{pixelFormat{bpp: 16, pad: 32, channels: rgb(0xf8000, 0x7e0, 0x1f)}, false},     // beyond 16 bits
		{pixelFormat{bpp: 32, pad: 32, channels: rgb(0, 0xff00, 0xff)}, false},
	} {
		if err := tc.pf.check(); (err == nil) != tc.ok {
			t.Errorf("%+v: got %v, want ok %v", tc.pf, err, tc.ok)
		}
	}
}

func TestConvertRowByteOrders(t *testing.T) {
	rgb := [3]channel{newChannel(0xff0000), newChannel(0xff00), newChannel(0xff)}
	dst := make([]byte, 4)
	for _, tc := range []struct {
		pf  pixelFormat
		src []byte
	}{
		{pixelFormat{bpp: 32, pad: 32, channels: rgb}, []byte{0x56, 0x34, 0x12, 0}},                 // BGRx, the fast path
		{pixelFormat{bpp: 32, pad: 32, msbFirst: true, channels: rgb}, []byte{0, 0x12, 0x34, 0x56}}, // xRGB
		{pixelFormat{bpp: 24, pad: 32, channels: rgb}, []byte{0x56, 0x34, 0x12}},
		{pixelFormat{bpp: 24, pad: 32, msbFirst: true, channels: rgb}, []byte{0x12, 0x34, 0x56}},
	} {
		tc.pf.convertRow(dst, tc.src, 1)
		if want := []byte{0x12, 0x34, 0x56, 0xff}; string(dst) != string(want) {
			t.Errorf("%+v from % x: got % x, want % x", tc.pf, tc.src, dst, want)
		}
	}
}

func TestStride(t *testing.T) {
	for _, tc := range []struct{ bpp, pad, w, want int }{
		{32, 32, 5, 20}, {24, 32, 5, 16}, {24, 8, 5, 15}, {16, 32, 3, 8}, {16, 16, 3, 6},
	} {
		if got := (pixelFormat{bpp: tc.bpp, pad: tc.pad}).stride(tc.w); got != tc.want {
			t.Errorf("%d bits, pad %d, %d wide: got %d, want %d", tc.bpp, tc.pad, tc.w, got, tc.want)
		}
	}
}
