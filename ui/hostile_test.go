package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"latchkey/internal/safetext"
	"latchkey/otp"
	"latchkey/vault"
)

// Names a hostile QR code or import could carry: terminal escapes, a
// backspace, NUL, and bidirectional overrides that would make the row read
// as another account.
const (
	hostileIssuer = "\u202eEvil\x1b[31m\x08"
	hostileName   = "bob\n\x00\u2066moc.elgoog\u2069"
)

func hostileAccount(t *testing.T, secret string) vault.Account {
	t.Helper()
	s, err := otp.ParseSecret(secret)
	must(t, err)
	return vault.Account{
		Key:  otp.Key{Type: otp.TOTP, Issuer: hostileIssuer, Name: hostileName, Secret: s, Algorithm: otp.SHA1, Digits: 6, Period: 30},
		Tags: []string{"tag\u202e"}, Note: "note\x1b[2J\nline two",
	}
}

// onScreen is every text the window and its dialogs render.
func onScreen(h *harness) []string {
	roots := append([]fyne.CanvasObject{h.win.Content()}, h.win.Canvas().Overlays().List()...)
	var out []string
	for _, r := range roots {
		for _, o := range test.LaidOutObjects(r) {
			switch w := o.(type) {
			case *canvas.Text:
				out = append(out, w.Text)
			case *widget.Label:
				out = append(out, w.Text)
			case *widget.Check:
				out = append(out, w.Text)
			case *widget.Entry:
				out = append(out, w.Text)
			}
		}
	}
	return out
}

// harmless fails when the window shows a control or bidi character raw.
func harmless(t *testing.T, h *harness, when string) {
	t.Helper()
	for _, s := range onScreen(h) {
		for _, r := range s {
			if r != '\n' && r != '\t' && safetext.Unsafe(r) {
				t.Errorf("%s: the window shows %U raw in %q", when, r, s)
				break
			}
		}
	}
}

func TestHostileNamesShownHarmlessly(t *testing.T) {
	hostile := hostileAccount(t, "JBSWY3DPEHPK3PXP")
	h := newHarness(t, []vault.Account{hostile, account(t, gitlabURI, nil)})
	h.unlock()
	s := h.list()
	test.RenderObjectToMarkup(h.win.Content())
	harmless(t, h, "the list")
	var row *accountRow
	for _, r := range s.rows {
		if r.bound && r.name.Text == safetext.Escape(hostileName) {
			row = r
		}
	}
	if row == nil || row.issuer.Text != safetext.Escape(hostileIssuer) {
		t.Fatalf("no row shows the escaped issuer %q and name %q", safetext.Escape(hostileIssuer), safetext.Escape(hostileName))
	}
	id := row.id

	s.copyCode(id)
	if !strings.Contains(s.toast.Text, `\u202eEvil\x1b[31m\x08`) {
		t.Errorf("copy note: got %q, want the issuer escaped", s.toast.Text)
	}
	harmless(t, h, "after copying")

	showKeyQR(h.session(), id)
	harmless(t, h, "the QR code dialog")
	showServiceCodes(h.session(), id)
	harmless(t, h, "the backup codes dialog")

	// The edit form shows the names escaped and saves them exactly when
	// they are left alone.
	a, _ := h.vault().Account(id)
	f := newEditForm(h.session(), a)
	f.show()
	harmless(t, h, "the edit form")
	if f.issuer.Text != safetext.Escape(hostileIssuer) || f.name.Text != safetext.Escape(hostileName) {
		t.Errorf("edit form: got %q / %q, want the escaped names", f.issuer.Text, f.name.Text)
	}
	f.pinned.SetChecked(true)
	f.onDone(true)
	got, _ := h.vault().Account(id)
	if got.Key.Issuer != hostileIssuer || got.Key.Name != hostileName || got.Note != hostile.Note || strings.Join(got.Tags, "|") != "tag\u202e" || !got.Pinned {
		t.Errorf("after saving an untouched form: got %q / %q / %q / %q, want the stored values exactly", got.Key.Issuer, got.Key.Name, got.Note, got.Tags)
	}
	// A field someone rewrites takes what was typed.
	f = newEditForm(h.session(), got)
	f.show()
	f.name.SetText("bob")
	f.onDone(true)
	if got, _ = h.vault().Account(id); got.Key.Name != "bob" || got.Key.Issuer != hostileIssuer {
		t.Errorf("after renaming: got %q / %q, want %q / bob", got.Key.Issuer, got.Key.Name, hostileIssuer)
	}

	s.deleteAccount(id)
	if want := "Deleted " + safetext.Escape(hostileIssuer) + ": bob."; s.undoText.Text != want {
		t.Errorf("undo bar: got %q, want %q", s.undoText.Text, want)
	}
	harmless(t, h, "after deleting")
}

