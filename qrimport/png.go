package qrimport

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"io"
)

// Most screenshots are PNGs. image/png decodes them to RGBA (four bytes a
// pixel, a palette index set through a method call each) before toGray
// makes one byte of each: half of a plain screenshot's reading time.
// pngGray decodes a PNG straight to luminance, row by row, with the same
// result as image/png followed by toGray (tests compare them). Interlaced
// PNGs, rare in screenshots, are left to image/png.

var errPNG = errors.New("damaged PNG")

// errPNGInterlaced asks the caller to use image/png instead.
var errPNGInterlaced = errors.New("interlaced PNG")

var pngMagic = []byte("\x89PNG\r\n\x1a\n")

// PNG colour types.
const (
	pngGrayType      = 0
	pngRGBType       = 2
	pngPaletteType   = 3
	pngGrayAlphaType = 4
	pngRGBAType      = 6
)

// pngHead is what a PNG's header chunks say about its pixels.
type pngHead struct {
	w, h       int
	depth      int // bits per sample
	colorType  int
	palette    [256][4]byte // RGBA, alpha from tRNS
	paletteLen int
	// trns is the tRNS chunk of a gray or RGB image: the one shade that
	// is transparent, two bytes a channel, when hasTransparent.
	trns           [6]byte
	hasTransparent bool
}

// channels gives the samples per pixel.
func (p *pngHead) channels() int {
	switch p.colorType {
	case pngRGBType:
		return 3
	case pngGrayAlphaType:
		return 2
	case pngRGBAType:
		return 4
	}
	return 1
}

// pngChunks reads a PNG's chunks in order, checking each one's CRC.
type pngChunks struct {
	data []byte
	off  int
}

func (c *pngChunks) next() (typ string, body []byte, err error) {
	if len(c.data)-c.off < 12 {
		return "", nil, errPNG
	}
	n := binary.BigEndian.Uint32(c.data[c.off:])
	if n > 1<<31-1 || int(n) > len(c.data)-c.off-12 {
		return "", nil, errPNG
	}
	typ = string(c.data[c.off+4 : c.off+8])
	body = c.data[c.off+8 : c.off+8+int(n)]
	crc := binary.BigEndian.Uint32(c.data[c.off+8+int(n):])
	if crc32.ChecksumIEEE(c.data[c.off+4:c.off+8+int(n)]) != crc {
		return "", nil, errPNG
	}
	c.off += 12 + int(n)
	return typ, body, nil
}

// idatReader joins the IDAT chunks into one zlib stream.
type idatReader struct {
	c   *pngChunks
	cur []byte
	end bool
}

func (r *idatReader) Read(p []byte) (int, error) {
	if err := r.fill(); err != nil {
		return 0, err
	}
	n := copy(p, r.cur)
	r.cur = r.cur[n:]
	return n, nil
}

// fill moves to the next IDAT chunk with data, if cur is used up.
func (r *idatReader) fill() error {
	for len(r.cur) == 0 {
		if r.end {
			return io.EOF
		}
		save := r.c.off
		typ, body, err := r.c.next()
		if err != nil {
			return err
		}
		if typ != "IDAT" {
			r.c.off, r.end = save, true
			return io.EOF
		}
		r.cur = body
	}
	return nil
}

// nextBody gives the rest of the current IDAT chunk, then each next one's
// body, and io.EOF after the last.
func (r *idatReader) nextBody() ([]byte, error) {
	if err := r.fill(); err != nil {
		return nil, err
	}
	b := r.cur
	r.cur = nil
	return b, nil
}

// pngGray decodes data, a PNG whose size checkSize already accepted, to
// luminance on white: inflating through inflater, or through
// compress/flate when inflater does not take the stream. errPNG means
// the file is damaged and image/png refuses it too: no decoder is tried
// again.
func pngGray(data []byte) (*gray, error) {
	p, start, err := parsePNGHead(data)
	if err != nil {
		return nil, err
	}
	var pix []byte
	g, err := p.decode(data, start, true, &pix)
	if err == errInflate {
		// The second try writes over the first's pixels: a stream
		// inflater leaves late costs time, not a second image. The
		// header is not read again.
		return p.decode(data, start, false, &pix)
	}
	return g, err
}

