package qrimport

import (
	"context"
	"errors"
	"math"
	"runtime"
	"sort"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/common"
	"github.com/makiuchi-d/gozxing/qrcode/decoder"
	"github.com/makiuchi-d/gozxing/qrcode/detector"
)

// errDecoderPanic reports a panic inside gozxing, contained. Its message never
// carries the panic value, which could quote image contents.
var errDecoderPanic = errors.New("the QR decoder failed on this image")

// code is one decoded QR code and where its centre is in the original image.
type code struct {
	text string
	x, y float64
	size float64 // distance between the top finder patterns' centres
}

var hints = map[gozxing.DecodeHintType]interface{}{
	// Without it the finder skips rows and misses small codes.
	gozxing.DecodeHintType_TRY_HARDER: true,
	// otpauth labels may hold raw UTF-8; the guesser would take it for Latin-1.
	gozxing.DecodeHintType_CHARACTER_SET: "UTF-8",
}

// pass is one way of looking at an image. Passes run in order until one
// finds a code: the cheap common case first, the hard cases after.
type pass struct {
	name string
	// prepare derives the picture to search; a view without a picture
	// when the pass does not apply to this image.
	prepare func(g *gray) view
	multi   bool // the multi reader finds every code; the single reader is more forgiving
	global  bool // global histogram binarizer instead of the hybrid one
	tiles   bool // doubles a big image tile by tile instead of prepare
	// candidates looks closely at the codes earlier passes located but
	// could not read, instead of prepare.
	candidates bool
	// regions enlarges the areas that look like small codes, instead of
	// prepare.
	regions  bool
	inverted bool // looks for light-on-dark codes
}

// The passes, cheapest and most fruitful first; passOrder adapts the order
// to the image.
var passes = []pass{
	{name: "plain", prepare: same, multi: true},
	// Runs only once a pass has located a code it could not read.
	{name: "candidates", candidates: true},
	// Modules of 1.3-2 pixels: enlarge the areas that look like codes.
	{name: "regions", regions: true},
	{name: "inverted", prepare: inverted, multi: true, inverted: true},
	// Grey on grey: spread the shades over the whole range, so that the
	// local binarizer sees the contrast it needs even through blur or a
	// gradient.
	{name: "stretched", prepare: stretched, multi: true},
	{name: "stretched-inverted", prepare: stretchedInverted, multi: true, inverted: true},
	// Tiny or blurred modules: double the pixels.
	{name: "up", prepare: up, multi: true},
	// A code cropped tight to its modules: give it a quiet zone.
	{name: "padded", prepare: padWhite, multi: true},
	{name: "padded-inverted", prepare: padInverted, multi: true, inverted: true},
	// JPEG noise and big modules: average it away.
	{name: "down", prepare: down, multi: true},
	// A code without margin on a mid-grey page: only its darkest (or
	// lightest) shades are modules.
	{name: "dark-threshold", prepare: darkThreshold, multi: true},
	{name: "light-threshold", prepare: lightThreshold, multi: true, inverted: true},
	{name: "up-inverted", prepare: upInverted, multi: true, inverted: true},
	// Grey on grey, one threshold for the whole image.
	{name: "stretched-global", prepare: stretched, multi: true, global: true},
	{name: "stretched-global-inverted", prepare: stretchedInverted, multi: true, global: true, inverted: true},
	// Modules under two pixels in a big screenshot.
	{name: "up-tiles", tiles: true, multi: true},
	{name: "up-tiles-inverted", tiles: true, multi: true, inverted: true},
	// The single reader's finder is more forgiving of odd finder triples.
	{name: "single", prepare: same},
	{name: "single-inverted", prepare: inverted, inverted: true},
}

// passOrder puts first the passes an image's shades make likely: inverted
// ones on a mostly dark image, stretched ones on a low-contrast one,
// thresholds on a mid-grey page.
func passOrder(g *gray) []pass {
	lo, med, _ := g.levels()
	low := g.span() < 128
	rank := func(p pass) int {
		switch {
		case low && (p.name == "stretched" || p.name == "stretched-inverted"):
			return 0
		// Where stretching the whole image fails, the page's shades set
		// the stretch, not the code's: a crop of the area that looks like
		// a code has its own (a grey code on a dark page).
		case low && p.name == "regions":
			return 1
		// Grey on grey: where stretching fails, a threshold at the page's
		// shades reads more than the plain picture.
		case low && (p.name == "dark-threshold" || p.name == "light-threshold"):
			return 1
		// A dark page is mostly its darkest shade (dark mode); a mid-grey
		// page with darker things on it is left to the thresholds.
		case med < 100 && int(med)-int(lo) < 24 && p.name == "inverted", med >= 100 && !low && p.name == "plain":
			return 1
		case med >= 40 && med <= 215 && (p.name == "dark-threshold" || p.name == "light-threshold"):
			return 2
		}
		return 3
	}
	order := append([]pass(nil), passes...)
	sort.SliceStable(order, func(i, j int) bool { return rank(order[i]) < rank(order[j]) })
	return order
}

