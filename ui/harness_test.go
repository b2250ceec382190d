package ui

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"latchkey/otp"
	"latchkey/vault"
)

// testVaults are the real vault package with its test knob: real files,
// cheap key derivation.
var testVaults = vault.Options{KDF: vault.TestKDF}

const testPassword = "correct horse battery"

// harness is the app on Fyne's test driver, on a real vault in a temporary
// folder, with a settable clock. Background work runs inline.
type harness struct {
	t        testing.TB
	app      *app
	fa       fyne.App
	win      fyne.Window
	path     string   // the vault file
	password string   // what opens it
	codes    []string // its backup codes, as made
	clock    *fakeClock
}

// newHarness starts the app. With accounts non-nil a vault exists holding
// them (password testPassword); with nil there is no vault yet.
func newHarness(t testing.TB, accounts []vault.Account) *harness {
	t.Helper()
	return startHarness(t, accounts, nil)
}

// startHarness is newHarness with setup run on the new vault (settings, a
// backup folder) before it is saved and the window opens on it.
func startHarness(t testing.TB, accounts []vault.Account, setup func(*vault.Vault)) *harness {
	t.Helper()
	h := &harness{t: t, path: filepath.Join(t.TempDir(), "vault.latchkey"), password: testPassword, clock: newFakeClock()}
	if accounts != nil {
		v, codes, err := testVaults.Create(h.path, []byte(testPassword))
		must(t, err)
		h.codes = codes
		if len(accounts) > 0 {
			_, err = v.Add(accounts...)
			must(t, err)
		}
		if setup != nil {
			setup(v)
		}
		if err := v.Save(); err != nil && !errors.Is(err, vault.ErrBackupFailed) {
			t.Fatal(err)
		}
		must(t, v.Close())
	}
	h.open()
	return h
}

// open starts the window on h.path.
func (h *harness) open() {
	fa := test.NewTempApp(h.t)
	w := fa.NewWindow("Latchkey")
	h.t.Cleanup(w.Close)
	h.fa, h.win = fa, w
	h.app = newApp(fa, w, h.path, testVaults, h.clock.now)
	h.app.startTick = func(func()) *ticker { return nil }
	h.app.w.background = func(f func()) { f() }
	h.app.statusAfterSave = false
	h.app.start()
	h.t.Cleanup(func() { h.app.shutdown() })
	w.Resize(fyne.NewSize(460, 640))
}

// unlock types the password and presses Enter on the unlock screen.
func (h *harness) unlock() {
	h.t.Helper()
	c := h.win.Canvas()
	e, ok := asEntry(c.Focused())
	if !ok {
		h.t.Fatalf("got focus on %T, want the password entry", c.Focused())
	}
	test.Type(e, h.password)
	e.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if !h.unlocked() {
		h.t.Fatal("the account list is not showing after unlocking")
	}
}

// unlocked reports whether the window holds an unlocked vault.
func (h *harness) unlocked() bool { return h.app.session != nil }

// session is the unlocked vault's session; the test fails when locked.
func (h *harness) session() *session {
	h.t.Helper()
	if h.app.session == nil {
		h.t.Fatal("the vault is locked")
	}
	return h.app.session
}

// vault is the open vault; the test fails when the window holds none.
func (h *harness) vault() *vault.Vault {
	h.t.Helper()
	return h.session().v
}

// unlockedList is where most tests start: the three accounts, unlocked,
// their list shown.
func unlockedList(t *testing.T) (*harness, *accountsScreen) {
	t.Helper()
	h := newHarness(t, threeAccounts(t))
	h.unlock()
	return h, h.list()
}

// list is the account list; the test fails when the vault is locked.
func (h *harness) list() *accountsScreen {
	h.t.Helper()
	return h.session().list
}

// opensWith reports whether pw opens the vault file as saved.
func (h *harness) opensWith(pw string) bool {
	return checkPassword(testVaults, h.path, []byte(pw)) == nil
}

