package qrimport

import (
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
)

// qrModules is the module grid of text's QR code, quiet zone included,
// true for dark, from gozxing's encoder at one pixel per module.
func qrModules(t testing.TB, text string) [][]bool {
	t.Helper()
	m, err := qrcode.NewQRCodeWriter().Encode(text, gozxing.BarcodeFormat_QR_CODE, 0, 0,
		map[gozxing.EncodeHintType]interface{}{gozxing.EncodeHintType_ERROR_CORRECTION: "M", gozxing.EncodeHintType_MARGIN: 4})
	if err != nil {
		t.Fatal(err)
	}
	grid := make([][]bool, m.GetHeight())
	for y := range grid {
		grid[y] = make([]bool, m.GetWidth())
		for x := range grid[y] {
			grid[y][x] = m.Get(x, y)
		}
	}
	return grid
}

// desktopGray is a flat screenshot-like picture: a light page, a darker
// sidebar and title bar, and a toolbar of fine stripes, dense but wide and
// short, that must not pass for a code.
func desktopGray(w, h int) *gray {
	g := &gray{pix: make([]byte, w*h), w: w, h: h}
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			v := byte(243)
			if y < h/30 || x < w/6 {
				v = 225
			}
			g.pix[y*w+x] = v
		}
	}
	for y := h / 8; y < h/8+32; y++ {
		for x := w / 4; x < min(w/4+600, w); x++ {
			if (x/2+y/3)%3 == 0 {
				g.pix[y*w+x] = 30
			}
		}
	}
	return g
}

// drawCode paints grid at (x0, y0) with modules of s pixels.
func drawCode(g *gray, grid [][]bool, x0, y0, s int) {
	for y := range grid {
		for x, dark := range grid[y] {
			v := byte(255)
			if dark {
				v = 0
			}
			for dy := 0; dy < s; dy++ {
				for dx := 0; dx < s; dx++ {
					g.pix[(y0+y*s+dy)*g.w+x0+x*s+dx] = v
				}
			}
		}
	}
}

const tinyText = "otpauth://totp/Tiny:me@example.com?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Tiny"

// tinyScene is a 5K screenshot of a code with 3-pixel modules at (x, y),
// shown at half size: modules of 1.5 pixels, edges half-grey. It returns
// the code's rectangle (quiet zone excluded) in the half-size picture.
func tinyScene(t testing.TB) (*gray, rect) {
	grid := qrModules(t, tinyText)
	g := desktopGray(5120, 2880)
	const x, y, s = 2011, 1203, 3 // odd: module edges fall between pixels after halving
	drawCode(g, grid, x, y, s)
	n := len(grid)
	code := rect{(x + 4*s) / 2, (y + 4*s) / 2, (x + (n-4)*s) / 2, (y + (n-4)*s) / 2}
	return g.scaleDown(2), code
}

func TestRegionsFindTinyCode(t *testing.T) {
	g, code := tinyScene(t)
	rs, split := g.regions()
	if len(rs) != 1 || len(split) != 0 {
		t.Fatalf("got regions %v, want one, around %v", rs, code)
	}
	r := rs[0]
	// The region may lose a cell at each edge of the code, never more,
	// and may not reach beyond a cell into the quiet zone.
	const slack = 2 * cellSize
	for _, d := range []int{r.x0 - code.x0, code.x1 - r.x1, r.y0 - code.y0, code.y1 - r.y1} {
		if d > slack || d < -cellSize {
			t.Errorf("got region %v, want it within %d pixels of the code at %v", r, slack, code)
			break
		}
	}
}

func TestRegionsIgnoreFlatAndText(t *testing.T) {
	if rs, split := desktopGray(1920, 1080).regions(); len(rs)+len(split) != 0 {
		t.Errorf("got regions %v and %v on a page without codes, want none", rs, split)
	}
	if rs, split := (&gray{pix: make([]byte, 20*20), w: 20, h: 20}).regions(); len(rs)+len(split) != 0 {
		t.Errorf("got regions %v and %v on a tiny picture, want none", rs, split)
	}
}

// TestRegionsSplitCaption: a caption right above a code merges with it
// into one wide dense area; the code must still come out as a region.
func TestRegionsSplitCaption(t *testing.T) {
	grid := qrModules(t, tinyText)
	g := desktopGray(5120, 2880)
	const x, y, s = 2011, 1203, 3
	drawCode(g, grid, x, y, s)
	// Two lines of "text", 30 pixels tall, wider than the code, the
	// second ending where the code's quiet zone begins.
	for _, top := range []int{y - 70, y - 30} {
		for py := top; py < top+30; py++ {
			for px := x - 100; px < x+700; px++ {
				if (px/2+py/3)%3 == 0 {
					g.pix[py*g.w+px] = 20
				}
			}
		}
	}
	g = g.scaleDown(2)
	n := len(grid)
	code := rect{(x + 4*s) / 2, (y + 4*s) / 2, (x + (n-4)*s) / 2, (y + (n-4)*s) / 2}
	alone, split := g.regions()
	found := false
	for _, r := range append(alone, split...) {
		found = found || r.contains(point{float64(code.x0+code.x1) / 2, float64(code.y0+code.y1) / 2}) &&
			r.y0 > code.y0-2*cellSize && r.x1-r.x0 < 2*(code.x1-code.x0)
	}
	if !found {
		t.Fatalf("got regions %v and %v, want one around the code at %v, without the caption", alone, split, code)
	}
	readsTinyAlone(t, g)
}

