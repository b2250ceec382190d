package qrimport

import (
	"encoding/binary"
	"errors"
	"io"
	"math/bits"
	"sync"
)

// A noisy screenshot (film grain, a photo behind a code) compresses poorly:
// inflating it through compress/flate, a byte at a time through a
// bufio.Reader and a bit at a time through its Huffman decoder, was two
// thirds of such a PNG's reading time. inflater decodes DEFLATE (RFC 1951)
// from the IDAT chunks held in memory, 64 bits of input at a time and a
// Huffman code in one or two table lookups. It is only a faster path: it
// gives no byte compress/flate would not, and a stream it does not take
// (one compress/flate fails on too, after the same bytes) pngGray decodes
// again through compress/flate, so the pixels and the errors stay the
// standard library's (tests compare the two on every stream the fuzzer
// finds). Its memory is its 96 KB buffer and tables, whatever the stream:
// pngGray reads only the rows the header declares.

// errInflate asks pngGray to decode through compress/flate instead. A
// damaged IDAT chunk is not such a case: inflater gives the chunk's own
// error (errPNG), which compress/flate and image/png would meet too.
var errInflate = errors.New("inflate: not taken")

const (
	inflateWindow = 32 << 10 // the farthest a match reaches back
	maxMatch      = 258
	// inflateBuf holds the window and the output decoded ahead of the
	// reader.
	inflateBuf = inflateWindow + 64<<10
	// Bits a table's first level resolves; longer codes take a second.
	litPrimary  = 10
	distPrimary = 8
)

// huffTable decodes one canonical Huffman code. An entry is sym<<4|len for
// a code of len bits, 1<<31|offset<<4|bits for a second-level table of
// 1<<bits entries at offset, and 0 for a code that does not exist.
type huffTable struct {
	primary uint
	t       []uint32
	// min is how many bits of input compress/flate wants left before it
	// decodes a symbol: the shortest code's length, and for a dynamic
	// block's literals at least the end of block's. With fewer at the end
	// of the input it fails where a shorter code would still decode.
	min int
}

// build makes the table of the code with the given lengths (0: symbol not
// used). Like compress/flate it takes only complete codes, a code of no
// symbols, and a code of one symbol of one bit.
func (h *huffTable) build(lens []uint8, primary uint) bool {
	var count [16]int
	maxLen := 0
	for _, l := range lens {
		count[l]++
		maxLen = max(maxLen, int(l))
	}
	count[0] = 0
	h.min = 0
	for l := 15; l > 0; l-- {
		if count[l] > 0 {
			h.min = l
		}
	}
	h.primary = primary
	h.t = h.t[:0]
	h.grow(1 << primary)
	if maxLen == 0 {
		return true
	}
	left := 1
	for l := 1; l <= 15; l++ {
		left = left<<1 - count[l]
		if left < 0 {
			return false // over-subscribed
		}
	}
	if left > 0 && !(maxLen == 1 && count[1] == 1) {
		return false // incomplete
	}
	var next [16]int
	code := 0
	for l := 1; l <= 15; l++ {
		code = (code + count[l-1]) << 1
		next[l] = code
	}
	// Second-level tables: the longest code under each first-level prefix
	// sets its size.
	var subBits [1 << litPrimary]uint8
	if maxLen > int(primary) {
		c := next
		for _, l := range lens {
			if int(l) <= int(primary) {
				if l > 0 {
					c[l]++
				}
				continue
			}
			rev := int(bits.Reverse16(uint16(c[l])) >> (16 - l))
			c[l]++
			p := rev & (1<<primary - 1)
			subBits[p] = max(subBits[p], l-uint8(primary))
		}
		for p := 0; p < 1<<primary; p++ {
			if b := subBits[p]; b > 0 {
				h.t[p] = 1<<31 | uint32(len(h.t))<<4 | uint32(b)
				h.grow(1 << b)
			}
		}
	}
	for sym, l := range lens {
		if l == 0 {
			continue
		}
		rev := int(bits.Reverse16(uint16(next[l])) >> (16 - l))
		next[l]++
		e := uint32(sym)<<4 | uint32(l)
		if int(l) <= int(primary) {
			for i := rev; i < 1<<primary; i += 1 << l {
				h.t[i] = e
			}
			continue
		}
		link := h.t[rev&(1<<primary-1)]
		off, b := int(link>>4&0x7ffffff), uint(link&15)
		for i := rev >> primary; i < 1<<b; i += 1 << (uint(l) - primary) {
			h.t[off+i] = e
		}
	}
	return true
}