// parsePNGHead reads a PNG's header chunks, up to the first IDAT chunk,
// whose offset it gives.
func parsePNGHead(data []byte) (*pngHead, int, error) {
	if !bytes.HasPrefix(data, pngMagic) {
		return nil, 0, errPNG
	}
	c := &pngChunks{data: data, off: len(pngMagic)}
	typ, body, err := c.next()
	if err != nil || typ != "IHDR" || len(body) != 13 {
		return nil, 0, errPNG
	}
	p := new(pngHead)
	w, h := binary.BigEndian.Uint32(body), binary.BigEndian.Uint32(body[4:])
	if w == 0 || h == 0 || w > MaxSide || h > MaxSide || int(w)*int(h) > MaxPixels {
		return nil, 0, errPNG
	}
	p.w, p.h, p.depth, p.colorType = int(w), int(h), int(body[8]), int(body[9])
	if body[10] != 0 || body[11] != 0 {
		return nil, 0, errPNG // unknown compression or filter method
	}
	if body[12] != 0 {
		return nil, 0, errPNGInterlaced
	}
	if !validDepth(p.colorType, p.depth) {
		return nil, 0, errPNG
	}
	// Header chunks until the first IDAT.
	for {
		save := c.off
		typ, body, err := c.next()
		if err != nil {
			return nil, 0, err
		}
		if typ == "IDAT" {
			if p.colorType == pngPaletteType && p.paletteLen == 0 {
				return nil, 0, errPNG
			}
			return p, save, nil
		}
		switch typ {
		case "PLTE":
			if len(body)%3 != 0 || len(body) > 3*256 || len(body) == 0 {
				return nil, 0, errPNG
			}
			p.paletteLen = len(body) / 3
			for i := 0; i < p.paletteLen; i++ {
				p.palette[i] = [4]byte{body[3*i], body[3*i+1], body[3*i+2], 255}
			}
		case "tRNS":
			if err := p.setTransparency(body); err != nil {
				return nil, 0, err
			}
		case "IEND":
			return nil, 0, errPNG
		}
	}
}

// decode reads the pixels of data, whose header parsePNGHead read to p,
// from its IDAT chunks at offset start on: through inflater when fast,
// else through compress/flate, into *pix if it has the image's size (a
// new slice there if not).
func (p *pngHead) decode(data []byte, start int, fast bool, pix *[]byte) (*gray, error) {
	c := &pngChunks{data: data, off: start}
	// The zlib stream's two-byte header, then raw deflate: its Adler-32
	// checksum, a fifth of the decoding time, is not checked (a damaged
	// stream gives damaged pixels, which the reader survives anyway).
	idat := &idatReader{c: c}
	var zh [2]byte
	if _, err := io.ReadFull(idat, zh[:]); err != nil {
		return nil, errPNG
	}
	if zh[0]&0x0f != 8 || zh[0]>>4 > 7 || zh[1]&0x20 != 0 || (uint16(zh[0])<<8|uint16(zh[1]))%31 != 0 {
		return nil, errPNG // not deflate, a window over 32 KB, a preset dictionary, or a bad check
	}
	var z io.Reader
	if fast {
		z = newInflater(idat.nextBody)
	} else {
		fz := flate.NewReader(idat)
		defer fz.Close()
		z = fz
	}
	if len(*pix) != p.w*p.h {
		*pix = make([]byte, p.w*p.h)
	}
	g := &gray{pix: *pix, w: p.w, h: p.h}
	bpp := max(1, p.channels()*p.depth/8) // bytes a filter steps back
	stride := (p.w*p.channels()*p.depth + 7) / 8
	prev := make([]byte, 1+stride)
	cur := make([]byte, 1+stride)
	conv := p.rowConverter()
	for y := 0; y < p.h; y++ {
		if _, err := io.ReadFull(z, cur); err != nil {
			if err == errInflate {
				return nil, err
			}
			return nil, errPNG
		}
		if err := unfilter(cur[0], cur[1:], prev[1:], bpp); err != nil {
			return nil, err
		}
		conv(g.pix[y*p.w:(y+1)*p.w], cur[1:])
		prev, cur = cur, prev
	}
	return g, nil
}

