package ui

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"latchkey/core"
	"latchkey/core/coretest"
	"latchkey/vault"
)

// TestKitCasesAsCore: the shared recovery kit cases (core/coretest)
// through File > Recovery kit…: the page lists what core's page lists for
// a vault like it, its new codes open the vault and the old ones stop
// working, as with "latchkey recovery-kit --regenerate-codes"
// (cli/flows_test.go). A kit that may not go where asked changes nothing.
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

			// core's page for a vault like it.
			corePath := filepath.Join(t.TempDir(), "core.latchkey")
			coretest.Vault(t, corePath, c.Accounts...)
			var buf bytes.Buffer
			create := func(string) (core.PrivateFile, error) { return memFile{&buf}, nil }
			coreCodes, err := core.WriteKit(coretest.Open(t, corePath), core.KitRequest{Path: "kit.html", NewCodes: true, WithAccounts: c.WithAccounts}, create, yes{})
			must(t, err)
			want := buf.String()

			if got, want := strings.Count(string(page), "<li"), strings.Count(want, "<li"); got != want {
				t.Errorf("got %d list items on the page, want %d as on core's", got, want)
			}
			for _, a := range c.Accounts {
				if in, inCore := strings.Contains(string(page), a.Key.Issuer), strings.Contains(want, a.Key.Issuer); in != inCore || in != c.WithAccounts {
					t.Errorf("%s on the page: %v, on core's: %v; want %v", a.Key.Label(), in, inCore, c.WithAccounts)
				}
			}
			codes := kitCodes(string(page))
			if len(codes) != len(coreCodes) || len(kitCodes(want)) != len(coreCodes) {
				t.Fatalf("got %d codes on the page, want %d as core makes", len(codes), len(coreCodes))
			}
			must(t, h.app.shutdown())
			if _, err := testVaults.OpenWithBackupCode(h.path, h.codes[0]); !errors.Is(err, vault.ErrWrongBackupCode) {
				t.Errorf("an old code after the kit: got %v, want ErrWrongBackupCode", err)
			}
			v, err := testVaults.OpenWithBackupCode(h.path, codes[0])
			must(t, err)
			must(t, v.Close())
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

// memFile is a kit page written to memory.
type memFile struct{ b *bytes.Buffer }

func (f memFile) Write(p []byte) (int, error) { return f.b.Write(p) }
func (f memFile) Commit() error               { return nil }
func (f memFile) Abort()                      {}
