package ui

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"latchkey/capture"
	"latchkey/internal/safetext"
	"latchkey/internal/testtool"
	"latchkey/vault"
)

// The tests never ask the desktop's chooser of the machine they run on;
// those that test the route put a double in its place.
func init() { systemChooser = nil }

// withSystemChooser puts ask in the desktop chooser's place for one test.
func withSystemChooser(t *testing.T, ask func(context.Context, capture.FileQuestion) (string, error)) {
	old := systemChooser
	systemChooser = ask
	t.Cleanup(func() { systemChooser = old })
}

// pathField is the focused path field of the chooser in front.
func pathField(t *testing.T, h *harness) *formEntry {
	t.Helper()
	if h.win.Canvas().Overlays().Top() == nil {
		t.Fatal("no chooser is showing")
	}
	e, ok := h.win.Canvas().Focused().(*formEntry)
	if !ok {
		t.Fatalf("got focus on %T, want the chooser's path field", h.win.Canvas().Focused())
	}
	return e
}

func typePath(t *testing.T, h *harness, path string) {
	t.Helper()
	e := pathField(t, h)
	e.SetText("")
	test.Type(e, path)
	e.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
}

const imgURI = "otpauth://totp/Img:one?secret=MFRGGZDFMZTWQ2LK&issuer=Img"

// A full path typed into the image chooser, with ~ for the home folder,
// opens the image: its account is added and its folder remembered for
// images only.
func TestTypedPathOpensTheImage(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	shots := filepath.Join(home, "Screenshots")
	must(t, os.Mkdir(shots, 0o700))
	testtool.QRFile(t, filepath.Join(shots, "qr.png"), imgURI)
	h := newHarness(t, []vault.Account{})
	h.unlock()

	adder{session: h.session()}.onOpenImage()
	markup := test.RenderToMarkup(h.win.Canvas())
	for _, want := range []string{"Open a QR code image", "Show all files", "Type a file"} {
		if !strings.Contains(markup, want) {
			t.Errorf("the chooser does not show %q", want)
		}
	}
	if size, win := h.win.Canvas().Overlays().Top().Size(), h.win.Canvas().Size(); size.Height < win.Height*0.8 {
		t.Errorf("got a chooser %v high in a %v window, want most of the window", size.Height, win.Height)
	}
	typePath(t, h, "~/Screenshots/qr.png")
	if got := h.vault().Accounts(); len(got) != 1 || got[0].Key.Issuer != "Img" {
		t.Fatalf("got %d accounts after typing the image's path, want the Img one", len(got))
	}
	if h.win.Canvas().Overlays().Top() != nil {
		t.Error("the chooser is still showing after the image opened")
	}
	prefs := h.fa.Preferences()
	if got := prefs.String(pickImage.prefKey()); got != shots {
		t.Errorf("got remembered image folder %q, want %q", got, shots)
	}
	for _, p := range []filePurpose{pickExport, pickBackup, pickBackupFolder, pickSaveFolder} {
		if got := prefs.String(p.prefKey()); got != "" {
			t.Errorf("opening an image remembered %q for %s, want nothing", got, purposeNames[p])
		}
	}
}

// A typed folder takes the chooser there; a name typed next is read from
// it. What is not there is said, and the chooser stays.
func TestTypedFolderThenName(t *testing.T) {
	dir := t.TempDir()
	testtool.QRFile(t, filepath.Join(dir, "qr.png"), imgURI)
	h := newHarness(t, []vault.Account{})
	h.unlock()
	adder{session: h.session()}.onOpenImage()

	typePath(t, h, filepath.Join(dir, "missing.png"))
	if markup := test.RenderToMarkup(h.win.Canvas()); !strings.Contains(markup, "There is nothing at") {
		t.Error("a path to nothing did not say so")
	}
	typePath(t, h, dir)
	if len(h.vault().Accounts()) != 0 || h.win.Canvas().Overlays().Top() == nil {
		t.Fatal("typing a folder's path closed the chooser, want it to go there")
	}
	if e := pathField(t, h); e.Text != "" {
		t.Errorf("got %q left in the path field after going to the folder, want it empty", e.Text)
	}
	typePath(t, h, "qr.png")
	if got := len(h.vault().Accounts()); got != 1 {
		t.Fatalf("got %d accounts after typing a name in the folder, want 1", got)
	}
}

