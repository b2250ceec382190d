//go:build unix && !darwin

package capture

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"os"
	"strings"
	"syscall"
	"time"

	"github.com/godbus/dbus/v5"
)

// The xdg-desktop-portal Screenshot interface. rymdport/portal wraps it too,
// but cannot tell a refusal from a failure, listens on the process-wide bus
// only after the call (racing the answer), takes any Request's answer as its
// own and panics on an unexpected one; so we speak D-Bus ourselves.
const (
	portalName       = "org.freedesktop.portal.Desktop"
	portalPath       = dbus.ObjectPath("/org/freedesktop/portal/desktop")
	screenshotMethod = "org.freedesktop.portal.Screenshot.Screenshot"
	settingsReadOne  = "org.freedesktop.portal.Settings.ReadOne"
	requestIface     = "org.freedesktop.portal.Request"
	responseSignal   = requestIface + ".Response"
	requestPrefix    = "/org/freedesktop/portal/desktop/request/"
)

// portalResponse is the first argument of Request.Response.
type portalResponse uint32

const (
	responseSuccess   portalResponse = 0
	responseCancelled portalResponse = 1 // the person said no
	responseOther     portalResponse = 2 // anything else ended the request
)

// D-Bus errors that mean there is no portal, or none with Screenshot.
var missingPortal = map[string]bool{
	"org.freedesktop.DBus.Error.ServiceUnknown":   true,
	"org.freedesktop.DBus.Error.NameHasNoOwner":   true,
	"org.freedesktop.DBus.Error.UnknownMethod":    true,
	"org.freedesktop.DBus.Error.UnknownInterface": true,
	"org.freedesktop.DBus.Error.UnknownObject":    true,
}

// portalScreenshot asks the desktop for a screenshot and reads the file it
// answers with.
func (d Desktop) portalScreenshot(ctx context.Context) (image.Image, error) {
	options := map[string]dbus.Variant{
		"modal":       dbus.MakeVariant(true),
		"interactive": dbus.MakeVariant(false),
	}
	results, err := d.portalRequest(ctx, screenshotErrors, screenshotMethod, options, "")
	if err != nil {
		return nil, err
	}
	uri, ok := results["uri"].Value().(string)
	if !ok {
		return nil, fmt.Errorf("%w: the answer names no file", ErrPortalFailed)
	}
	return readScreenshotFile(uri)
}

// portalErrors words what can go wrong with one portal's requests.
type portalErrors struct {
	service   string // "the screenshot service": what we wait for
	missing   error  // no portal, or none with the interface
	failed    error  // the call or the request failed
	cancelled error  // the person said no
}

var screenshotErrors = portalErrors{"the screenshot service", ErrNoPortal, ErrPortalFailed, ErrCancelled}

// portalRequest calls a portal method that answers through a Request
// (args, then options, with our handle_token added) and returns the
// results of its successful Response.
func (d Desktop) portalRequest(ctx context.Context, errs portalErrors, method string, options map[string]dbus.Variant, args ...any) (map[string]dbus.Variant, error) {
	if d.SessionBus == "" {
		return nil, fmt.Errorf("%w: no D-Bus session bus", errs.missing)
	}
	// Not tied to ctx: when it ends we still close the request.
	conn, release, err := d.busConn()
	if err != nil {
		return nil, fmt.Errorf("%w: connecting to the D-Bus session bus: %v", errs.missing, err)
	}
	defer release()

	// Listen for answers before asking, or a quick one is lost. The
	// portal answers on a path made of our unique name and a token of our
	// choice; portals before 0.9 choose their own under the same prefix,
	// so listen under it and pick ours once the call says which it is.
	token, err := handleToken()
	if err != nil {
		return nil, err
	}
	answers := make(chan *dbus.Signal, 8)
	conn.Signal(answers)
	defer conn.RemoveSignal(answers)
	match := []dbus.MatchOption{
		dbus.WithMatchPathNamespace(dbus.ObjectPath(strings.TrimSuffix(requestPrefix, "/"))),
		dbus.WithMatchInterface(requestIface),
		dbus.WithMatchMember("Response"),
	}
	if err = conn.AddMatchSignalContext(ctx, match...); err != nil {
		return nil, fmt.Errorf("%w: %v", errs.failed, err)
	}
	defer conn.RemoveMatchSignal(match...)
	withToken := map[string]dbus.Variant{"handle_token": dbus.MakeVariant(token)}
	for k, v := range options {
		withToken[k] = v
	}
	var got dbus.ObjectPath
	call := conn.Object(portalName, portalPath).CallWithContext(ctx, method, 0, append(args, withToken)...)
	if err := call.Store(&got); err != nil {
		var de dbus.Error
		if errors.As(err, &de) && missingPortal[de.Name] {
			return nil, fmt.Errorf("%w: %s", errs.missing, de.Name)
		}
		if ctx.Err() != nil {
			return nil, fmt.Errorf("waiting for %s: %w", errs.service, ctx.Err())
		}
		return nil, fmt.Errorf("%w: %v", errs.failed, err)
	}
	// Only the portal itself may answer: anyone on the bus can send a
	// Response signal on our path.
	var owner string
	if err := conn.BusObject().CallWithContext(ctx, "org.freedesktop.DBus.GetNameOwner", 0, portalName).Store(&owner); err != nil {
		return nil, fmt.Errorf("%w: %v", errs.failed, err)
	}
	for {
		select {
		case <-ctx.Done():
			closeRequest(conn, got)
			return nil, fmt.Errorf("waiting for %s: %w", errs.service, ctx.Err())
		case s, ok := <-answers:
			if !ok {
				return nil, fmt.Errorf("%w: the session bus closed the connection", errs.failed)
			}
			if s.Path != got || s.Name != responseSignal || s.Sender != owner {
				continue
			}
			return readResponse(s.Body, errs)
		}
	}
}

