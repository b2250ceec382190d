package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"latchkey/core"
	"latchkey/vault"
)

const (
	hotpURI     = "otpauth://hotp/Bank:alice?secret=MFRGGZDFMZTWQ2LM&issuer=Bank&counter=3"
	longNameURI = "otpauth://totp/Very%20Long%20Issuer%20Name%20Incorporated%20International:someone.with.a.very.long.address@example-company.example?secret=MFRGGZDFMZTWQ2LN&issuer=Very%20Long%20Issuer%20Name%20Incorporated%20International"
)

func absPos(o fyne.CanvasObject) fyne.Position {
	return fyne.CurrentApp().Driver().AbsolutePositionForObject(o)
}

// TestWideWindowKeepsRowsTogether: at 1200 px the list is capped, and
// every row's code (the HOTP one too) ends at the same x.
func TestWideWindowKeepsRowsTogether(t *testing.T) {
	h := newHarness(t, append(threeAccounts(t), account(t, hotpURI, nil), account(t, longNameURI, nil)))
	h.unlock()
	h.win.Resize(fyne.NewSize(1200, 800))
	h.list().list.Refresh()
	var rights []float32
	hotp := false
	for _, r := range h.list().rows {
		if !r.Visible() || !r.bound {
			continue
		}
		if w := r.Size().Width; w > listMaxWidth {
			t.Errorf("got a row %v px wide at 1200 px, want at most %v", w, listMaxWidth)
		}
		if span := absPos(r.code).X + r.code.Size().Width - absPos(r.issuer).X; span > listMaxWidth {
			t.Errorf("got %v px from %q's name to its code's end, want at most %v", span, r.issuer.Text, listMaxWidth)
		}
		hotp = hotp || r.advance.Visible()
		rights = append(rights, absPos(r.code).X+r.code.Size().Width)
	}
	if len(rights) != 5 || !hotp {
		t.Fatalf("got %d rows shown (HOTP among them: %v), want 5 with the HOTP one", len(rights), hotp)
	}
	for i, x := range rights {
		if x != rights[0] {
			t.Errorf("row %d's code ends at x=%v, want %v like the first row's", i, x, rights[0])
		}
	}
}

// TestLongNamesAreCut: a long issuer and name end in "…" in the list and
// in the review list, where the duplicate note stays in view.
func TestLongNamesAreCut(t *testing.T) {
	long := account(t, longNameURI, nil)
	h := newHarness(t, []vault.Account{long})
	h.unlock()
	for _, r := range h.list().rows {
		if r.bound && r.issuer.Truncation != fyne.TextTruncateEllipsis {
			t.Error("the list cuts long issuers without an ellipsis")
		}
		if r.bound && r.issuer.Size().Width >= fyne.MeasureText(r.issuer.Text, 14, r.issuer.TextStyle).Width {
			t.Errorf("got the issuer %v px wide, want it cut", r.issuer.Size().Width)
		}
	}
	found := []vault.Account{{Key: long.Key}, {Key: mustKey(t, githubURI)}}
	newReviewDialog(h.session(), found, core.Duplicates(h.vault().Accounts(), found), nil).show()
	var note, name *widget.Label
	for _, o := range test.LaidOutObjects(h.win.Canvas().Overlays().Top()) {
		if l, ok := o.(*widget.Label); ok {
			switch {
			case l.Text == "already in the vault":
				note = l
			case strings.HasPrefix(l.Text, "Very Long"):
				name = l
			}
		}
	}
	if note == nil || name == nil {
		t.Fatal("the review list shows no duplicate note or no long name")
	}
	if name.Truncation != fyne.TextTruncateEllipsis {
		t.Error("the review list cuts long names without an ellipsis")
	}
	if !note.Visible() || note.Size().Width < note.MinSize().Width || absPos(note).X+note.Size().Width > h.win.Canvas().Size().Width {
		t.Errorf("got the note at %v size %v, want it whole inside the window", absPos(note), note.Size())
	}
	if absPos(name).X+name.Size().Width > absPos(note).X {
		t.Error("the long name runs over the duplicate note")
	}
}

// TestBackupCodesGateInView: real codes each fit their line, no two
// overlap, and the check and Continue are on screen at the window's first
// size, without scrolling.
func TestBackupCodesGateInView(t *testing.T) {
	h := newHarness(t, []vault.Account{}) // a real vault: real codes
	if len(h.codes) != vault.BackupCodeCount {
		t.Fatalf("got %d codes from the vault, want %d", len(h.codes), vault.BackupCodeCount)
	}
	bc := newBackupCodesScreen(h.app.w, h.app.clip, func() time.Duration { return 30 * time.Second }, h.path, h.codes, func() {})
	h.win.SetContent(bc.content())
	h.win.Resize(fyne.NewSize(defaultWidth, defaultHeight))
	size := h.win.Canvas().Size()
	for _, o := range []fyne.CanvasObject{bc.stored, bc.next} {
		if bottom := absPos(o).Y + o.Size().Height; bottom > size.Height {
			t.Errorf("got %T ending at y=%v, want it above the window's bottom %v", o, bottom, size.Height)
		}
	}
	var lines []*widget.Label
	for _, o := range test.LaidOutObjects(h.win.Content()) {
		if l, ok := o.(*widget.Label); ok && l.TextStyle.Monospace {
			lines = append(lines, l)
		}
	}
	if len(lines) != len(h.codes) {
		t.Fatalf("got %d code labels, want %d", len(lines), len(h.codes))
	}
	type span struct{ x0, x1, y0, y1 float32 }
	var spans []span
	for _, l := range lines {
		w := fyne.MeasureText(l.Text, theme.TextSize(), l.TextStyle)
		p := absPos(l)
		x0 := p.X + (l.Size().Width-w.Width)/2
		sp := span{x0, x0 + w.Width, p.Y + (l.Size().Height-w.Height)/2, p.Y + (l.Size().Height+w.Height)/2}
		if sp.x0 < 0 || sp.x1 > size.Width || w.Width > l.Size().Width {
			t.Errorf("code %q: got %v px of text in a %v px label at x=%v, want it whole in the window", l.Text, w.Width, l.Size().Width, p.X)
		}
		for _, o := range spans {
			if sp.x0 < o.x1 && o.x0 < sp.x1 && sp.y0 < o.y1-0.5 && o.y0+0.5 < sp.y1 {
				t.Errorf("code %q overlaps another: %v and %v", l.Text, sp, o)
			}
		}
		spans = append(spans, sp)
	}
}

// TestManualFormKeepsItsPlace: typing that brings up the problem line
// neither moves nor resizes the add-by-hand dialog.
func TestManualFormKeepsItsPlace(t *testing.T) {
	h := newHarness(t, threeAccounts(t))
	h.unlock()
	f := newManualForm(h.session())
	f.show()
	top := h.win.Canvas().Overlays().Top()
	pos, size := absPos(f.add), f.add.Size()
	test.Type(f.issuer, "Example")
	test.Type(f.secret, "not base32 at all 1")
	if !f.problem.Visible() {
		t.Fatal("a wrong key shows no problem")
	}
	if top != h.win.Canvas().Overlays().Top() {
		t.Fatal("typing changed the dialog in front")
	}
	if p, s := absPos(f.add), f.add.Size(); p != pos || s != size {
		t.Errorf("got the Add button at %v size %v after typing, want it still at %v size %v", p, s, pos, size)
	}
}
