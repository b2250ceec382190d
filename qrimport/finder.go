package qrimport

import (
	"math"
	"sort"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode/detector"
)

// gozxing's readers pair every three finder patterns of similar size and
// try each triple that forms a right angle: on a sheet of 500 codes (1,500
// patterns) that is half a billion triples, tens of thousands of them
// plausible and each sampled and decoded, so reading grows with the cube
// of the number of codes. Here each pattern is paired only with its
// nearest neighbours of similar size (codes do not overlap, so only a few
// other codes' patterns can lie nearer a pattern than its own code's two;
// with few patterns, all are paired), triples that show a timing pattern go
// first, and a pattern that belongs to a code read is not tried again.

const (
	// finderNeighbours is how many of its nearest patterns of similar size
	// a pattern is paired with. Only a few codes' patterns can lie nearer
	// to a pattern than its own code's other two.
	finderNeighbours = 16
	// triplesPerCorner keeps the likeliest triples around each pattern.
	triplesPerCorner = 6
	// maxFinderPatterns stops the search in an image dense with
	// finder-like shapes: 3,000 codes' worth, far beyond any real sheet.
	maxFinderPatterns = 10_000
	// finderRowStep scans every third row, as gozxing does when trying
	// harder.
	finderRowStep = 3
)

// finderScan is the finder patterns found in one binarized picture.
type finderScan struct {
	m    *gozxing.BitMatrix
	f    *detector.FinderPatternFinder // its cross checks are exported
	pats []*detector.FinderPattern
	// cells indexes pats by position, gw cells a row, so merging a new
	// sighting with the pattern it belongs to, or finding a pattern's
	// nearest, looks at a few neighbours, not at every pattern.
	cells  [][]int
	gw, gh int
	full   bool // maxFinderPatterns reached: the image was not all searched
}

// finderCell is the side of an index cell, in pixels.
const finderCell = 32

func (s *finderScan) cellOf(x, y float64) (int, int) {
	return min(max(int(x)/finderCell, 0), s.gw-1), min(max(int(y)/finderCell, 0), s.gh-1)
}

// cell gives the patterns indexed in cell (gx, gy), none outside the grid.
func (s *finderScan) cell(gx, gy int) []int {
	if gx < 0 || gy < 0 || gx >= s.gw || gy >= s.gh {
		return nil
	}
	return s.cells[gy*s.gw+gx]
}

// scanFinders finds the finder patterns of m: black-white-black-white-black
// runs of 1:1:3:1:1 along a row, confirmed down the column, along the row
// and on the diagonal through their centre.
func scanFinders(m *gozxing.BitMatrix) *finderScan {
	w, h := m.GetWidth(), m.GetHeight()
	s := &finderScan{m: m, f: detector.NewFinderPatternFinder(m, nil), gw: w/finderCell + 1, gh: h/finderCell + 1}
	s.cells = make([][]int, s.gw*s.gh)
	row := gozxing.NewBitArray(w)
	var runs []int
	counts := make([]int, 5)
	for y := finderRowStep - 1; y < h && !s.full; y += finderRowStep {
		row = m.GetRow(y, row)
		// Runs of one colour, the first one black (an empty white run
		// when the row starts black is skipped).
		runs = runs[:0]
		x := row.GetNextSet(0)
		for x < w {
			end := row.GetNextUnset(x)
			runs = append(runs, end-x)
			if end >= w {
				break
			}
			next := row.GetNextSet(end)
			runs = append(runs, next-end)
			x = next
		}
		start := row.GetNextSet(0) // where runs[k] starts, k even
		for k := 0; k+4 < len(runs); {
			copy(counts, runs[k:k+5])
			end := start + counts[0] + counts[1] + counts[2] + counts[3] + counts[4]
			step := 2
			if detector.FinderPatternFinder_foundPatternCross(counts) && s.confirm(counts, y, end) {
				step = 6 // the next pattern starts after this one
				if s.full {
					break
				}
			}
			for i := 0; i < step && k < len(runs); i++ {
				start += runs[k]
				k++
			}
		}
	}
	return s
}

