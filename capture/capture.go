// Package capture takes a picture of the screen and reads an image from the
// clipboard, so that QR codes on them can be scanned, on every desktop
// Latchkey runs on, without running any helper program.
//
// Screen chooses its route at run time (see Desktop.Routes):
//
//   - Portal: on Wayland, and on GNOME or KDE under X11, it asks the desktop
//     through the xdg-desktop-portal Screenshot interface on the D-Bus
//     session bus. The desktop shows its own consent dialog and hands back a
//     file, which is read and left where the desktop put it.
//   - X11: on other X11 desktops (or when GNOME's or KDE's portal is missing)
//     it reads the root window, which spans every monitor, through the X
//     protocol.
//   - System: on Windows and macOS it asks the system through
//     github.com/kbinani/screenshot, covering every display.
//
// ClipboardImage reads the CLIPBOARD selection through the X protocol on X11
// and XWayland, the clipboard on Windows, and the pasteboard on macOS.
//
// ChooseFile shows the desktop's own file chooser: the xdg-desktop-portal
// FileChooser over the same D-Bus connection on Linux, the system's dialogs
// through github.com/ncruces/zenity on Windows and macOS. It returns a path;
// the window reads the file through its usual capped openers.
//
// Everything read is untrusted: encoded images are capped at MaxBytes before
// they are read, pixels at MaxPixels and MaxSide before they are allocated.
// Errors are branchable with errors.Is (ErrCancelled, ErrNoPortal, ...), and
// those from Screen end by saying what to do instead.
//
//	img, err := capture.CurrentDesktop().Screen(ctx)
package capture

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	_ "image/gif" // clipboards and portals hand over any common format
	_ "image/jpeg"
	_ "image/png"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	_ "golang.org/x/image/bmp"
	_ "golang.org/x/image/webp"
)

// Caps on what a screenshot or clipboard may hand us. The pixel caps are
// qrimport's, so whatever is captured can also be scanned.
const (
	MaxBytes  = 256 << 20  // an encoded image: a portal file or clipboard data
	MaxPixels = 40_000_000 // an 8K screen (7680x4320) fits
	MaxSide   = 16384      // either dimension
)

var (
	ErrCancelled    = errors.New("the screenshot was cancelled")
	ErrNoPortal     = errors.New("no screenshot service is running (xdg-desktop-portal)")
	ErrPortalFailed = errors.New("the desktop's screenshot service could not take the screenshot")
	ErrNoScreen     = errors.New("the screen could not be read")
	ErrNoClipboard  = errors.New("the clipboard could not be read")
	ErrNoImage      = errors.New("the clipboard holds no image")
	ErrNotImage     = errors.New("not an image Latchkey can read")
	ErrTooLarge     = errors.New("too large")
)

// instead is what a person can do when the screen cannot be captured.
const instead = "Save the QR code as an image and open it instead"

// Route is one way of capturing the screen.
type Route int

const (
	Portal Route = iota + 1 // xdg-desktop-portal Screenshot over D-Bus
	X11                     // the X11 root window through the X protocol
	System                  // Windows' or macOS's own capture
)

var routeNames = [...]string{Portal: "xdg-desktop-portal", X11: "X11", System: "system capture"}

func (r Route) String() string {
	if r >= 0 && int(r) < len(routeNames) && routeNames[r] != "" {
		return routeNames[r]
	}
	return fmt.Sprintf("Route(%d)", int(r))
}

// Desktop says where the desktop's services are. CurrentDesktop reads them
// from the environment; tests point them at their own X server and bus.
type Desktop struct {
	Display    string // the X11 display, as in $DISPLAY; "" when there is none
	Wayland    string // $WAYLAND_DISPLAY; set in a Wayland session
	Session    string // $XDG_CURRENT_DESKTOP, e.g. "ubuntu:GNOME" or "KDE"
	SessionBus string // the D-Bus session bus address; "" when there is none

	// shared: SessionBus is this process's own session bus, reached
	// through the process-wide connection (see IntroducePortal).
	shared bool
}

