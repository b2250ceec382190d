//go:build linux

package capture

import (
	"bytes"
	"image"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jezek/xgb"
	"github.com/jezek/xgb/xproto"
	"golang.org/x/image/bmp"

	"latchkey/internal/testtool"
)

// offer puts data on the display's clipboard as type target with xclip,
// an independent selection owner (it sends large data in INCR chunks). It
// is only the setter: the code under test runs with neither xclip nor
// ImageMagick on PATH.
func offer(t *testing.T, display, target string, data []byte) {
	t.Helper()
	bin := testtool.Path(t, "xclip")
	file := filepath.Join(t.TempDir(), "clip")
	if err := os.WriteFile(file, data, 0o600); err != nil {
		t.Fatal(err)
	}
	// xclip owns the selection once it is up: wait for a new owner.
	c, err := xgb.NewConnDisplay(display)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	clip, err := xproto.InternAtom(c, false, 9, "CLIPBOARD").Reply()
	if err != nil {
		t.Fatal(err)
	}
	before, err := xproto.GetSelectionOwner(c, clip.Atom).Reply()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-quiet", "-selection", "clipboard", "-t", target, "-i", file)
	cmd.Env = append(os.Environ(), "DISPLAY="+display)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		r, err := xproto.GetSelectionOwner(c, clip.Atom).Reply()
		if err == nil && r.Owner != xproto.WindowNone && r.Owner != before.Owner {
			return
		}
	}
	t.Fatalf("xclip did not take the clipboard: %s", out.String())
}

// withoutHelpers hides every program from the code under test.
func withoutHelpers(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	for _, helper := range []string{"xclip", "import"} {
		if _, err := exec.LookPath(helper); err == nil {
			t.Fatalf("%s is still on PATH", helper)
		}
	}
}

// noisy is an image whose PNG does not compress: random pixels around a
// white middle holding a QR code.
func noisy(t *testing.T, side int, a account) image.Image {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, side, side))
	r := rand.New(rand.NewPCG(1, 2))
	for i := range img.Pix {
		img.Pix[i] = uint8(r.Uint32())
	}
	mid := screenshotOf(t, 300, 300, a)
	for y := range 300 {
		for x := range 300 {
			img.Set(side/2-150+x, side/2-150+y, mid.At(x, y))
		}
	}
	return img
}

func TestClipboardImageReadsAPastedPNG(t *testing.T) {
	display := startXvfb(t, "640x480x24")
	offer(t, display, "image/png", pngBytes(t, screenshotOf(t, 300, 200, alice)))
	withoutHelpers(t)
	d := Desktop{Display: display}
	data, incr, err := d.x11ClipboardData(testContext(t, time.Minute), MaxBytes)
	if err != nil {
		t.Fatal(err)
	}
	if incr {
		t.Error("a small image came in chunks; want it in one piece")
	}
	if !bytes.HasPrefix(data, []byte("\x89PNG")) {
		t.Errorf("got %d bytes starting %q, want a PNG", len(data), data[:min(8, len(data))])
	}
	img, err := d.ClipboardImage(testContext(t, time.Minute))
	wantCaptured(t, img, err, alice)
}

func TestClipboardImageReadsALargeImageInChunks(t *testing.T) {
	display := startXvfb(t, "640x480x24")
	big := pngBytes(t, noisy(t, 1600, bob))
	offer(t, display, "image/png", big)
	withoutHelpers(t)
	d := Desktop{Display: display}
	data, incr, err := d.x11ClipboardData(testContext(t, time.Minute), MaxBytes)
	if err != nil {
		t.Fatal(err)
	}
	if !incr {
		t.Errorf("%d MiB came in one piece; want INCR chunks (the test no longer covers them)", len(big)>>20)
	}
	if !bytes.Equal(data, big) {
		t.Fatalf("got %d bytes, want the %d offered", len(data), len(big))
	}
	img, err := d.ClipboardImage(testContext(t, time.Minute))
	wantCaptured(t, img, err, bob)
}

