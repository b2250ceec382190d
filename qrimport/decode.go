package qrimport

import (
	"errors"
	"math"
	"sort"

	"github.com/makiuchi-d/gozxing"
	multidetector "github.com/makiuchi-d/gozxing/multi/qrcode/detector"
	"github.com/makiuchi-d/gozxing/qrcode"
	"github.com/makiuchi-d/gozxing/qrcode/decoder"
)

// errDecoderPanic reports a panic inside gozxing, contained. Its message never
// carries the panic value, which could quote image contents.
var errDecoderPanic = errors.New("the QR decoder failed on this image")

// code is one decoded QR code and where its centre is in the original image.
type code struct {
	text string
	x, y float64
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
	// prepare derives the picture to search; nil when the pass does not
	// apply to this image. scale and offset map found points back.
	prepare func(g *gray) (p *gray, scale float64, offset float64)
	multi   bool // the multi reader finds every code; the single reader is more forgiving
	global  bool // global histogram binarizer instead of the hybrid one
}

// The passes, cheapest and most fruitful first. decodeGray swaps the first
// two on a mostly dark image, where a light-on-dark code is likely.
var passes = []pass{
	{name: "plain", prepare: same, multi: true},
	{name: "inverted", prepare: inverted, multi: true},
	// Grey on grey: spread the shades over the whole range.
	{name: "stretched", prepare: stretched, multi: true, global: true},
	{name: "stretched-inverted", prepare: stretchedInverted, multi: true, global: true},
	// Tiny or blurred modules: double the pixels.
	{name: "up", prepare: up, multi: true},
	// A code cropped tight to its modules: give it a quiet zone.
	{name: "padded", prepare: padWhite, multi: true},
	{name: "padded-inverted", prepare: padInverted, multi: true},
	// JPEG noise and big modules: average it away.
	{name: "down", prepare: down, multi: true},
	// A code without margin on a mid-grey page: only its darkest shades
	// are modules.
	{name: "dark-threshold", prepare: darkThreshold, multi: true},
	{name: "light-threshold", prepare: lightThreshold, multi: true},
	{name: "up-inverted", prepare: upInverted, multi: true},
	// The single reader's finder is more forgiving of odd finder triples.
	{name: "single", prepare: same},
	{name: "single-inverted", prepare: inverted},
}

func same(g *gray) (*gray, float64, float64)     { return g, 1, 0 }
func inverted(g *gray) (*gray, float64, float64) { return g.invert(), 1, 0 }

func stretched(g *gray) (*gray, float64, float64) {
	s := g.stretch()
	if s == g {
		return nil, 0, 0
	}
	return s, 1, 0
}

func stretchedInverted(g *gray) (*gray, float64, float64) {
	s, _, _ := stretched(g)
	if s == nil {
		return nil, 0, 0
	}
	return s.invert(), 1, 0
}

func darkThreshold(g *gray) (*gray, float64, float64) {
	lo, med, _ := g.levels()
	return g.threshold(byte((int(lo) + int(med)) / 2)), 1, 0
}

func lightThreshold(g *gray) (*gray, float64, float64) {
	_, med, hi := g.levels()
	// Light modules on a mid-grey page: only the lightest shades count,
	// and they become the dark modules.
	return g.threshold(byte((int(hi) + int(med) + 1) / 2)).invert(), 1, 0
}

func border(g *gray) int { return max(16, min(g.w, g.h)/8) }

func padWhite(g *gray) (*gray, float64, float64) {
	b := border(g)
	return g.pad(b, 255), 1, float64(b)
}

func padInverted(g *gray) (*gray, float64, float64) {
	b := border(g)
	return g.pad(b, 0).invert(), 1, float64(b)
}

// maxUpPixels keeps doubling to images that stay reasonably fast to search.
const maxUpPixels = 2200 * 2200

func up(g *gray) (*gray, float64, float64) {
	if g.w*g.h*4 > maxUpPixels {
		return nil, 0, 0
	}
	return g.scaleUp(), 2, 0
}

func upInverted(g *gray) (*gray, float64, float64) {
	p, s, o := up(g)
	if p == nil {
		return nil, 0, 0
	}
	return p.invert(), s, o
}

func down(g *gray) (*gray, float64, float64) {
	if min(g.w, g.h) < 400 {
		return nil, 0, 0
	}
	return g.scaleDown(2), 0.5, 0
}