// grow adds n zero entries, reusing the table's memory from the last
// block.
func (h *huffTable) grow(n int) {
	old := len(h.t)
	if cap(h.t) >= old+n {
		h.t = h.t[:old+n]
		clear(h.t[old:])
		return
	}
	h.t = append(h.t, make([]uint32, n)...)
}

var (
	fixedOnce         sync.Once
	fixedLit, fixedDi huffTable
)

func fixedTables() (*huffTable, *huffTable) {
	fixedOnce.Do(func() {
		var lens [288]uint8
		for i := range lens {
			switch {
			case i < 144:
				lens[i] = 8
			case i < 256:
				lens[i] = 9
			case i < 280:
				lens[i] = 7
			default:
				lens[i] = 8
			}
		}
		fixedLit.build(lens[:], litPrimary)
		// 30 distance codes of five bits, and two more that exist in
		// the code but are invalid (decoding refuses them).
		var d [32]uint8
		for i := range d {
			d[i] = 5
		}
		fixedDi.build(d[:], distPrimary)
	})
	return &fixedLit, &fixedDi
}

var (
	lengthBase  = [29]uint16{3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258}
	lengthExtra = [29]uint8{0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0}
	distBase    = [30]uint32{1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577}
	distExtra   = [30]uint8{0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13}
	// The order the lengths of the code-length code come in.
	codeLengthOrder = [19]uint8{16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15}
)

// inflater is an io.Reader of the DEFLATE stream in the pieces next gives.
type inflater struct {
	next func() ([]byte, error) // the next piece of input; io.EOF after the last
	in   []byte
	pos  int
	// inErr is next's error other than io.EOF (a damaged chunk): a
	// stream that then runs short fails with it, not errInflate, since
	// compress/flate would fail on the same input and a second decoding
	// would be wasted.
	inErr error

	bits  uint64 // input not yet used, the next bit lowest
	nbits int    // how many of bits are input; negative once past its end

	out  []byte
	r, w int // read and write positions in out

	final  bool // the block being decoded is the last
	stored int  // bytes left of a stored block, or -1 in a Huffman block
	inHuff bool
	done   bool
	err    error

	lit, dist       *huffTable
	dynLit, dynDist huffTable
	lens            [286 + 30]uint8
	clTable         huffTable
}

func newInflater(next func() ([]byte, error)) *inflater {
	return &inflater{next: next, out: make([]byte, inflateBuf+maxMatch), stored: -1}
}

// refill tops bits up to at least 56 bits while input is left.
func (f *inflater) refill() {
	if f.nbits > 56 {
		return
	}
	if f.pos+8 <= len(f.in) {
		k := (63 - f.nbits) >> 3
		f.bits |= binary.LittleEndian.Uint64(f.in[f.pos:]) << uint(f.nbits)
		f.nbits += 8 * k
		f.pos += k
		f.bits &= 1<<uint(f.nbits) - 1
		return
	}
	for f.nbits <= 56 {
		if f.pos == len(f.in) {
			if !f.pull() {
				return // past the end, bits read as zeros and nbits goes negative
			}
			continue
		}
		f.bits |= uint64(f.in[f.pos]) << uint(f.nbits)
		f.pos++
		f.nbits += 8
	}
}

// pull moves to the next piece of input; false when there is none. An
// error sticks: next would check the damaged chunk's CRC again each time.
func (f *inflater) pull() bool {
	if f.inErr != nil {
		return false
	}
	in, err := f.next()
	if err != nil {
		if err != io.EOF {
			f.inErr = err
		}
		return false
	}
	f.in, f.pos = in, 0
	return true
}

// take removes n bits, which refill made available.
func (f *inflater) take(n uint) uint32 {
	v := uint32(f.bits & (1<<n - 1))
	f.bits >>= n
	f.nbits -= int(n)
	return v
}

