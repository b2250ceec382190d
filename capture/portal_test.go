//go:build linux

package capture

import (
	"image"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"

	"latchkey/internal/testtool"
)

// fakePortal is a test double of org.freedesktop.portal.Screenshot on a
// private bus. It answers each request the way xdg-desktop-portal does: it
// returns the request's path, then sends Response on it.
type fakePortal struct {
	bus  string
	conn *dbus.Conn

	response uint32   // 0 success, 1 cancelled, 2 other
	uri      string   // the "uri" result on success
	silent   bool     // never answer
	ownPath  bool     // choose a path of its own, as portals before 0.9 do
	impostor string   // when set, another connection answers first with this uri
	uris     []string // FileChooser: the "uris" result; nil answers with uri

	mu      sync.Mutex
	callers []dbus.Sender // who called, Settings and Screenshot alike
	options map[string]dbus.Variant
	title   string // FileChooser: the title asked for
	parent  string // FileChooser: the parent window asked for
	handle  dbus.ObjectPath
	closed  bool // Request.Close was called
}

// servePortal puts the double on the bus as org.freedesktop.portal.Desktop.
func servePortal(t *testing.T, bus string, p *fakePortal) *fakePortal {
	t.Helper()
	conn, err := dbus.Connect(bus)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	p.bus, p.conn = bus, conn
	if err := conn.Export(p, portalPath, "org.freedesktop.portal.Screenshot"); err != nil {
		t.Fatal(err)
	}
	if err := conn.Export(chooser{p}, portalPath, "org.freedesktop.portal.FileChooser"); err != nil {
		t.Fatal(err)
	}
	if err := conn.Export(settings{p}, portalPath, "org.freedesktop.portal.Settings"); err != nil {
		t.Fatal(err)
	}
	reply, err := conn.RequestName(portalName, dbus.NameFlagDoNotQueue)
	if err != nil || reply != dbus.RequestNameReplyPrimaryOwner {
		t.Fatalf("taking the portal's name: %v, %v", reply, err)
	}
	return p
}

// Screenshot is the portal's method: (s parent_window, a{sv} options) -> o handle.
func (p *fakePortal) Screenshot(sender dbus.Sender, parent string, options map[string]dbus.Variant) (dbus.ObjectPath, *dbus.Error) {
	return p.request(sender, options)
}

// request records a call and answers it on its Request path.
func (p *fakePortal) request(sender dbus.Sender, options map[string]dbus.Variant) (dbus.ObjectPath, *dbus.Error) {
	token, _ := options["handle_token"].Value().(string)
	handle := requestPath(string(sender), token)
	if p.ownPath {
		handle = "/org/freedesktop/portal/desktop/request/old/1"
	}
	p.mu.Lock()
	p.options, p.handle = options, handle
	p.callers = append(p.callers, sender)
	p.mu.Unlock()
	p.conn.Export(request{p}, handle, requestIface)
	if !p.silent {
		// Sent before the method returns, as a fast portal may: the
		// caller must already be listening.
		go p.answer(handle)
	}
	return handle, nil
}

func (p *fakePortal) answer(handle dbus.ObjectPath) {
	if p.impostor != "" {
		other, err := dbus.Connect(p.bus)
		if err == nil {
			forged := map[string]dbus.Variant{"uri": dbus.MakeVariant(p.impostor), "uris": dbus.MakeVariant([]string{p.impostor})}
			other.Emit(handle, responseSignal, uint32(0), forged)
			// A round trip: the bus has passed the forgery on before
			// the real answer.
			other.BusObject().Call("org.freedesktop.DBus.GetId", 0)
			other.Close()
		}
	}
	results := map[string]dbus.Variant{}
	switch {
	case p.response != 0:
	case p.uris != nil:
		results["uris"] = dbus.MakeVariant(p.uris)
	default:
		results["uri"] = dbus.MakeVariant(p.uri)
	}
	p.conn.Emit(handle, responseSignal, p.response, results)
}

// chooser is the portal's FileChooser object.
type chooser struct{ p *fakePortal }

// OpenFile is (s parent_window, s title, a{sv} options) -> o handle.
func (c chooser) OpenFile(sender dbus.Sender, parent, title string, options map[string]dbus.Variant) (dbus.ObjectPath, *dbus.Error) {
	c.p.mu.Lock()
	c.p.title, c.p.parent = title, parent
	c.p.mu.Unlock()
	return c.p.request(sender, options)
}

