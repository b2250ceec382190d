package ui

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"latchkey/capture"
	"latchkey/internal/safetext"
)

// filePurpose is why the person picks a file or a folder. Each purpose
// remembers its own last folder, so opening a screenshot does not start
// in the backup folder, nor the other way round.
type filePurpose int

const (
	pickImage        filePurpose = iota + 1 // a QR code image to read
	pickExport                              // another app's export file
	pickBackup                              // a Latchkey backup to restore or merge
	pickBackupFolder                        // the folder backups go to
	pickSaveFolder                          // the folder a file is saved in
)

// purposeNames name each purpose in its preference key.
var purposeNames = map[filePurpose]string{
	pickImage:        "image",
	pickExport:       "export",
	pickBackup:       "backup",
	pickBackupFolder: "backupfolder",
	pickSaveFolder:   "savefolder",
}

// prefKey is where the purpose's last folder is kept. A folder's path is
// not a secret; nothing else about the choice is kept.
func (p filePurpose) prefKey() string { return "chooser." + purposeNames[p] + ".folder" }

func (p filePurpose) folder() bool { return p == pickBackupFolder || p == pickSaveFolder }

func (p filePurpose) title() string {
	switch p {
	case pickImage:
		return "Open a QR code image"
	case pickExport:
		return "Import a file from another app"
	case pickBackup:
		return "Open a Latchkey backup"
	case pickBackupFolder:
		return "Choose the backup folder"
	}
	return "Choose a folder"
}

func (p filePurpose) kind() capture.FileKind {
	switch {
	case p == pickImage:
		return capture.ImageFile
	case p.folder():
		return capture.Folder
	}
	return capture.AnyFile
}

// systemChooser asks the desktop's own file chooser (capture.ChooseFile);
// nil means there is none to ask. Run sets it (findSystemChooser), not the
// package's start, which every command line run would pay for too. Once
// it answers that the desktop has none, it is nil for the rest of the
// process: no D-Bus round trip before every pick. UI goroutine only;
// tests replace it.
var systemChooser func(context.Context, capture.FileQuestion) (string, error)

// findSystemChooser is the desktop's file chooser, nil when it has none.
func findSystemChooser() func(context.Context, capture.FileQuestion) (string, error) {
	d := capture.CurrentDesktop()
	if !d.HasFileChooser() {
		return nil
	}
	return d.ChooseFile
}