// Esc closes the chooser and nothing is opened.
func TestEscClosesTheChooser(t *testing.T) {
	h := newHarness(t, []vault.Account{})
	h.unlock()
	adder{session: h.session()}.onOpenImage()
	e := pathField(t, h)
	test.Type(e, "/tmp")
	e.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if h.win.Canvas().Overlays().Top() != nil {
		t.Error("Esc left the chooser open")
	}
}

// The backup folder and the image folder are remembered apart: choosing
// one does not move where the other starts.
func TestRememberedFoldersPerPurpose(t *testing.T) {
	root := t.TempDir()
	images := filepath.Join(root, "imagesFolder")
	backups := filepath.Join(root, "backupsFolder")
	must(t, os.Mkdir(images, 0o700))
	must(t, os.Mkdir(backups, 0o700))
	h := newHarness(t, []vault.Account{})
	h.unlock()
	w := h.app.w
	h.fa.Preferences().SetString(pickImage.prefKey(), images)

	var got string
	w.chooseFile(pickBackupFolder, "", func(p string) { got = p })
	typePath(t, h, filepath.Join(root, "imagesFolder", "..", "backupsFolder"))
	if got != backups {
		t.Fatalf("got backup folder %q, want %q", got, backups)
	}
	prefs := h.fa.Preferences()
	if r := prefs.String(pickBackupFolder.prefKey()); r != backups {
		t.Errorf("got remembered backup folder %q, want %q", r, backups)
	}
	if r := prefs.String(pickImage.prefKey()); r != images {
		t.Errorf("choosing the backup folder moved the image folder to %q, want %q", r, images)
	}

	// The image chooser opens in its own folder; the backup folder's
	// chooser in the backup folder.
	adder{session: h.session()}.onOpenImage()
	if m := test.RenderToMarkup(h.win.Canvas()); !strings.Contains(m, "imagesFolder") || strings.Contains(m, "backupsFolder") {
		t.Error("the image chooser does not open in the image folder")
	}
	pathField(t, h).TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	w.chooseFile(pickBackupFolder, "", func(string) {})
	if m := test.RenderToMarkup(h.win.Canvas()); !strings.Contains(m, "backupsFolder") || strings.Contains(m, "imagesFolder") {
		t.Error("the backup folder's chooser does not open in the backup folder")
	}
	// A file is not a folder.
	file := filepath.Join(root, "notes.txt")
	must(t, os.WriteFile(file, []byte("x"), 0o600))
	typePath(t, h, file)
	if m := test.RenderToMarkup(h.win.Canvas()); !strings.Contains(m, "is a file") {
		t.Error("a file typed into the folder chooser was not refused")
	}
}

// The desktop's chooser is asked first, with the purpose's folder; a
// cancel does nothing, a missing chooser brings Fyne's, a file elsewhere
// is refused with a message.
func TestSystemChooserRoute(t *testing.T) {
	dir := t.TempDir()
	img := filepath.Join(dir, "qr.png")
	testtool.QRFile(t, img, imgURI)
	h := newHarness(t, []vault.Account{})
	h.unlock()
	h.fa.Preferences().SetString(pickImage.prefKey(), dir)
	var asked []capture.FileQuestion
	answer := func(path string, err error) {
		withSystemChooser(t, func(ctx context.Context, q capture.FileQuestion) (string, error) {
			asked = append(asked, q)
			return path, err
		})
	}

	answer("", capture.ErrChoiceCancelled)
	adder{session: h.session()}.onOpenImage()
	if h.win.Canvas().Overlays().Top() != nil {
		t.Error("a cancelled chooser left a dialog, want nothing to happen")
	}
	if len(asked) != 1 || asked[0].Kind != capture.ImageFile || asked[0].Folder != dir || asked[0].Title != "Open a QR code image" {
		t.Fatalf("got questions %+v, want one for an image starting in %s", asked, dir)
	}

	answer("", fmt.Errorf("%w: org.freedesktop.DBus.Error.ServiceUnknown", capture.ErrNoChooser))
	adder{session: h.session()}.onOpenImage()
	pathField(t, h) // Fyne's chooser stands in
	pathField(t, h).TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})

	answer("", capture.ErrNotLocal)
	adder{session: h.session()}.onOpenImage()
	if m := test.RenderToMarkup(h.win.Canvas()); !strings.Contains(m, "The chosen file is not on this") {
		t.Errorf("a file from elsewhere was not refused with a message: %s", m)
	}
	h.app.w.clear()

	answer(img, nil)
	adder{session: h.session()}.onOpenImage()
	if got := len(h.vault().Accounts()); got != 1 {
		t.Fatalf("got %d accounts after the desktop's chooser answered, want 1", got)
	}
	if h.win.Canvas().Overlays().Top() != nil {
		t.Error("a dialog is left after the chosen image was read")
	}
}

