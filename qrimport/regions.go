package qrimport

import (
	"runtime"
	"sort"
)

// Codes with modules of 1.3 to 2 pixels (a 4K or 5K screenshot shown at
// half size) defeat the finder even doubled: the finder patterns' 1:1:3:1:1
// runs are lost between one- and two-pixel modules. Such a code still shows
// as a small square of dense, high-contrast edges on a screenshot's flat
// areas; cropping it and enlarging it 2-4 times with a smooth filter gives
// the finder clean runs again.

// Region finding works on a grid of cells, each sampled on one row: a few
// milliseconds on a 5K screenshot.
const (
	cellSize = 8
	// denseEdges is how many of a cell's 16 sampled pairs of pixels must
	// differ strongly for it to look like QR modules of 1-3 pixels.
	denseEdges = 5
	// Bounds of a likely code's side, in cells: 21 modules of 1.3 pixels
	// at least; modules of 2 pixels of a big Google export at most.
	minRegionCells = 3
	maxRegionCells = 48
	// maxRegions bounds the crops decoded per image: text blocks and
	// icons can look dense too.
	maxRegions = 6
	// maxErosions bounds the rounds that cut text away from a code.
	maxErosions = 3
)

// rect is a rectangle of pixels in the original image.
type rect struct{ x0, y0, x1, y1 int }

func (r rect) contains(p point) bool {
	return p.x >= float64(r.x0) && p.x < float64(r.x1) && p.y >= float64(r.y0) && p.y < float64(r.y1)
}

// regions finds the areas of g that look like small QR codes: connected
// squares of cells dense with strong edges, most likely first. Split ones
// were cut from a bigger dense area: a code with a caption close above it,
// or a block of text.
func (g *gray) regions() (alone, split []rect) {
	gw, gh := g.w/cellSize, g.h/cellSize
	if gw < minRegionCells || gh < minRegionCells {
		return nil, nil
	}
	lo, _, hi := g.levels()
	// A module edge, softened by scaling, still spans a good part of the
	// image's contrast; anti-aliasing and gradients do not.
	strong := max(20, (int(hi)-int(lo))/4)
	var t edgeTable
	for d := range t {
		if d-255 >= strong || 255-d >= strong {
			t[d] = 1
		}
	}
	dense := make([]bool, gw*gh)
	if g.w*g.h < 1<<21 || runtime.GOMAXPROCS(0) < 2 {
		t.mark(g, dense, 0, gh)
	} else {
		parallel(func() { t.mark(g, dense, 0, gh/2) }, func() { t.mark(g, dense, gh/2, gh) })
	}
	return denseSquares(dense, gw, gh)
}

// edgeTable tells, by difference of two shades plus 255, whether they
// differ strongly. Its size lets an index be masked instead of checked.
type edgeTable [512]uint8

// mark sets dense for the cells of rows cy0 to cy1 that are dense with
// strong edges. Each cell is sampled on one row, comparing each pixel with
// the one two to the right and two below: an edge between one- to
// three-pixel modules falls within most such pairs, whatever the modules'
// alignment. Whole rows read in order are fast.
func (t *edgeTable) mark(g *gray, dense []bool, cy0, cy1 int) {
	w, gw := g.w, g.w/cellSize
	for cy := cy0; cy < cy1; cy++ {
		y := cy*cellSize + 3
		row := g.pix[y*w : (y+1)*w]
		below := g.pix[min(y+2, g.h-1)*w:][:w]
		for cx := range dense[cy*gw : (cy+1)*gw] {
			x0 := cx * cellSize
			n := 0
			if x0+cellSize+2 <= w {
				r := row[x0 : x0+cellSize+2 : x0+cellSize+2]
				b := below[x0 : x0+cellSize : x0+cellSize]
				for i := 0; i < cellSize; i++ {
					a := int(r[i])
					n += int(t[(a-int(r[i+2])+255)&511] + t[(a-int(b[i])+255)&511])
				}
			} else {
				// The last cell: the pair may not reach past the edge.
				for x := x0; x < x0+cellSize; x++ {
					a := int(row[x])
					n += int(t[(a-int(row[min(x+2, w-1)])+255)&511] + t[(a-int(below[x])+255)&511])
				}
			}
			dense[cy*gw+cx] = n >= denseEdges
		}
	}
}