// focus reorders the passes still to run once a pass has located a code it
// could not read: the code's polarity is then known, and doubling the
// pixels is what most often reads it (blur, small modules).
//
// closeFirst puts the close look at each located code first; otherwise
// doubling the whole image comes first, as it also finds codes no pass has
// located yet.
func focus(rest []pass, inverted, closeFirst bool) {
	rank := func(p pass) int {
		switch {
		case p.candidates && closeFirst:
			return -1
		case p.candidates:
			return 1
		case p.inverted != inverted:
			return 3
		case p.name == "up" || p.name == "up-inverted":
			return 0
		}
		return 2
	}
	sort.SliceStable(rest, func(i, j int) bool { return rank(rest[i]) < rank(rest[j]) })
}

// view is a picture a pass searches: g's shades mapped through lut (nil:
// as they are), points mapped back to the image's by scale and offset. A
// lookup table costs no copy of the picture (see hybridBitsLUT).
type view struct {
	g             *gray
	lut           *[256]byte
	scale, offset float64
}

func same(g *gray) view     { return view{g: g, scale: 1} }
func inverted(g *gray) view { return view{g: g, lut: &invertLUT, scale: 1} }

func stretched(g *gray) view {
	lut := g.stretchLUT()
	if lut == nil {
		return view{}
	}
	return view{g: g, lut: lut, scale: 1}
}

func stretchedInverted(g *gray) view {
	lut := g.stretchLUT()
	if lut == nil {
		return view{}
	}
	return view{g: g, lut: compose(lut, &invertLUT), scale: 1}
}

func darkThreshold(g *gray) view {
	lo, med, _ := g.levels()
	return view{g: g, lut: thresholdLUT(byte((int(lo) + int(med)) / 2)), scale: 1}
}

func lightThreshold(g *gray) view {
	_, med, hi := g.levels()
	// Light modules on a mid-grey page: only the lightest shades count,
	// and they become the dark modules.
	return view{g: g, lut: compose(thresholdLUT(byte((int(hi)+int(med)+1)/2)), &invertLUT), scale: 1}
}

func border(g *gray) int { return max(16, min(g.w, g.h)/8) }

func padWhite(g *gray) view {
	b := border(g)
	return view{g: g.pad(b, 255), scale: 1, offset: float64(b)}
}

func padInverted(g *gray) view {
	b := border(g)
	return view{g: g.pad(b, 0), lut: &invertLUT, scale: 1, offset: float64(b)}
}

// maxUpPixels keeps doubling to images that stay reasonably fast to search.
const maxUpPixels = 2200 * 2200

func up(g *gray) view {
	if g.w*g.h*4 > maxUpPixels {
		return view{}
	}
	return view{g: g.scaleUp(), scale: 2}
}

func upInverted(g *gray) view {
	v := up(g)
	v.lut = &invertLUT
	return v
}

func down(g *gray) view {
	if min(g.w, g.h) < 400 {
		return view{}
	}
	return view{g: g.scaleDown(2), scale: 0.5}
}

// decodeGray finds every QR code in g, in reading order. It stops after
// the first pass that finds codes and leaves no candidate unexplained; when
// some candidate failed away from every code read (a page of several codes,
// one of them harder), later passes add what they find.
func decodeGray(g *gray) ([]code, error) {
	return decodeGrayBudget(g, newBudget(context.Background(), Budget{}))
}

