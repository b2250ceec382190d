package qrimport

import (
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// sheet gives the scene of a sheet of n codes (gen-qr-scenes.sh's kind
// sheet-n): its path and its codes' texts in reading order.
func sheet(t testing.TB, n int) (string, []string) {
	t.Helper()
	dir := scenes(t)
	name := fmt.Sprintf("sheet-%d.png", n)
	for _, s := range loadManifest(t, dir) {
		if s.file == name {
			if len(s.want) != n {
				t.Fatalf("%s: the manifest lists %d codes, want %d", name, len(s.want), n)
			}
			return filepath.Join(dir, name), s.want
		}
	}
	t.Fatalf("no %s in %s: scripts/gen-qr-scenes.sh makes it", name, dir)
	return "", nil
}

// sheetImage is the file of the sheet of n codes, its picture and the
// codes' texts.
func sheetImage(t *testing.T, n int) (string, image.Image, []string) {
	t.Helper()
	path, want := sheet(t, n)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	img, err := decodeImage(data)
	if err != nil {
		t.Fatal(err)
	}
	return path, img, want
}

// TestSheet200 reads a sheet of 200 codes (2 s and 660 MB for the first
// reader, which tried every triple of the 600 finder patterns; now about
// 0.3 s): every code comes out, in reading order, and each was sampled and
// decoded about once. The count of tries is the regression guard: it grew
// with the cube of the number of codes.
func TestSheet200(t *testing.T) {
	_, img, want := sheetImage(t, 200)
	g := toGray(img)
	b := newBudget(context.Background(), Budget{})
	var passesRun []string
	passTrace = func(pass string, found, pending int) { passesRun = append(passesRun, pass) }
	defer func() { passTrace = nil }()
	codes, err := decodeGrayBudget(g, b)
	passTrace = nil
	if err != nil {
		t.Fatalf("got error %v, want none", err)
	}
	// One pass reads them all, and nothing left unexplained asks for more.
	if len(passesRun) != 1 {
		t.Errorf("got passes %v, want the first alone", passesRun)
	}
	got := make([]string, len(codes))
	for i, c := range codes {
		got[i] = c.text
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("got %d codes, want the sheet's %d in reading order", len(got), len(want))
	}

	// The tries of the first pass, the one that reads the sheet.
	st := state{seen: map[string]bool{}}
	st.look(g, nil, pass{multi: true}, func(x, y float64) point { return point{x, y} })
	if len(st.found) != 200 {
		t.Fatalf("got %d codes from one pass, want 200", len(st.found))
	}
	if st.tries > 2*len(st.found) {
		t.Errorf("got %d triples tried for %d codes, want at most %d", st.tries, len(st.found), 2*len(st.found))
	}
	// The working pictures of a few passes, not of hundreds.
	if max := 20 * int64(g.w) * int64(g.h); b.spent > max {
		t.Errorf("got %d MB of working pictures, want at most %d", b.spent>>20, max>>20)
	}
}

// TestSheetStops: a budget too small for the sheet stops the reading with
// the codes read so far and a problem that says so.
func TestSheetStops(t *testing.T) {
	path, img, want := sheetImage(t, 200)
	b := img.Bounds()
	// Room for the first pass's picture and for 60 triples.
	c := Collector{Budget: Budget{Bytes: 2*int64(b.Dx()*b.Dy()) + 60*triedBytes}}
	if err := c.AddImage(img); err != nil {
		t.Fatalf("got error %v, want the codes read before stopping", err)
	}
	r := c.Result()
	if n := len(r.Keys); n == 0 || n >= len(want) {
		t.Fatalf("got %d accounts, want some of the %d before the budget ran out", n, len(want))
	}
	var stop *StoppedError
	for _, p := range r.Problems {
		if errors.As(p, &stop) {
			break
		}
	}
	if stop == nil || !errors.Is(stop, ErrStopped) {
		t.Fatalf("got problems %v, want a StoppedError", r.Problems)
	}
	if stop.Reason != StopBytes || stop.Read != len(r.Keys) {
		t.Errorf("got reason %d and %d read, want %d and %d", stop.Reason, stop.Read, StopBytes, len(r.Keys))
	}
	msg := stop.Error()
	wantMsg := fmt.Sprintf("holds more codes than Latchkey reads at once; %d read", len(r.Keys))
	if !strings.HasPrefix(msg, "stopped after ") || !strings.Contains(msg, wantMsg) {
		t.Errorf("got message %q, want \"stopped after ...%s\"", msg, wantMsg)
	}

	// Read from a file, the problem names it.
	c = Collector{Budget: c.Budget}
	if err := c.AddFile(path); err != nil {
		t.Fatal(err)
	}
	probs := c.Result().Problems
	if len(probs) != 1 || !errors.Is(probs[0], ErrStopped) || !strings.HasPrefix(probs[0].Error(), "sheet-200.png: stopped after ") {
		t.Errorf("got problems %v, want one \"sheet-200.png: stopped after ...\"", probs)
	}

	// No time at all: nothing read, and the stop is the error.
	var none Collector
	none.Budget.Time = time.Nanosecond
	err := none.AddImage(img)
	if !errors.As(err, &stop) || stop.Reason != StopTime || stop.Read != 0 {
		t.Fatalf("got error %v, want a StoppedError for time with 0 read", err)
	}
	if msg := err.Error(); msg != fmt.Sprintf("stopped after %.1f s: the image holds more codes than Latchkey reads at once; 0 read", stop.After.Seconds()) {
		t.Errorf("got message %q", msg)
	}

	// A cancelled context stops it too, and says so.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var cc Collector
	err = cc.AddImageContext(ctx, img)
	if !errors.Is(err, ErrStopped) || !errors.Is(err, context.Canceled) {
		t.Fatalf("got error %v, want ErrStopped and context.Canceled", err)
	}
}

// TestFinderFlood: an image tiled with nothing but finder patterns, 12,000
// of them, stops at maxFinderPatterns instead of pairing them all.
func TestFinderFlood(t *testing.T) {
	const pitch = 9 // a 7-pixel finder pattern and its white ring
	n := 110
	img := image.NewGray(image.Rect(0, 0, n*pitch+2, n*pitch+2))
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	for gy := 0; gy < n; gy++ {
		for gx := 0; gx < n; gx++ {
			for y := 0; y < 7; y++ {
				for x := 0; x < 7; x++ {
					ring := max(abs(x-3), abs(y-3))
					if ring != 2 {
						img.SetGray(1+gx*pitch+x+1, 1+gy*pitch+y+1, color.Gray{})
					}
				}
			}
		}
	}
	start := time.Now()
	var c Collector
	err := c.AddImage(img)
	var stop *StoppedError
	if !errors.As(err, &stop) || stop.Reason != StopFinders {
		t.Fatalf("got %v, want a StoppedError for too many finder patterns", err)
	}
	// A generous bound, 10x above what it takes on a busy machine.
	if d := time.Since(start); d > 30*time.Second {
		t.Errorf("took %v, want well under 30 s", d)
	}
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// BenchmarkSheet500 reads a sheet of 500 codes, 2475x1980 pixels: the image
// zbarimg reads at once and the first reader gave up on after 400 s.
func BenchmarkSheet500(b *testing.B) {
	path, want := sheet(b, 500)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r, err := ReadFile(path)
		if err != nil {
			b.Fatal(err)
		}
		if len(r.Raw) != len(want) {
			b.Fatalf("got %d codes, want %d", len(r.Raw), len(want))
		}
	}
}
