package ui

import (
	"bytes"
	"io"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"

	"latchkey/core"
	"latchkey/internal/input"
	"latchkey/internal/safetext"
	"latchkey/otp"
)

// readClipboardImage and readScreen are clipboardImage and captureScreen;
// tests replace them.
var readClipboardImage, readScreen = clipboardImage, captureScreen

// adder is the Add menu: accounts from QR codes on the screen, in image
// files or on the clipboard, from a link, typed by hand, or imported; and
// from files dropped on the window. What it finds goes to the review.
type adder struct {
	session *session
}

// menu lists every way to add an account, with its shortcut.
func (d adder) menu() *fyne.Menu {
	return fyne.NewMenu("Add",
		menuItem("Scan the screen for QR codes", d.onScanScreen, scScanScreen),
		menuItem("Open a QR code image…", d.onOpenImage, scOpenImage),
		menuItem("Paste a link or image", d.onPaste, scPaste),
		menuItem("Enter a key by hand…", d.onManual, scAddManual),
		fyne.NewMenuItemSeparator(),
		menuItem("Import from another app…", importer{session: d.session}.onImportFile, scImport),
	)
}

// onScanScreen captures every screen and reads every QR code on them.
func (d adder) onScanScreen() {
	if !d.session.act() {
		return
	}
	d.readImage("Scanning the screen for QR codes…", readScreen, "Could not capture the screen", "the screen")
}

// readImage reads an image off the UI goroutine with the window busy (so
// no second read starts meanwhile; the program holding it may be slow to
// answer) and adds the QR codes on it, as name; unless the vault locked
// meanwhile: nothing shows over the lock screen.
func (d adder) readImage(busy string, read func() ([]byte, error), failed, name string) {
	s := d.session
	j := s.w.busy(busy)
	j.background(func() {
		data, err := read()
		fyne.Do(func() {
			j.done()
			if s.ended() {
				return
			}
			if err != nil {
				s.w.showError(failed, err)
				return
			}
			d.decodeImages([]core.Image{{Name: name, Data: data}})
		})
	})
}

// onOpenImage lets the person pick an image file holding QR codes.
func (d adder) onOpenImage() {
	s := d.session
	if !s.act() {
		return
	}
	s.w.chooseFile(pickImage, "", func(path string) {
		d.decodeImages([]core.Image{{Name: filepath.Base(path), Path: path}})
	})
}

// onPaste adds what the clipboard holds: an otpauth link as text, or an
// image where the platform lets us read one.
func (d adder) onPaste() {
	if !d.session.act() {
		return
	}
	d.paste(d.session.w.clipboard.Content())
}

// paste adds what text, the clipboard's as read once, holds: a setup key,
// otpauth links, or with no text the clipboard's image. The caller has
// checked that the session goes on (act).
func (d adder) paste(text string) {
	s := d.session
	text = strings.TrimSpace(text)
	if key, ok := bareKey(text); ok {
		// A site's "can't scan?" key: the person names it.
		f := newManualForm(s)
		f.secret.SetText(key)
		f.show()
		return
	}
	if text != "" {
		found, err := core.ReadText(text)
		if err != nil {
			s.w.showProblems([]string{"Nothing could be read from the clipboard. " + advice(err)})
			return
		}
		review(s, found.Accounts, problemsOf(found))
		return
	}
	d.readImage("Reading the clipboard image…", readClipboardImage, "Nothing to add from the clipboard", "the clipboard image")
}

// pasteAdds reports whether Ctrl+V on the list adds what the clipboard
// holds (otpauth links, a setup key, or no text: maybe an image) rather
// than searching for it.
func pasteAdds(text string) bool {
	text = strings.TrimSpace(text)
	if text == "" {
		return true
	}
	// otpauth: and otpauth-migration: links, in any case.
	if len(text) >= len("otpauth") && strings.EqualFold(text[:len("otpauth")], "otpauth") {
		return true
	}
	_, ok := bareKey(text)
	return ok
}

// bareKey reads text as a setup key shown in place of a QR code: base32,
// maybe in groups of one length (the last may be shorter) split by spaces
// or dashes, at least 16 characters (80 bits, what services show). The
// groups rule keeps words such as "Microsoft Azure AD", all base32 letters,
// a search. It returns the key as typed into the form.
func bareKey(text string) (string, bool) {
	if len(text) > 1024 {
		return "", false
	}
	groups := strings.FieldsFunc(text, func(r rune) bool { return r == ' ' || r == '-' || r == '\t' })
	for i, g := range groups {
		if len(g) > len(groups[0]) || len(g) < len(groups[0]) && i < len(groups)-1 {
			return "", false
		}
	}
	clean := strings.Map(func(r rune) rune {
		switch {
		case r == ' ' || r == '-' || r == '\t':
			return -1
		case r >= 'a' && r <= 'z':
			return r - 'a' + 'A'
		}
		return r
	}, text)
	body := strings.TrimRight(clean, "=")
	if len(body) < 16 {
		return "", false
	}
	for _, r := range body {
		if !(r >= 'A' && r <= 'Z' || r >= '2' && r <= '7') {
			return "", false
		}
	}
	if _, err := otp.ParseSecret(clean); err != nil {
		return "", false
	}
	return clean, true
}

func (d adder) onManual() {
	if !d.session.act() {
		return
	}
	newManualForm(d.session).show()
}

// onDropped adds what files dropped on the window hold: QR codes in
// images, accounts in other apps' export files, a Latchkey backup to merge.
// What a file is comes from its first bytes, not its name.
func (d adder) onDropped(uris []fyne.URI) {
	s := d.session
	s.touch()
	// Telling images from other files reads their first bytes: off the UI
	// goroutine, as a file may sit on a slow disk.
	s.w.background(func() {
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
		fyne.Do(func() { d.dropped(images, others) })
	})
}

func (d adder) dropped(images, others []core.Image) {
	s := d.session
	// A drop does not wait for the dialogs as menus do: while a job runs,
	// it is dropped, so no second job starts beside the first.
	if s.ended() || s.w.working() {
		return
	}
	switch {
	case len(images) > 0:
		d.decodeImages(images)
		if len(others) > 0 {
			s.w.showInfo("One kind at a time", "Drop export files on their own, after the images are read.")
		}
	case len(others) == 1:
		importer{session: s}.readFile(others[0])
	case len(others) > 1:
		s.w.showInfo("One file at a time", "Drop one export file at a time: each may ask for its own password.")
	default:
		s.w.showInfo("Nothing to add", "Drop image files that show a QR code, or an export file of another authenticator app.")
	}
}

// decodeImages reads QR codes from images in the background, as one
// batch, so a Google export split over several screenshots joins up.
func (d adder) decodeImages(images []core.Image) {
	s := d.session
	j := s.w.busy("Looking for QR codes…")
	j.background(func() {
		found, unread := core.ReadImages(images)
		var problems []string
		for _, e := range unread {
			problems = append(problems, safetext.Escape(e.Name)+": "+advice(e.Err))
		}
		problems = append(problems, problemsOf(found)...)
		fyne.Do(func() {
			j.done()
			review(s, found.Accounts, problems)
		})
	})
}

// problemsOf says what went wrong with QR codes and links, as sentences.
func problemsOf(found core.Found) []string {
	var problems []string
	for _, p := range found.Problems {
		problems = append(problems, advice(p))
	}
	return problems
}

// readFileHead reads a file's first 16 bytes, enough to tell formats apart.
func readFileHead(path string) ([]byte, error) {
	f, err := input.Open(path)
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