// decode reads one symbol of h; -1 for a code h does not have or input
// that ran out.
func (f *inflater) decode(h *huffTable) int {
	e := h.t[f.bits&(1<<h.primary-1)]
	if e&(1<<31) != 0 {
		e = h.t[int(e>>4&0x7ffffff)+int(f.bits>>h.primary&(1<<(e&15)-1))]
	}
	n := uint(e & 15)
	if n == 0 {
		return -1
	}
	f.bits >>= n
	f.nbits -= int(n)
	if f.nbits < 0 {
		return -1
	}
	return int(e >> 4)
}

func (f *inflater) Read(p []byte) (int, error) {
	for f.r == f.w {
		if f.err != nil {
			return 0, f.err
		}
		if f.done {
			return 0, io.EOF
		}
		if f.w >= inflateBuf-maxMatch {
			// Keep the window, make room after it.
			copy(f.out, f.out[f.w-inflateWindow:f.w])
			f.r, f.w = inflateWindow, inflateWindow
		}
		f.err = f.fill()
		if f.err == errInflate && f.inErr != nil {
			f.err = f.inErr
		}
	}
	n := copy(p, f.out[f.r:f.w])
	f.r += n
	return n, nil
}

// fill decodes until out is nearly full or the stream ends.
func (f *inflater) fill() error {
	for f.w < inflateBuf-maxMatch {
		switch {
		case f.stored > 0:
			if err := f.copyStored(); err != nil {
				return err
			}
		case f.stored == 0 || f.inHuff:
			if f.inHuff {
				end, err := f.huffman()
				if err != nil {
					return err
				}
				if !end {
					continue
				}
				f.inHuff = false
			}
			f.stored = -1
			if f.final {
				f.done = true
				return nil
			}
		default:
			if err := f.header(); err != nil {
				return err
			}
		}
	}
	return nil
}

// header reads a block's header, and the code lengths of a dynamic block.
func (f *inflater) header() error {
	f.refill()
	if f.nbits < 3 {
		return errInflate
	}
	f.final = f.take(1) == 1
	switch f.take(2) {
	case 0:
		// Stored: the rest of this byte is skipped, then LEN and its
		// complement.
		f.take(uint(f.nbits & 7))
		var h [4]byte
		for i := range h {
			b, ok := f.alignedByte()
			if !ok {
				return errInflate
			}
			h[i] = b
		}
		n := int(binary.LittleEndian.Uint16(h[:]))
		if uint16(n) != ^binary.LittleEndian.Uint16(h[2:]) {
			return errInflate
		}
		f.stored = n
		return nil
	case 1:
		f.lit, f.dist = fixedTables()
	case 2:
		if err := f.dynamic(); err != nil {
			return err
		}
		f.lit, f.dist = &f.dynLit, &f.dynDist
	default:
		return errInflate
	}
	f.inHuff = true
	return nil
}

// alignedByte reads a byte at a byte boundary: from bits first.
func (f *inflater) alignedByte() (byte, bool) {
	if f.nbits < 8 {
		f.refill()
		if f.nbits < 8 {
			return 0, false
		}
	}
	return byte(f.take(8)), true
}

// copyStored copies what out has room for of a stored block.
func (f *inflater) copyStored() error {
	for f.stored > 0 && f.w < len(f.out) {
		if f.nbits >= 8 {
			f.out[f.w] = byte(f.take(8))
			f.w++
			f.stored--
			continue
		}
		// bits is empty at a byte boundary: copy straight from the input.
		f.bits, f.nbits = 0, 0
		if f.pos == len(f.in) {
			if !f.pull() {
				return errInflate
			}
			continue
		}
		n := copy(f.out[f.w:min(len(f.out), f.w+f.stored)], f.in[f.pos:])
		f.w += n
		f.pos += n
		f.stored -= n
	}
	return nil
}

