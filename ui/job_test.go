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

	"latchkey/core"
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

// endAfterLock locks h while the one job queued in jobs runs, and runs it
// once the lock's own save and close are done (the lock won the race: the
// job's vault is closed under it), or before them when closeLast. Nothing
// may show over the lock screen. It unlocks again, with background work
// inline, and returns what the window shows then.
func endAfterLock(t *testing.T, h *harness, jobs *backgroundQueue, closeLast bool) string {
	t.Helper()
	if len(jobs.pending) != 1 {
		t.Fatalf("got %d queued jobs, want 1", len(jobs.pending))
	}
	job := jobs.pending[0]
	jobs.pending = nil
	h.app.lock()
	if !closeLast {
		jobs.runAll() // the lock's save and close
	}
	job()
	jobs.runAll()
	if n := overlays(h); n != 0 || !strings.Contains(shown(h), "Unlock") {
		t.Errorf("over the lock screen: got %d overlays, want none, with the window showing\n%s", n, shown(h))
	}
	h.app.w.background = func(f func()) { f() }
	h.unlock()
	m := shown(h)
	if n := overlays(h); n != 0 {
		t.Errorf("after the unlock: got %d overlays, want the note under the list alone; showing:\n%s", n, m)
	}
	return m
}

// noted checks that m, the window after the unlock, shows want on one line
// of its own, once, and returns that line.
func noted(t *testing.T, m, want string) string {
	t.Helper()
	n, note := 0, ""
	for _, line := range strings.Split(m, "\n") {
		if strings.Contains(line, want) {
			n, note = n+1, line
		}
	}
	if n != 1 {
		t.Errorf("after the unlock: got %q on %d lines, want it once, in a note; showing:\n%s", want, n, m)
	}
	return note
}

// TestStaleJobFailureIsNotedAfterUnlock: each write the person asked for
// that fails after the lock (the lock's close won the race) shows nothing
// over the lock screen, and a one-line note says so after the unlock, its
// names escaped.
func TestStaleJobFailureIsNotedAfterUnlock(t *testing.T) {
	for _, c := range []struct {
		name string
		// start queues the job, on a queue of its own (work before it
		// runs inline).
		start func(t *testing.T, h *harness) *backgroundQueue
		note  string
	}{
		{"back up now", func(t *testing.T, h *harness) *backgroundQueue {
			jobs := queueBackground(h)
			h.session().onBackupNow()
			return jobs
		}, "Back up now, asked before the lock, failed: back up again."},
		{"back up to a file", func(t *testing.T, h *harness) *backgroundQueue {
			f := newBackupFileForm(h.session())
			f.show()
			jobs := queueBackground(h)
			f.write(filepath.Join(t.TempDir(), "b\x1b[2J\n.latchkey"), false)
			return jobs
		}, `The backup to b\x1b[2J\x0a.latchkey, asked before the lock, could not be written: back up to a file again.`},
		{"re-encrypt old backups", func(t *testing.T, h *harness) *backgroundQueue {
			changePassword(t, h, testPassword, "a new long password")
			jobs := queueBackground(h)
			test.Tap(findButton(t, h.win, "Re-encrypt them"))
			return jobs
		}, "0 old backups re-encrypted before the lock, then a problem: some may still open with the old password."},
		{"export", func(t *testing.T, h *harness) *backgroundQueue {
			jobs := queueBackground(h)
			exportPlain(h.session(), func([]vault.Account, core.Confirmer) ([]byte, error) {
				return nil, errors.New("no room left")
			}, func([]byte) { t.Error("a failed export went on") })
			return jobs
		}, "The export asked before the lock was stopped: export again."},
		{"save an export", func(t *testing.T, h *harness) *backgroundQueue {
			h.app.w.asked = func() { test.Tap(findButton(t, h.win, "Export")) }
			exporter{session: h.session()}.onLinks()
			h.app.w.asked = nil
			dir := filepath.Join(t.TempDir(), "gone")
			must(t, os.Mkdir(dir, 0o700))
			fillSaveForm(t, h, dir, "links\u202e.txt")
			jobs := queueBackground(h)
			test.Tap(findButton(t, h.win, "Save"))
			jobs.runQueued()        // the place's check, which queues the write
			must(t, os.Remove(dir)) // taken away while the write waits
			return jobs
		}, `The export asked before the lock could not be saved to links\u202e.txt: export again.`},
		{"import", func(t *testing.T, h *harness) *backgroundQueue {
			jobs := queueBackground(h)
			importer{session: h.session()}.read("junk.txt", []byte("not an export"))
			return jobs
		}, "The import of junk.txt begun before the lock was stopped, nothing added: import it again."},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, threeAccounts(t))
			h.unlock()
			jobs := c.start(t, h)
			noted(t, endAfterLock(t, h, jobs, false), c.note)
		})
	}
}