func TestExpandPath(t *testing.T) {
	t.Setenv("HOME", "/home/alice")
	for _, tc := range []struct{ typed, want string }{
		{"~", "/home/alice"},
		{"~/Pictures/qr.png", "/home/alice/Pictures/qr.png"},
		{"/tmp/../tmp/qr.png", "/tmp/qr.png"},
		{"qr.png", "/base/qr.png"},
		{"~bob/x", "/base/~bob/x"},
	} {
		if got := expandPath(tc.typed, "/base"); got != tc.want {
			t.Errorf("expandPath(%q): got %q, want %q", tc.typed, got, tc.want)
		}
	}
}

// A file picked in the list opens with Return (the path field empty);
// "Show all files" lists what the image filter hides.
func TestPickedFileOpensWithReturn(t *testing.T) {
	dir := t.TempDir()
	testtool.QRFile(t, filepath.Join(dir, "qr.png"), imgURI)
	must(t, os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("x"), 0o600))
	// Fyne's dialog opens what is picked on the UI goroutine: a FIFO,
	// even named like an image, must not be offered.
	testtool.Mkfifo(t, filepath.Join(dir, "pipe.png"))
	testtool.Mkfifo(t, filepath.Join(dir, "pipe"))
	h := newHarness(t, []vault.Account{})
	h.unlock()
	h.fa.Preferences().SetString(pickImage.prefKey(), dir)
	adder{session: h.session()}.onOpenImage()
	top := h.win.Canvas().Overlays().Top()
	if strings.Contains(test.RenderToMarkup(h.win.Canvas()), ">notes<") {
		t.Error("a text file is listed among the images")
	}
	var all *widget.Check
	var items []fyne.Tappable
	for _, o := range test.LaidOutObjects(top) {
		if c, ok := o.(*widget.Check); ok && c.Text == "Show all files" {
			all = c
		}
		if it, ok := o.(fyne.Tappable); ok && fmt.Sprintf("%T", o) == "*dialog.fileDialogItem" {
			items = append(items, it)
		}
	}
	if all == nil {
		t.Fatal("no Show all files switch in the chooser")
	}
	all.SetChecked(true)
	if m := test.RenderToMarkup(h.win.Canvas()); !strings.Contains(m, ">notes<") || strings.Contains(m, ">pipe<") {
		t.Error("Show all files does not list the text file, or lists a FIFO")
	}
	all.SetChecked(false)
	// The folder above, then qr.png.
	if len(items) != 2 {
		t.Fatalf("got %d items in the list, want the parent folder and qr.png", len(items))
	}
	items[1].Tapped(&fyne.PointEvent{})
	pathField(t, h).TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if got := len(h.vault().Accounts()); got != 1 {
		t.Fatalf("got %d accounts after Return on the picked image, want 1", got)
	}
}