// decodeGrayBudget is decodeGray within a budget: once it is spent, the
// codes read so far come with a *StoppedError.
func decodeGrayBudget(g *gray, b *budget) ([]code, error) {
	order := passOrder(g)
	var (
		firstErr error
		focused  bool
	)
	st := state{seen: map[string]bool{}, b: b}
	extra := 0
	for i, p := range order {
		if !b.ok() {
			break
		}
		err := st.run(g, p)
		if passTrace != nil {
			passTrace(p.name, len(st.found), len(st.pending))
		}
		if err != nil && firstErr == nil {
			firstErr = err
		}
		if len(st.pending) > 0 && !focused {
			// Nothing read yet: likely one hard code, looked at closely
			// first. Some read: a page of several, where doubling the
			// whole also finds the codes no pass has located.
			focus(order[i+1:], p.inverted, g.w*g.h*4 > maxUpPixels || len(st.found) == 0)
			focused = true
		}
		if len(st.found) > 0 {
			// A busy page can leave false candidates (text, icons) that
			// no pass will ever read: look a little further, not forever.
			if len(st.pending) == 0 || extra == maxExtraPasses {
				break
			}
			extra++
		}
	}
	if len(st.found) > 0 && !st.regionsDone && b.ok() {
		// Fewer codes read than areas that look like codes: a tiny one
		// may sit beside a big one.
		if err := st.run(g, pass{name: "regions", regions: true}); err != nil && firstErr == nil {
			firstErr = err
		}
	}
	if err := b.err(len(st.found)); err != nil {
		return readingOrder(st.found), err
	}
	if len(st.found) == 0 {
		return nil, firstErr
	}
	return readingOrder(st.found), nil
}

// passTrace, when set (by a test that runs alone: it is not guarded), is
// told after each pass of decodeGray what has been read and located so far.
var passTrace func(pass string, found, pending int)

// maxExtraPasses bounds the passes run after codes were found, looking for
// the ones a failed candidate suggests are there.
const maxExtraPasses = 4

// state is what the passes over one image have found so far.
type state struct {
	found   []code
	seen    map[string]bool
	finders []point     // finder pattern centres of the codes read, in triples
	pending []candidate // codes located that no pass could read yet
	// regionsDone is set once the areas that look like codes were tried.
	regionsDone bool
	b           *budget
	tries       int // triples sampled and decoded, for tests of growth
}

type point struct{ x, y float64 }

// explainDistance is how far (in pixels of the original image) a failed
// candidate's finder pattern may lie from one of a code already read and
// still be taken for a mix of that code's patterns with another's.
const explainDistance = 12

// explained reports whether a candidate's finder pattern p belongs to a code
// already read: it is one of that code's finder patterns, or lies inside the
// code (data modules can look like a finder pattern).
func (st *state) explained(p point) bool {
	for _, f := range st.finders {
		if math.Hypot(f.x-p.x, f.y-p.y) < explainDistance {
			return true
		}
	}
	for i := 0; i+2 < len(st.finders); i += 3 {
		if inside(p, st.finders[i], st.finders[i+1], st.finders[i+2]) {
			return true
		}
	}
	return false
}

// inside reports whether p lies within the code whose finder centres are
// bl (bottom-left), tl and tr, with a margin for the finder patterns'
// own size.
func inside(p, bl, tl, tr point) bool {
	// Solve p - tl = a*(tr - tl) + b*(bl - tl).
	ux, uy := tr.x-tl.x, tr.y-tl.y
	vx, vy := bl.x-tl.x, bl.y-tl.y
	det := ux*vy - uy*vx
	if math.Abs(det) < 1 {
		return false
	}
	dx, dy := p.x-tl.x, p.y-tl.y
	a := (dx*vy - dy*vx) / det
	b := (ux*dy - uy*dx) / det
	const m = 0.2
	return a > -m && a < 1+m && b > -m && b < 1+m
}

// run runs one pass, containing any panic of the decoder. Candidate codes
// it locates but cannot read, away from every code read, go to st.pending.
func (st *state) run(g *gray, p pass) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = errDecoderPanic
		}
	}()
	if p.candidates {
		st.runCandidates(g)
	} else if p.regions {
		st.runRegions(g)
	} else if p.tiles {
		st.runTiles(g, p)
	} else if v := p.prepare(g); v.g != nil {
		st.look(v.g, v.lut, p, func(x, y float64) point { return point{(x - v.offset) / v.scale, (y - v.offset) / v.scale} })
	}
	// A candidate stays pending until some pass reads a code there.
	left := st.pending[:0]
	for _, c := range st.pending {
		if !st.explained(c.pts[0]) || !st.explained(c.pts[1]) || !st.explained(c.pts[2]) {
			left = append(left, c)
		}
	}
	st.pending = left
	return nil
}