// busConn is the connection a portal call goes over. The desktop's own bus
// is reached through the process-wide connection, the one IntroducePortal
// introduced (and Fyne uses); a bus a test names gets its own.
func (d Desktop) busConn() (conn *dbus.Conn, release func(), err error) {
	if d.shared {
		conn, err = dbus.SessionBus()
		return conn, func() {}, err
	}
	conn, err = dbus.Connect(d.SessionBus)
	if err != nil {
		return nil, nil, err
	}
	return conn, func() { conn.Close() }, nil
}

// IntroducePortal makes one cheap portal call (reading the colour scheme)
// over the process-wide session bus connection. xdg-desktop-portal tells
// who calls by reading /proc/PID/root, which a non-dumpable process hides
// from it, so every later call would be refused; it remembers the answer
// for the connection. So the window calls this once at start, while the
// process is still dumpable and holds no secret, before hardening it.
// Finding no bus or no portal is not an error worth reporting.
func IntroducePortal(ctx context.Context) {
	d := CurrentDesktop()
	if d.SessionBus == "" {
		return
	}
	d.introduce(ctx)
}

func (d Desktop) introduce(ctx context.Context) error {
	conn, release, err := d.busConn()
	if err != nil {
		return err
	}
	defer release()
	var v dbus.Variant
	return conn.Object(portalName, portalPath).CallWithContext(ctx, settingsReadOne, 0, "org.freedesktop.appearance", "color-scheme").Store(&v)
}

// handleToken is the last element of the request's path; random, so two
// requests (or two Latchkeys) never share one.
func handleToken() (string, error) {
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return "latchkey_" + hex.EncodeToString(b), nil
}

// closeRequest ends the portal's dialog when we stop waiting for it.
func closeRequest(conn *dbus.Conn, path dbus.ObjectPath) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	conn.Object(portalName, path).CallWithContext(ctx, requestIface+".Close", 0)
}

// readResponse checks the portal's answer, (u response, a{sv} results), and
// returns its results when it succeeded.
func readResponse(body []any, errs portalErrors) (map[string]dbus.Variant, error) {
	if len(body) != 2 {
		return nil, fmt.Errorf("%w: an answer with %d values", errs.failed, len(body))
	}
	code, ok := body[0].(uint32)
	results, ok2 := body[1].(map[string]dbus.Variant)
	if !ok || !ok2 {
		return nil, fmt.Errorf("%w: an answer of the wrong types", errs.failed)
	}
	switch portalResponse(code) {
	case responseSuccess:
		return results, nil
	case responseCancelled:
		return nil, errs.cancelled
	}
	return nil, fmt.Errorf("%w (response %d)", errs.failed, code)
}

// readScreenshotFile reads the file a portal saved. It stays where it is:
// GNOME saves into the person's Pictures folder, and a file we did not make
// is never ours to delete.
func readScreenshotFile(uri string) (image.Image, error) {
	path, err := localPath(uri)
	if err != nil {
		return nil, fmt.Errorf("%w: the answer is not a local file", ErrPortalFailed)
	}
	// Non-blocking, so a FIFO in its place cannot stall us before Stat
	// (internal/input.Open looks before it opens, which a swap could beat).
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrPortalFailed, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrPortalFailed, err)
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%w: the screenshot is not a regular file", ErrPortalFailed)
	}
	if st.Size() > MaxBytes {
		return nil, fmt.Errorf("screenshot file of %d MiB: %w (limit %d MiB)", st.Size()>>20, ErrTooLarge, MaxBytes>>20)
	}
	data, err := readCapped(f, MaxBytes)
	if err != nil {
		return nil, fmt.Errorf("screenshot file: %w", err)
	}
	return decode(data)
}
