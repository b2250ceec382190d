package qrimport

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"hash/adler32"
	"hash/crc32"
	"image/png"
	"math/bits"
	"testing"
	"time"
)

// Hostile DEFLATE streams, written bit by bit: each must come out of
// inflater exactly as out of compress/flate, or be left to compress/flate
// before inflater gives a byte compress/flate does not.

// bitW writes a DEFLATE bit stream, the first bit lowest.
type bitW struct {
	b   []byte
	acc uint64
	n   uint
}

func (w *bitW) put(v uint64, n uint) *bitW {
	w.acc |= v << w.n
	w.n += n
	for w.n >= 8 {
		w.b = append(w.b, byte(w.acc))
		w.acc >>= 8
		w.n -= 8
	}
	return w
}

// code writes a Huffman code of l bits, its first bit highest.
func (w *bitW) code(c uint32, l uint8) *bitW {
	return w.put(uint64(bits.Reverse32(c)>>(32-uint(l))), uint(l))
}

// bytes gives the stream, its last byte padded with zeros.
func (w *bitW) bytes() []byte {
	b := w.b
	if w.n > 0 {
		b = append(b, byte(w.acc))
	}
	return b
}

// canon gives the canonical codes of lens (RFC 1951 3.2.2).
func canon(lens []uint8) []uint32 {
	var count [16]uint32
	for _, l := range lens {
		count[l]++
	}
	count[0] = 0
	var next [16]uint32
	c := uint32(0)
	for l := 1; l < 16; l++ {
		c = (c + count[l-1]) << 1
		next[l] = c
	}
	codes := make([]uint32, len(lens))
	for i, l := range lens {
		if l > 0 {
			codes[i] = next[l]
			next[l]++
		}
	}
	return codes
}

// dynBlock writes a dynamic block's header: lit and dist lengths sent
// through a code-length code giving each of 0..15 four bits.
func (w *bitW) dynBlock(final bool, lit, dist []uint8) *bitW {
	f := uint64(0)
	if final {
		f = 1
	}
	w.put(f, 1).put(2, 2)
	w.put(uint64(len(lit)-257), 5).put(uint64(len(dist)-1), 5).put(19-4, 4)
	for _, s := range codeLengthOrder {
		if s < 16 {
			w.put(4, 3)
		} else {
			w.put(0, 3)
		}
	}
	for _, l := range append(append([]uint8(nil), lit...), dist...) {
		w.code(uint32(l), 4) // canonical: symbol s of 0..15 is code s
	}
	return w
}

// fixedSym writes a literal/length symbol of the fixed code.
func (w *bitW) fixedSym(s int) *bitW {
	switch {
	case s < 144:
		return w.code(uint32(0x30+s), 8)
	case s < 256:
		return w.code(uint32(0x190+s-144), 9)
	case s < 280:
		return w.code(uint32(s-256), 7)
	}
	return w.code(uint32(0xc0+s-280), 8)
}

func lens(n int, set map[int]uint8) []uint8 {
	l := make([]uint8, n)
	for s, v := range set {
		l[s] = v
	}
	return l
}

// eobLongerStream is a dynamic block whose literal 0 takes one bit and
// whose end of block two, holding only zeros up to the end of its input:
// compress/flate decodes a symbol only with the end of block's length of
// input left (a stream's last bit is never a symbol for it), so it gives
// one zero fewer than the bits left. It also returns how many zeros
// compress/flate gives.
func eobLongerStream() ([]byte, int) {
	w := new(bitW).dynBlock(true, lens(258, map[int]uint8{0: 1, 256: 2, 257: 2}), []uint8{1})
	left := int(8-w.n%8)%8 + 16
	w.put(0, uint(left))
	return w.bytes(), left - 1
}