// candidateRegion is a connected area of dense cells, in cells.
type candidateRegion struct {
	x0, y0, x1, y1 int // bounding box, x1 and y1 exclusive
	cells          int
}

// denseSquares groups dense cells into regions, bridging one-cell gaps
// (a finder pattern's solid centre), and keeps the square, well-filled ones
// of a plausible size: ones standing alone, and ones split from a
// bigger dense area, less likely codes.
func denseSquares(dense []bool, gw, gh int) (alone, split []rect) {
	at := func(m []bool, x, y int) bool { return x >= 0 && y >= 0 && x < gw && y < gh && m[y*gw+x] }
	// Closing by one cell: a cell joins when dense cells lie on both
	// sides of it, horizontally or vertically.
	joined := make([]bool, len(dense))
	for y := 0; y < gh; y++ {
		for x := 0; x < gw; x++ {
			joined[y*gw+x] = dense[y*gw+x] || (at(dense, x-1, y) && at(dense, x+1, y)) || (at(dense, x, y-1) && at(dense, x, y+1))
		}
	}
	var keep, rejected []candidateRegion
	for _, r := range components(joined, gw, gh) {
		if r.plausible() {
			keep = append(keep, r)
		} else if r.x1-r.x0 >= minRegionCells && r.y1-r.y0 >= minRegionCells {
			rejected = append(rejected, r)
		}
	}
	sortByFill(keep)
	alone = boxes(keep)
	if len(rejected) == 0 {
		return alone, nil
	}
	// A caption close above a code merges with it. The dense cells
	// before bridging may still keep them apart; otherwise eroding cuts
	// the thin text lines away and leaves the code's core, grown back
	// after. The more lines, the more rounds it takes.
	var cores []candidateRegion
	core := dense
	for round := 0; round <= maxErosions; round++ {
		if round == 1 {
			core = joined
		}
		if round > 0 {
			prev := core
			core = make([]bool, len(prev))
			for y := 0; y < gh; y++ {
				for x := 0; x < gw; x++ {
					core[y*gw+x] = prev[y*gw+x] && at(prev, x-1, y) && at(prev, x+1, y) && at(prev, x, y-1) && at(prev, x, y+1)
				}
			}
		}
		for _, r := range components(core, gw, gh) {
			grown := candidateRegion{max(r.x0-round, 0), max(r.y0-round, 0), min(r.x1+round, gw), min(r.y1+round, gh), r.cells}
			// The core itself must look like a code, but for its size.
			if r.x1-r.x0 >= minRegionCells && r.y1-r.y0 >= minRegionCells && r.square() && r.full() &&
				grown.sized() && inAny(rejected, r) && !inAny(cores, r) {
				cores = append(cores, grown)
			}
		}
	}
	sortByFill(cores)
	return alone, boxes(cores)
}

// sortByFill puts the fullest first: a code's square is nearly all dense
// cells.
func sortByFill(rs []candidateRegion) {
	sort.SliceStable(rs, func(i, j int) bool {
		a, b := rs[i], rs[j]
		return a.cells*(b.x1-b.x0)*(b.y1-b.y0) > b.cells*(a.x1-a.x0)*(a.y1-a.y0)
	})
}

// boxes gives the pixel rectangles of at most maxRegions regions.
func boxes(rs []candidateRegion) []rect {
	rs = rs[:min(len(rs), maxRegions)]
	out := make([]rect, len(rs))
	for i, r := range rs {
		out[i] = rect{r.x0 * cellSize, r.y0 * cellSize, r.x1 * cellSize, r.y1 * cellSize}
	}
	return out
}