// settings is the portal's Settings object, which IntroducePortal calls.
type settings struct{ p *fakePortal }

func (s settings) ReadOne(sender dbus.Sender, namespace, key string) (dbus.Variant, *dbus.Error) {
	s.p.mu.Lock()
	s.p.callers = append(s.p.callers, sender)
	s.p.mu.Unlock()
	return dbus.MakeVariant(uint32(0)), nil
}

// request is the portal's Request object, which the caller may close.
type request struct{ p *fakePortal }

func (r request) Close() *dbus.Error {
	r.p.mu.Lock()
	r.p.closed = true
	r.p.mu.Unlock()
	return nil
}

// portalTest starts a bus with the double on it and returns a Wayland
// desktop that uses them.
func portalTest(t *testing.T, p *fakePortal) (Desktop, *fakePortal) {
	t.Helper()
	bus := startBus(t)
	servePortal(t, bus, p)
	return Desktop{Wayland: "wayland-0", SessionBus: bus}, p
}

// screenshotFile saves a screenshot with QR codes where a portal would.
func screenshotFile(t *testing.T, accounts ...account) (path, uri string) {
	t.Helper()
	path = filepath.Join(t.TempDir(), "Screenshot from today.png")
	if err := os.WriteFile(path, pngBytes(t, screenshotOf(t, 900, 360, accounts...)), 0o600); err != nil {
		t.Fatal(err)
	}
	return path, (&url.URL{Scheme: "file", Path: path}).String()
}