func hostileStreams() map[string][]byte {
	fixed := func(final bool) *bitW {
		f := uint64(0)
		if final {
			f = 1
		}
		return new(bitW).put(f, 1).put(1, 2)
	}
	stored := func(final bool, n int, data []byte) []byte {
		f := byte(0)
		if final {
			f = 1
		}
		b := []byte{f, byte(n), byte(n >> 8), ^byte(n), ^byte(n >> 8)}
		return append(b, data...)
	}
	s := map[string][]byte{
		"empty":                           nil,
		"block type 3":                    new(bitW).put(1, 1).put(3, 2).put(0, 13).bytes(),
		"fixed literal 286":               fixed(true).fixedSym('a').fixedSym(286).fixedSym(256).bytes(),
		"fixed literal 287":               fixed(true).fixedSym('a').fixedSym(287).fixedSym(256).bytes(),
		"fixed distance 30":               fixed(true).fixedSym('a').fixedSym(257).code(30, 5).fixedSym(256).bytes(),
		"fixed distance 31":               fixed(true).fixedSym('a').fixedSym(257).code(31, 5).fixedSym(256).bytes(),
		"distance before start":           fixed(true).fixedSym('a').fixedSym('b').fixedSym(257).code(2, 5).fixedSym(256).bytes(), // distance 3 after 2 bytes
		"distance at start":               fixed(true).fixedSym('a').fixedSym('b').fixedSym(257).code(1, 5).fixedSym(256).bytes(),
		"match first":                     fixed(true).fixedSym(257).code(0, 5).fixedSym(256).bytes(),
		"no end of block":                 fixed(true).fixedSym('a').fixedSym('b').bytes(),
		"cut in a length":                 fixed(true).fixedSym('a').put(0, 3).bytes(),
		"trailing garbage":                append(fixed(true).fixedSym('a').fixedSym(256).bytes(), 0xff, 0xff, 0x12),
		"not final, then end":             fixed(false).fixedSym('a').fixedSym(256).bytes(),
		"stored len mismatch":             {1, 5, 0, 0xfa, 0xfe, 1, 2, 3, 4, 5},
		"stored cut":                      stored(true, 100, []byte("only this")),
		"stored cut in length":            {1, 5, 0, 0xfa},
		"stored empty final":              stored(true, 0, nil),
		"stored 65535":                    stored(true, 65535, bytes.Repeat([]byte{7}, 65535)),
		"stored 65535, then cut":          stored(true, 65535, bytes.Repeat([]byte{7}, 1000)),
		"over-subscribed lit":             new(bitW).dynBlock(true, lens(257, map[int]uint8{0: 1, 1: 1, 256: 1}), []uint8{1}).fixedSym(0).bytes(),
		"incomplete lit":                  new(bitW).dynBlock(true, lens(257, map[int]uint8{0: 2, 256: 2}), []uint8{1}).code(0, 2).code(1, 2).bytes(),
		"single-code lit":                 new(bitW).dynBlock(true, lens(257, map[int]uint8{256: 1}), []uint8{1}).code(0, 1).bytes(),
		"single-code lit, its other bit":  new(bitW).dynBlock(true, lens(257, map[int]uint8{256: 1}), []uint8{1}).code(1, 1).bytes(),
		"no distance codes, literals":     new(bitW).dynBlock(true, lens(257, map[int]uint8{'x': 1, 256: 1}), []uint8{0}).code(0, 1).code(0, 1).code(1, 1).bytes(),
		"no distance codes, a match":      new(bitW).dynBlock(true, lens(258, map[int]uint8{'x': 1, 256: 2, 257: 2}), []uint8{0}).code(0, 1).code(3, 2).put(0, 8).bytes(),
		"over-subscribed dist":            new(bitW).dynBlock(true, lens(257, map[int]uint8{'x': 1, 256: 1}), []uint8{1, 1, 1}).code(0, 1).code(1, 1).bytes(),
		"no end-of-block code":            new(bitW).dynBlock(true, lens(257, map[int]uint8{'x': 1, 'y': 1}), []uint8{1}).code(0, 1).code(1, 1).code(0, 1).bytes(),
		"15-bit codes":                    long15(),
		"nlit 287":                        new(bitW).put(1, 1).put(2, 2).put(30, 5).put(0, 5).put(15, 4).put(0, 60).bytes(),
		"ndist 31":                        new(bitW).put(1, 1).put(2, 2).put(0, 5).put(30, 5).put(15, 4).put(0, 60).bytes(),
		"no code-length codes":            new(bitW).put(1, 1).put(2, 2).put(0, 5).put(0, 5).put(15, 4).put(0, 57).put(0xffff, 16).bytes(),
		"repeat first":                    repeatFirst(),
		"repeat past the end":             repeatPastEnd(),
		"overlap at the buffer end":       overlapAtEnd(),
		"window: 32768 back":              farMatch(32768),
		"window: 32769 bytes, 32768 back": farMatch(32769),
	}
	s["end of block longer than a literal, at the end"], _ = eobLongerStream()
	var many bitW
	for range 5000 {
		many.put(0, 1).put(1, 2).fixedSym(256) // empty fixed blocks
	}
	many.put(1, 1).put(1, 2).fixedSym('z').fixedSym(256)
	s["5000 empty blocks"] = many.bytes()
	return s
}

