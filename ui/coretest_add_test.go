package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"

	"latchkey/core/coretest"
)

// TestAddCasesAsCore: the shared cases of adding from the screen
// (core/coretest) through the window's entry points: text through Paste,
// images dropped on the window. Each leaves in the vault the accounts the
// case says, as "latchkey add" does (cli/flows_test.go). Opening an image
// through Add > Open a QR code image… ends in the same reading as a drop;
// Fyne's file dialog itself is not driven here.
func TestAddCasesAsCore(t *testing.T) {
	dir := t.TempDir()
	for _, c := range coretest.AddCases(t, dir) {
		t.Run(c.What, func(t *testing.T) {
			h := newHarness(t, c.Have)
			h.unlock()
			h.app.w.asked = func() { t.Errorf("got a question:\n%s", shown(h)) }
			if c.Text != "" {
				h.fa.Clipboard().SetContent(c.Text)
				adder{session: h.session()}.onPaste()
			} else {
				var uris []fyne.URI
				for _, p := range c.Images {
					uris = append(uris, storage.NewFileURI(p))
				}
				h.app.onDropped(fyne.NewPos(10, 10), uris)
			}
			rows, dups := reviewLines(h), 0
			for _, l := range rows {
				if strings.HasSuffix(l.text, "already in the vault") || strings.HasSuffix(l.text, "already in this list") {
					dups++
				}
			}
			switch {
			case len(rows) == 0 && len(c.Added) > 1:
				t.Errorf("got %d accounts added without a review list, want the list", len(c.Added))
			case len(rows) > 0 && c.Err == nil && len(c.Added) == 1 && c.Duplicates == 0:
				t.Errorf("got a review list of %d rows for one new account and nothing wrong, want it added at once:\n%s", len(rows), shown(h))
			case len(rows) > 0:
				if dups != c.Duplicates {
					t.Errorf("got %d rows marked as already there, want %d", dups, c.Duplicates)
				}
				test.Tap(addButton(t, h))
			}
			coretest.SameAccounts(t, h.vault().Accounts(), c.After())
			if c.Err != nil {
				if m := shown(h); !strings.Contains(m, advice(c.Err)) {
					t.Errorf("got the window saying\n%s\nwant %q", m, advice(c.Err))
				}
			}
		})
	}
}
