//go:build linux

package capture

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"latchkey/internal/testtool"
	"latchkey/qrimport"
)

// The tests run real servers: an Xvfb of their own for each X11 test and a
// private dbus-daemon for each portal test. ./test.sh installs both (xvfb,
// dbus) and qrencode, so a missing one fails rather than skips.

// startXvfb starts a virtual X server with one screen of the given geometry
// ("640x480x24") and returns its display name.
func startXvfb(t testing.TB, screen string) string {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	cmd := exec.Command(testtool.Path(t, "Xvfb"), "-displayfd", "3", "-nolisten", "tcp", "-noreset", "-screen", "0", screen)
	cmd.ExtraFiles = []*os.File{w}
	return ":" + serve(t, cmd, r)
}

// serve starts cmd, a server that says where it listens in the first line
// it writes to out, and gives that line. The server is stopped when the
// test ends.
func serve(t testing.TB, cmd *exec.Cmd, out io.Reader) string {
	t.Helper()
	name := filepath.Base(cmd.Path)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", name, err)
	}
	for _, f := range cmd.ExtraFiles {
		f.Close() // the server's ends of the pipes
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	line := make(chan string, 1)
	go func() {
		l, _ := bufio.NewReader(out).ReadString('\n')
		line <- strings.TrimSpace(l)
	}()
	select {
	case l := <-line:
		if l == "" {
			t.Fatalf("%s did not start: %s", name, stderr.String())
		}
		return l
	case <-time.After(30 * time.Second):
		t.Fatalf("%s did not start within 30s: %s", name, stderr.String())
	}
	return ""
}

// busConfig is a session bus that only this test's processes reach: a
// socket in a temporary folder, no service activation.
const busConfig = `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path=%s</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`

// startBus starts a private D-Bus session bus and returns its address.
func startBus(t *testing.T) string {
	t.Helper()
	bin := testtool.Path(t, "dbus-daemon")
	dir := t.TempDir()
	conf := filepath.Join(dir, "bus.conf")
	if err := os.WriteFile(conf, fmt.Appendf(nil, busConfig, filepath.Join(dir, "bus")), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "--config-file="+conf, "--nofork", "--print-address=1")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	return serve(t, cmd, out)
}

// account is a key that a test puts in a QR code and expects back.
type account struct{ issuer, name string }

func (a account) uri() string {
	return "otpauth://totp/" + a.issuer + ":" + a.name + "?secret=JBSWY3DPEHPK3PXP&issuer=" + a.issuer
}

var (
	alice = account{"Example", "alice@example.com"}
	bob   = account{"Forge", "bob"}
)

// qrCode is a QR code drawn by an independent encoder, qrencode.
func qrCode(t *testing.T, a account) image.Image {
	t.Helper()
	return testtool.DecodePNG(t, testtool.QREncode(t, a.uri(), 4, 2))
}

// screenshotOf lays QR codes out side by side on a white w×h picture.
func screenshotOf(t *testing.T, w, h int, accounts ...account) *image.RGBA {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(img, img.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	x := 40
	for _, a := range accounts {
		qr := qrCode(t, a)
		draw.Draw(img, qr.Bounds().Add(image.Pt(x, 40)), qr, qr.Bounds().Min, draw.Src)
		x += qr.Bounds().Dx() + 40
	}
	return img
}

// wantCaptured checks that a capture worked and holds exactly the accounts.
func wantCaptured(t *testing.T, img image.Image, err error, want ...account) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	wantAccounts(t, img, want...)
}

// wantAccounts checks that img holds exactly the accounts, read as the app
// reads a capture.
func wantAccounts(t *testing.T, img image.Image, want ...account) {
	t.Helper()
	res, err := qrimport.ReadImage(img)
	if err != nil {
		t.Fatalf("reading the capture: %v", err)
	}
	var got []account
	for _, k := range res.Keys {
		got = append(got, account{k.Issuer, k.Name})
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("got accounts %v, want %v", got, want)
	}
}

// wantError checks err against a sentinel and the words a person reads.
func wantError(t *testing.T, err, sentinel error, words ...string) {
	t.Helper()
	if !errors.Is(err, sentinel) {
		t.Fatalf("got error %v, want %v", err, sentinel)
	}
	for _, w := range words {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("got message %q, want it to say %q", err, w)
		}
	}
}

func testContext(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}