// long15 uses the longest codes: a literal code of 15 bits needs
// inflater's second-level tables.
func long15() []byte {
	l := make([]uint8, 286)
	// 1/2 + 1/4 + ... + 2/2^15: literals 0..13 of lengths 1..14, then two of 15.
	for i := 0; i < 14; i++ {
		l[i] = uint8(i + 1)
	}
	l[14], l[256] = 15, 15
	c := canon(l)
	w := new(bitW).dynBlock(true, l, []uint8{1})
	for i := 0; i < 15; i++ {
		w.code(c[i], l[i])
	}
	return w.code(c[256], 15).bytes()
}

// twoLengthCLHeader starts a final dynamic block (257 literal/length
// codes, one distance code) whose code-length code has two symbols, 1 and
// sym, both one bit long: 1 is code 0, sym is code 1.
func twoLengthCLHeader(sym uint8) *bitW {
	w := new(bitW).put(1, 1).put(2, 2).put(0, 5).put(0, 5).put(15, 4)
	for _, s := range codeLengthOrder {
		if s == sym || s == 1 {
			w.put(1, 3)
		} else {
			w.put(0, 3)
		}
	}
	return w
}

// repeatFirst starts the code lengths with code 16, "repeat the last".
func repeatFirst() []byte {
	w := twoLengthCLHeader(16)
	// Code-length code: 1 is code 0, 16 is code 1.
	return w.code(1, 1).put(3, 2).put(0, 40).bytes()
}

// repeatPastEnd repeats zeros (code 18, 138 of them) past the 258 lengths.
func repeatPastEnd() []byte {
	w := twoLengthCLHeader(18)
	// 1 is code 0, 18 is code 1.
	w.code(1, 1).put(127, 7).code(1, 1).put(127, 7)
	return w.put(0, 40).bytes()
}

// overlapAtEnd: 96 KB of 258-byte matches one byte back, past the end of
// inflater's buffer many times.
func overlapAtEnd() []byte {
	w := new(bitW).put(1, 1).put(1, 2).fixedSym('q')
	for range 2000 {
		w.fixedSym(285).code(0, 5)
	}
	for i := range 300 {
		w.fixedSym(i % 256)
	}
	for range 300 {
		w.fixedSym(285).code(29, 5).put(8191, 13) // 32768 back
	}
	return w.fixedSym(256).bytes()
}

// farMatch writes n literals then a match 32768 back.
func farMatch(n int) []byte {
	w := new(bitW).put(1, 1).put(1, 2)
	for i := range n {
		w.fixedSym(i * 7 % 256)
	}
	return w.fixedSym(257).code(29, 5).put(8191, 13).fixedSym(256).bytes()
}

// checkLikeFlate: inflater gives only bytes compress/flate gives, and all
// of them when it takes the stream. It leaves a stream to compress/flate
// only where compress/flate fails too, right after the same bytes: a
// stream it left that compress/flate reads would cost pngGray a second
// decoding (a hostile 64 MB file, seconds).
func checkLikeFlate(t *testing.T, name string, data []byte) {
	t.Helper()
	for _, piece := range []int{1, 3, 64, 1 << 30} {
		got, want, taken, werr := inflateBoth(data, piece)
		if !bytes.HasPrefix(want, got) {
			t.Errorf("%s, pieces of %d: got %d bytes, want a prefix of compress/flate's %d (%v)", name, piece, len(got), len(want), werr)
			continue
		}
		if taken && (len(got) != len(want) || werr != nil) {
			t.Errorf("%s, pieces of %d: taken with %d bytes and no error, want compress/flate's %d bytes, %v", name, piece, len(got), len(want), werr)
		}
		if !taken && (len(got) != len(want) || werr == nil) {
			t.Errorf("%s, pieces of %d: left to compress/flate after %d bytes, which gives %d and %v", name, piece, len(got), len(want), werr)
		}
	}
}

func TestInflateHostile(t *testing.T) {
	for name, data := range hostileStreams() {
		checkLikeFlate(t, name, data)
	}
}

// zlibPNG is a gray 8-bit PNG of w x h holding raw, a DEFLATE stream,
// behind a zlib header, then tail (the checksum, or nothing for a cut
// stream), in IDAT chunks of at most piece bytes.
func zlibPNG(w, h int, raw, tail []byte, piece int) []byte {
	out := bytes.NewBuffer(append([]byte(nil), pngMagic...))
	chunk := func(typ string, body []byte) {
		binary.Write(out, binary.BigEndian, uint32(len(body)))
		c := append([]byte(typ), body...)
		out.Write(c)
		binary.Write(out, binary.BigEndian, crc32.ChecksumIEEE(c))
	}
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr, uint32(w))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(h))
	ihdr[8] = 8
	chunk("IHDR", ihdr)
	z := append([]byte{0x78, 0x01}, raw...)
	z = append(z, tail...)
	for len(z) > 0 {
		n := min(piece, len(z))
		chunk("IDAT", z[:n])
		z = z[n:]
	}
	chunk("IEND", nil)
	return out.Bytes()
}

