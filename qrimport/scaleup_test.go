package qrimport

import "testing"

// TestScaleUp compares the doubling with its definition: each output
// pixel the rounded mean of the 2x2 source pixels at and after its
// half-position, clamped at the edges.
func TestScaleUp(t *testing.T) {
	for _, sz := range [][2]int{{1, 1}, {1, 5}, {5, 1}, {2, 2}, {7, 3}, {64, 33}} {
		g := &gray{pix: make([]byte, sz[0]*sz[1]), w: sz[0], h: sz[1]}
		s := uint32(sz[0]*31 + sz[1])
		for i := range g.pix {
			s = s*1664525 + 1013904223
			g.pix[i] = byte(s >> 24)
		}
		got := g.scaleUp()
		if got.w != 2*g.w || got.h != 2*g.h {
			t.Fatalf("%v: got %dx%d, want %dx%d", sz, got.w, got.h, 2*g.w, 2*g.h)
		}
		for y := 0; y < got.h; y++ {
			for x := 0; x < got.w; x++ {
				sx, sy := x/2, y/2
				sx2, sy2 := min(sx+x%2, g.w-1), min(sy+y%2, g.h-1)
				sum := int(g.pix[sy*g.w+sx]) + int(g.pix[sy*g.w+sx2]) + int(g.pix[sy2*g.w+sx]) + int(g.pix[sy2*g.w+sx2])
				if want := byte((sum + 2) / 4); got.pix[y*got.w+x] != want {
					t.Fatalf("%v: pixel (%d,%d) got %d, want %d", sz, x, y, got.pix[y*got.w+x], want)
				}
			}
		}
	}
}
