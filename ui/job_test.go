package ui

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"

	"latchkey/internal/testtool"
	"latchkey/vault"
)

// relockWithJobAside locks and unlocks h with background work run inline,
// except the one job queued before, which it returns unrun; the queue takes
// the work of what follows again.
func relockWithJobAside(t *testing.T, h *harness, jobs *backgroundQueue) func() {
	t.Helper()
	if len(jobs.pending) != 1 {
		t.Fatalf("got %d queued jobs, want 1", len(jobs.pending))
	}
	stale := jobs.pending[0]
	jobs.pending = nil
	h.app.w.background = func(f func()) { f() }
	h.app.lock()
	h.unlock()
	h.app.w.background = func(f func()) { jobs.pending = append(jobs.pending, f) }
	return stale
}

// TestStaleJobLeavesTheNewSessionsBusySign: a screen scan begun before a
// lock ends after the vault was unlocked again and a second scan began. The
// first one's end must leave the second's busy sign: else a third job could
// start beside the second (two imports saving at once).
func TestStaleJobLeavesTheNewSessionsBusySign(t *testing.T) {
	png := testtool.QREncode(t, imgURI, 6, 4)
	reads := 0
	old := readScreen
	readScreen = func() ([]byte, error) { reads++; return png, nil }
	t.Cleanup(func() { readScreen = old })
	image := filepath.Join(t.TempDir(), "code.png")
	must(t, os.WriteFile(image, png, 0o600))

	h := newHarness(t, []vault.Account{})
	h.unlock()
	jobs := queueBackground(h)
	adder{session: h.session()}.onScanScreen() // the first job
	first := relockWithJobAside(t, h, jobs)
	adder{session: h.session()}.onScanScreen() // the second
	if len(jobs.pending) != 1 {
		t.Fatalf("got %d queued jobs for the second scan, want 1", len(jobs.pending))
	}
	first()
	if !h.app.w.working() || overlays(h) == 0 {
		t.Fatalf("after the first job ended: got working %v with %d overlays, want the second job's busy sign; showing:\n%s", h.app.w.working(), overlays(h), shown(h))
	}

	// A third job, from the menu's shortcut or a drop, does not start.
	useShortcut(t, h, scScanScreen)
	h.app.onDropped(fyne.NewPos(10, 10), []fyne.URI{storage.NewFileURI(image)})
	if len(jobs.pending) != 2 { // the second scan, and the drop telling files apart
		t.Fatalf("got %d queued jobs after a shortcut and a drop, want 2", len(jobs.pending))
	}
	tell := jobs.pending[1]
	jobs.pending = jobs.pending[:1]
	tell() // the window is busy: the dropped image is not read
	if len(jobs.pending) != 1 {
		t.Fatalf("got %d queued jobs after the drop, want the second scan alone", len(jobs.pending))
	}
	jobs.runAll()
	if reads != 2 {
		t.Errorf("got %d screen reads, want 2 (the first and second scans)", reads)
	}
	if got := h.vault().Accounts(); len(got) != 1 {
		t.Errorf("got %d accounts, want the second scan's 1", len(got))
	}
	if h.app.w.working() || overlays(h) != 0 || len(jobs.pending) != 0 {
		t.Errorf("after the second job: got working %v, %d overlays, %d jobs, want none; showing:\n%s", h.app.w.working(), overlays(h), len(jobs.pending), shown(h))
	}
}

// TestStaleJobAsksNothing: a job of a locked session that comes to a
// question (a duplicate in a backup, an export file's password) gets the
// cancel at once: nothing shows over the later session, whose busy sign
// stays.
func TestStaleJobAsksNothing(t *testing.T) {
	h := newHarness(t, []vault.Account{})
	h.unlock()
	w := h.app.w
	stale := w.busy("Restoring…")
	h.app.lock()
	h.unlock()
	current := w.busy("Backing up…")
	before := overlays(h)

	if got := askAndWait(stale, func(answer func(bool)) {
		w.showInfo("A question", "of a session that ended")
		answer(true)
	}); got {
		t.Error("got yes from a job the lock ended, want the cancel")
	}
	stale.show("Restoring…")
	stale.done()
	if overlays(h) != before || !w.working() {
		t.Errorf("got %d overlays (working %v), want the %d of the current job; showing:\n%s", overlays(h), w.working(), before, shown(h))
	}
	current.done()
	if overlays(h) != 0 || w.working() {
		t.Errorf("got %d overlays (working %v) after the current job, want none", overlays(h), w.working())
	}
}