// TestReadTinyCode: modules of 1.5 pixels, which no whole-image pass reads.
func TestReadTinyCode(t *testing.T) {
	g, _ := tinyScene(t)
	readsTinyAlone(t, g)
}

// TestReadTinyBesideBig: a big code is read by the first pass, which would
// end the search; the tiny one beside it must be found too.
func TestReadTinyBesideBig(t *testing.T) {
	g, _ := tinyScene(t)
	const bigText = "otpauth://totp/Big:you@example.com?secret=GEZDGNBVGY3TQOJQ&issuer=Big"
	drawCode(g, qrModules(t, bigText), 200, 300, 6)
	codes, err := decodeGray(g)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, c := range codes {
		got[c.text] = true
	}
	if len(codes) != 2 || !got[tinyText] || !got[bigText] {
		t.Errorf("got %d codes %.60q, want the big one and the tiny one", len(codes), texts(codes))
	}
}

// readsTinyAlone checks that g reads as tinyScene's code and nothing else.
func readsTinyAlone(t *testing.T, g *gray) {
	t.Helper()
	codes, err := decodeGray(g)
	if err != nil {
		t.Fatal(err)
	}
	if len(codes) != 1 || codes[0].text != tinyText {
		t.Errorf("got %d codes %.60q, want the tiny one", len(codes), texts(codes))
	}
}

func texts(codes []code) []string {
	var s []string
	for _, c := range codes {
		s = append(s, c.text)
	}
	return s
}

func TestEnlarge(t *testing.T) {
	// A step between pixels 3 and 4 of a row: enlarged k times, it must
	// stay between output pixels 4k-1 and 4k, and flat parts stay exact.
	g := &gray{pix: []byte{10, 10, 10, 10, 240, 240, 240, 240}, w: 8, h: 1}
	for k := 2; k <= 4; k++ {
		e := g.enlarge(k)
		if e.w != 8*k || e.h != k {
			t.Fatalf("k=%d: got %dx%d, want %dx%d", k, e.w, e.h, 8*k, k)
		}
		for y := 0; y < e.h; y++ {
			row := e.pix[y*e.w : (y+1)*e.w]
			if row[4*k-1] >= 125 || row[4*k] <= 125 {
				t.Errorf("k=%d row %d: got %d|%d around the step, want dark|light", k, y, row[4*k-1], row[4*k])
			}
			if row[0] != 10 || row[e.w-1] != 240 {
				t.Errorf("k=%d row %d: got ends %d and %d, want 10 and 240", k, y, row[0], row[e.w-1])
			}
		}
	}
	// Overshoot of the cubic is clipped, not wrapped around.
	g = &gray{pix: []byte{0, 0, 255, 255, 0, 0}, w: 6, h: 1}
	e := g.enlarge(4)
	for x, v := range e.pix[:e.w] {
		if x >= 10 && x < 14 && v < 200 {
			t.Errorf("x=%d: got %d inside the light bar, want it light", x, v)
		}
	}
}

// BenchmarkRegions measures the search for likely codes on a 5K
// screenshot: it runs on every image where a code was read.
func BenchmarkRegions(b *testing.B) {
	g := desktopGray(5120, 2880)
	drawCode(g, qrModules(b, tinyText), 2011, 1203, 2)
	g.levels()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		g.regions()
	}
}

// FuzzRegions: any picture, of any shape, goes through the search for
// likely codes and their close look without panicking (the decode passes
// would contain a panic, and hide a bug with it).
func FuzzRegions(f *testing.F) {
	// A small seed keeps the fuzzer's minimizing quick.
	g := desktopGray(200, 180)
	drawCode(g, qrModules(f, tinyText), 21, 23, 3)
	c := g.scaleDown(2)
	f.Add(c.pix, uint16(c.w))
	f.Add(make([]byte, 64*64), uint16(64))
	f.Fuzz(func(t *testing.T, pix []byte, w uint16) {
		if w == 0 || int(w) > len(pix) {
			return
		}
		h := len(pix) / int(w)
		g := &gray{pix: pix[:int(w)*h], w: int(w), h: h}
		alone, split := g.regions()
		for _, r := range append(alone, split...) {
			if r.x0 < 0 || r.y0 < 0 || r.x1 > g.w || r.y1 > g.h || r.x0 >= r.x1 || r.y0 >= r.y1 {
				t.Fatalf("got region %v outside the %dx%d picture", r, g.w, g.h)
			}
		}
		st := state{seen: map[string]bool{}}
		st.runRegions(g)
	})
}