func TestClipboardImageStopsAtTheLimit(t *testing.T) {
	for _, tc := range []struct {
		name string
		data func(t *testing.T) []byte
	}{
		{"in one piece", func(t *testing.T) []byte { return pngBytes(t, screenshotOf(t, 300, 200, alice)) }},
		{"in chunks", func(t *testing.T) []byte { return pngBytes(t, noisy(t, 1600, bob)) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			display := startXvfb(t, "640x480x24")
			data := tc.data(t)
			offer(t, display, "image/png", data)
			_, _, err := Desktop{Display: display}.x11ClipboardData(testContext(t, time.Minute), len(data)-1)
			wantError(t, err, ErrTooLarge)
			// With room for it, the same data reads fine: the limit, not the
			// transfer, stopped it. (A new owner: xclip waits for ever on
			// the transfer we abandoned, where a toolkit would time out.)
			offer(t, display, "image/png", data)
			got, _, err := Desktop{Display: display}.x11ClipboardData(testContext(t, time.Minute), len(data))
			if err != nil || len(got) != len(data) {
				t.Errorf("at the limit: got %d bytes and %v, want %d bytes", len(got), err, len(data))
			}
		})
	}
}

func TestClipboardImageOtherFormats(t *testing.T) {
	display := startXvfb(t, "640x480x24")
	// A BMP file, as image editors offer it.
	img := screenshotOf(t, 300, 200, alice)
	var file bytes.Buffer
	if err := bmp.Encode(&file, img); err != nil {
		t.Fatal(err)
	}
	offer(t, display, "image/bmp", file.Bytes())
	got, err := Desktop{Display: display}.ClipboardImage(testContext(t, time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	wantAccounts(t, got, alice)
}

func TestClipboardWithoutAnImage(t *testing.T) {
	display := startXvfb(t, "640x480x24")
	d := Desktop{Display: display}
	_, err := d.ClipboardImage(testContext(t, time.Minute))
	wantError(t, err, ErrNoImage, "empty")

	offer(t, display, "UTF8_STRING", []byte("just some words"))
	_, err = d.ClipboardImage(testContext(t, time.Minute))
	wantError(t, err, ErrNoImage)

	// An owner that claims an image and sends garbage.
	offer(t, display, "image/png", []byte("not a png at all"))
	_, err = d.ClipboardImage(testContext(t, time.Minute))
	wantError(t, err, ErrNotImage)
}

func TestClipboardOwnerThatNeverAnswers(t *testing.T) {
	display := startXvfb(t, "640x480x24")
	// Own the clipboard and ignore every request.
	c, err := xgb.NewConnDisplay(display)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	scr := xproto.Setup(c).DefaultScreen(c)
	wid, _ := c.NewId()
	xproto.CreateWindow(c, 0, xproto.Window(wid), scr.Root, 0, 0, 1, 1, 0, xproto.WindowClassInputOnly, 0, 0, nil)
	clip, _ := xproto.InternAtom(c, false, 9, "CLIPBOARD").Reply()
	if err := xproto.SetSelectionOwnerChecked(c, xproto.Window(wid), clip.Atom, xproto.TimeCurrentTime).Check(); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err = Desktop{Display: display}.ClipboardImage(testContext(t, time.Second))
	if err == nil || !strings.Contains(err.Error(), "deadline") {
		t.Errorf("got %v, want the context's deadline", err)
	}
	if took := time.Since(start); took > 30*time.Second {
		t.Errorf("gave up after %v, want soon after the 1s deadline", took)
	}
}

func TestClipboardWithoutAServer(t *testing.T) {
	_, err := Desktop{}.ClipboardImage(testContext(t, time.Minute))
	wantError(t, err, ErrNoClipboard, "DISPLAY")
	_, err = Desktop{Display: ":7931"}.ClipboardImage(testContext(t, time.Minute))
	wantError(t, err, ErrNoClipboard, ":7931")
}