// TestStaleMergeReportShowsNothing: a backup's merge that ends after the
// vault was locked (its save done, its report queued for the UI goroutine
// when the idle lock came) reports nothing: the report names accounts,
// which must not show over the lock screen, nor over a later session.
func TestStaleMergeReportShowsNothing(t *testing.T) {
	h := newHarness(t, []vault.Account{})
	h.unlock()
	im := importer{session: h.session()}
	rep := vault.MergeReport{Added: []string{"GitLab: alice"}, Duplicates: []string{"GitHub: alice-work"}}
	h.app.lock()
	im.merged("backup.latchkey", rep, nil)
	if overlays(h) != 0 {
		t.Errorf("over the lock screen: got %d overlays, want none; showing:\n%s", overlays(h), shown(h))
	}
	h.unlock()
	im.merged("backup.latchkey", rep, errors.New("the vault is closed"))
	if overlays(h) != 0 {
		t.Errorf("over a later session: got %d overlays, want none; showing:\n%s", overlays(h), shown(h))
	}
}

// TestStaleNewCodesShowNothing: new backup codes made by a job that ends
// after the lock are codes that open the vault: they must not take the
// unlock screen's place, nor a later session's list.
func TestStaleNewCodesShowNothing(t *testing.T) {
	h := newHarness(t, []vault.Account{})
	h.unlock()
	jobs := queueBackground(h)
	makeNewCodes(h.session(), true)
	h.app.lock() // its save and close queued after the job: the vault is open while the job runs
	jobs.runAll()
	if m := shown(h); strings.Contains(m, "Each code opens the vault once") || !strings.Contains(m, "Unlock") {
		t.Errorf("after the lock: got the window showing\n%s\nwant the unlock screen, and no codes", m)
	}
	if m := shown(h); !strings.Contains(m, "The old codes no longer open the vault") {
		t.Errorf("after the lock: got the window showing\n%s\nwant a note that the old codes are gone", m)
	}
	test.Tap(findButton(t, h.win, "OK"))
	h.app.w.background = func(f func()) { f() }
	h.unlock()
	if m := shown(h); strings.Contains(m, "Each code opens the vault once") {
		t.Errorf("in the later session: got the window showing\n%s\nwant no codes", m)
	}
}

// TestPanickedJobLeavesTheWindow: a bug that panics in a job's work is
// caught and said; the job never reaches its done, and its busy sign (a
// dialog without buttons) held the window until the next lock, which the
// auto-lock may never bring.
func TestPanickedJobLeavesTheWindow(t *testing.T) {
	h := newHarness(t, []vault.Account{})
	h.unlock()
	w := h.app.w
	j := w.busy("Reading…")
	w.contained(j.guard(func() { panic("a bug") }))
	if !strings.Contains(shown(h), "Something went wrong inside Latchkey") {
		t.Fatalf("got the window showing\n%s\nwant the internal error said", shown(h))
	}
	test.Tap(findButton(t, h.win, "OK"))
	if w.working() || overlays(h) != 0 {
		t.Errorf("after the error: got working %v, %d overlays, want the window free; showing:\n%s", w.working(), overlays(h), shown(h))
	}
}

// TestStaleKitOffersNothing: a recovery kit written by a job that ends
// after the lock is not offered to open (it holds the new codes, and the
// accounts when asked) over the unlock screen; a note says where it is.
func TestStaleKitOffersNothing(t *testing.T) {
	h := newHarness(t, threeAccounts(t))
	h.unlock()
	jobs := queueBackground(h)
	f := &kitForm{session: h.session(), accounts: newCheckOn()}
	path := filepath.Join(t.TempDir(), "kit.html")
	f.write(path, false)
	h.app.lock()
	jobs.runAll()
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("the kit: %v, want it written", err)
	}
	m := shown(h)
	if strings.Contains(m, "Open to print") || !strings.Contains(m, "It was saved to kit.html") {
		t.Errorf("after the lock: got the window showing\n%s\nwant a note naming the kit, and no offer to open it", m)
	}
}
