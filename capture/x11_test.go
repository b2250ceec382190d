//go:build linux

package capture

import (
	"context"
	"image"
	"image/color"
	"image/draw"
	"testing"
	"time"

	"github.com/jezek/xgb"
	"github.com/jezek/xgb/xproto"
)

// showInWindow opens a window at `at` on the display and paints img into it
// with core X requests: filled rectangles in colours the server allocates.
// No pixel passes through the conversion under test on its way in. The
// window stays until the test ends.
func showInWindow(t *testing.T, display string, at image.Point, img image.Image) {
	t.Helper()
	c, err := xgb.NewConnDisplay(display)
	if err != nil {
		t.Fatalf("connecting to %s: %v", display, err)
	}
	t.Cleanup(c.Close)
	scr := xproto.Setup(c).DefaultScreen(c)
	b := img.Bounds()
	wid, _ := c.NewId()
	win := xproto.Window(wid)
	err = xproto.CreateWindowChecked(c, scr.RootDepth, win, scr.Root, int16(at.X), int16(at.Y), uint16(b.Dx()), uint16(b.Dy()), 0,
		xproto.WindowClassInputOutput, scr.RootVisual, xproto.CwBackPixel|xproto.CwOverrideRedirect, []uint32{scr.WhitePixel, 1}).Check()
	if err != nil {
		t.Fatal(err)
	}
	if err := xproto.MapWindowChecked(c, win).Check(); err != nil {
		t.Fatal(err)
	}
	// One graphics context per colour, each with the rectangles of its runs.
	gcs := map[color.RGBA]xproto.Gcontext{}
	runs := map[color.RGBA][]xproto.Rectangle{}
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; {
			col := color.RGBAModel.Convert(img.At(x, y)).(color.RGBA)
			end := x + 1
			for end < b.Max.X && color.RGBAModel.Convert(img.At(end, y)) == col {
				end++
			}
			runs[col] = append(runs[col], xproto.Rectangle{X: int16(x - b.Min.X), Y: int16(y - b.Min.Y), Width: uint16(end - x), Height: 1})
			x = end
		}
	}
	for col, rects := range runs {
		pixel, err := xproto.AllocColor(c, scr.DefaultColormap, uint16(col.R)*257, uint16(col.G)*257, uint16(col.B)*257).Reply()
		if err != nil {
			t.Fatalf("allocating %v: %v", col, err)
		}
		id, _ := c.NewId()
		gcs[col] = xproto.Gcontext(id)
		xproto.CreateGC(c, gcs[col], xproto.Drawable(win), xproto.GcForeground, []uint32{pixel.Pixel})
		for len(rects) > 0 {
			n := min(len(rects), 4000)
			xproto.PolyFillRectangle(c, xproto.Drawable(win), gcs[col], rects[:n])
			rects = rects[n:]
		}
	}
	// A round trip: the server has drawn everything before we capture.
	if _, err := xproto.GetInputFocus(c).Reply(); err != nil {
		t.Fatal(err)
	}
}

// withSwatches paints pure red, green and blue squares in the top left
// corner, 20 pixels each, to catch swapped channels.
func withSwatches(img *image.RGBA) {
	for i, c := range []color.RGBA{{255, 0, 0, 255}, {0, 255, 0, 255}, {0, 0, 255, 255}} {
		draw.Draw(img, image.Rect(i*20, 0, i*20+20, 20), image.NewUniform(c), image.Point{}, draw.Src)
	}
}

func TestX11ScreenshotSeesAWindow(t *testing.T) {
	for _, screen := range []string{"800x600x24", "800x600x16"} {
		t.Run(screen, func(t *testing.T) {
			display := startXvfb(t, screen)
			shown := screenshotOf(t, 520, 260, alice, bob)
			withSwatches(shown)
			at := image.Pt(150, 100)
			showInWindow(t, display, at, shown)

			d := Desktop{Display: display}
			if got := d.Routes(); len(got) != 1 || got[0] != X11 {
				t.Fatalf("got routes %v, want [X11]", got)
			}
			img, err := d.Screen(testContext(t, time.Minute))
			if err != nil {
				t.Fatal(err)
			}
			if got := img.Bounds(); got != image.Rect(0, 0, 800, 600) {
				t.Fatalf("got a %v capture, want the whole 800x600 screen", got)
			}
			for i, want := range []color.RGBA{{255, 0, 0, 255}, {0, 255, 0, 255}, {0, 0, 255, 255}} {
				p := at.Add(image.Pt(i*20+10, 10))
				if got := color.RGBAModel.Convert(img.At(p.X, p.Y)); got != want {
					t.Errorf("pixel at %v: got %v, want %v", p, got, want)
				}
			}
			wantAccounts(t, img, alice, bob)
		})
	}
}

func TestX11ScreenshotRefusesAColourMappedScreen(t *testing.T) {
	display := startXvfb(t, "320x240x8")
	_, err := Desktop{Display: display}.Screen(testContext(t, time.Minute))
	wantError(t, err, ErrNoScreen, "true colour", "Save the QR code as an image and open it")
}

func TestX11ScreenshotWithoutAServer(t *testing.T) {
	// A display number nothing listens on.
	_, err := Desktop{Display: ":7931"}.Screen(testContext(t, time.Minute))
	wantError(t, err, ErrNoScreen, ":7931", "Save the QR code as an image and open it")
}

// BenchmarkX11Screenshot reads a full-HD screen; compare with
// `DISPLAY=... import -silent -window root png:-`, the helper it replaces.
func BenchmarkX11Screenshot(b *testing.B) {
	display := startXvfb(b, "1920x1080x24")
	d := Desktop{Display: display}
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		if _, err := d.x11Screenshot(ctx); err != nil {
			b.Fatal(err)
		}
	}
}