// chooseFile asks for a file or folder for purpose and hands its path to
// then, on the UI goroutine. It starts in start when that is set, else in
// the purpose's remembered folder. The desktop's own chooser is asked
// first; where there is none, or it fails, Fyne's dialog stands in. A
// cancel does nothing. Only a path comes back: the caller reads the file
// through its usual capped opener.
func (w *window) chooseFile(p filePurpose, start string, then func(path string)) {
	prefs := fyne.CurrentApp().Preferences()
	if start == "" {
		start = prefs.String(p.prefKey())
	}
	chosen := func(path string) {
		dir := path
		if !p.folder() {
			dir = filepath.Dir(path)
		}
		prefs.SetString(p.prefKey(), dir)
		then(path)
	}
	// Fyne's dialog, in a folder that exists; checking takes a stat, which
	// a sleeping disk or a lost network share can make slow.
	fallback := func() {
		var dir string
		w.offUI(func() { dir = startFolder(p, start) }, nil, func() { w.fyneChooser(p, dir, chosen) })
	}
	ask := systemChooser
	if ask == nil {
		fallback()
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	msg := widget.NewLabel("Choose in the window your desktop opened. It may be behind this one.")
	msg.Wrapping = fyne.TextWrapWord
	waiting := dialog.NewCustom(p.title(), "Cancel", container.New(&columnLayout{width: 320}, msg), w.win)
	w.present(waiting, nil)
	waiting.SetOnClosed(cancel)
	q := capture.FileQuestion{Title: p.title(), Kind: p.kind(), Folder: start, Window: nativeHandle(w.win)}
	var path string
	var err error
	// A lock closes the desktop's chooser too.
	w.offUI(func() { path, err = ask(ctx, q) }, cancel, func() {
		if !w.showing(waiting) {
			return // cancelled here
		}
		waiting.Hide()
		switch {
		case err == nil:
			chosen(path)
		case errors.Is(err, capture.ErrChoiceCancelled):
		case errors.Is(err, capture.ErrNotLocal):
			w.showError("Could not open that file", err)
		case errors.Is(err, capture.ErrNoChooser):
			systemChooser = nil // ours from now on
			fallback()
		default: // a broken chooser, or another failure: ours instead
			fallback()
		}
	})
}

// offUI runs work off the UI goroutine (it may wait on a slow disk, or on
// the person in another window) and, back on it, then; unless the window
// was cleared (the lock) meanwhile, taking the screen that asked. stop,
// when set, runs at the clear to call work off. UI goroutine only.
func (w *window) offUI(work, stop, then func()) {
	cleared := false
	done := w.untilClear(func() {
		cleared = true
		if stop != nil {
			stop()
		}
	})
	w.background(func() {
		work()
		fyne.Do(func() {
			done()
			if !cleared {
				then()
			}
		})
	})
}

// nativeHandle is the window's X11 id or Windows handle, for the system's
// chooser to stay in front of it; 0 elsewhere (macOS, the test driver).
func nativeHandle(win fyne.Window) uintptr {
	nw, ok := win.(driver.NativeWindow)
	if !ok {
		return 0
	}
	var h uintptr
	nw.RunNative(func(ctx any) {
		switch c := ctx.(type) {
		case driver.X11WindowContext:
			h = c.WindowHandle
		case driver.WindowsWindowContext:
			h = c.HWND
		}
	})
	return h
}

// showing reports whether d is still shown through present.
func (w *window) showing(d dialog.Dialog) bool {
	for _, sd := range w.dialogs {
		if sd.d == d {
			return true
		}
	}
	return false
}

// startFolder is where Fyne's dialog opens: start when it is a folder,
// else for images the Pictures folder, else the home folder.
func startFolder(p filePurpose, start string) string {
	if start != "" && isFolder(start) {
		return start
	}
	home := homeDir()
	if pictures := filepath.Join(home, "Pictures"); p == pickImage && isFolder(pictures) {
		return pictures
	}
	return home
}

func isFolder(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.IsDir()
}

// fileChooser is Fyne's file dialog with what it lacks: a path field on
// top that takes a typed path (Return opens a file, or goes to a folder,
// or chooses it), image files listed first with a switch to show all, the
// size of most of the window, and the purpose's own starting folder.
type fileChooser struct {
	w       *window
	purpose filePurpose
	base    string             // relative typed paths start here
	dialog  *dialog.FileDialog // for a file or a folder, as purpose says
	path    *formEntry
	problem *widget.Label
	open    *widget.Button // the dialog's own confirm button, once found
	chosen  func(path string)
}

const (
	openText   = "Open"
	chooseText = "Choose"
)

func (w *window) fyneChooser(p filePurpose, dir string, chosen func(string)) *fileChooser {
	c := &fileChooser{w: w, purpose: p, base: dir, chosen: chosen}
	c.path = newFormEntry()
	c.path.OnSubmitted = func(string) { c.submit() }
	c.problem = problemLabel()
	if p.folder() {
		c.path.SetPlaceHolder("Type a folder's path, or pick one below")
		c.dialog = dialog.NewFolderOpen(func(u fyne.ListableURI, err error) {
			if err == nil && u != nil {
				c.chosen(u.Path())
			}
		}, w.win)
		c.dialog.SetConfirmText(chooseText)
	} else {
		c.path.SetPlaceHolder("Type a file's path, or pick one below")
		c.dialog = dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
			if err != nil {
				w.showError("Could not open the file", err)
				return
			}
			if r == nil {
				return
			}
			// Only the path: the caller reads it through its capped opener.
			r.Close()
			c.chosen(r.URI().Path())
		}, w.win)
		c.dialog.SetConfirmText(openText)
		c.dialog.SetFilter(regularFiles{images: p == pickImage})
	}
	c.setUp(dir)
	return c
}

// imageExtensions are the image files the chooser lists first, matched
// in any case: what the window reads.
var imageExtensions = []string{".png", ".jpg", ".jpeg", ".gif", ".bmp", ".webp"}

// regularFiles lists regular files only, image files alone when images:
// Fyne's dialog opens what is picked itself, on the UI goroutine, so a
// FIFO or a device must never be offered (opening a FIFO would hang the
// window).
type regularFiles struct{ images bool }

func (f regularFiles) Matches(u fyne.URI) bool {
	if f.images && !slices.ContainsFunc(imageExtensions, func(e string) bool { return strings.EqualFold(e, u.Extension()) }) {
		return false
	}
	st, err := os.Stat(u.Path())
	return err == nil && st.Mode().IsRegular()
}

// setUp shows the dialog and adds the path field and the switch.
func (c *fileChooser) setUp(dir string) {
	d := c.dialog
	d.SetTitleText(c.purpose.title())
	if l, err := storage.ListerForURI(storage.NewFileURI(dir)); err == nil {
		d.SetLocation(l)
	}
	c.w.present(d, c.submit)
	top := c.w.win.Canvas().Overlays().Top()
	c.open = treeButton(top, func(b *widget.Button) bool {
		return b.Importance == widget.HighImportance && (b.Text == openText || b.Text == chooseText)
	})
	field := container.NewVBox(c.path, c.problem)
	if c.purpose == pickImage {
		all := widget.NewCheck("Show all files", func(on bool) {
			c.dialog.SetFilter(regularFiles{images: !on})
		})
		field = container.NewVBox(container.NewBorder(nil, nil, nil, all, c.path), c.problem)
	}
	// The field goes on a row of its own under the title and the
	// dialog's buttons: the row holding them becomes a column of two.
	if hdr := treeParent(top, c.purpose.title()); hdr != nil {
		row := container.New(hdr.Layout, hdr.Objects...)
		hdr.Layout = layout.NewVBoxLayout()
		hdr.Objects = []fyne.CanvasObject{row, field}
		hdr.Refresh()
	}
	size := c.w.win.Canvas().Size()
	d.Resize(fyne.NewSize(max(size.Width-40, 300), max(size.Height-40, 300)))
	c.showPathEnd()
	c.w.focus(c.path)
}