// confirm checks a row's candidate across and diagonally and records it,
// merged with an earlier sighting of the same pattern.
func (s *finderScan) confirm(counts []int, y, end int) bool {
	total := counts[0] + counts[1] + counts[2] + counts[3] + counts[4]
	cx := detector.FinderPatternFinder_centerFromEnd(counts, end)
	cy := s.f.CrossCheckVertical(y, int(cx), counts[2], total)
	if math.IsNaN(cy) {
		return false
	}
	cx = s.f.CrossCheckHorizontal(int(cx), int(cy), counts[2], total)
	if math.IsNaN(cx) || !s.diagonal(int(cx), int(cy)) {
		return false
	}
	ms := float64(total) / 7
	// The pattern may have moved by up to a module size since it was
	// indexed: look one cell further.
	r := int(ms)/finderCell + 1
	cgx, cgy := s.cellOf(cx, cy)
	best := -1
	for gy := cgy - r; gy <= cgy+r; gy++ {
		for gx := cgx - r; gx <= cgx+r; gx++ {
			for _, i := range s.cell(gx, gy) {
				if (best < 0 || i < best) && s.pats[i].AboutEquals(ms, cy, cx) {
					best = i
				}
			}
		}
	}
	if best >= 0 {
		s.pats[best] = s.pats[best].CombineEstimate(cy, cx, ms)
		return true
	}
	if len(s.pats) == maxFinderPatterns {
		s.full = true
		return true
	}
	s.cells[cgy*s.gw+cgx] = append(s.cells[cgy*s.gw+cgx], len(s.pats))
	s.pats = append(s.pats, detector.NewFinderPattern1(cx, cy, ms))
	return true
}

// diagonal checks the 1:1:3:1:1 proportions on the diagonal through the
// centre, which rules out most text and line art.
func (s *finderScan) diagonal(cx, cy int) bool {
	m := s.m
	w, h := m.GetWidth(), m.GetHeight()
	var c [5]int
	// Up and to the left: the centre's black, then white, then black.
	i := 0
	for state := 2; state >= 0; state-- {
		black := state != 1
		for cx-i >= 0 && cy-i >= 0 && m.Get(cx-i, cy-i) == black {
			c[state]++
			i++
		}
		if c[state] == 0 {
			return false
		}
	}
	// Down and to the right: the rest of the centre, white, black.
	i = 1
	for state := 2; state <= 4; state++ {
		black := state != 3
		for cx+i < w && cy+i < h && m.Get(cx+i, cy+i) == black {
			c[state]++
			i++
		}
		if state > 2 && c[state] == 0 {
			return false
		}
	}
	return detector.FinderPatternFinder_foundPatternDiagonal(c[:])
}

// similarSize is gozxing's test for two finder patterns of one code: module
// sizes within half a pixel or 5%.
func similarSize(a, b float64) bool {
	d := math.Abs(a - b)
	return d <= 0.5 || d/math.Min(a, b) < 0.05
}

// triple is three finder patterns that may be one code's.
type triple struct {
	bl, tl, tr *detector.FinderPattern
	idx        [3]int  // in finderScan.pats, to mark them used
	score      float64 // how much its timing patterns look like ones
}

// neighbours gives, for each pattern, the indexes of the patterns whose size
// ok accepts and that lie near enough to share a code with it, nearest
// first: every one when there are few patterns, else the k nearest.
func (s *finderScan) neighbours(k int, ok func(a, b float64) bool) [][]int {
	n := len(s.pats)
	out := make([][]int, n)
	all := n <= 4*k
	type cand struct {
		i  int
		d2 float64
	}
	var cs []cand
	for a, p := range s.pats {
		px, py, pm := p.GetX(), p.GetY(), p.GetEstimatedModuleSize()
		// Finder centres of one code lie at most 180 modules apart
		// (gozxing's bound), modules at most 10% bigger than this one's.
		reach := 200 * pm
		cs = cs[:0]
		consider := func(b int) {
			if b == a {
				return
			}
			q := s.pats[b]
			if !ok(pm, q.GetEstimatedModuleSize()) {
				return
			}
			dx, dy := q.GetX()-px, q.GetY()-py
			c := cand{b, dx*dx + dy*dy}
			if c.d2 > reach*reach {
				return
			}
			if all {
				cs = append(cs, c)
				return
			}
			// Keep the k nearest, sorted: a short insertion.
			if len(cs) == k {
				if last := cs[k-1]; c.d2 > last.d2 || c.d2 == last.d2 && c.i > last.i {
					return
				}
				cs = cs[:k-1]
			}
			at := len(cs)
			cs = append(cs, c)
			for at > 0 && (cs[at-1].d2 > c.d2 || cs[at-1].d2 == c.d2 && cs[at-1].i > c.i) {
				cs[at] = cs[at-1]
				at--
			}
			cs[at] = c
		}
		if all {
			for b := range s.pats {
				consider(b)
			}
			sort.Slice(cs, func(i, j int) bool { return cs[i].d2 < cs[j].d2 || cs[i].d2 == cs[j].d2 && cs[i].i < cs[j].i })
		} else {
			// Rings of cells outwards, until k patterns are found and
			// no cell further out can hold a nearer one.
			cgx, cgy := s.cellOf(px, py)
			maxR := min(max(s.gw, s.gh), int(reach)/finderCell+1)
			for r := 0; r <= maxR; r++ {
				for gy := max(cgy-r, 0); gy <= min(cgy+r, s.gh-1); gy++ {
					// The ring's cells: its whole top and bottom rows,
					// the two ends of the rows between.
					stride := 1
					if gy != cgy-r && gy != cgy+r {
						stride = 2 * r
					}
					for gx := cgx - r; gx <= cgx+r; gx += stride {
						for _, b := range s.cell(gx, gy) {
							consider(b)
						}
					}
				}
				// A cell r+1 rings out is at least r cells away.
				if d := float64(r * finderCell); len(cs) == k && cs[k-1].d2 <= d*d {
					break
				}
			}
		}
		ns := make([]int, len(cs))
		for i, c := range cs {
			ns[i] = c.i
		}
		out[a] = ns
	}
	return out
}

