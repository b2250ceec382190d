package qrimport

import (
	"encoding/binary"
	"errors"
)

// BMP screenshots (a Windows clipboard, some capture tools) are raw pixels:
// golang.org/x/image/bmp copies them into RGBA, four bytes a pixel, that
// toGray then reduces. bmpGray reads the formats that decoder reads (8-bit
// palette, 24-bit, 32-bit with or without alpha, either row order) straight
// to luminance, with the same result (tests compare them); other BMPs are
// left to it.

var errBMP = errors.New("BMP left to golang.org/x/image/bmp")

func bmpGray(data []byte) (*gray, error) {
	const fileHeader = 14
	if len(data) < fileHeader+40 || string(data[:2]) != "BM" {
		return nil, errBMP
	}
	le := binary.LittleEndian
	offset := int(le.Uint32(data[10:]))
	infoLen := int(le.Uint32(data[14:]))
	if infoLen != 40 && infoLen != 108 && infoLen != 124 || len(data) < fileHeader+infoLen {
		return nil, errBMP
	}
	w, h := int(int32(le.Uint32(data[18:]))), int(int32(le.Uint32(data[22:])))
	topDown := h < 0
	if topDown {
		h = -h
	}
	if w <= 0 || h <= 0 || checkSize(w, h) != nil {
		return nil, errBMP
	}
	planes, bpp, compression := le.Uint16(data[26:]), le.Uint16(data[28:]), le.Uint32(data[30:])
	// Bit fields in the usual places are plain 32-bit BGRA.
	if compression == 3 && infoLen > 40 && bpp == 32 &&
		le.Uint32(data[54:]) == 0xff0000 && le.Uint32(data[58:]) == 0xff00 &&
		le.Uint32(data[62:]) == 0xff && le.Uint32(data[66:]) == 0xff000000 {
		compression = 0
	}
	if planes != 1 || compression != 0 {
		return nil, errBMP
	}
	var lut [256]byte // 8-bit: luminance by palette index; past the palette, black
	stride := 0
	switch bpp {
	case 8:
		colors := int(le.Uint32(data[46:]))
		if colors == 0 {
			colors = 256
		}
		if colors > 256 || offset != fileHeader+infoLen+4*colors || len(data) < offset {
			return nil, errBMP
		}
		for i := range colors {
			c := data[fileHeader+infoLen+4*i:]
			lut[i] = byte(luma(uint32(c[2]), uint32(c[1]), uint32(c[0])))
		}
		stride = (w + 3) &^ 3
	case 24:
		stride = (3*w + 3) &^ 3
	case 32:
		stride = 4 * w
	default:
		return nil, errBMP
	}
	if bpp != 8 && offset != fileHeader+infoLen {
		return nil, errBMP
	}
	// The last row needs only its pixels, not its padding.
	rowBytes := (w*int(bpp) + 7) / 8
	if len(data)-offset < stride*(h-1)+rowBytes {
		return nil, errBMP
	}
	alpha := bpp == 32 && infoLen > 40
	g := &gray{pix: make([]byte, w*h), w: w, h: h}
	for i := 0; i < h; i++ {
		src := data[offset+i*stride:][:rowBytes]
		y := h - 1 - i // bottom-up, the usual order
		if topDown {
			y = i
		}
		dst := g.pix[y*w : (y+1)*w]
		switch {
		case bpp == 8:
			lutRow(dst, src, &lut)
		case bpp == 24:
			for x := range dst {
				p := src[3*x : 3*x+3 : 3*x+3]
				dst[x] = byte(luma(uint32(p[2]), uint32(p[1]), uint32(p[0])))
			}
		case alpha:
			for x := range dst {
				p := src[4*x : 4*x+4 : 4*x+4]
				dst[x] = lumaOnWhite(uint32(p[2]), uint32(p[1]), uint32(p[0]), uint32(p[3]))
			}
		default:
			for x := range dst {
				p := src[4*x : 4*x+4 : 4*x+4]
				dst[x] = byte(luma(uint32(p[2]), uint32(p[1]), uint32(p[0])))
			}
		}
	}
	return g, nil
}