// showPathEnd scrolls the dialog's row of folders to its end, the folder
// shown: Fyne scrolls it before the dialog has its size.
func (c *fileChooser) showPathEnd() {
	treeFind(c.w.win.Canvas().Overlays().Top(), func(o fyne.CanvasObject) bool {
		if s, ok := o.(*container.Scroll); ok && s.Direction == container.ScrollHorizontalOnly && s.Content != nil {
			s.ScrollToOffset(fyne.NewPos(s.Content.MinSize().Width, 0))
		}
		return false
	})
}

// submit is Return: the typed path when there is one, else the file
// picked in the list (the dialog's own button).
func (c *fileChooser) submit() {
	typed := strings.TrimSpace(c.path.Text)
	if typed == "" {
		if c.open != nil && !c.open.Disabled() && c.open.OnTapped != nil {
			c.open.OnTapped()
		}
		return
	}
	path := expandPath(typed, c.base)
	folder := c.purpose.folder()
	// Stat may wait on a slow disk or a network share.
	var st os.FileInfo
	var err error
	c.w.offUI(func() { st, err = os.Stat(path) }, nil, func() { c.typed(path, st, err, folder) })
}

func (c *fileChooser) typed(path string, st os.FileInfo, err error, folder bool) {
	if !c.w.showing(c.dialog) {
		return
	}
	switch {
	case err != nil:
		c.say("There is nothing at " + safetext.Escape(path) + ". Check the path and try again.")
	case st.IsDir() == folder: // what was asked for
		c.dialog.Hide()
		c.chosen(path)
	case folder:
		c.say(safetext.Escape(path) + " is a file. Type a folder's path.")
	default:
		// A folder: go there, and pick the file in it.
		if l, err := storage.ListerForURI(storage.NewFileURI(path)); err == nil {
			c.dialog.SetLocation(l)
		}
		c.showPathEnd()
		c.base = path
		c.path.SetText("")
		c.problem.Hide()
	}
}

// say shows msg under the path field; a path in it comes escaped with
// safetext.Escape, as a file's name may hold a line break.
func (c *fileChooser) say(msg string) {
	c.problem.SetText(safetext.Message(msg))
	c.problem.Show()
}

// expandPath makes a typed path absolute: ~ is the home folder, and a
// relative path starts in base.
func expandPath(typed, base string) string {
	switch {
	case typed == "~":
		typed = homeDir()
	case strings.HasPrefix(typed, "~/") || strings.HasPrefix(typed, "~"+string(filepath.Separator)):
		typed = filepath.Join(homeDir(), typed[2:])
	case !filepath.IsAbs(typed):
		typed = filepath.Join(base, typed)
	}
	return filepath.Clean(typed)
}

// Fyne's file dialog has no place for a path field or a switch: they go
// into its widget tree, beside the title it shows. A Fyne that changes the
// tree leaves the dialog as it is (the tests notice).

// treeChildren lists what o holds, for the containers and widgets in a dialog.
func treeChildren(o fyne.CanvasObject) []fyne.CanvasObject {
	switch c := o.(type) {
	case *fyne.Container:
		return c.Objects
	case *widget.PopUp:
		return []fyne.CanvasObject{c.Content}
	case *container.Scroll:
		return []fyne.CanvasObject{c.Content}
	case *container.Split:
		return []fyne.CanvasObject{c.Leading, c.Trailing}
	}
	return nil
}

func treeFind(o fyne.CanvasObject, match func(fyne.CanvasObject) bool) fyne.CanvasObject {
	if o == nil {
		return nil
	}
	if match(o) {
		return o
	}
	for _, c := range treeChildren(o) {
		if f := treeFind(c, match); f != nil {
			return f
		}
	}
	return nil
}

func treeButton(o fyne.CanvasObject, match func(*widget.Button) bool) *widget.Button {
	b, _ := treeFind(o, func(o fyne.CanvasObject) bool {
		b, ok := o.(*widget.Button)
		return ok && match(b)
	}).(*widget.Button)
	return b
}

// treeParent is the container holding the label that reads text.
func treeParent(o fyne.CanvasObject, text string) *fyne.Container {
	box, _ := treeFind(o, func(o fyne.CanvasObject) bool {
		c, ok := o.(*fyne.Container)
		if !ok {
			return false
		}
		for _, in := range c.Objects {
			if l, ok := in.(*widget.Label); ok && l.Text == text {
				return true
			}
		}
		return false
	}).(*fyne.Container)
	return box
}