// triples gives the triples of patterns that may each be a code, as
// gozxing's multi reader accepts them (similar sizes, a right angle at the
// top left, legs within 10% of each other, 9 to 180 modules), likeliest
// first.
func (s *finderScan) triples() []triple {
	if len(s.pats) < 3 {
		return nil
	}
	// Two patterns of a triple may differ by two steps of similarSize.
	loose := func(a, b float64) bool {
		d := math.Abs(a - b)
		return d <= 1 || d/math.Min(a, b) < 0.1025
	}
	nb := s.neighbours(finderNeighbours, loose)
	var out, mine []triple
	for a, ns := range nb {
		mine = mine[:0]
		for i, b := range ns {
			for _, c := range ns[i+1:] {
				if t, ok := s.rightAngle(a, b, c); ok {
					t.score = timingScore(s.m, t.bl, t.tl, t.tr)
					mine = append(mine, t)
				}
			}
		}
		sort.SliceStable(mine, func(i, j int) bool { return mine[i].score > mine[j].score })
		out = append(out, mine[:min(len(mine), triplesPerCorner)]...)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].score > out[j].score })
	return out
}

// rightAngle checks the triple with pattern a at its corner.
func (s *finderScan) rightAngle(a, b, c int) (triple, bool) {
	pa, pb, pc := s.pats[a], s.pats[b], s.pats[c]
	// Cheap tests first: a is the corner, opposite the longest side, and
	// the legs are close in length.
	ab, ac, bc := sqDist(pa, pb), sqDist(pa, pc), sqDist(pb, pc)
	if bc <= ab || bc <= ac || max(ab, ac) > 1.25*min(ab, ac) {
		return triple{}, false
	}
	s0, s1, s2 := pa.GetEstimatedModuleSize(), pb.GetEstimatedModuleSize(), pc.GetEstimatedModuleSize()
	// Largest first: gozxing compares each size with the next.
	if s0 < s1 {
		s0, s1 = s1, s0
	}
	if s1 < s2 {
		s1, s2 = s2, s1
	}
	if s0 < s1 {
		s0, s1 = s1, s0
	}
	if !similarSize(s0, s1) || !similarSize(s1, s2) {
		return triple{}, false
	}
	bl, tl, tr := gozxing.ResultPoint_OrderBestPatterns(pa, pb, pc)
	if tl != gozxing.ResultPoint(pa) {
		return triple{}, false // another pattern's triple
	}
	dA := gozxing.ResultPoint_Distance(tl, bl)
	dB := gozxing.ResultPoint_Distance(tl, tr)
	dC := gozxing.ResultPoint_Distance(tr, bl)
	modules := (dA + dB) / (s0 * 2)
	if modules > 180 || modules < 9 {
		return triple{}, false
	}
	if math.Abs(dA-dB)/math.Min(dA, dB) >= 0.1 {
		return triple{}, false
	}
	hyp := math.Hypot(dA, dB)
	if math.Abs(dC-hyp)/math.Min(dC, hyp) >= 0.1 {
		return triple{}, false
	}
	t := triple{bl: bl.(*detector.FinderPattern), tl: pa, tr: tr.(*detector.FinderPattern)}
	t.idx[1] = a
	if bl == gozxing.ResultPoint(pb) {
		t.idx[0], t.idx[2] = b, c
	} else {
		t.idx[0], t.idx[2] = c, b
	}
	return t, true
}

func sqDist(p, q *detector.FinderPattern) float64 {
	dx, dy := p.GetX()-q.GetX(), p.GetY()-q.GetY()
	return dx*dx + dy*dy
}

