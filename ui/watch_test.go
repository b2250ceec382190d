package ui

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"latchkey/core"
	"latchkey/core/coretest"
	"latchkey/internal/testtool"
	"latchkey/vault"
)

// uiQueue makes h's window hand what its goroutines run on the UI
// goroutine (fyne.Do) to the test, which runs it on its own goroutine, as
// the event loop would: the test driver would run it on theirs.
func uiQueue(h *harness) chan func() {
	q := make(chan func(), 16)
	h.app.do = func(f func()) { q <- f }
	return q
}

// runNext runs what the window's goroutines queued next for the UI, and
// fails when nothing came within a bound far above the watcher's delay.
func runNext(t *testing.T, q chan func(), what string) {
	t.Helper()
	select {
	case f := <-q:
		f()
	case <-time.After(20 * time.Second):
		t.Fatalf("%s: the window was told nothing within 20 s", what)
	}
}

// TestWindowMergesAnotherComputersSave: while the window is unlocked, the
// vault file is replaced (as a sync tool does) by another computer's save
// holding one more account; the list shows it with a note, nothing
// clicked. A conflict copy of another vault is kept and reported by its
// escaped name; a damaged file over the vault is reported, and saving into
// it says what happened.
func TestWindowMergesAnotherComputersSave(t *testing.T) {
	accts := threeAccounts(t)
	h := newHarness(t, accts[:2])
	q := uiQueue(h)
	h.unlock()

	testtool.SyncDeliver(t, h.path, coretest.OtherComputerWith(t, testVaults, testPassword, h.path, coretest.Adds(t, accts[2])))
	runNext(t, q, "the replaced vault file")
	if got := h.list().length(); got != 3 {
		t.Errorf("got %d accounts in the list, want 3", got)
	}
	m := shown(h)
	if !strings.Contains(m, "From another computer: 1 added.") {
		t.Errorf("got no note of what came in; the window shows:\n%s", m)
	}
	if !strings.Contains(m, "Example") {
		t.Errorf("the list does not show the other computer's account; the window shows:\n%s", m)
	}
	if got := len(h.saved()); got != 3 {
		t.Errorf("got %d accounts in the saved file, want 3", got)
	}

	// Another vault's file, left as a conflict copy; the same under a name
	// that tries to reverse the text around it is no conflict name, and
	// is left alone, unnamed.
	_, other, _ := backupFile(t, "another vault's password", false, accts[0])
	hostile := "vault (Eve\u202e's conflicted copy 2026-12-01).latchkey"
	testtool.SyncDeliver(t, filepath.Join(filepath.Dir(h.path), hostile), other)
	name := "vault (Eve's conflicted copy 2026-12-01).latchkey"
	testtool.SyncDeliver(t, filepath.Join(filepath.Dir(h.path), name), other)
	runNext(t, q, "a conflict copy of another vault")
	m = shown(h)
	if !strings.Contains(m, "A copy from another computer could not be merged: sealed under a key this vault never had") ||
		!strings.Contains(m, name) {
		t.Errorf("got no note of the kept copy with its name; the window shows:\n%s", m)
	}
	if strings.Contains(m, "\u202e") || strings.Contains(m, `\u202e`) {
		t.Error("the name that is no conflict copy reached the window")
	}
	for _, n := range []string{name, hostile} {
		if _, err := os.Stat(filepath.Join(filepath.Dir(h.path), n)); err != nil {
			t.Errorf("the copy that was not merged is gone: %v", err)
		}
		must(t, os.Remove(filepath.Join(filepath.Dir(h.path), n)))
	}

	// A damaged file replaces the vault: it is left as it is, and said.
	damaged := h.file()
	damaged = damaged[:len(damaged)/2]
	testtool.SyncDeliver(t, h.path, damaged)
	runNext(t, q, "a damaged vault file")
	m = shown(h)
	if !strings.Contains(m, "Could not merge what another computer saved") || !strings.Contains(m, "replaced by a damaged one") {
		t.Errorf("got no message about the damaged file; the window shows:\n%s", m)
	}
	_, err := h.vault().Add(account(t, "otpauth://totp/Later:me?secret=JBSWY3DPEHPK3PXP&issuer=Later", nil))
	must(t, err)
	err = h.vault().Save()
	if msg := advice(err); !strings.Contains(msg, "cannot save into it") {
		t.Errorf("saving over the damaged file: got %q (%v), want advice that it cannot save into it", msg, err)
	}
	if got := h.file(); string(got) != string(damaged) {
		t.Error("the damaged file was overwritten")
	}
}

