package ui

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"latchkey/core/coretest"
	"latchkey/vault"
)

// TestKitCasesAsCore: the shared recovery kit cases (core/coretest)
// through File > Recovery kit…: the page is what coretest.CheckKit wants,
// its new codes open the vault and the old ones stop working, as with
// "latchkey recovery-kit --regenerate-codes" (cli/flows_test.go). A kit
// that may not go where asked changes nothing.
func TestKitCasesAsCore(t *testing.T) {
	for _, c := range coretest.KitCases(t) {
		t.Run(c.What, func(t *testing.T) {
			h := newHarness(t, c.Accounts)
			h.unlock()
			before := h.file()
			showKitForm(h.session())
			if c.WithAccounts {
				test.Tap(findCheck(t, h.win, "Include every account as a QR code"))
			}
			test.Tap(findButton(t, h.win, "Make the kit…"))
			folder, name := t.TempDir(), "kit.html"
			if c.OverVault {
				folder, name = filepath.Dir(h.path), filepath.Base(h.path)
			}
			fillSaveForm(t, h, folder, name)
			test.Tap(findButton(t, h.win, "Save"))

			if c.OverVault {
				if !problemShown(h) {
					t.Errorf("the save form does not say why the kit cannot go over the vault:\n%s", shown(h))
				}
				must(t, h.app.shutdown())
				if !bytes.Equal(h.file(), before) {
					t.Error("the vault file changed")
				}
				v, err := testVaults.OpenWithBackupCode(h.path, h.codes[0])
				if err != nil {
					t.Errorf("an old code after a kit that was not written: %v, want it to open the vault", err)
				} else {
					must(t, v.Close())
				}
				return
			}
			test.Tap(findButton(t, h.win, "Not now"))
			page, err := os.ReadFile(filepath.Join(folder, name))
			must(t, err)

			must(t, h.app.shutdown())
			coretest.CheckKit(t, c, page, h.path)
			if _, err := testVaults.OpenWithBackupCode(h.path, h.codes[0]); !errors.Is(err, vault.ErrWrongBackupCode) {
				t.Errorf("an old code after the kit: got %v, want ErrWrongBackupCode", err)
			}
		})
	}
}

// fillSaveForm types a folder and a file name into the save form in front.
func fillSaveForm(t *testing.T, h *harness, folder, name string) {
	t.Helper()
	var entries []*widget.Entry
	for _, o := range testObjects(h.win.Canvas().Overlays().Top()) {
		if e, ok := asEntry(o); ok {
			entries = append(entries, e)
		}
	}
	if len(entries) != 2 {
		t.Fatalf("got %d entries in the save form, want the folder and the name", len(entries))
	}
	entries[0].SetText(folder)
	entries[1].SetText(name)
}

// problemShown reports whether the dialog in front shows a problem.
func problemShown(h *harness) bool {
	for _, o := range testObjects(h.win.Canvas().Overlays().Top()) {
		if l, ok := o.(*widget.Label); ok && l.Visible() && l.Importance == widget.DangerImportance && l.Text != "" {
			return true
		}
	}
	return false
}