func (r candidateRegion) sized() bool {
	w, h := r.x1-r.x0, r.y1-r.y0
	return w >= minRegionCells && h >= minRegionCells && w <= maxRegionCells && h <= maxRegionCells
}

// square rules out text lines and toolbars.
func (r candidateRegion) square() bool {
	w, h := r.x1-r.x0, r.y1-r.y0
	return 3*w <= 4*h && 3*h <= 4*w
}

// full rules out sparse outlines: a code's box is mostly dense cells.
func (r candidateRegion) full() bool {
	return 10*r.cells >= 6*(r.x1-r.x0)*(r.y1-r.y0)
}

func (r candidateRegion) plausible() bool { return r.sized() && r.square() && r.full() }

// inAny reports whether r lies within one of rs.
func inAny(rs []candidateRegion, r candidateRegion) bool {
	for _, o := range rs {
		if r.x0 >= o.x0 && r.y0 >= o.y0 && r.x1 <= o.x1 && r.y1 <= o.y1 {
			return true
		}
	}
	return false
}

// components labels the 4-connected areas of m, a grid gw cells wide.
func components(m []bool, gw, gh int) []candidateRegion {
	label := make([]bool, len(m))
	var found []candidateRegion
	stack := make([]int, 0, 64)
	for start, on := range m {
		if !on || label[start] {
			continue
		}
		r := candidateRegion{x0: gw, y0: gh}
		label[start] = true
		stack = append(stack[:0], start)
		for len(stack) > 0 {
			i := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			x, y := i%gw, i/gw
			r.x0, r.y0 = min(r.x0, x), min(r.y0, y)
			r.x1, r.y1 = max(r.x1, x+1), max(r.y1, y+1)
			r.cells++
			for _, n := range [4]int{i - 1, i + 1, i - gw, i + gw} {
				if n < 0 || n >= len(m) || !m[n] || label[n] {
					continue
				}
				if (n == i-1 && x == 0) || (n == i+1 && x == gw-1) {
					continue
				}
				label[n] = true
				stack = append(stack, n)
			}
		}
		found = append(found, r)
	}
	return found
}

// enlarge scales g up by an integer factor with a Catmull-Rom cubic: unlike
// doubling by bilinear steps it keeps a module's edges where they were
// between pixels, so one- and two-pixel modules come out the same size.
func (g *gray) enlarge(k int) *gray {
	// Weights per output phase, in 1/4096: output pixel o samples the
	// source at (o+0.5)/k-0.5.
	const one = 4096
	wts := make([][4]int32, k)
	for ph := range wts {
		t := (float64(ph)+0.5)/float64(k) - 0.5
		if t < 0 {
			t++ // the phase before the pixel's centre leans on the previous pixel
		}
		c := catmullRom(t)
		for i := range c {
			wts[ph][i] = int32(c[i]*one + 0.5)
		}
	}
	// The source pixel at or before output pixel o's sample point.
	base := func(o int) int {
		if n := 2*o + 1 - k; n >= 0 {
			return n / (2 * k)
		}
		return -1
	}
	w, h := g.w*k, g.h*k
	// Horizontal pass into fixed point rows, then vertical.
	tmp := make([]int32, w*g.h)
	for y := 0; y < g.h; y++ {
		src := g.pix[y*g.w : (y+1)*g.w]
		dst := tmp[y*w : (y+1)*w]
		for o := range dst {
			s := base(o)
			c := &wts[o%k]
			var v int32
			for i := 0; i < 4; i++ {
				x := min(max(s-1+i, 0), g.w-1)
				v += c[i] * int32(src[x])
			}
			dst[o] = v
		}
	}
	out := &gray{pix: make([]byte, w*h), w: w, h: h}
	for o := 0; o < h; o++ {
		s := base(o)
		c := &wts[o%k]
		var rows [4][]int32
		for i := range rows {
			y := min(max(s-1+i, 0), g.h-1)
			rows[i] = tmp[y*w : (y+1)*w]
		}
		dst := out.pix[o*w : (o+1)*w]
		for x := range dst {
			v := (int64(c[0])*int64(rows[0][x]) + int64(c[1])*int64(rows[1][x]) +
				int64(c[2])*int64(rows[2][x]) + int64(c[3])*int64(rows[3][x]) + one*one/2) / (one * one)
			dst[x] = byte(min(max(v, 0), 255))
		}
	}
	return out
}