// decodeGray finds every QR code in g, in reading order. It stops after
// the first pass that finds codes and leaves no candidate unexplained; when
// some candidate failed away from every code read (a page of several codes,
// one of them harder), later passes add what they find.
func decodeGray(g *gray) ([]code, error) {
	order := passes
	if _, med, _ := g.levels(); med < 100 {
		order = append([]pass{passes[1], passes[0]}, passes[2:]...)
	}
	var (
		firstErr error
		st       state
	)
	st.seen = map[string]bool{}
	extra := 0
	for _, p := range order {
		err := st.run(g, p)
		if err != nil && firstErr == nil {
			firstErr = err
		}
		if len(st.found) > 0 {
			unexplained := len(st.pending) > 0
			// A busy page can leave false candidates (text, icons) that
			// no pass will ever read: look a little further, not forever.
			if !unexplained || extra == maxExtraPasses {
				break
			}
			extra++
		}
	}
	if len(st.found) == 0 {
		return nil, firstErr
	}
	return dedupe(st.found), nil
}

// maxExtraPasses bounds the passes run after codes were found, looking for
// the ones a failed candidate suggests are there.
const maxExtraPasses = 4

// state is what the passes over one image have found so far.
type state struct {
	found   []code
	seen    map[string]bool
	finders []point // finder pattern centres of the codes read
	pending []point // finder patterns of candidates no pass could read yet
}

type point struct{ x, y float64 }

// explainDistance is how far (in pixels of the original image) a failed
// candidate's finder pattern may lie from one of a code already read and
// still be taken for a mix of that code's patterns with another's.
const explainDistance = 12

func (st *state) explained(p point) bool {
	for _, f := range st.finders {
		if math.Hypot(f.x-p.x, f.y-p.y) < explainDistance {
			return true
		}
	}
	return false
}

// run runs one pass, containing any panic of the decoder. Candidate codes
// it locates but cannot read, away from every code read, go to st.pending.
func (st *state) run(g *gray, p pass) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = errDecoderPanic
		}
	}()
	img, scale, offset := p.prepare(g)
	if img == nil {
		return nil
	}
	var bin gozxing.Binarizer
	if p.global {
		bin = gozxing.NewGlobalHistgramBinarizer(newSource(img))
	} else {
		bin = gozxing.NewHybridBinarizer(newSource(img))
	}
	bmp, err := gozxing.NewBinaryBitmap(bin)
	if err != nil {
		return nil
	}
	orig := func(pt gozxing.ResultPoint) point {
		return point{(pt.GetX() - offset) / scale, (pt.GetY() - offset) / scale}
	}
	add := func(text string, pts []gozxing.ResultPoint) {
		c := code{text: text}
		n := min(len(pts), 3) // bottom-left, top-left, top-right; then alignment
		for _, pt := range pts[:n] {
			o := orig(pt)
			st.finders = append(st.finders, o)
			c.x += o.x / float64(n)
			c.y += o.y / float64(n)
		}
		if !st.seen[text] {
			st.seen[text] = true
			st.found = append(st.found, c)
		}
	}
	if !p.multi {
		if r, err := qrcode.NewQRCodeReader().Decode(bmp, hints); err == nil {
			add(r.GetText(), r.GetResultPoints())
		}
		return nil
	}
	matrix, err := bmp.GetBlackMatrix()
	if err != nil {
		return nil
	}
	// The multi reader's loop, keeping the candidates that fail.
	dets, err := multidetector.NewMultiDetector(matrix).DetectMulti(hints)
	if err != nil {
		return nil
	}
	dec := decoder.NewDecoder()
	var failed [][]gozxing.ResultPoint
	for _, d := range dets {
		r, err := dec.Decode(d.GetBits(), hints)
		if err != nil {
			failed = append(failed, d.GetPoints())
			continue
		}
		add(r.GetText(), d.GetPoints())
	}
	for _, pts := range failed {
		for _, pt := range pts[:min(len(pts), 3)] {
			st.pending = append(st.pending, orig(pt))
		}
	}
	// A candidate stays pending until some pass reads a code there.
	left := st.pending[:0]
	for _, pt := range st.pending {
		if !st.explained(pt) {
			left = append(left, pt)
		}
	}
	st.pending = left
	return nil
}

// dedupe drops a code found twice at the same place (the multi reader can
// report one symbol from two finder triples) and sorts into reading order:
// rows top to bottom, left to right within a row.
func dedupe(codes []code) []code {
	out := codes[:0]
	for _, c := range codes {
		dup := false
		for _, o := range out {
			if o.text == c.text && math.Hypot(o.x-c.x, o.y-c.y) < 20 {
				dup = true
				break
			}
		}
		if !dup {
			out = append(out, c)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		// Codes whose centres are within 40 px vertically share a row.
		if math.Abs(out[i].y-out[j].y) > 40 {
			return out[i].y < out[j].y
		}
		return out[i].x < out[j].x
	})
	return out
}

// passNames lists the passes, for benchmarks and debugging.
func passNames() []string {
	names := make([]string, len(passes))
	for i, p := range passes {
		names[i] = p.name
	}
	return names
}