// maxCandidates bounds the located-but-unread codes looked at closely.
const maxCandidates = 8

// candidate is a code located but not read: its finder patterns'
// centres, and whether the pass that located it looked for light-on-dark
// codes.
type candidate struct {
	pts      [3]point
	inverted bool
}

// maxDoubledCandidate bounds the crops of candidates doubled for a close
// look: a code over 512 pixels across has modules of 3 pixels or more.
const maxDoubledCandidate = 512 * 512

// candidateThresholds are where between a candidate's darkest and lightest
// shades (in eighths) its close look cuts, in order.
var candidateThresholds = []int{4, 3, 5, 2, 6}

// runCandidates looks closely at each code located but not read: cropped
// to it, doubled, and binarized at several fixed thresholds. Blurred small
// modules defeat a local threshold, but their finder patterns still show
// where the code is, and one of the thresholds usually reads it.
func (st *state) runCandidates(g *gray) {
	for i, cand := range st.pending {
		if i == maxCandidates {
			break
		}
		tri := cand.pts
		x0, y0 := min(tri[0].x, tri[1].x, tri[2].x), min(tri[0].y, tri[1].y, tri[2].y)
		x1, y1 := max(tri[0].x, tri[1].x, tri[2].x), max(tri[0].y, tri[1].y, tri[2].y)
		// Finder centres sit 3.5 modules inside the code; the margin also
		// leaves a quiet zone.
		m := 0.4*max(x1-x0, y1-y0) + 8
		left, top := max(int(x0-m), 0), max(int(y0-m), 0)
		right, bottom := min(int(x1+m)+1, g.w), min(int(y1+m)+1, g.h)
		if right-left < 21 || bottom-top < 21 || (right-left)*(bottom-top) > 1<<20 {
			continue
		}
		c := g.crop(left, top, right-left, bottom-top)
		lo, _, hi := c.levels()
		ox, oy := float64(left), float64(top)
		before := len(st.found)
		// The polarity of the pass that located it first, the middle
		// threshold first: it reads most.
		luts := []*[256]byte{nil, &invertLUT}
		if cand.inverted {
			luts[0], luts[1] = luts[1], luts[0]
		}
		for _, lut := range luts {
			for _, k := range candidateThresholds {
				if len(st.found) > before {
					break
				}
				t := c.threshold(byte(int(lo) + (int(hi)-int(lo))*k/8))
				if c.w*c.h > maxDoubledCandidate {
					// Modules of 4 pixels or more: no need to double.
					st.look(t, lut, pass{}, func(x, y float64) point { return point{x + ox, y + oy} })
					continue
				}
				st.look(t.scaleUp(), lut, pass{}, func(x, y float64) point { return point{x/2 + ox, y/2 + oy} })
			}
		}
	}
}

// Tiles for doubling big images: codes with modules under two pixels are
// small (a few hundred pixels at most), so each fits whole in some tile.
const (
	tileSize    = 1024
	tileOverlap = 384
)

// runTiles doubles a big image tile by tile, skipping flat tiles (most of
// a screenshot), where doubling the whole would be too slow.
func (st *state) runTiles(g *gray, p pass) {
	if g.w*g.h*4 <= maxUpPixels {
		return // the whole-image pass covered it
	}
	for _, y0 := range tileStarts(g.h) {
		for _, x0 := range tileStarts(g.w) {
			t := g.crop(x0, y0, min(tileSize, g.w-x0), min(tileSize, g.h-y0))
			if t.span() < minDynamicRange {
				continue
			}
			var lut *[256]byte
			if p.inverted {
				lut = &invertLUT
			}
			ox, oy := float64(x0), float64(y0)
			st.look(t.scaleUp(), lut, p, func(x, y float64) point { return point{x/2 + ox, y/2 + oy} })
		}
	}
}

// tileStarts gives where tiles start along a side of n pixels: every
// tileSize-tileOverlap pixels, the last one flush with the end.
func tileStarts(n int) []int {
	if n <= tileSize {
		return []int{0}
	}
	var starts []int
	for s := 0; ; s += tileSize - tileOverlap {
		if s+tileSize >= n {
			return append(starts, n-tileSize)
		}
		starts = append(starts, s)
	}
}

