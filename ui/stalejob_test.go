package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"

	"latchkey/internal/testtool"
)

// TestNoSecondJobDuringTheExportQuestion: a plain export holds the window
// from its start: before its question shows, a shortcut starts no job;
// while it asks, a dropped image is not read, and the question stays in
// front, no busy sign over it.
func TestNoSecondJobDuringTheExportQuestion(t *testing.T) {
	image := filepath.Join(t.TempDir(), "code.png")
	must(t, os.WriteFile(image, testtool.QREncode(t, imgURI, 6, 4), 0o600))
	h := newHarness(t, threeAccounts(t))
	h.unlock()
	jobs := queueBackground(h)
	exporter{session: h.session()}.onLinks()
	useShortcut(t, h, scBackupNow)
	if !h.app.w.working() || len(jobs.pending) != 1 {
		t.Fatalf("before the question: got working %v and %d queued jobs, want the export alone", h.app.w.working(), len(jobs.pending))
	}
	asked := 0
	h.app.w.asked = func() {
		asked++
		h.app.onDropped(fyne.NewPos(10, 10), []fyne.URI{storage.NewFileURI(image)})
		if len(jobs.pending) != 1 {
			t.Fatalf("got %d queued jobs after the drop, want the drop telling files apart", len(jobs.pending))
		}
		tell := jobs.pending[0]
		jobs.pending = nil
		tell()
		if len(jobs.pending) != 0 {
			t.Errorf("while the export asks: got %d jobs started by a drop, want none", len(jobs.pending))
		}
		if m := shown(h); overlays(h) != 1 || !strings.Contains(m, "NOT encrypted") {
			t.Errorf("while the export asks: got %d overlays, want its question alone; showing:\n%s", overlays(h), m)
		}
		test.Tap(findButton(t, h.win, "Cancel"))
	}
	jobs.runAll()
	h.app.w.asked = nil
	if asked != 1 {
		t.Fatalf("got %d questions, want 1", asked)
	}
	if h.app.w.working() || overlays(h) != 0 || len(h.vault().Accounts()) != 3 {
		t.Errorf("after the declined export: got working %v, %d overlays, %d accounts, want the window free and the 3 accounts", h.app.w.working(), overlays(h), len(h.vault().Accounts()))
	}
}
