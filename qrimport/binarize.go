package qrimport

import (
	"encoding/binary"

	"github.com/makiuchi-d/gozxing"
)

// ZXing's hybrid binarization, written for a flat luminance slice: gozxing's
// version sets one bit at a time through method calls and is the costliest
// step on big screenshots. The result is bit for bit the same (tests compare
// the two): each 8x8 block gets a black point from its own pixels, and a
// pixel is black when it is no lighter than the average black point of the
// 5x5 blocks around its block.
const (
	blockSize       = 8
	minDynamicRange = 24 // below this a block is taken for flat background
	minHybridSide   = 5 * blockSize
)

func hybridBits(g *gray) (*gozxing.BitMatrix, error) { return hybridBitsLUT(g, nil) }

// hybridBitsLUT binarizes g's shades mapped through lut (nil: as they are)
// exactly as hybridBits would binarize the mapped picture, without making
// it: an inverted or stretched pass costs no new picture. A run of one
// shade is mapped once; only the pixels of blocks that are not one shade
// go through the table, each as it is read (mapping whole bands first
// cost more than the binarizing itself).
func hybridBitsLUT(g *gray, lut *[256]byte) (*gozxing.BitMatrix, error) {
	w, h := g.w, g.h
	if w < minHybridSide || h < minHybridSide {
		// gozxing falls back to a global threshold; so do we, through it.
		src := newSource(g)
		src.lut = lut
		return gozxing.NewHybridBinarizer(src).GetBlackMatrix()
	}
	subW, subH := (w+blockSize-1)/blockSize, (h+blockSize-1)/blockSize
	maxX, maxY := w-blockSize, h-blockSize
	// A nil table reads each shade as it is; one branch per block, not
	// per pixel, picks the loop.
	mapped := lut != nil
	if lut == nil {
		lut = &identityLUT
	}

	// The black point of each block.
	bp := make([]int, subW*subH)
	for by := 0; by < subH; by++ {
		yo := min(by*blockSize, maxY)
		pix := g.pix[yo*w : (yo+blockSize)*w]
		for bx := 0; bx < subW; bx++ {
			xo := min(bx*blockSize, maxX)
			sum, lo, hi := 0, 255, 0
			if v, ok := uniformBlock(pix, xo, w); ok {
				// Most of a screenshot is one shade: eight loads
				// instead of 64 pixels.
				m := int(lut[v])
				sum, lo, hi = m*blockSize*blockSize, m, m
			} else if mapped {
				sum, lo, hi = blockStatsLUT(pix, xo, w, lut)
			} else {
				sum, lo, hi = blockStats(pix, xo, w)
			}
			avg := sum >> 6
			if hi-lo <= minDynamicRange {
				// A flat block: assume background, unless its neighbours
				// say it sits inside something darker.
				avg = lo / 2
				if by > 0 && bx > 0 {
					nb := (bp[(by-1)*subW+bx] + 2*bp[by*subW+bx-1] + bp[(by-1)*subW+bx-1]) / 4
					if lo < nb {
						avg = nb
					}
				}
			}
			bp[by*subW+bx] = avg
		}
	}

	// Threshold each block with the mean black point of its 5x5
	// neighbourhood, clamped inside the grid. Blocks at the right and bottom
	// edges are shifted to fit and overlap their neighbours: a pixel is
	// black when any block covering it says so, hence the max below.
	rowWords := (w + 31) / 32
	bits := make([]uint32, rowWords*h)
	thr := make([]int, w)
	for by := 0; by < subH; by++ {
		yo := min(by*blockSize, maxY)
		top := min(max(by, 2), subH-3)
		for i := range thr {
			thr[i] = -1
		}
		for bx := 0; bx < subW; bx++ {
			xo := min(bx*blockSize, maxX)
			left := min(max(bx, 2), subW-3)
			sum := 0
			for z := -2; z <= 2; z++ {
				r := bp[(top+z)*subW+left-2 : (top+z)*subW+left+3]
				sum += r[0] + r[1] + r[2] + r[3] + r[4]
			}
			t := sum / 25
			for x := xo; x < xo+blockSize; x++ {
				thr[x] = max(thr[x], t)
			}
		}
		for y := yo; y < yo+blockSize; y++ {
			row := g.pix[y*w : y*w+w]
			out := bits[y*rowWords : (y+1)*rowWords]
			x := 0
			// Eight pixels of one shade under one threshold (away from
			// the right edge, where blocks overlap) take one comparison.
			for ; x+2*blockSize <= w; x += blockSize {
				c := binary.LittleEndian.Uint64(row[x : x+blockSize])
				if p := c & 0xff; c == p*0x0101010101010101 {
					if int(lut[p]) <= thr[x] {
						out[x>>5] |= 0xff << uint(x&31)
					}
					continue
				}
				var b uint32
				if mapped {
					b = blackBitsLUT(row[x:x+blockSize], thr[x:x+blockSize], lut)
				} else {
					b = blackBits(row[x:x+blockSize], thr[x:x+blockSize])
				}
				out[x>>5] |= b << uint(x&31)
			}
			for ; x < w; x++ {
				if int(lut[row[x]]) <= thr[x] {
					out[x>>5] |= 1 << uint(x&31)
				}
			}
		}
	}

	m, err := gozxing.NewBitMatrix(w, h)
	if err != nil {
		return nil, err
	}
	row := gozxing.NewBitArray(w)
	for y := 0; y < h; y++ {
		for i, word := range bits[y*rowWords : (y+1)*rowWords] {
			row.SetBulk(i*32, word)
		}
		m.SetRow(y, row)
	}
	return m, nil
}