func TestHostileImportReviewedHarmlessly(t *testing.T) {
	h := newHarness(t, []vault.Account{})
	h.unlock()
	one := hostileAccount(t, "JBSWY3DPEHPK3PXP").Key
	two := hostileAccount(t, "GEZDGNBVGY3TQOJQ").Key
	two.Name = "carol\u202d"
	text := one.URI() + "\n" + two.URI() + "\n" +
		"otpauth://totp/Bad%1B%5D0%3Bx%07%E2%80%AE?secret=JBSWY3DPEHPK3PXP&digits=99\n"
	path := filepath.Join(t.TempDir(), "export\x1b[8m.txt")
	must(t, os.WriteFile(path, []byte(text), 0o600))
	dropFile(h, path)
	lines := reviewLines(h)
	if len(lines) != 2 || lines[0].text != safetext.Escape(one.Label()) {
		var labels []string
		for _, l := range lines {
			labels = append(labels, l.text)
		}
		t.Fatalf("review rows %q, want two, the first %q", labels, safetext.Escape(one.Label()))
	}
	if m := shown(h); !strings.Contains(m, `Skipped line 3 (Bad\x1b]0;x\x07\u202e)`) {
		t.Errorf("the skipped line is not named escaped:\n%s", m)
	}
	harmless(t, h, "the review list")

	// One account pasted goes straight in, and the note says so.
	h = newHarness(t, []vault.Account{})
	h.unlock()
	h.fa.Clipboard().SetContent(one.URI())
	adder{session: h.session()}.onPaste()
	if !strings.Contains(h.list().toast.Text, safetext.Escape(one.Label())) {
		t.Errorf("paste note: got %q, want the label escaped", h.list().toast.Text)
	}
	harmless(t, h, "after pasting")
	if got := h.vault().Accounts(); len(got) != 1 || got[0].Key.Issuer != hostileIssuer || got[0].Key.Name != hostileName {
		t.Errorf("the pasted account was stored as %+v, want the names exactly", got)
	}
}

func TestInitialSkipsControls(t *testing.T) {
	for in, want := range map[string]string{"GitHub": "G", "\u202eevil": "E", "\x1b[31m": "[", " \u200bzed": "Z", "\x00": "", "élan": "É"} {
		if got := initial(in); got != want {
			t.Errorf("initial(%q): got %q, want %q", in, got, want)
		}
	}
}

// TestHostileMergeReportShownHarmlessly: the summary after restoring from
// a backup names replaced and kept duplicates escaped.
func TestHostileMergeReportShownHarmlessly(t *testing.T) {
	h := newHarness(t, []vault.Account{})
	h.unlock()
	label := hostileAccount(t, "JBSWY3DPEHPK3PXP").Key.Label()
	importer{session: h.session()}.merged("backup.latchkey", vault.MergeReport{Added: []string{label}, Replaced: []string{label}, Duplicates: []string{label}}, nil)
	if m := strings.Join(onScreen(h), "\n"); strings.Count(m, safetext.Escape(label)) != 2 {
		t.Errorf("the summary does not name the replaced and the kept account escaped:\n%s", m)
	}
	harmless(t, h, "the restore summary")
}