// TestStaleBackupWrittenIsNoted: a backup to a file that the lock did not
// stop (written before the lock's close) is noted as written after the
// unlock, not said over the lock screen.
func TestStaleBackupWrittenIsNoted(t *testing.T) {
	h := newHarness(t, threeAccounts(t))
	h.unlock()
	f := newBackupFileForm(h.session())
	f.show()
	jobs := queueBackground(h)
	path := filepath.Join(t.TempDir(), "b.latchkey")
	f.write(path, false)
	m := endAfterLock(t, h, jobs, true)
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("the backup: %v, want it written", err)
	}
	noted(t, m, "The backup asked before the lock was written to b.latchkey.")
}

// TestStaleJobNotedInTheLaterSession: a job the lock ended that ends while
// a later session is open says its note there at once, and once: the
// next unlock does not say it again.
func TestStaleJobNotedInTheLaterSession(t *testing.T) {
	h := newHarness(t, threeAccounts(t))
	h.unlock()
	jobs := queueBackground(h)
	importer{session: h.session()}.read("junk.txt", []byte("not an export"))
	stale := relockWithJobAside(t, h, jobs)
	stale()
	want := "The import of junk.txt begun before the lock was stopped"
	if m := shown(h); overlays(h) != 0 || !strings.Contains(m, want) {
		t.Errorf("in the later session: got %d overlays and the window showing\n%s\nwant the note %q alone", overlays(h), m, want)
	}
	h.app.w.background = func(f func()) { f() }
	h.app.lock()
	h.unlock()
	if m := shown(h); strings.Contains(m, want) {
		t.Errorf("after the next unlock: got the note again:\n%s", m)
	}
}

// TestStaleMergeAddsNothing: a backup's merge whose password was typed
// just before the lock came is not begun once the lock came: the vault,
// saved and closed by the lock, holds no account of the backup, and a note
// after the unlock says it was stopped.
func TestStaleMergeAddsNothing(t *testing.T) {
	h, data := mergeHarness(t)
	before := len(h.vault().Accounts())
	jobs := queueBackground(h)
	h.app.w.asked = func() {
		answerPassword(t, h, "backup pw")
		h.app.lock()
	}
	importer{session: h.session()}.read("backup.latchkey", data)
	jobs.runAll() // the merge, then the lock's save and close
	h.app.w.asked = nil
	if n := overlays(h); n != 0 {
		t.Errorf("over the lock screen: got %d overlays, want none; showing:\n%s", n, shown(h))
	}
	h.app.w.background = func(f func()) { f() }
	h.unlock()
	if got := len(h.vault().Accounts()); got != before {
		t.Errorf("after the unlock: got %d accounts, want the %d from before the merge the lock ended", got, before)
	}
	noted(t, shown(h), "The restore from backup.latchkey begun before the lock was stopped, nothing added: restore it again.")
}

// TestStaleMergeNotedByCounts: a merge the lock ends while it asks about
// a duplicate finishes, keeping the vault's copy (the lock's cancel); the
// note after the unlock says what it did by counts, naming no account.
func TestStaleMergeNotedByCounts(t *testing.T) {
	h, data := mergeHarness(t)
	before := len(h.vault().Accounts())
	jobs := queueBackground(h)
	prompts := 0
	h.app.w.asked = func() {
		prompts++
		if prompts == 1 {
			answerPassword(t, h, "backup pw")
			return
		}
		h.app.lock() // at the duplicate's question
	}
	importer{session: h.session()}.read("backup.latchkey", data)
	jobs.runAll()
	h.app.w.asked = nil
	if prompts != 2 {
		t.Fatalf("got %d questions, want the password and a duplicate", prompts)
	}
	if n := overlays(h); n != 0 {
		t.Errorf("over the lock screen: got %d overlays, want none; showing:\n%s", n, shown(h))
	}
	h.app.w.background = func(f func()) { f() }
	h.unlock()
	if got := len(h.vault().Accounts()); got != before+1 {
		t.Errorf("after the unlock: got %d accounts, want %d: the backup's new one added, the duplicate kept", got, before+1)
	}
	// The whole note is this line: it names no account.
	note := noted(t, shown(h), "The restore from backup.latchkey begun before the lock added 1 account and replaced no accounts.")
	if note != "The restore from backup.latchkey begun before the lock added 1 account and replaced no accounts." {
		t.Errorf("after the unlock: got the note %q, want the counts alone", note)
	}
}

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