// dynamic reads a dynamic block's code lengths and builds its tables.
func (f *inflater) dynamic() error {
	f.refill()
	if f.nbits < 14 {
		return errInflate
	}
	nlit := int(f.take(5)) + 257
	ndist := int(f.take(5)) + 1
	nclen := int(f.take(4)) + 4
	if nlit > 286 || ndist > 30 {
		return errInflate
	}
	var cl [19]uint8
	for i := 0; i < nclen; i++ {
		f.refill()
		if f.nbits < 3 {
			return errInflate
		}
		cl[codeLengthOrder[i]] = uint8(f.take(3))
	}
	if !f.clTable.build(cl[:], 7) {
		return errInflate
	}
	lens := f.lens[:nlit+ndist]
	for i := 0; i < len(lens); {
		f.refill()
		sym := f.decode(&f.clTable)
		if sym < 0 {
			return errInflate
		}
		if sym < 16 {
			lens[i] = uint8(sym)
			i++
			continue
		}
		var rep int
		var v uint8
		switch sym {
		case 16:
			if i == 0 {
				return errInflate
			}
			rep, v = 3+int(f.take(2)), lens[i-1]
		case 17:
			rep = 3 + int(f.take(3))
		default:
			rep = 11 + int(f.take(7))
		}
		if f.nbits < 0 || i+rep > len(lens) {
			return errInflate
		}
		for ; rep > 0; rep-- {
			lens[i] = v
			i++
		}
	}
	if !f.dynLit.build(lens[:nlit], litPrimary) || !f.dynDist.build(lens[nlit:], distPrimary) {
		return errInflate
	}
	// A block without an end-of-block code never ends; compress/flate
	// reads it as far as its input goes, and so does this.
	f.dynLit.min = max(f.dynLit.min, int(lens[256]))
	return nil
}

// huffman decodes symbols of a Huffman block until out is nearly full
// (end false) or the block ends. The bit buffer lives in locals here, the
// refill and the table lookups written out: this loop is the inflating.
func (f *inflater) huffman() (end bool, err error) {
	out, w := f.out, f.w
	bits, nbits := f.bits, f.nbits
	in, pos := f.in, f.pos
	lit, dist := f.lit, f.dist
	litMask, distMask := uint64(1)<<lit.primary-1, uint64(1)<<dist.primary-1
	defer func() {
		f.w = w
		f.bits, f.nbits, f.in, f.pos = bits, nbits, in, pos
	}()
	for w < inflateBuf-maxMatch {
		if nbits < 48 {
			if pos+8 <= len(in) {
				k := (63 - nbits) >> 3
				bits |= binary.LittleEndian.Uint64(in[pos:]) << uint(nbits)
				nbits += 8 * k
				pos += k
				bits &= 1<<uint(nbits) - 1
			} else {
				f.bits, f.nbits, f.in, f.pos = bits, nbits, in, pos
				f.refill()
				bits, nbits, in, pos = f.bits, f.nbits, f.in, f.pos
				if nbits < lit.min {
					// The input ends: compress/flate gives no more
					// symbols, not even one shorter than nbits.
					return false, errInflate
				}
			}
		}
		e := lit.t[bits&litMask]
		if e&(1<<31) != 0 {
			e = lit.t[int(e>>4&0x7ffffff)+int(bits>>lit.primary&(1<<(e&15)-1))]
		}
		n := int(e & 15)
		bits >>= uint(n)
		nbits -= n
		sym := int(e >> 4)
		if n == 0 || nbits < 0 {
			return false, errInflate
		}
		if sym < 256 {
			out[w] = byte(sym)
			w++
			continue
		}
		if sym == 256 {
			return true, nil
		}
		if sym > 285 {
			return false, errInflate
		}
		i := sym - 257
		x := uint(lengthExtra[i])
		length := int(lengthBase[i]) + int(bits&(1<<x-1))
		bits >>= x
		nbits -= int(x)
		e = dist.t[bits&distMask]
		if e&(1<<31) != 0 {
			e = dist.t[int(e>>4&0x7ffffff)+int(bits>>dist.primary&(1<<(e&15)-1))]
		}
		n = int(e & 15)
		bits >>= uint(n)
		nbits -= n
		d := int(e >> 4)
		if n == 0 || d >= 30 {
			return false, errInflate
		}
		x = uint(distExtra[d])
		dd := int(distBase[d]) + int(bits&(1<<x-1))
		bits >>= x
		nbits -= int(x)
		if nbits < 0 || dd > w {
			return false, errInflate
		}
		// An overlapping match repeats its last dd bytes: each copy
		// doubles what the next can take (a run of one shade, dd 1, is
		// most of a screenshot's matches).
		start, end := w-dd, w+length
		for w < end {
			w += copy(out[w:end], out[start:w])
		}
	}
	return false, nil
}