func validDepth(colorType, depth int) bool {
	switch colorType {
	case pngGrayType:
		return depth == 1 || depth == 2 || depth == 4 || depth == 8 || depth == 16
	case pngPaletteType:
		return depth == 1 || depth == 2 || depth == 4 || depth == 8
	case pngRGBType, pngGrayAlphaType, pngRGBAType:
		return depth == 8 || depth == 16
	}
	return false
}

// setTransparency reads a tRNS chunk: alpha for palette entries, or the
// one transparent shade of a gray or RGB image.
func (p *pngHead) setTransparency(b []byte) error {
	switch p.colorType {
	case pngPaletteType:
		if len(b) > 256 {
			return errPNG
		}
		for i, a := range b {
			p.palette[i][3] = a
		}
	case pngGrayType:
		if len(b) != 2 {
			return errPNG
		}
		copy(p.trns[:], b)
		p.hasTransparent = true
	case pngRGBType:
		if len(b) != 6 {
			return errPNG
		}
		copy(p.trns[:], b)
		p.hasTransparent = true
	default:
		return errPNG // the other types carry their own alpha
	}
	return nil
}

// unfilter undoes a row's PNG filter in place, given the row above.
func unfilter(filter byte, row, above []byte, bpp int) error {
	switch filter {
	case 0:
	case 1: // Sub: plus the byte one pixel to the left
		for i := bpp; i < len(row); i++ {
			row[i] += row[i-bpp]
		}
	case 2: // Up: plus the byte above
		for i := range row {
			row[i] += above[i]
		}
	case 3: // Average of left and above
		for i := 0; i < bpp && i < len(row); i++ {
			row[i] += above[i] / 2
		}
		for i := bpp; i < len(row); i++ {
			row[i] += byte((int(row[i-bpp]) + int(above[i])) / 2)
		}
	case 4: // Paeth: whichever of left, above and above-left is nearest their sum
		if bpp == 4 && len(row)%4 == 0 {
			paeth4(row, above[:len(row)])
			break
		}
		// One channel at a time, left and above-left carried along.
		for k := 0; k < bpp && k < len(row); k++ {
			var left, upLeft byte
			for i := k; i < len(row); i += bpp {
				up := above[i]
				row[i] += byte(paeth(int(left), int(up), int(upLeft)))
				left, upLeft = row[i], up
			}
		}
	default:
		return errPNG
	}
	return nil
}

// paeth picks whichever of a (left), b (above) and c (above-left) is
// nearest p = a+b-c, ties going to a, then b. It has no branches (x>>63 is
// all ones when x is negative; squares order distances as their absolute
// values do): filters see noise-like data. Small enough to inline, so
// paeth4 keeps four of it side by side in registers.
func paeth(a, b, c int) int {
	pa, pb := b-c, a-c // p-a, p-b
	pc := pa + pb      // p-c
	pa, pb, pc = pa*pa, pb*pb, pc*pc
	notA, cOverB := (pb-pa)>>63|(pc-pa)>>63, (pc-pb)>>63
	return a&^notA | (b&^cOverB|c&cOverB)&notA
}

// paeth4 undoes the Paeth filter on four-byte pixels (RGBA, most
// screenshots). The four channels' predictions are independent: written
// out side by side they overlap: a quarter faster.
func paeth4(row, above []byte) {
	var a0, a1, a2, a3, c0, c1, c2, c3 int // left and upper-left pixels
	for i := 0; i+4 <= len(row); i += 4 {
		r := row[i : i+4 : i+4]
		up := above[i : i+4 : i+4]
		b0, b1, b2, b3 := int(up[0]), int(up[1]), int(up[2]), int(up[3])
		a0 = int(r[0] + byte(paeth(a0, b0, c0)))
		a1 = int(r[1] + byte(paeth(a1, b1, c1)))
		a2 = int(r[2] + byte(paeth(a2, b2, c2)))
		a3 = int(r[3] + byte(paeth(a3, b3, c3)))
		r[0], r[1], r[2], r[3] = byte(a0), byte(a1), byte(a2), byte(a3)
		c0, c1, c2, c3 = b0, b1, b2, b3
	}
}