// TestPNGGrayInflateLikeFlate: a PNG whose pixels are a hostile stream
// reads through pngGray as through compress/flate: the same pixels, or an
// error for both.
func TestPNGGrayInflateLikeFlate(t *testing.T) {
	eob, flateGives := eobLongerStream()
	for _, c := range []struct {
		name string
		w, h int
		raw  []byte
	}{
		// One row of the zeros inflater would give, the zlib stream cut
		// after them: one byte more than compress/flate gives.
		{"end of block longer than a literal", flateGives, 1, eob},
		{"end of block longer than a literal, one byte less", flateGives - 1, 1, eob},
	} {
		for _, piece := range []int{1, 5, 1 << 20} {
			data := zlibPNG(c.w, c.h, c.raw, nil, piece)
			got, err := pngGray(data)
			want, werr := pngGrayInflate(data, false, new([]byte))
			if (err == nil) != (werr == nil) {
				t.Errorf("%s, IDAT of %d: got error %v, want %v", c.name, piece, err, werr)
				continue
			}
			if err == nil {
				sameGray(t, c.name, got, want)
			}
		}
	}
}

// TestPNGGrayInflateChecksum: pngGray does not check the zlib checksum,
// through inflater as through compress/flate (image/png refuses the file,
// and the reader then has the pixels pngGray gave).
func TestPNGGrayInflateChecksum(t *testing.T) {
	row := []byte{0, 1, 2, 3, 4}
	raw := deflated(t, row, flate.BestCompression)
	right := adler32.Checksum(row)
	for _, sum := range []uint32{right, right ^ 0x10001} {
		data := zlibPNG(4, 1, raw, binary.BigEndian.AppendUint32(nil, sum), 1<<20)
		fast, err := pngGrayInflate(data, true, new([]byte))
		slow, werr := pngGrayInflate(data, false, new([]byte))
		if err != nil || werr != nil {
			t.Fatalf("checksum %08x: got %v and %v, want both read", sum, err, werr)
		}
		sameGray(t, "checksum", fast, slow)
		_, perr := png.Decode(bytes.NewReader(data))
		if (perr == nil) != (sum == right) {
			t.Errorf("checksum %08x: image/png got %v", sum, perr)
		}
	}
}

// TestPNGGrayInflateBomb: a PNG of a few KB whose stream inflates to
// gigabytes costs pngGray its image and the inflater's buffer, and time
// for the rows it declares, not for the stream.
func TestPNGGrayInflateBomb(t *testing.T) {
	// 2 GB of zeros: fixed-code matches of 258, one byte back, at two
	// bits... the fixed code takes 8+5 bits a match: 2 GB needs 10 MB of
	// stream. Keep the file at 1 MB; the point is the rows declared.
	w := new(bitW).put(1, 1).put(1, 2).fixedSym(0)
	for range 600_000 {
		w.fixedSym(285).code(0, 5)
	}
	raw := w.fixedSym(256).bytes()
	data := zlibPNG(100, 100, raw, nil, 1<<16)
	var g *gray
	var err error
	start := time.Now()
	grew := allocated(func() { g, err = pngGray(data) })
	if err != nil {
		t.Fatalf("got %v, want the 100x100 rows read", err)
	}
	if g.w != 100 || g.h != 100 {
		t.Fatalf("got %dx%d, want 100x100", g.w, g.h)
	}
	if limit := uint64(100*100 + 2*101 + inflateBuf + maxMatch + 64<<10); grew > limit {
		t.Errorf("allocated %d bytes, want at most %d", grew, limit)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("took %v for 10 KB of pixels, want well under 2 s", d)
	}
}

// TestPNGGrayFallbackAllocatesOnce: a stream inflater leaves to
// compress/flate late (cut in the last row) costs one image, not one for
// each try.
func TestPNGGrayFallbackAllocatesOnce(t *testing.T) {
	const w, h = 1000, 1000
	bw := new(bitW).dynBlock(true, lens(257, map[int]uint8{0: 1, 256: 1}), []uint8{1})
	raw := bw.put(0, (w+1)*h-10).bytes() // literal 0, ten bytes short
	data := zlibPNG(w, h, raw, nil, 1<<16)
	var err error
	grew := allocated(func() { _, err = pngGray(data) })
	if err != errPNG {
		t.Fatalf("got %v, want %v", err, errPNG)
	}
	if limit := uint64(w*h + 256<<10); grew > limit {
		t.Errorf("allocated %d bytes, want at most %d (one %d-byte image)", grew, limit, w*h)
	}
}