// identityLUT maps each shade to itself.
var identityLUT = func() (t [256]byte) {
	for i := range t {
		t[i] = byte(i)
	}
	return t
}()

// blockStats gives the sum, darkest and lightest shade of the 8x8 block at
// offset off of pix, a picture w pixels wide.
func blockStats(pix []byte, off, w int) (sum, lo, hi int) {
	lo = 255
	for y := 0; y < blockSize; y++ {
		row := pix[y*w+off : y*w+off+blockSize : y*w+off+blockSize]
		for _, p := range row {
			v := int(p)
			sum += v
			lo = min(lo, v)
			hi = max(hi, v)
		}
	}
	return sum, lo, hi
}

// blockStatsLUT is blockStats of the block's shades mapped through lut.
func blockStatsLUT(pix []byte, off, w int, lut *[256]byte) (sum, lo, hi int) {
	lo = 255
	for y := 0; y < blockSize; y++ {
		row := pix[y*w+off : y*w+off+blockSize : y*w+off+blockSize]
		for _, p := range row {
			v := int(lut[p])
			sum += v
			lo = min(lo, v)
			hi = max(hi, v)
		}
	}
	return sum, lo, hi
}

// blackBits gives a bit per pixel of row (8 pixels) that is no lighter
// than its threshold, the first pixel in the lowest bit.
func blackBits(row []byte, thr []int) (b uint32) {
	thr = thr[:len(row)]
	for i, p := range row {
		if int(p) <= thr[i] {
			b |= 1 << uint(i)
		}
	}
	return b
}

// blackBitsLUT is blackBits of row's shades mapped through lut.
func blackBitsLUT(row []byte, thr []int, lut *[256]byte) (b uint32) {
	thr = thr[:len(row)]
	for i, p := range row {
		if int(lut[p]) <= thr[i] {
			b |= 1 << uint(i)
		}
	}
	return b
}

// uniformBlock reports whether the 8x8 block at offset off of pix, a
// picture w pixels wide, is all one shade, and which.
func uniformBlock(pix []byte, off, w int) (byte, bool) {
	first := binary.LittleEndian.Uint64(pix[off : off+blockSize])
	if first != (first&0xff)*0x0101010101010101 {
		return 0, false
	}
	for y := 1; y < blockSize; y++ {
		o := off + y*w
		if binary.LittleEndian.Uint64(pix[o:o+blockSize]) != first {
			return 0, false
		}
	}
	return byte(first), true
}
