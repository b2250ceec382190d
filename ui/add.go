package ui

import (
	"bytes"
	"io"
	"os"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"

	"latchkey/core"
	"latchkey/vault"
)

// maxImageFile caps an image file read for QR codes.
const maxImageFile = 64 << 20

var imageExtensions = []string{".png", ".jpg", ".jpeg", ".gif", ".bmp", ".webp", ".PNG", ".JPG", ".JPEG"}

// addMenu lists every way to add an account, with its shortcut.
func (a *app) addMenu() *fyne.Menu {
	return fyne.NewMenu("Add",
		a.menuItem("Scan the screen for QR codes", a.onScanScreen, scScanScreen),
		a.menuItem("Open a QR code image…", a.onAddFromImage, scOpenImage),
		a.menuItem("Paste a link or image", a.onPaste, scPaste),
		a.menuItem("Enter a key by hand…", a.onAddManual, scAddManual),
		fyne.NewMenuItemSeparator(),
		a.menuItem("Import from another app…", a.onImportFile, scImport),
	)
}

// onAddFromImage lets the person pick an image file holding QR codes.
func (a *app) onAddFromImage() {
	if a.v == nil {
		return
	}
	a.touch()
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			a.showError("Could not open the image", err)
			return
		}
		if r == nil {
			return
		}
		r.Close()
		a.decodeImages([]core.Image{{Name: r.URI().Name(), Path: r.URI().Path()}})
	}, a.win)
	d.SetFilter(storage.NewExtensionFileFilter(imageExtensions))
	d.Show()
}

// onDropped adds what files dropped on the window hold: QR codes in
// images, accounts in other apps' export files, a Latchkey backup to merge.
// What a file is comes from its first bytes, not its name.
func (a *app) onDropped(_ fyne.Position, uris []fyne.URI) {
	if a.v == nil {
		a.onDroppedLocked(uris)
		return
	}
	a.touch()
	var images, others []core.Image
	for _, u := range uris {
		if u.Scheme() != "file" {
			continue
		}
		src := core.Image{Name: u.Name(), Path: u.Path()}
		if looksLikeImage(u.Path()) {
			images = append(images, src)
		} else {
			others = append(others, src)
		}
	}
	switch {
	case len(images) > 0:
		a.decodeImages(images)
		if len(others) > 0 {
			a.showInfo("One kind at a time", "Drop export files on their own, after the images are read.")
		}
	case len(others) == 1:
		a.importFile(others[0])
	case len(others) > 1:
		a.showInfo("One file at a time", "Drop one export file at a time: each may ask for its own password.")
	default:
		a.showInfo("Nothing to add", "Drop image files that show a QR code, or an export file of another authenticator app.")
	}
}

// onDroppedLocked takes a backup dropped on the first-run screen to the
// restore screen: the new machine's first step. Locked, nothing is read.
func (a *app) onDroppedLocked(uris []fyne.URI) {
	if len(uris) != 1 || uris[0].Scheme() != "file" || vault.Exists(a.path) {
		return
	}
	head, err := readFileHead(uris[0].Path())
	if err != nil || !vault.IsVaultFile(head) {
		return
	}
	a.showRestore().chose(uris[0].Path())
}

// importFile reads a dropped export file (size-capped) and imports it.
func (a *app) importFile(src core.Image) {
	a.busy("Reading " + src.Name + "…")
	a.background(func() {
		data, err := core.ReadFile(src.Path)
		fyne.Do(func() {
			a.idleAgain()
			if err != nil {
				a.showError("Could not read "+src.Name, err)
				return
			}
			a.importData(src.Name, data)
		})
	})
}

// readFileHead reads a file's first 16 bytes, enough to tell formats apart.
func readFileHead(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	head := make([]byte, 16)
	n, err := io.ReadFull(f, head)
	if err == io.ErrUnexpectedEOF || err == io.EOF {
		err = nil
	}
	return head[:n], err
}

// looksLikeImage reports whether the file starts like an image format
// people drop: PNG, JPEG, GIF, BMP or WebP.
func looksLikeImage(path string) bool {
	head, err := readFileHead(path)
	if err != nil {
		return false
	}
	switch {
	case bytes.HasPrefix(head, []byte("\x89PNG\r\n\x1a\n")),
		bytes.HasPrefix(head, []byte{0xff, 0xd8, 0xff}),
		bytes.HasPrefix(head, []byte("GIF8")),
		len(head) >= 10 && bytes.HasPrefix(head, []byte("BM")) && bytes.Equal(head[6:10], []byte{0, 0, 0, 0}),
		len(head) >= 12 && bytes.HasPrefix(head, []byte("RIFF")) && string(head[8:12]) == "WEBP":
		return true
	}
	return false
}

// decodeImages reads QR codes from images in the background, as one
// batch, so a Google export split over several screenshots joins up.
func (a *app) decodeImages(images []core.Image) {
	a.busy("Looking for QR codes…")
	a.background(func() {
		found, unread := core.ReadImages(images)
		var problems []string
		for _, e := range unread {
			problems = append(problems, e.Name+": "+advice(e.Err))
		}
		problems = append(problems, problemsOf(found)...)
		fyne.Do(func() {
			a.idleAgain()
			a.review(found.Accounts, problems)
		})
	})
}

// onPaste adds what the clipboard holds: an otpauth link as text, or an
// image where the platform lets us read one.
func (a *app) onPaste() {
	if a.v == nil {
		return
	}
	a.touch()
	text := strings.TrimSpace(a.fyne.Clipboard().Content())
	if text != "" {
		found, err := core.ReadText(text)
		if err != nil {
			a.showProblems([]string{"The clipboard: " + advice(err)})
			return
		}
		a.review(found.Accounts, problemsOf(found))
		return
	}
	a.background(func() {
		data, err := clipboardImage()
		fyne.Do(func() {
			if err != nil {
				a.showError("Nothing to add from the clipboard", err)
				return
			}
			a.decodeImages([]core.Image{{Name: "the clipboard image", Data: data}})
		})
	})
}

// problemsOf says what went wrong with QR codes and links, as sentences.
func problemsOf(found core.Found) []string {
	var problems []string
	for _, p := range found.Problems {
		problems = append(problems, capitalise(advice(p)))
	}
	return problems
}