// look decodes every code in img, its shades mapped through lut (nil: as
// they are); toOrig maps img's points to the image's.
func (st *state) look(img *gray, lut *[256]byte, p pass, toOrig func(x, y float64) point) {
	orig := func(pt gozxing.ResultPoint) point { return toOrig(pt.GetX(), pt.GetY()) }
	add := func(text string, pts []gozxing.ResultPoint) {
		c := code{text: text}
		n := min(len(pts), 3) // bottom-left, top-left, top-right; then alignment
		var o [3]point
		for i, pt := range pts[:n] {
			o[i] = orig(pt)
			c.x += o[i].x / float64(n)
			c.y += o[i].y / float64(n)
		}
		if n == 3 { // finders holds whole triples
			st.finders = append(st.finders, o[:]...)
			c.size = math.Hypot(o[2].x-o[1].x, o[2].y-o[1].y)
		}
		if !st.seen[text] {
			st.seen[text] = true
			st.found = append(st.found, c)
		}
	}
	// The picture, its bits and the decoder's working copies.
	if !st.b.spend(2 * int64(img.w) * int64(img.h)) {
		return
	}
	var matrix *gozxing.BitMatrix
	var err error
	if p.global {
		src := newSource(img)
		src.lut = lut
		matrix, err = gozxing.NewGlobalHistgramBinarizer(src).GetBlackMatrix()
	} else {
		matrix, err = hybridMatrix(img, lut)
	}
	if err != nil {
		return
	}
	scan := scanFinders(matrix)
	if scan.full {
		// Read what was found, then stop.
		defer st.b.halt(StopFinders)
	}
	det := detector.NewDetector(matrix)
	dec := decoder.NewDecoder()
	if !p.multi {
		// The single reader's choice: the best-shaped triple, tried with
		// the next best as it may be a stray pattern's.
		for _, t := range scan.bestTriples(singleTries) {
			if !st.b.spend(triedBytes) {
				return
			}
			st.tries++
			d, err := det.ProcessFinderPatternInfo(detector.NewFinderPatternInfo(t.bl, t.tl, t.tr))
			if err != nil {
				continue
			}
			if r, err := dec.Decode(d.GetBits(), hints); err == nil {
				add(r.GetText(), d.GetPoints())
				return
			}
		}
		return
	}
	used := make([]bool, len(scan.pats))
	read, failed := 0, 0
	inv := p.inverted || lut == &invertLUT
	defer func() { st.tries += read + failed }()
	for _, t := range scan.triples() {
		if used[t.idx[0]] || used[t.idx[1]] || used[t.idx[2]] {
			continue // a pattern of a code read: a mix of two codes
		}
		// Triples are tried likeliest first: a long run of failures
		// means a picture full of finder-like shapes, or codes this pass
		// cannot read; others will look closer.
		if failed > maxFailedTries+2*read {
			return
		}
		// Sampling and decoding one costs about a 4 KB grid.
		if !st.b.spend(triedBytes) {
			return
		}
		d, err := det.ProcessFinderPatternInfo(detector.NewFinderPatternInfo(t.bl, t.tl, t.tr))
		if err != nil {
			if t.score < likelyCode {
				failed++
				continue
			}
			// gozxing gives up when its count of modules falls between
			// two sizes a code can have: try both.
			if d, r := st.decodeNear(matrix, dec, t); r != nil {
				used[t.idx[0]], used[t.idx[1]], used[t.idx[2]] = true, true, true
				read++
				add(r.GetText(), d)
				continue
			}
			failed++
			st.addPending(candidate{[3]point{orig(t.bl), orig(t.tl), orig(t.tr)}, inv})
			continue
		}
		r, err := dec.Decode(d.GetBits(), hints)
		if err != nil {
			failed++
			// A candidate worth a closer look, and worth looking for
			// with more passes, shows timing patterns; a mix of noise or
			// text (half its timing samples alternate) does not.
			if pts := d.GetPoints(); len(pts) >= 3 && t.score >= likelyCode {
				st.addPending(candidate{[3]point{orig(pts[0]), orig(pts[1]), orig(pts[2])}, inv})
			}
			continue
		}
		used[t.idx[0]], used[t.idx[1]], used[t.idx[2]] = true, true, true
		read++
		add(r.GetText(), d.GetPoints())
	}
}

// maxPending bounds the candidates kept for a closer look: only the first
// maxCandidates get one, the rest only decide whether to look further.
const maxPending = 1024

func (st *state) addPending(c candidate) {
	if len(st.pending) < maxPending {
		st.pending = append(st.pending, c)
	}
}