// timingScore tells how much the lines where a code with these finder
// patterns has its timing patterns alternate, from 0 (flat) to 1: a module
// in from the top-left finder's inner edge along both legs. Real codes
// score near 1, triples mixing neighbouring codes' patterns lower, as their
// lines cross quiet zones and data.
func timingScore(m *gozxing.BitMatrix, bl, tl, tr gozxing.ResultPoint) float64 {
	ms := (bl.(*detector.FinderPattern).GetEstimatedModuleSize() + tl.(*detector.FinderPattern).GetEstimatedModuleSize() +
		tr.(*detector.FinderPattern).GetEstimatedModuleSize()) / 3
	line := func(to, across gozxing.ResultPoint) (flips, steps int) {
		n := math.Round(gozxing.ResultPoint_Distance(tl, to) / ms) // modules between the centres
		na := math.Round(gozxing.ResultPoint_Distance(tl, across) / ms)
		if n < 11 || na < 4 {
			return 0, 0
		}
		ux, uy := (to.GetX()-tl.GetX())/n, (to.GetY()-tl.GetY())/n
		vx, vy := (across.GetX()-tl.GetX())/na, (across.GetY()-tl.GetY())/na
		// The timing line runs 3 modules from the centre, across the
		// legs, from 5 modules past the centre to 5 before the other.
		prev := false
		for k := 5; k <= int(n)-5; k++ {
			x := tl.GetX() + float64(k)*ux + 3*vx
			y := tl.GetY() + float64(k)*uy + 3*vy
			xi, yi := int(x), int(y)
			if xi < 0 || yi < 0 || xi >= m.GetWidth() || yi >= m.GetHeight() {
				return 0, 0
			}
			b := m.Get(xi, yi)
			if k > 5 {
				steps++
				if b != prev {
					flips++
				}
			}
			prev = b
		}
		return flips, steps
	}
	f1, s1 := line(tr, bl)
	f2, s2 := line(bl, tr)
	if s1+s2 == 0 {
		return 0
	}
	return float64(f1+f2) / float64(s1+s2)
}

// bestTriples gives up to n triples as gozxing's single reader picks its
// one: patterns within 1.4 times each other's size, forming the triangle
// nearest a right isosceles one (by squared sides), whatever its size. It
// is more forgiving than triples' tests, for a code whose finder patterns
// came out uneven.
func (s *finderScan) bestTriples(n int) []triple {
	if len(s.pats) < 3 {
		return nil
	}
	within := func(a, b float64) bool { return max(a, b) <= 1.4*min(a, b) }
	nb := s.neighbours(finderNeighbours, within)
	type scored struct {
		key  [3]int
		dist float64
	}
	var best []scored
	for a, ns := range nb {
		for i, b := range ns {
			for _, c := range ns[i+1:] {
				pa, pb, pc := s.pats[a], s.pats[b], s.pats[c]
				lo := min(pa.GetEstimatedModuleSize(), pb.GetEstimatedModuleSize(), pc.GetEstimatedModuleSize())
				hi := max(pa.GetEstimatedModuleSize(), pb.GetEstimatedModuleSize(), pc.GetEstimatedModuleSize())
				if hi > 1.4*lo {
					continue
				}
				x, y, z := sqDist(pa, pb), sqDist(pb, pc), sqDist(pa, pc)
				lo2, hi2 := min(x, y, z), max(x, y, z)
				mid2 := x + y + z - lo2 - hi2
				d := math.Abs(hi2-2*mid2) + math.Abs(hi2-2*lo2)
				key := [3]int{min(a, b, c), a + b + c - min(a, b, c) - max(a, b, c), max(a, b, c)}
				if len(best) == n && d >= best[n-1].dist {
					continue
				}
				dup := false
				for _, o := range best {
					dup = dup || o.key == key
				}
				if dup {
					continue
				}
				if len(best) == n {
					best = best[:n-1]
				}
				at := sort.Search(len(best), func(i int) bool { return best[i].dist > d })
				best = append(best, scored{})
				copy(best[at+1:], best[at:])
				best[at] = scored{key, d}
			}
		}
	}
	out := make([]triple, len(best))
	for i, b := range best {
		bl, tl, tr := gozxing.ResultPoint_OrderBestPatterns(s.pats[b.key[0]], s.pats[b.key[1]], s.pats[b.key[2]])
		out[i] = triple{bl: bl.(*detector.FinderPattern), tl: tl.(*detector.FinderPattern), tr: tr.(*detector.FinderPattern), idx: b.key}
	}
	return out
}
