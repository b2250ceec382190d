//go:build linux

package capture

import (
	"bytes"
	"errors"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
)

func fileURI(path string) string { return (&url.URL{Scheme: "file", Path: path}).String() }

// A file the person chose comes back as its path; what was asked (title,
// images first, the starting folder) reaches the portal as the spec says.
func TestChooseFileThroughThePortal(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "QR code #1 (phone).png") // needs escaping in a URI
	d, p := portalTest(t, &fakePortal{uris: []string{fileURI(path)}})
	if !d.HasFileChooser() {
		t.Fatal("got no chooser with a session bus, want the portal tried")
	}
	wantChosen(t, d, FileQuestion{Title: "Open a QR code image", Kind: ImageFile, Folder: dir, Window: 0x3a00007}, path)
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.title != "Open a QR code image" || p.parent != "x11:3a00007" {
		t.Errorf("got title %q and parent %q, want the question's and x11:3a00007", p.title, p.parent)
	}
	token, _ := p.options["handle_token"].Value().(string)
	if !strings.HasPrefix(token, "latchkey_") || !strings.HasSuffix(string(p.handle), "/"+token) {
		t.Errorf("got handle_token %q and request %s, want a latchkey_ token ending the path", token, p.handle)
	}
	if folder, _ := p.options["current_folder"].Value().([]byte); !bytes.Equal(folder, append([]byte(dir), 0)) {
		t.Errorf("got current_folder %q, want %q and a NUL", folder, dir)
	}
	if dirOnly, _ := p.options["directory"].Value().(bool); dirOnly {
		t.Error("got directory=true for a file, want files")
	}
	var filters []portalFilter
	if err := dbus.Store([]any{p.options["filters"].Value()}, &filters); err != nil {
		t.Fatalf("reading the filters: %v", err)
	}
	if len(filters) != 2 || filters[0].Name != "Images" || filters[1].Name != "All files" {
		t.Fatalf("got filters %+v, want Images first, then All files", filters)
	}
	want := map[string]bool{"*.png": true, "*.PNG": true, "*.jpg": true, "*.jpeg": true, "*.webp": true, "image/png": true}
	for _, r := range filters[0].Rules {
		delete(want, r.Pattern)
	}
	if len(want) != 0 {
		t.Errorf("the Images filter lacks %v", want)
	}
	var current portalFilter
	if err := dbus.Store([]any{p.options["current_filter"].Value()}, &current); err != nil || current.Name != "Images" {
		t.Errorf("got current filter %+v (%v), want Images", current, err)
	}
}