func TestPortalScreenshotIsRead(t *testing.T) {
	path, uri := screenshotFile(t, alice, bob)
	d, p := portalTest(t, &fakePortal{uri: uri})
	if got := d.Routes(); len(got) != 1 || got[0] != Portal {
		t.Fatalf("got routes %v on Wayland, want [Portal]", got)
	}
	img, err := d.Screen(testContext(t, time.Minute))
	wantCaptured(t, img, err, alice, bob)
	if _, err := os.Stat(path); err != nil {
		t.Errorf("the portal's file is gone (%v); want it left where the desktop saved it", err)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	token, _ := p.options["handle_token"].Value().(string)
	if !strings.HasPrefix(token, "latchkey_") || !strings.HasSuffix(string(p.handle), "/"+token) {
		t.Errorf("got handle_token %q and request %s, want a latchkey_ token ending the path", token, p.handle)
	}
	if modal, _ := p.options["modal"].Value().(bool); !modal {
		t.Error("got a non-modal request, want the desktop's dialog modal")
	}
}

func TestPortalFromAnOlderPortal(t *testing.T) {
	_, uri := screenshotFile(t, alice)
	d, _ := portalTest(t, &fakePortal{uri: uri, ownPath: true})
	img, err := d.Screen(testContext(t, time.Minute))
	wantCaptured(t, img, err, alice)
}

func TestPortalIgnoresAnswersFromOthers(t *testing.T) {
	_, real := screenshotFile(t, alice)
	_, forged := screenshotFile(t, bob)
	d, _ := portalTest(t, &fakePortal{uri: real, impostor: forged})
	img, err := d.Screen(testContext(t, time.Minute))
	wantCaptured(t, img, err, alice)
}

func TestPortalRefused(t *testing.T) {
	d, _ := portalTest(t, &fakePortal{response: 1})
	_, err := d.Screen(testContext(t, time.Minute))
	wantError(t, err, ErrCancelled, "the screenshot was cancelled", "Save the QR code as an image and open it")
}

func TestPortalFailed(t *testing.T) {
	d, _ := portalTest(t, &fakePortal{response: 2})
	_, err := d.Screen(testContext(t, time.Minute))
	wantError(t, err, ErrPortalFailed, "Save the QR code as an image and open it")
}

func TestPortalMissing(t *testing.T) {
	d := Desktop{Wayland: "wayland-0", SessionBus: startBus(t)}
	_, err := d.Screen(testContext(t, time.Minute))
	wantError(t, err, ErrNoPortal, "no screenshot service is running (xdg-desktop-portal)", "Save the QR code as an image and open it")

	_, err = Desktop{Wayland: "wayland-0"}.Screen(testContext(t, time.Minute))
	wantError(t, err, ErrNoPortal, "no D-Bus session bus")
}

func TestPortalThatNeverAnswersIsClosed(t *testing.T) {
	d, p := portalTest(t, &fakePortal{silent: true})
	_, err := d.Screen(testContext(t, time.Second))
	wantClosedOnDeadline(t, p, err)
}

// wantClosedOnDeadline checks that a request the portal never answered
// ended at the context's deadline and was closed, so the desktop's dialog
// goes away.
func wantClosedOnDeadline(t *testing.T, p *fakePortal, err error) {
	t.Helper()
	if err == nil || !strings.Contains(err.Error(), "deadline") {
		t.Fatalf("got %v, want the context's deadline", err)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.closed {
		t.Error("the request was left open; want Request.Close, so the desktop's dialog goes away")
	}
}

func TestPortalAnswersThatAreNotScreenshots(t *testing.T) {
	dir := t.TempDir()
	// Nothing is written: the size alone must stop the read.
	huge := testtool.SparseFile(t, filepath.Join(dir, "huge.png"), nil, MaxBytes+1)
	notImage := filepath.Join(dir, "notes.txt")
	os.WriteFile(notImage, []byte("hello"), 0o600)
	for _, tc := range []struct {
		uri  string
		want error
	}{
		{"https://example.com/shot.png", ErrPortalFailed},
		{"file://elsewhere/tmp/shot.png", ErrPortalFailed},
		{"file:shot.png", ErrPortalFailed},
		{"file://" + filepath.Join(dir, "missing.png"), ErrPortalFailed},
		{"file://" + dir, ErrPortalFailed},
		{"file://" + huge, ErrTooLarge},
		{"file://" + notImage, ErrNotImage},
	} {
		d, _ := portalTest(t, &fakePortal{uri: tc.uri})
		_, err := d.Screen(testContext(t, time.Minute))
		if err == nil || !strings.Contains(err.Error(), "Save the QR code") {
			t.Errorf("%s: got %v, want a failure that says what to do", tc.uri, err)
		}
		wantError(t, err, tc.want)
	}
}

func TestGNOMEUnderX11FallsBackWhenThePortalIsMissing(t *testing.T) {
	display := startXvfb(t, "640x480x24")
	showInWindow(t, display, image.Pt(100, 100), screenshotOf(t, 300, 200, alice))
	d := Desktop{Display: display, Session: "ubuntu:GNOME", SessionBus: startBus(t)}
	if got := d.Routes(); len(got) != 2 || got[0] != Portal || got[1] != X11 {
		t.Fatalf("got routes %v, want [Portal X11]", got)
	}
	img, err := d.Screen(testContext(t, time.Minute))
	wantCaptured(t, img, err, alice)
}

func TestKDEUnderX11DoesNotOverrideARefusal(t *testing.T) {
	display := startXvfb(t, "640x480x24")
	showInWindow(t, display, image.Pt(100, 100), screenshotOf(t, 300, 200, alice))
	d, _ := portalTest(t, &fakePortal{response: 1})
	d.Wayland, d.Display, d.Session = "", display, "KDE"
	_, err := d.Screen(testContext(t, time.Minute))
	wantError(t, err, ErrCancelled)
}

// requestPath is where the portal puts the Request for a caller's token:
// the unique name without its colon and with dots as underscores.
func requestPath(sender, token string) dbus.ObjectPath {
	s := strings.ReplaceAll(strings.TrimPrefix(sender, ":"), ".", "_")
	return dbus.ObjectPath(requestPrefix + s + "/" + token)
}

// The portal identifies a caller once per connection, which only works while
// the process is dumpable; so the introduction and every later screenshot
// must go over one connection, the process-wide one Fyne uses too.
func TestIntroducedConnectionTakesTheScreenshots(t *testing.T) {
	_, uri := screenshotFile(t, alice)
	bus := startBus(t)
	p := servePortal(t, bus, &fakePortal{uri: uri})
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", bus)
	t.Setenv("WAYLAND_DISPLAY", "wayland-0")
	IntroducePortal(testContext(t, time.Minute))
	d := CurrentDesktop()
	if _, err := d.Screen(testContext(t, time.Minute)); err != nil {
		t.Fatal(err)
	}
	shared, err := dbus.SessionBus()
	if err != nil {
		t.Fatal(err)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	want := dbus.Sender(shared.Names()[0])
	if len(p.callers) != 2 || p.callers[0] != want || p.callers[1] != want {
		t.Errorf("got calls from %v, want the introduction and the screenshot both from the shared connection %s", p.callers, want)
	}
}