// TestSyncNoteNamesAFewCopies: hundreds of junk conflict copies (anyone who
// can write to the synced folder can drop them) make a note of a few lines,
// not hundreds: the copies the sync read first, then how many more, with
// where to see them all. Names stay escaped.
func TestSyncNoteNamesAFewCopies(t *testing.T) {
	var rep core.SyncReport
	for i := range 300 {
		rep.Copies = append(rep.Copies, core.CopyReport{Name: fmt.Sprintf("a\n\x1b[31m%03d.latchkey", i), Err: core.ErrOverBudget})
	}
	rep.Copies = append(rep.Copies,
		core.CopyReport{Name: "z (1).latchkey", Err: vault.ErrCorrupt},
		core.CopyReport{Name: "z (2).latchkey", Merged: true, Err: core.ErrMaybeYours},
		core.CopyReport{Name: "z (3).latchkey", Merged: true, Removed: true},
	)
	note := syncNote(rep)
	lines := strings.Split(note, "\n")
	if len(lines) != syncNoteCopies+1 {
		t.Fatalf("got %d lines, want %d:\n%s", len(lines), syncNoteCopies+1, note)
	}
	if !strings.Contains(lines[0], "z (1).latchkey") || !strings.Contains(lines[1], "z (2).latchkey") {
		t.Errorf("got the first lines %q, want the copies that were read first", lines[:2])
	}
	if !strings.Contains(lines[2], `a\x0a\x1b[31m000.latchkey`) || strings.ContainsAny(note, "\x1b") {
		t.Errorf("got the line %q, want the first copy not read, its name escaped", lines[2])
	}
	want := `297 more copies were kept beside the vault, 297 not read (one sync reads only so many). Remove the copies that are not needed. To see each one and why, lock Latchkey and run "latchkey sync".`
	if lines[5] != want {
		t.Errorf("got the last line %q, want %q", lines[5], want)
	}

	// One copy over the few named: said as one.
	rep.Copies = rep.Copies[300-syncNoteCopies+1:] // 4 not read, 2 read and kept
	lines = strings.Split(syncNote(rep), "\n")
	if got := lines[len(lines)-1]; !strings.HasPrefix(got, "1 more copy was kept beside the vault, 1 not read") {
		t.Errorf("got the last line %q, want one more copy said as one", got)
	}
	// No more than the few: each named, no count.
	rep.Copies = rep.Copies[1:]
	if note := syncNote(rep); strings.Contains(note, "more cop") || strings.Count(note, "\n") != syncNoteCopies-1 {
		t.Errorf("got the note\n%s\nwant %d copies named and no count", note, syncNoteCopies)
	}
}

// TestWindowNotesAFewOfManyCopies: a folder of more junk copies than one
// sync reads, found at unlock; the watcher reads on past the unlock's
// sync by itself, and the window gets one note, naming a few.
func TestWindowNotesAFewOfManyCopies(t *testing.T) {
	h := newHarness(t, threeAccounts(t)[:1])
	dir := filepath.Dir(h.path)
	const copies = core.SyncMaxCopies + 8
	for i := range copies {
		name := core.Conflict{Tool: core.Syncthing, When: time.Date(2026, 11, 1, 10, 10, i, 0, time.UTC), Who: "JUNKJNK"}.Name(filepath.Base(h.path))
		must(t, os.WriteFile(filepath.Join(dir, name), []byte("junk"), 0o600))
	}
	q := uiQueue(h)
	h.unlock()
	runNext(t, q, "the sync at unlock")
	m := shown(h)
	if got := strings.Count(m, "A copy from another computer"); got != syncNoteCopies {
		t.Errorf("got %d copies named, want %d; the window shows:\n%s", got, syncNoteCopies, m)
	}
	if want := fmt.Sprintf("%d more copies were kept beside the vault.", copies-syncNoteCopies); !strings.Contains(m, want) {
		t.Errorf("got no %q; the window shows:\n%s", want, m)
	}
	if strings.Contains(m, "not read") {
		t.Errorf("the note says copies were not read, though the watcher read on; the window shows:\n%s", m)
	}
	select {
	case <-q:
		t.Error("the window was told again, with the folder quiet: want one note for the syncs that read on")
	case <-time.After(4 * core.WatchDelay):
	}
}

// TestWindowMergesACopyBehindTheJunk: more junk copies than one sync reads,
// named to sort before this vault's copy, found at unlock. The unlock's
// sync read the junk alone, and the watcher started knowing nothing: the
// copy was never merged while the folder stayed quiet. It is merged now,
// with nothing more happening in the folder, and said in one note.
func TestWindowMergesACopyBehindTheJunk(t *testing.T) {
	accts := threeAccounts(t)
	h := newHarness(t, accts[:2])
	dir := filepath.Dir(h.path)
	for i := range 40 {
		name := fmt.Sprintf("vault.sync-conflict-00000101-0000%02d-JUNKJNK.latchkey", i)
		must(t, os.WriteFile(filepath.Join(dir, name), []byte("junk"), 0o600))
	}
	real := filepath.Join(dir, "vault.sync-conflict-20261201-101010-ABCDEFG.latchkey")
	must(t, os.WriteFile(real, coretest.OtherComputerWith(t, testVaults, testPassword, h.path, coretest.Adds(t, accts[2])), 0o600))
	q := uiQueue(h)
	h.unlock()
	runNext(t, q, "the sync at unlock and the watcher's")
	m := shown(h)
	if !strings.Contains(m, "From another computer: 1 added.") {
		t.Errorf("got no note of the copy merged; the window shows:\n%s", m)
	}
	if got := h.list().length(); got != 3 {
		t.Errorf("got %d accounts in the list, want 3", got)
	}
	if _, err := os.Lstat(real); !os.IsNotExist(err) {
		t.Errorf("the merged copy is still there: %v", err)
	}
	select {
	case <-q:
		t.Error("the window was told again, with the folder quiet: want one note for the syncs that read on")
	case <-time.After(4 * core.WatchDelay):
	}
}