// wantChosen asks d's chooser q and wants the path want back.
func wantChosen(t *testing.T, d Desktop, q FileQuestion, want string) {
	t.Helper()
	got, err := d.ChooseFile(testContext(t, time.Minute), q)
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestChooseFolderThroughThePortal(t *testing.T) {
	dir := t.TempDir()
	d, p := portalTest(t, &fakePortal{uris: []string{fileURI(dir) + "/"}})
	wantChosen(t, d, FileQuestion{Title: "Backup folder", Kind: Folder}, dir)
	p.mu.Lock()
	defer p.mu.Unlock()
	if dirOnly, _ := p.options["directory"].Value().(bool); !dirOnly {
		t.Error("got no directory option, want directory=true for a folder")
	}
	if _, ok := p.options["filters"]; ok {
		t.Error("got filters for a folder, want none")
	}
	if p.parent != "" {
		t.Errorf("got parent %q for no window, want none", p.parent)
	}
	if _, ok := p.options["current_folder"]; ok {
		t.Error("got current_folder with no folder asked for, want none")
	}
}

func TestChooseFileCancelled(t *testing.T) {
	d, _ := portalTest(t, &fakePortal{response: 1})
	_, err := d.ChooseFile(testContext(t, time.Minute), FileQuestion{Kind: AnyFile})
	if !errors.Is(err, ErrChoiceCancelled) {
		t.Fatalf("got %v, want ErrChoiceCancelled", err)
	}
}

func TestChooseFileFailed(t *testing.T) {
	d, _ := portalTest(t, &fakePortal{response: 2})
	_, err := d.ChooseFile(testContext(t, time.Minute), FileQuestion{Kind: AnyFile})
	wantError(t, err, ErrChooserFailed, "response 2")
}

func TestChooseFileWithoutAPortal(t *testing.T) {
	// A bus with nobody on it, then a portal without FileChooser.
	d := Desktop{SessionBus: startBus(t)}
	_, err := d.ChooseFile(testContext(t, time.Minute), FileQuestion{Kind: AnyFile})
	wantError(t, err, ErrNoChooser, "ServiceUnknown")

	bus := startBus(t)
	conn, err := dbus.Connect(bus)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	p := &fakePortal{}
	if err := conn.Export(settings{p}, portalPath, "org.freedesktop.portal.Settings"); err != nil {
		t.Fatal(err)
	}
	if reply, err := conn.RequestName(portalName, dbus.NameFlagDoNotQueue); err != nil || reply != dbus.RequestNameReplyPrimaryOwner {
		t.Fatalf("taking the portal's name: %v, %v", reply, err)
	}
	_, err = Desktop{SessionBus: bus}.ChooseFile(testContext(t, time.Minute), FileQuestion{Kind: AnyFile})
	wantError(t, err, ErrNoChooser)

	none := Desktop{}
	if none.HasFileChooser() {
		t.Error("got a chooser without a session bus, want none")
	}
	_, err = none.ChooseFile(testContext(t, time.Minute), FileQuestion{Kind: AnyFile})
	wantError(t, err, ErrNoChooser, "no D-Bus session bus")
}

// Anyone on the bus can send a Response on our request's path: only the
// portal's own counts.
func TestChooseFileIgnoresForgedAnswers(t *testing.T) {
	real := filepath.Join(t.TempDir(), "real.png")
	forged := filepath.Join(t.TempDir(), "forged.png")
	d, _ := portalTest(t, &fakePortal{uris: []string{fileURI(real)}, impostor: fileURI(forged)})
	wantChosen(t, d, FileQuestion{Kind: ImageFile}, real) // not the forged answer
}

func TestChooseFileFromAnOlderPortal(t *testing.T) {
	path := filepath.Join(t.TempDir(), "shot.png")
	d, _ := portalTest(t, &fakePortal{uris: []string{fileURI(path)}, ownPath: true})
	wantChosen(t, d, FileQuestion{Kind: ImageFile}, path)
}

func TestChooseFileThatNeverAnswersIsClosed(t *testing.T) {
	d, p := portalTest(t, &fakePortal{silent: true})
	_, err := d.ChooseFile(testContext(t, time.Second), FileQuestion{Kind: AnyFile})
	wantClosedOnDeadline(t, p, err)
}

func TestChooseFileAnswersThatAreNotLocalFiles(t *testing.T) {
	for _, tc := range []struct {
		uris  []string
		want  error
		words string
	}{
		{[]string{"smb://nas/share/qr.png"}, ErrNotLocal, "smb: address"},
		{[]string{"mtp://phone/DCIM/qr.png"}, ErrNotLocal, "Copy the file to this computer"},
		{[]string{"file://elsewhere/tmp/qr.png"}, ErrNotLocal, "another computer"},
		{[]string{"file:relative/qr.png"}, ErrNotLocal, "Copy the file"},
		{[]string{"ja\nvascript:alert(1)"}, ErrChooserFailed, "not an address"},
		{[]string{}, ErrChooserFailed, "names no file"},
		{[]string{fileURI("/tmp/a.png"), fileURI("/tmp/b.png")}, ErrChooserFailed, "names 2 files"},
	} {
		d, _ := portalTest(t, &fakePortal{uris: tc.uris})
		_, err := d.ChooseFile(testContext(t, time.Minute), FileQuestion{Kind: ImageFile})
		if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.words) {
			t.Errorf("%q: got %v, want %v saying %q", tc.uris, err, tc.want, tc.words)
		}
	}
	if got := safeScheme("a b\x1b[31m"); got != "a?b??31m" {
		t.Errorf("got scheme %q, want unsafe characters replaced", got)
	}
}