// rowConverter gives the function that turns one unfiltered row into
// luminance on white, as toGray would from image/png's image.
func (p *pngHead) rowConverter() func(dst, src []byte) {
	switch p.colorType {
	case pngPaletteType:
		// Indexes past the palette are opaque black, as image/png makes
		// them.
		var lut [256]byte
		for i := 0; i < p.paletteLen; i++ {
			c := p.palette[i]
			lut[i] = lumaOnWhite(uint32(c[0]), uint32(c[1]), uint32(c[2]), uint32(c[3]))
		}
		return p.lookup(&lut)
	case pngGrayType:
		if p.depth == 16 {
			t := binary.BigEndian.Uint16(p.trns[:])
			return func(dst, src []byte) {
				for x := range dst {
					v := binary.BigEndian.Uint16(src[2*x:])
					if p.hasTransparent && v == t {
						dst[x] = 255
						continue
					}
					dst[x] = byte(v >> 8)
				}
			}
		}
		// Samples scaled to 8 bits; image/png compares the transparent
		// shade's low byte, scaled alike, with the scaled sample.
		var lut [256]byte
		max := 1<<p.depth - 1
		t := p.trns[1] * byte(255/max)
		for i := 0; i <= max; i++ {
			lut[i] = byte(i * 255 / max)
			if p.hasTransparent && lut[i] == t {
				lut[i] = 255
			}
		}
		return p.lookup(&lut)
	case pngRGBType:
		if p.depth == 16 {
			tr, tg, tb := binary.BigEndian.Uint16(p.trns[:]), binary.BigEndian.Uint16(p.trns[2:]), binary.BigEndian.Uint16(p.trns[4:])
			return func(dst, src []byte) {
				for x := range dst {
					s := src[6*x : 6*x+6 : 6*x+6]
					if p.hasTransparent && binary.BigEndian.Uint16(s) == tr && binary.BigEndian.Uint16(s[2:]) == tg && binary.BigEndian.Uint16(s[4:]) == tb {
						dst[x] = 255
						continue
					}
					dst[x] = byte(luma(uint32(s[0]), uint32(s[2]), uint32(s[4])))
				}
			}
		}
		tr, tg, tb := p.trns[1], p.trns[3], p.trns[5]
		return func(dst, src []byte) {
			for x := range dst {
				s := src[3*x : 3*x+3 : 3*x+3]
				if p.hasTransparent && s[0] == tr && s[1] == tg && s[2] == tb {
					dst[x] = 255
					continue
				}
				dst[x] = byte(luma(uint32(s[0]), uint32(s[1]), uint32(s[2])))
			}
		}
	case pngGrayAlphaType:
		if p.depth == 16 {
			return func(dst, src []byte) {
				for x := range dst {
					s := src[4*x : 4*x+4 : 4*x+4]
					dst[x] = onWhite(uint32(s[0]), uint32(s[2]))
				}
			}
		}
		return func(dst, src []byte) {
			for x := range dst {
				s := src[2*x : 2*x+2 : 2*x+2]
				dst[x] = onWhite(uint32(s[0]), uint32(s[1]))
			}
		}
	}
	// RGBA.
	if p.depth == 16 {
		return nrgba64Row
	}
	return nrgbaRow
}

// lookup gives the converter of a one-channel row (palette indexes or gray
// levels) packed at the image's depth, through lut.
func (p *pngHead) lookup(lut *[256]byte) func(dst, src []byte) {
	if p.depth == 8 {
		return func(dst, src []byte) { lutRow(dst, src, lut) }
	}
	// A byte at a time, its samples from the high bits down.
	depth := uint(p.depth)
	perByte := 8 / int(depth)
	mask := byte(1<<depth - 1)
	return func(dst, src []byte) {
		full := len(dst) / perByte
		for i, b := range src[:full] {
			d := dst[i*perByte : (i+1)*perByte]
			for k := range d {
				d[k] = lut[b>>(8-depth*uint(k+1))&mask]
			}
		}
		if rest := dst[full*perByte:]; len(rest) > 0 {
			b := src[full]
			for k := range rest {
				rest[k] = lut[b>>(8-depth*uint(k+1))&mask]
			}
		}
	}
}
