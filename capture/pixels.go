package capture

import (
	"fmt"
	"math/bits"
)

// pixelFormat is how pixels are laid out in a row: an X server's ZPixmap
// or the rows of a Windows bitmap.
type pixelFormat struct {
	bpp      int  // bits per pixel: 16, 24 or 32
	pad      int  // each row is padded to a multiple of this many bits
	msbFirst bool // image byte order
	channels [3]channel
}

// channel is one of red, green and blue within a pixel value.
type channel struct {
	mask  uint32
	shift int
	width int // bits
}

func newChannel(mask uint32) channel {
	return channel{mask: mask, shift: bits.TrailingZeros32(mask), width: bits.OnesCount32(mask)}
}

// value scales the channel's bits to 8.
func (c channel) value(p uint32) uint8 {
	v := (p & c.mask) >> c.shift
	if c.width >= 8 {
		return uint8(v >> (c.width - 8))
	}
	top := uint32(1)<<c.width - 1
	return uint8((v*255 + top/2) / top)
}

// check refuses a layout convertRow cannot read.
func (pf pixelFormat) check() error {
	if pf.bpp != 16 && pf.bpp != 24 && pf.bpp != 32 {
		return fmt.Errorf("%d bits per pixel are not supported", pf.bpp)
	}
	if pf.pad != 8 && pf.pad != 16 && pf.pad != 32 {
		return fmt.Errorf("rows padded to %d bits are not supported", pf.pad)
	}
	var all uint32
	for _, c := range pf.channels {
		if c.width == 0 || all&c.mask != 0 || c.shift+c.width > pf.bpp || c.mask>>c.shift != 1<<c.width-1 {
			return fmt.Errorf("colour masks %#x, %#x, %#x are not supported", pf.channels[0].mask, pf.channels[1].mask, pf.channels[2].mask)
		}
		all |= c.mask
	}
	return nil
}

// stride is the length in bytes of a row of w pixels.
func (pf pixelFormat) stride(w int) int {
	return (w*pf.bpp + pf.pad - 1) / pf.pad * pf.pad / 8
}

// bgrx is the layout of nearly every X server today: 32-bit little-endian
// pixels holding 8-bit blue, green, red and an unused byte.
func (pf pixelFormat) bgrx() bool {
	return pf.bpp == 32 && !pf.msbFirst &&
		pf.channels[0].mask == 0xff0000 && pf.channels[1].mask == 0xff00 && pf.channels[2].mask == 0xff
}

// convertRow writes w pixels of src as opaque RGBA into dst.
func (pf pixelFormat) convertRow(dst, src []byte, w int) {
	if pf.bgrx() {
		for x := range w {
			s, d := src[4*x:4*x+4], dst[4*x:4*x+4]
			d[0], d[1], d[2], d[3] = s[2], s[1], s[0], 0xff
		}
		return
	}
	size := pf.bpp / 8
	for x := range w {
		p := pf.pixel(src[x*size : x*size+size])
		d := dst[4*x : 4*x+4]
		d[0], d[1], d[2], d[3] = pf.channels[0].value(p), pf.channels[1].value(p), pf.channels[2].value(p), 0xff
	}
}

// pixel reads one pixel value in the server's byte order.
func (pf pixelFormat) pixel(b []byte) uint32 {
	var p uint32
	for i := range b {
		if pf.msbFirst {
			p = p<<8 | uint32(b[i])
		} else {
			p |= uint32(b[i]) << (8 * i)
		}
	}
	return p
}
