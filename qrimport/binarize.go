package qrimport

import (
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

func hybridBits(g *gray) (*gozxing.BitMatrix, error) {
	w, h := g.w, g.h
	if w < minHybridSide || h < minHybridSide {
		// gozxing falls back to a global threshold; so do we, through it.
		return gozxing.NewHybridBinarizer(newSource(g)).GetBlackMatrix()
	}
	subW, subH := (w+blockSize-1)/blockSize, (h+blockSize-1)/blockSize
	maxX, maxY := w-blockSize, h-blockSize

	// The black point of each block.
	bp := make([]int, subW*subH)
	for by := 0; by < subH; by++ {
		yo := min(by*blockSize, maxY)
		for bx := 0; bx < subW; bx++ {
			xo := min(bx*blockSize, maxX)
			sum, lo, hi := 0, 255, 0
			for y := yo; y < yo+blockSize; y++ {
				row := g.pix[y*w+xo : y*w+xo+blockSize : y*w+xo+blockSize]
				for _, p := range row {
					v := int(p)
					sum += v
					lo = min(lo, v)
					hi = max(hi, v)
				}
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
			for x, p := range row {
				if int(p) <= thr[x] {
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