// Each place that picks a file or folder goes through the chooser with
// its own purpose: the restore screen, the settings' backup folder, the
// save form's folder, the import.
func TestEveryPlacePicksThroughTheChooser(t *testing.T) {
	backup, _, _ := backupFile(t, testPassword, false)
	folder := t.TempDir()

	// Each place opens the chooser and gives the field the answer fills.
	for _, c := range []struct {
		name     string
		purpose  filePurpose
		typed    string
		unlocked bool
		open     func(*testing.T, *harness) (field func() string)
	}{
		{"restore", pickBackup, backup, false, func(_ *testing.T, h *harness) func() string {
			rs := h.app.showRestore()
			rs.onChoose()
			return func() string { return rs.backup }
		}},
		{"settings", pickBackupFolder, folder, true, func(_ *testing.T, h *harness) func() string {
			f := newSettingsForm(h.session(), themeSystem, h.app.setTheme)
			f.show()
			f.onBrowse()
			return func() string { return f.backupDir.Text }
		}},
		{"save", pickSaveFolder, folder, true, func(t *testing.T, h *harness) func() string {
			f := chooseSaveFile(h.app.w, h.path, "Save", "Where?", "codes.txt", func(string, bool) {})
			var browse *widget.Button
			for _, o := range test.LaidOutObjects(h.win.Canvas().Overlays().Top()) {
				if b, ok := o.(*widget.Button); ok && b.Text == "Choose…" {
					browse = b
				}
			}
			if browse == nil {
				t.Fatal("no Choose… button in the save form")
			}
			test.Tap(browse)
			return func() string { return f.folder.Text }
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			var accounts []vault.Account // nil: no vault yet
			if c.unlocked {
				accounts = []vault.Account{}
			}
			h := newHarness(t, accounts)
			if c.unlocked {
				h.unlock()
			}
			field := c.open(t, h)
			typePath(t, h, c.typed)
			if got := field(); got != c.typed {
				t.Errorf("got %q chosen, want %q", got, c.typed)
			}
			remembered := c.typed
			if c.purpose == pickBackup {
				remembered = filepath.Dir(c.typed) // a file: its folder
			}
			if got := h.fa.Preferences().String(c.purpose.prefKey()); got != remembered {
				t.Errorf("got remembered folder %q, want %q", got, remembered)
			}
		})
	}
	t.Run("import", func(t *testing.T) {
		h := newHarness(t, []vault.Account{})
		h.unlock()
		export := filepath.Join(t.TempDir(), "export.txt")
		must(t, os.WriteFile(export, []byte(imgURI+"\n"), 0o600))
		importer{session: h.session()}.onImportFile()
		typePath(t, h, export)
		if got := len(h.vault().Accounts()); got != 1 {
			t.Errorf("got %d accounts after importing the typed file, want 1", got)
		}
		if got := h.fa.Preferences().String(pickExport.prefKey()); got != filepath.Dir(export) {
			t.Errorf("got remembered export folder %q, want %q", got, filepath.Dir(export))
		}
	})
}

// Locking while the desktop's chooser is open calls it off (the portal
// closes its window) rather than leaving it open over a locked vault.
func TestLockCallsOffSystemChooser(t *testing.T) {
	h := newHarness(t, []vault.Account{})
	h.unlock()
	var worker sync.WaitGroup // the chooser waits for a person: off the test's goroutine
	h.app.w.background = func(f func()) { worker.Go(f) }
	asked, calledOff, locked := make(chan struct{}), make(chan struct{}), make(chan struct{})
	withSystemChooser(t, func(ctx context.Context, q capture.FileQuestion) (string, error) {
		close(asked)
		<-ctx.Done()
		close(calledOff)
		// The test driver has no UI goroutine: answer once the lock is
		// over, as the window's queue would.
		<-locked
		return "", ctx.Err()
	})
	adder{session: h.session()}.onOpenImage()
	<-asked
	h.app.lock()
	select {
	case <-calledOff:
		close(locked)
		worker.Wait()
	case <-time.After(10 * time.Second): // a guard against a hang, not a timing
		t.Fatal("the desktop's chooser was still asked 10 s after the lock")
	}
}