// saved is the vault file as saved, opened read-only beside the window.
func (h *harness) saved() []vault.Account {
	h.t.Helper()
	v, err := testVaults.OpenReadOnly(h.path, []byte(h.password))
	must(h.t, err)
	defer v.Close()
	return v.Accounts()
}

// file is the vault file's bytes as they are on disk.
func (h *harness) file() []byte {
	h.t.Helper()
	data, err := os.ReadFile(h.path)
	must(h.t, err)
	return data
}

// closed reports whether the window let go of the vault: another Latchkey
// can open it.
func (h *harness) closed() bool {
	h.t.Helper()
	v, err := testVaults.Open(h.path, []byte(h.password))
	if errors.Is(err, vault.ErrLocked) {
		return false
	}
	must(h.t, err)
	must(h.t, v.Close())
	return true
}

// waitSaved waits for the background saver to write the vault.
func (h *harness) waitSaved() {
	h.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for h.vault().Dirty() {
		if time.Now().After(deadline) {
			h.t.Fatal("the change was not saved within 5 s")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func (h *harness) clipboard() string { return h.fa.Clipboard().Content() }

// setSettings changes the open vault's settings.
func (h *harness) setSettings(change func(*vault.Settings)) {
	h.t.Helper()
	s := h.vault().Settings()
	change(&s)
	must(h.t, h.vault().SetSettings(s))
}

// backupFile writes a Latchkey backup of a new vault holding accounts,
// opening with pw (and, withCodes, with the codes returned), and returns
// its path and contents.
func backupFile(t *testing.T, pw string, withCodes bool, accounts ...vault.Account) (string, []byte, []string) {
	t.Helper()
	dir := t.TempDir()
	v, codes, err := testVaults.Create(filepath.Join(dir, "source.latchkey"), []byte(pw))
	must(t, err)
	defer v.Close()
	_, err = v.Add(accounts...)
	must(t, err)
	must(t, v.Save())
	path := filepath.Join(dir, "backup.latchkey")
	must(t, v.WriteBackup(path, vault.BackupOptions{WithBackupCodes: withCodes}))
	data, err := os.ReadFile(path)
	must(t, err)
	return path, data, codes
}

// fakeClock is a settable now.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time          { return c.t }
func (c *fakeClock) advance(d time.Duration) { c.t = c.t.Add(d) }
func newFakeClock() *fakeClock               { return &fakeClock{t: time.Unix(1_800_000_010, 0)} }

func mustKey(t *testing.T, uri string) otp.Key {
	t.Helper()
	k, err := otp.ParseURI(uri)
	must(t, err)
	return k
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func account(t *testing.T, uri string, mod func(*vault.Account)) vault.Account {
	a := vault.Account{Key: mustKey(t, uri)}
	if mod != nil {
		mod(&a)
	}
	return a
}

// asEntry is the entry o is: a plain one or one of the forms' (formEntry).
func asEntry(o any) (*widget.Entry, bool) {
	switch e := o.(type) {
	case *widget.Entry:
		return e, true
	case *formEntry:
		return &e.Entry, true
	}
	return nil, false
}

// backgroundQueue holds the window's background work until the test runs
// it, so a lock or a key can come between the start of a job and its end.
type backgroundQueue struct{ pending []func() }

func queueBackground(h *harness) *backgroundQueue {
	q := &backgroundQueue{}
	h.app.w.background = func(f func()) { q.pending = append(q.pending, f) }
	return q
}

// runQueued runs the jobs queued so far, not those they queue.
func (q *backgroundQueue) runQueued() {
	jobs := q.pending
	q.pending = nil
	for _, f := range jobs {
		f()
	}
}

// runAll runs jobs until none is left.
func (q *backgroundQueue) runAll() {
	for len(q.pending) > 0 {
		q.runQueued()
	}
}