// CurrentDesktop describes the desktop this process runs in.
func CurrentDesktop() Desktop {
	d := Desktop{
		Display:    os.Getenv("DISPLAY"),
		Wayland:    os.Getenv("WAYLAND_DISPLAY"),
		Session:    os.Getenv("XDG_CURRENT_DESKTOP"),
		SessionBus: os.Getenv("DBUS_SESSION_BUS_ADDRESS"),
	}
	if d.SessionBus == "" {
		// systemd's per-user bus, where sessions often leave the variable
		// unset. Finding no bus is not a reason to start one.
		if dir := os.Getenv("XDG_RUNTIME_DIR"); dir != "" {
			if st, err := os.Stat(filepath.Join(dir, "bus")); err == nil && st.Mode().Type() == os.ModeSocket {
				d.SessionBus = "unix:path=" + filepath.Join(dir, "bus")
			}
		}
	}
	d.shared = d.SessionBus != ""
	return d
}

// Routes lists the ways Screen tries, in order, on this platform.
func (d Desktop) Routes() []Route {
	return routesFor(runtime.GOOS, d)
}

func routesFor(goos string, d Desktop) []Route {
	switch {
	case goos == "windows" || goos == "darwin":
		return []Route{System}
	case d.Wayland != "":
		// Under XWayland the X11 root shows only X11 windows: a mostly black
		// picture would only mislead, so there is no X11 fallback.
		return []Route{Portal}
	case d.Display != "" && d.gnomeOrKDE():
		return []Route{Portal, X11}
	case d.Display != "":
		return []Route{X11}
	}
	return []Route{Portal}
}

// gnomeOrKDE reports whether the session is GNOME's or KDE's, whose portals
// implement Screenshot. XDG_CURRENT_DESKTOP is a colon-separated list.
func (d Desktop) gnomeOrKDE() bool {
	for _, s := range strings.Split(d.Session, ":") {
		s = strings.ToUpper(s)
		if strings.HasPrefix(s, "GNOME") || s == "KDE" {
			return true
		}
	}
	return false
}

// Screen captures every screen as one image. A route that is missing or
// fails hands over to the next; a cancelled screenshot does not, as the
// person said no.
func (d Desktop) Screen(ctx context.Context) (image.Image, error) {
	var err error
	for _, r := range d.Routes() {
		var img image.Image
		img, err = d.screenBy(ctx, r)
		if err == nil {
			return img, nil
		}
		if !errors.Is(err, ErrNoPortal) && !errors.Is(err, ErrPortalFailed) {
			break
		}
	}
	return nil, fmt.Errorf("%w. %s", err, instead)
}

// decode decodes an encoded image after checking its length and the size its
// header declares, so a hostile image cannot make us allocate beyond the caps.
func decode(data []byte) (image.Image, error) {
	if len(data) > MaxBytes {
		return nil, fmt.Errorf("image of %d MiB: %w (limit %d MiB)", len(data)>>20, ErrTooLarge, MaxBytes>>20)
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNotImage, err)
	}
	if err := checkSize(cfg.Width, cfg.Height); err != nil {
		return nil, err
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNotImage, err)
	}
	return img, nil
}

// checkSize refuses an empty image or one beyond the pixel caps.
func checkSize(w, h int) error {
	if w <= 0 || h <= 0 {
		return fmt.Errorf("image of %dx%d pixels: %w", w, h, ErrNotImage)
	}
	if w > MaxSide || h > MaxSide || w*h > MaxPixels {
		return fmt.Errorf("image of %dx%d pixels: %w (limit %d megapixels, %d pixels a side)", w, h, ErrTooLarge, MaxPixels/1_000_000, MaxSide)
	}
	return nil
}

// readCapped reads at most limit bytes from r; more is ErrTooLarge, noticed
// before more than limit+1 bytes are held.
func readCapped(r io.Reader, limit int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("more than %d MiB: %w", limit>>20, ErrTooLarge)
	}
	return data, nil
}