// Fyne's chooser opens after a look at its folder off the UI goroutine; a
// lock meanwhile keeps it from opening over the lock screen.
func TestLockBeforeFallbackChooserOpens(t *testing.T) {
	h := newHarness(t, []vault.Account{})
	h.unlock()
	jobs := queueBackground(h)
	adder{session: h.session()}.onOpenImage()
	h.app.lock()
	jobs.runAll()
	if h.unlocked() {
		t.Fatal("the vault is unlocked after the lock")
	}
	if m := test.RenderToMarkup(h.win.Canvas()); strings.Contains(m, "Open a QR code image") || h.win.Canvas().Overlays().Top() != nil {
		t.Errorf("got a chooser over the lock screen, want none:\n%s", m)
	}
}

// A desktop with no chooser says so once: later picks go straight to
// Fyne's dialog without asking it again. A chooser that failed once is
// asked again next time.
func TestNoSystemChooserIsRemembered(t *testing.T) {
	h := newHarness(t, []vault.Account{})
	h.unlock()
	for _, c := range []struct {
		err   error
		asked int
	}{
		{fmt.Errorf("%w: org.freedesktop.DBus.Error.ServiceUnknown", capture.ErrNoChooser), 1},
		{fmt.Errorf("%w: it named no file", capture.ErrChooserFailed), 3},
	} {
		asked := 0
		withSystemChooser(t, func(context.Context, capture.FileQuestion) (string, error) {
			asked++
			return "", c.err
		})
		for range 3 {
			adder{session: h.session()}.onOpenImage()
			pathField(t, h).TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape}) // Fyne's chooser stood in
		}
		if asked != c.asked {
			t.Errorf("%v: got the desktop's chooser asked %d times in 3 picks, want %d", c.err, asked, c.asked)
		}
	}
}

// The chooser's message names a path escaped: a newline or a tab in a
// file's name shows as \n or \t, not as a break that could make the
// message read as something else.
func TestChooserMessageEscapesThePath(t *testing.T) {
	dir := t.TempDir()
	odd := filepath.Join(dir, "a\tb\nc.txt")
	must(t, os.WriteFile(odd, []byte("x"), 0o600))
	h := newHarness(t, []vault.Account{})
	h.unlock()
	problem := func() string {
		t.Helper()
		for _, o := range test.LaidOutObjects(h.win.Canvas().Overlays().Top()) {
			if l, ok := o.(*widget.Label); ok && l.Visible() && l.Importance == widget.DangerImportance {
				return l.Text
			}
		}
		t.Fatal("the chooser shows no message")
		return ""
	}
	for _, c := range []struct {
		purpose filePurpose
		path    string
		want    string
	}{
		{pickImage, filepath.Join(dir, "missing\n\u202eb.png"), "There is nothing at " + safetext.Escape(filepath.Join(dir, "missing\n\u202eb.png")) + "."},
		{pickSaveFolder, odd, safetext.Escape(odd) + " is a file."},
	} {
		h.app.w.chooseFile(c.purpose, dir, func(string) {})
		e := pathField(t, h)
		e.SetText(c.path) // a paste may hold what typing cannot
		e.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
		if got := problem(); !strings.HasPrefix(got, c.want) || strings.ContainsAny(got, "\t\n") {
			t.Errorf("got message %q, want it to start %q", got, c.want)
		}
		e.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	}
}

// Fyne's chooser starts in the folder asked for when there is one, else
// in Pictures for images, else at home.
func TestStartFolder(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	other := t.TempDir()
	file := filepath.Join(other, "notes.txt")
	must(t, os.WriteFile(file, []byte("x"), 0o600))
	check := func(p filePurpose, start, want string) {
		t.Helper()
		if got := startFolder(p, start); got != want {
			t.Errorf("startFolder(%s, %q): got %q, want %q", purposeNames[p], start, got, want)
		}
	}
	check(pickImage, "", home) // no Pictures folder yet
	check(pickImage, other, other)
	check(pickBackup, file, home)
	check(pickBackup, filepath.Join(other, "gone"), home)
	must(t, os.Mkdir(filepath.Join(home, "Pictures"), 0o700))
	check(pickImage, "", filepath.Join(home, "Pictures"))
	check(pickImage, file, filepath.Join(home, "Pictures"))
	check(pickExport, "", home)
}