// catmullRom gives the weights of the four pixels around a sample point t
// of the way (0 <= t < 1) from the second to the third.
func catmullRom(t float64) [4]float64 {
	t2, t3 := t*t, t*t*t
	return [4]float64{
		(-t3 + 2*t2 - t) / 2,
		(3*t3 - 5*t2 + 2) / 2,
		(-3*t3 + 4*t2 + t) / 2,
		(t3 - t2) / 2,
	}
}

// regionScales are the enlargements tried on each likely code, in order.
var regionScales = []int{2, 4, 3}

// maxEnlarged bounds an enlarged crop's side: a code of 2-pixel modules
// and version 20 needs no more.
const maxEnlarged = 1200

// runRegions enlarges each area that looks like a code but holds none of
// the codes read so far, and decodes it. Areas split from text are only
// worth their cost while no code has been read.
func (st *state) runRegions(g *gray) {
	st.regionsDone = true
	rs, split := g.regions()
	if len(st.found) == 0 {
		rs = append(rs, split...)
	}
	for _, r := range rs {
		if st.holdsCode(r) {
			continue
		}
		// A margin for the cells cut at the code's edge and for the quiet
		// zone.
		m := max(2*cellSize, (r.x1-r.x0)/5)
		left, top := max(r.x0-m, 0), max(r.y0-m, 0)
		right, bottom := min(r.x1+m, g.w), min(r.y1+m, g.h)
		c := g.crop(left, top, right-left, bottom-top)
		dark := c.darkBorder()
		ox, oy := float64(left), float64(top)
		before := len(st.found)
		// No one factor suits every blur and module size; small crops
		// make each try cheap.
		for _, k := range regionScales {
			if len(st.found) > before || max(c.w, c.h)*k > maxEnlarged {
				break
			}
			e := c.enlarge(k)
			var lut *[256]byte
			if dark {
				lut = &invertLUT
			}
			f := float64(k)
			toOrig := func(x, y float64) point { return point{x/f + ox, y/f + oy} }
			// A crop is mostly code and quiet zone: one global threshold
			// often reads what blurred modules defeat locally.
			for _, global := range []bool{false, true} {
				if len(st.found) == before {
					st.look(e, lut, pass{multi: true, global: global}, toOrig)
				}
			}
		}
	}
}

// holdsCode reports whether a code already read lies in r.
func (st *state) holdsCode(r rect) bool {
	for _, c := range st.found {
		if r.contains(point{c.x, c.y}) {
			return true
		}
		// A big code can leave several dense areas, none around its
		// centre. Its finder centres are 7 modules short of its side:
		// the code reaches at most 0.75 of that from its centre.
		e := 0.75 * c.size
		if float64(r.x0) < c.x+e && float64(r.x1) > c.x-e && float64(r.y0) < c.y+e && float64(r.y1) > c.y-e {
			return true
		}
	}
	return false
}

// darkBorder reports whether g's outer pixels are mostly dark: the quiet
// zone of a light-on-dark code.
func (g *gray) darkBorder() bool {
	sum, n := 0, 0
	for x := 0; x < g.w; x++ {
		sum += int(g.pix[x]) + int(g.pix[(g.h-1)*g.w+x])
		n += 2
	}
	for y := 0; y < g.h; y++ {
		sum += int(g.pix[y*g.w]) + int(g.pix[y*g.w+g.w-1])
		n += 2
	}
	return sum < 128*n
}