// maxFailedTries is how many triples one pass tries in vain, besides two
// per code it reads, before it leaves the rest to other passes.
const maxFailedTries = 256

// triedBytes is what trying one triple is charged to the budget.
const triedBytes = 4 << 10

// likelyCode is the timing score above which a triple is taken for a code
// worth a closer look when it cannot be read at once.
const likelyCode = 0.6

// decodeNear samples a triple at the two code sizes nearest its finder
// patterns' spacing, without an alignment pattern (screenshots are flat),
// and decodes it.
func (st *state) decodeNear(m *gozxing.BitMatrix, dec *decoder.Decoder, t triple) ([]gozxing.ResultPoint, *common.DecoderResult) {
	ms := (t.bl.GetEstimatedModuleSize() + t.tl.GetEstimatedModuleSize() + t.tr.GetEstimatedModuleSize()) / 3
	n := (math.Round(gozxing.ResultPoint_Distance(t.tl, t.tr)/ms)+math.Round(gozxing.ResultPoint_Distance(t.tl, t.bl)/ms))/2 + 7
	below := int(n) - (int(n)+3)%4 // sizes are 4k+1
	dims := []int{below, below + 4}
	if n-float64(below) > 2 {
		dims[0], dims[1] = dims[1], dims[0]
	}
	for _, dim := range dims {
		if dim < 21 || dim > 177 {
			continue
		}
		tr := detector.Detector_createTransform(t.tl, t.tr, t.bl, nil, dim)
		bits, err := detector.Detector_sampleGrid(m, tr, dim)
		if err != nil {
			continue
		}
		if r, err := dec.Decode(bits, hints); err == nil {
			return []gozxing.ResultPoint{t.bl, t.tl, t.tr}, r
		}
	}
	return nil, nil
}

// singleTries is how many of the best-shaped triples the single reader
// tries.
const singleTries = 3

// readingOrder sorts codes as a person reads a page: rows top to bottom,
// left to right within a row. A code belongs to the row of the first code
// whose height its centre falls within.
func readingOrder(codes []code) []code {
	sort.SliceStable(codes, func(i, j int) bool { return codes[i].y < codes[j].y })
	var out []code
	for start := 0; start < len(codes); {
		first := codes[start]
		end := start + 1
		for end < len(codes) && codes[end].y-first.y <= max(first.size, 1)/2 {
			end++
		}
		row := codes[start:end]
		sort.SliceStable(row, func(i, j int) bool { return row[i].x < row[j].x })
		out = append(out, row...)
		start = end
	}
	return out
}

// bandOverlap is how far each half reaches into the other when a big image
// is binarized in two bands. gozxing's hybrid binarizer thresholds 8-pixel
// blocks from their 5x5 neighbourhood, so rows more than 3 blocks from a
// band's cut edge come out exactly as they would from the whole image.
const bandOverlap = 64

// hybridMatrix binarizes g exactly as gozxing's HybridBinarizer does, in two
// bands on two cores when g is big: it is the costliest step on 4K and 5K
// screenshots.
func hybridMatrix(g *gray, lut *[256]byte) (*gozxing.BitMatrix, error) {
	if g.h < 1024 || g.w*g.h < 1<<21 || runtime.GOMAXPROCS(0) < 2 {
		return hybridBitsLUT(g, lut)
	}
	mid := (g.h / 2) &^ 7 // block-aligned, so both bands share the image's block grid
	top := &gray{pix: g.pix[:(mid+bandOverlap)*g.w], w: g.w, h: mid + bandOverlap}
	bottomStart := mid - bandOverlap
	bottom := &gray{pix: g.pix[bottomStart*g.w:], w: g.w, h: g.h - bottomStart}
	var tm, bm *gozxing.BitMatrix
	var terr, berr error
	parallel(
		func() { tm, terr = hybridBitsLUT(top, lut) },
		func() { bm, berr = hybridBitsLUT(bottom, lut) },
	)
	if terr != nil {
		return nil, terr
	}
	if berr != nil {
		return nil, berr
	}
	m, err := gozxing.NewBitMatrix(g.w, g.h)
	if err != nil {
		return nil, err
	}
	var row *gozxing.BitArray
	for y := 0; y < mid; y++ {
		row = tm.GetRow(y, row)
		m.SetRow(y, row)
	}
	for y := mid; y < g.h; y++ {
		row = bm.GetRow(y-bottomStart, row)
		m.SetRow(y, row)
	}
	return m, nil
}
