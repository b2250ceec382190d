package ui

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"latchkey/core"
	"latchkey/core/coretest"
	"latchkey/vault"
)

// TestExportsAsCore: each plain export of the File menu, on the shared accounts
// (core/coretest), holds what core makes from them, as the command line's
// "latchkey export" does (cli/flows_test.go). Aegis files and Google
// export codes carry random ids, so they are compared as they read back.
func TestExportsAsCore(t *testing.T) {
	h := newHarness(t, coretest.Accounts(t))
	h.unlock()
	accounts := h.vault().Accounts()
	for _, c := range []struct {
		format core.Format
		// window exports through the window's entry point; core is what
		// core makes. Both give the accounts read back from the export.
		window func(t *testing.T) []vault.Account
		core   func(t *testing.T) []vault.Account
	}{
		{core.FormatURIList,
			func(t *testing.T) []vault.Account {
				data := saveExport(t, h, exporter{session: h.session()}.onLinks, "links.txt")
				if want := coreExport(t, core.URIList, accounts); !bytes.Equal(data, want) {
					t.Errorf("got\n%s\nwant what core makes:\n%s", data, want)
				}
				return readBack(t, data)
			},
			coreReadBack(core.URIList, accounts)},
		{core.FormatAegis,
			func(t *testing.T) []vault.Account {
				return readBack(t, saveExport(t, h, exporter{session: h.session()}.onAegis, "aegis.json"))
			},
			coreReadBack(core.Aegis, accounts)},
		{core.FormatGoogleQR,
			func(t *testing.T) []vault.Account {
				h.app.w.asked = func() { test.Tap(findButton(t, h.win, "Export")) }
				exporter{session: h.session()}.onGoogle()
				pngs := googleCodes(t, h)
				_, skipped, err := core.GoogleQR(accounts, 800, yes{})
				must(t, err)
				for _, k := range skipped {
					if !strings.Contains(shown(h), k.Label()) {
						t.Errorf("%s is not named as left out of the codes", k.Label())
					}
				}
				test.Tap(findButton(t, h.win, "Done"))
				return readCodes(t, pngs)
			},
			func(t *testing.T) []vault.Account {
				pngs, _, err := core.GoogleQR(accounts, 800, yes{})
				must(t, err)
				return readCodes(t, pngs)
			}},
	} {
		t.Run(c.format.String(), func(t *testing.T) {
			got := c.window(t)
			want := c.core(t)
			if len(want) == 0 {
				t.Fatal("core's export holds no account")
			}
			coretest.SameAccounts(t, got, want)
		})
	}
}

// TestBackupCasesAsCore: the shared backup file cases (core/coretest)
// through File > Back up to a file…: each backup opens as the case says
// and holds the vault's accounts, as "latchkey export --format backup"
// does (cli/flows_test.go).
func TestBackupCasesAsCore(t *testing.T) {
	for _, c := range coretest.BackupCases() {
		t.Run(c.What, func(t *testing.T) {
			h := newHarness(t, coretest.Accounts(t))
			h.unlock()
			f := newBackupFileForm(h.session())
			f.show()
			if c.Password != "" {
				f.which.SetSelected(backupPasswords.label(true))
				test.Type(f.pw.first, c.Password)
				test.Type(f.pw.second, c.Password)
			}
			if c.WithCodes {
				test.Tap(f.withCodes)
			}
			path := filepath.Join(t.TempDir(), "b.latchkey")
			f.folder.SetText(filepath.Dir(path))
			f.name.SetText(filepath.Base(path))
			test.Tap(f.next)
			coretest.CheckBackup(t, c, path, testPassword, h.codes, h.vault().Accounts())
		})
	}
}

// saveExport runs a plain file export, confirms it, saves it as name in a
// new folder through the save form, and returns the file.
func saveExport(t *testing.T, h *harness, export func(), name string) []byte {
	t.Helper()
	asked := 0
	h.app.w.asked = func() {
		asked++
		test.Tap(findButton(t, h.win, "Export"))
	}
	export()
	h.app.w.asked = nil
	if asked != 1 {
		t.Errorf("got %d questions before a plain export, want 1", asked)
	}
	dir := t.TempDir()
	fillSaveForm(t, h, dir, name)
	test.Tap(findButton(t, h.win, "Save"))
	data, err := os.ReadFile(filepath.Join(dir, name))
	must(t, err)
	return data
}

// fileExport is one of core's exports to a single file.
type fileExport func([]vault.Account, core.Confirmer) ([]byte, error)

// coreExport is what export makes of accounts, a plain export confirmed.
func coreExport(t *testing.T, export fileExport, accounts []vault.Account) []byte {
	t.Helper()
	data, err := export(accounts, yes{})
	must(t, err)
	return data
}

// coreReadBack gives what core's export of accounts reads back as.
func coreReadBack(export fileExport, accounts []vault.Account) func(t *testing.T) []vault.Account {
	return func(t *testing.T) []vault.Account { return readBack(t, coreExport(t, export, accounts)) }
}

// readBack is what importing an export finds in it.
func readBack(t *testing.T, data []byte) []vault.Account {
	t.Helper()
	f, err := core.Reader{}.File("export", data)
	must(t, err)
	return f.Accounts
}

// readCodes is what adding the Google export codes finds in them.
func readCodes(t *testing.T, pngs [][]byte) []vault.Account {
	t.Helper()
	var images []core.Image
	for i, p := range pngs {
		images = append(images, core.Image{Name: fmt.Sprint("code ", i+1), Data: p})
	}
	f, unread := core.ReadImages(images)
	if len(unread) != 0 || len(f.Problems) != 0 {
		t.Fatalf("the codes do not read back: %v %v", unread, f.Problems)
	}
	return f.Accounts
}

// googleCodes pages through the Google export dialog and returns each
// code shown.
func googleCodes(t *testing.T, h *harness) [][]byte {
	t.Helper()
	var pngs [][]byte
	for range 100 {
		var img *canvas.Image
		var next *widget.Button
		for _, o := range testObjects(h.win.Canvas().Overlays().Top()) {
			switch w := o.(type) {
			case *canvas.Image:
				if w.Resource != nil && strings.HasPrefix(w.Resource.Name(), "google-export-") {
					img = w
				}
			case *widget.Button:
				if w.Icon != nil && w.Icon.Name() == theme.NavigateNextIcon().Name() {
					next = w
				}
			}
		}
		if img == nil || next == nil {
			t.Fatalf("the Google export dialog shows no code or no Next button:\n%s", shown(h))
		}
		pngs = append(pngs, bytes.Clone(img.Resource.Content()))
		if next.Disabled() {
			return pngs
		}
		test.Tap(next)
	}
	t.Fatal("the Google export dialog pages on past 100 codes")
	return nil
}
