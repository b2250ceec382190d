package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"latchkey/core/coretest"
	"latchkey/internal/testtool"
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
