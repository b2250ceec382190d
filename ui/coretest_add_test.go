package ui

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"

	"latchkey/core"
	"latchkey/core/coretest"
)

// TestAddCasesAsCore: the shared cases of adding from the screen
// (core/coretest) through the window's entry points: text through Paste,
// images dropped on the window. Each leaves in the vault what core's merge
// of what core reads leaves, as "latchkey add" does (cli/flows_test.go).
// Scanning the screen and opening an image through the file dialog end in
// the same decodeImages as a drop; the screen capture itself is not
// practical to fake here (screens_test.go covers it under X).
func TestAddCasesAsCore(t *testing.T) {
	dir := t.TempDir()
	for _, c := range coretest.AddCases(t, dir) {
		t.Run(c.What, func(t *testing.T) {
			// core's reading and merge.
			var found core.Found
			var errs []error
			if c.Text != "" {
				f, err := core.ReadText(c.Text)
				found, errs = f, append(errs, err)
			} else {
				var images []core.Image
				for _, p := range c.Images {
					images = append(images, core.Image{Name: p, Path: p})
				}
				f, unread := core.ReadImages(images)
				found = f
				for _, e := range unread {
					errs = append(errs, e)
				}
			}
			errs = append(errs, found.Problems...)
			errs = slices.DeleteFunc(errs, func(err error) bool { return err == nil })
			if c.Err != nil && !errors.Is(errors.Join(errs...), c.Err) {
				t.Fatalf("core: got %v, want %v", errs, c.Err)
			}
			if c.Err == nil && errors.Join(errs...) != nil {
				t.Fatalf("core: %v", errs)
			}
			want, rep := asCore(t, c.Have, found.Accounts)
			if len(rep.Added) != c.Accounts {
				t.Fatalf("core added %d accounts, want %d", len(rep.Added), c.Accounts)
			}

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
			if len(rows) > 0 && len(errs) == 0 && len(rep.Added) == 1 && len(rep.Duplicates) == 0 {
				t.Errorf("got a review list of %d rows for one new account and nothing wrong, want it added at once:\n%s", len(rows), shown(h))
			}
			if len(rows) > 0 {
				if dups != len(rep.Duplicates) {
					t.Errorf("got %d rows marked as already there, want %d as core finds", dups, len(rep.Duplicates))
				}
				test.Tap(addButton(t, h))
			}
			coretest.SameAccounts(t, h.vault().Accounts(), want)
			if c.Err != nil {
				if m := shown(h); !strings.Contains(m, advice(c.Err)) {
					t.Errorf("got the window saying\n%s\nwant %q", m, advice(c.Err))
				}
			}
		})
	}
}
