package ui

import (
	"crypto/subtle"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"latchkey/otp"
	"latchkey/vault"
)

// fakeVault is an in-memory store: the UI tests need no KDF and no disk.
type fakeVault struct {
	mu        sync.Mutex
	path      string
	password  []byte
	codes     []string
	accounts  []vault.Account
	settings  vault.Settings
	dirty     bool
	saves     int
	closed    bool
	nextID    int
	saveError error
	// setPasswordError is what SetPassword returns after setting it (as
	// the real one does when only the automatic backup fails).
	setPasswordError error

	now        func() time.Time   // MarkUsed's clock; nil is time.Now
	backups    []fakeBackupWrite  // what WriteBackup was asked to write
	status     vault.BackupStatus // what LastBackup reports
	backupNows int                // BackupNow calls

	newCodes             []string // what SetPassword returns
	earlier              []string // automatic backups under an earlier key
	reencrypted, removed []string // what ReencryptBackups and RemoveEarlierBackups did
}

// fakeBackupWrite is one WriteBackup call.
type fakeBackupWrite struct {
	path string
	opts vault.BackupOptions
}

func (f *fakeVault) Path() string { return f.path }

func (f *fakeVault) Accounts() []vault.Account {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]vault.Account, len(f.accounts))
	for i, a := range f.accounts {
		out[i] = cloneAccount(a)
	}
	return out
}

func cloneAccount(a vault.Account) vault.Account {
	a.Key.Secret = slices.Clone(a.Key.Secret)
	a.Tags = slices.Clone(a.Tags)
	a.BackupCodes = slices.Clone(a.BackupCodes)
	return a
}

func (f *fakeVault) index(id string) int {
	return slices.IndexFunc(f.accounts, func(a vault.Account) bool { return a.ID == id })
}

func (f *fakeVault) Account(id string) (vault.Account, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	i := f.index(id)
	if i < 0 {
		return vault.Account{}, false
	}
	return cloneAccount(f.accounts[i]), true
}

func (f *fakeVault) Add(as ...vault.Account) ([]vault.Account, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return nil, vault.ErrClosed
	}
	var out []vault.Account
	for _, a := range as {
		if err := a.Key.Validate(); err != nil {
			return nil, err
		}
		f.nextID++
		a.ID = fmt.Sprintf("id%d", f.nextID)
		f.accounts = append(f.accounts, cloneAccount(a))
		out = append(out, a)
	}
	f.dirty = true
	return out, nil
}

func (f *fakeVault) Update(a vault.Account) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	i := f.index(a.ID)
	if i < 0 {
		return vault.ErrNoAccount
	}
	f.accounts[i] = cloneAccount(a)
	f.dirty = true
	return nil
}

// MarkUsed is vault.MarkUsed's contract: LastUsed changes, Modified not.
func (f *fakeVault) MarkUsed(id string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	i := f.index(id)
	if i < 0 {
		return vault.ErrNoAccount
	}
	now := time.Now
	if f.now != nil {
		now = f.now
	}
	f.accounts[i].LastUsed = now()
	f.dirty = true
	return nil
}

func (f *fakeVault) Delete(id string) (vault.Account, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	i := f.index(id)
	if i < 0 {
		return vault.Account{}, vault.ErrNoAccount
	}
	a := f.accounts[i]
	f.accounts = slices.Delete(f.accounts, i, i+1)
	f.dirty = true
	return a, nil
}

func (f *fakeVault) Restore(a vault.Account, index int) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	index = min(max(index, 0), len(f.accounts))
	f.accounts = slices.Insert(f.accounts, index, a)
	f.dirty = true
	return nil
}

func (f *fakeVault) Settings() vault.Settings {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.settings
}

func (f *fakeVault) SetSettings(s vault.Settings) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.settings = s
	f.dirty = true
	return nil
}

func (f *fakeVault) Dirty() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.dirty
}

func (f *fakeVault) Save() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.saveError != nil {
		return f.saveError
	}
	f.saves++
	f.dirty = false
	return nil
}

// SetPassword returns newCodes, as a vault whose old codes could not
// follow the new key does.
func (f *fakeVault) SetPassword(pw []byte) ([]string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.password = slices.Clone(pw)
	if f.newCodes != nil {
		f.codes = slices.Clone(f.newCodes)
	}
	f.dirty = true
	return slices.Clone(f.newCodes), f.setPasswordError
}

func (f *fakeVault) EarlierBackups() ([]string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.earlier), nil
}

func (f *fakeVault) ReencryptBackups() ([]string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	done := f.earlier
	f.earlier, f.reencrypted = nil, append(f.reencrypted, done...)
	return done, nil
}

func (f *fakeVault) RemoveEarlierBackups() ([]string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	done := f.earlier
	f.earlier, f.removed = nil, append(f.removed, done...)
	return done, nil
}

func (f *fakeVault) RegenerateBackupCodes() ([]string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.codes = []string{"NEW1-AAAA", "NEW2-BBBB"}
	return slices.Clone(f.codes), nil
}

func (f *fakeVault) BackupCodesLeft() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.codes)
}

func (f *fakeVault) Close() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.closed = true
	return nil
}

func (f *fakeVault) isClosed() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.closed
}

func (f *fakeVault) Move(id string, index int) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	i := f.index(id)
	if i < 0 {
		return vault.ErrNoAccount
	}
	a := f.accounts[i]
	f.accounts = slices.Delete(f.accounts, i, i+1)
	index = min(max(index, 0), len(f.accounts))
	f.accounts = slices.Insert(f.accounts, index, a)
	f.dirty = true
	return nil
}

// Merge is vault.Merge's contract: duplicates by SameSecret, replace asked
// without the lock held.
func (f *fakeVault) Merge(as []vault.Account, replace func(existing, incoming vault.Account) bool) (vault.MergeReport, error) {
	var rep vault.MergeReport
	for _, in := range as {
		existing := -1
		for i, h := range f.Accounts() {
			if h.Key.SameSecret(in.Key) {
				existing = i
				break
			}
		}
		switch {
		case existing < 0:
			if _, err := f.Add(in); err != nil {
				return rep, err
			}
			rep.Added = append(rep.Added, in.Key.Label())
		case replace != nil && replace(f.Accounts()[existing], in):
			f.mu.Lock()
			in.ID = f.accounts[existing].ID
			f.accounts[existing] = cloneAccount(in)
			f.dirty = true
			f.mu.Unlock()
			rep.Replaced = append(rep.Replaced, in.Key.Label())
		default:
			rep.Duplicates = append(rep.Duplicates, in.Key.Label())
		}
	}
	return rep, nil
}

func (f *fakeVault) WriteBackup(path string, o vault.BackupOptions) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	o.Password = slices.Clone(o.Password)
	f.backups = append(f.backups, fakeBackupWrite{path: path, opts: o})
	return nil
}

func (f *fakeVault) LastBackup() (vault.BackupStatus, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.status, nil
}

func (f *fakeVault) BackupNow() (vault.BackupStatus, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.backupNows++
	return f.status, f.status.Err
}

// fakeOpener hands out one fakeVault and checks passwords in constant time.
type fakeOpener struct {
	v      *fakeVault // nil: no vault yet
	opened int
}

func (o *fakeOpener) Exists(string) bool { return o.v != nil }

func (o *fakeOpener) Create(path string, pw []byte) (store, []string, error) {
	if o.v != nil {
		return nil, nil, vault.ErrExists
	}
	o.v = &fakeVault{path: path, password: slices.Clone(pw), codes: []string{"AAAA-BBBB-CCCC", "DDDD-EEEE-FFFF"}, settings: vault.DefaultSettings()}
	return o.v, slices.Clone(o.v.codes), nil
}

func (o *fakeOpener) Open(path string, pw []byte) (store, error) {
	if o.v == nil {
		return nil, vault.ErrNoFile
	}
	if subtle.ConstantTimeCompare(pw, o.v.password) != 1 {
		return nil, fmt.Errorf("opening %s: %w", path, vault.ErrWrongPassword)
	}
	o.v.mu.Lock()
	o.v.closed = false
	o.v.mu.Unlock()
	o.opened++
	return o.v, nil
}

func (o *fakeOpener) OpenWithBackupCode(path, code string) (store, error) {
	if o.v == nil {
		return nil, vault.ErrNoFile
	}
	for i, c := range o.v.codes {
		if subtle.ConstantTimeCompare([]byte(c), []byte(code)) == 1 {
			o.v.codes = slices.Delete(o.v.codes, i, i+1)
			o.v.closed = false
			return o.v, nil
		}
	}
	return nil, vault.ErrWrongBackupCode
}

func (o *fakeOpener) CheckPassword(path string, pw []byte) error {
	if o.v == nil {
		return vault.ErrNoFile
	}
	if subtle.ConstantTimeCompare(pw, o.v.password) != 1 {
		return fmt.Errorf("opening %s: %w", path, vault.ErrWrongPassword)
	}
	return nil
}

// A fake backup file (vault.IsVaultFile says yes) is fakeBackupMagic, its password, a newline, then one
// otpauth URI a line.
const fakeBackupMagic = "LATCHKEY-fake:"

func fakeBackupFile(t testing.TB, pw string, uris ...string) []byte {
	t.Helper()
	return []byte(fakeBackupMagic + pw + "\n" + strings.Join(uris, "\n"))
}

func (o *fakeOpener) ReadBackup(data, pw []byte) (*vault.Backup, error) {
	head, body, ok := strings.Cut(string(data), "\n")
	want, isBackup := strings.CutPrefix(head, fakeBackupMagic)
	if !ok || !isBackup {
		return nil, vault.ErrCorrupt
	}
	if subtle.ConstantTimeCompare(pw, []byte(want)) != 1 {
		return nil, vault.ErrWrongPassword
	}
	b := &vault.Backup{Settings: vault.DefaultSettings()}
	for _, line := range strings.Split(body, "\n") {
		if line == "" {
			continue
		}
		k, err := otp.ParseURI(line)
		if err != nil {
			return nil, vault.ErrCorrupt
		}
		b.Accounts = append(b.Accounts, vault.Account{Key: k})
	}
	return b, nil
}

func (o *fakeOpener) RestoreAsNew(backupPath string, pw []byte, newPath string) (store, []string, error) {
	if o.v != nil {
		return nil, nil, vault.ErrExists
	}
	data, err := os.ReadFile(backupPath)
	if err != nil {
		return nil, nil, err
	}
	b, err := o.ReadBackup(data, pw)
	if err != nil {
		return nil, nil, err
	}
	o.v = &fakeVault{path: newPath, password: slices.Clone(pw), settings: b.Settings}
	if _, err := o.v.Add(b.Accounts...); err != nil {
		return nil, nil, err
	}
	o.v.codes = []string{"REST-0001", "REST-0002"}
	return o.v, slices.Clone(o.v.codes), nil
}

// RestoreWithBackupCode accepts the code "GOOD-CODE" for any fake backup.
func (o *fakeOpener) RestoreWithBackupCode(backupPath, code, newPath string, newPassword []byte) (store, []string, error) {
	if code != "GOOD-CODE" {
		return nil, nil, vault.ErrWrongBackupCode
	}
	data, err := os.ReadFile(backupPath)
	if err != nil {
		return nil, nil, err
	}
	head, _, _ := strings.Cut(string(data), "\n")
	pw, _ := strings.CutPrefix(head, fakeBackupMagic)
	v, _, err := o.RestoreAsNew(backupPath, []byte(pw), newPath)
	if err != nil {
		return nil, nil, err
	}
	o.v.password = slices.Clone(newPassword)
	return v, nil, nil
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

// harness is an app on the test driver with a fake vault and clock.
type harness struct {
	t     testing.TB
	app   *app
	fa    fyne.App
	win   fyne.Window
	open  *fakeOpener
	clock *fakeClock
}

const testPassword = "correct horse battery"

// newHarness starts the app. With accounts non-nil a vault exists holding
// them (password testPassword); with nil there is no vault yet.
func newHarness(t testing.TB, accounts []vault.Account) *harness {
	t.Helper()
	fa := test.NewTempApp(t)
	w := fa.NewWindow("Latchkey")
	t.Cleanup(w.Close)
	h := &harness{t: t, fa: fa, win: w, open: &fakeOpener{}, clock: newFakeClock()}
	if accounts != nil {
		h.open.v = &fakeVault{path: "/test/vault", password: []byte(testPassword), codes: []string{"AAAA-BBBB-CCCC", "DDDD-EEEE-FFFF"}, settings: vault.DefaultSettings(), now: h.clock.now}
		_, err := h.open.v.Add(accounts...)
		must(t, err)
		h.open.v.dirty = false
	}
	h.app = newApp(fa, w, "/test/vault", h.open, h.clock.now)
	h.app.startTick = func(func()) *ticker { return nil }
	h.app.background = func(f func()) { f() }
	h.app.afterSave = nil
	h.app.start()
	w.Resize(fyne.NewSize(460, 640))
	return h
}

// unlock types the password and presses Enter on the unlock screen.
func (h *harness) unlock() {
	h.t.Helper()
	c := h.win.Canvas()
	e, ok := c.Focused().(*widget.Entry)
	if !ok {
		h.t.Fatalf("got focus on %T, want the password entry", c.Focused())
	}
	test.Type(e, testPassword)
	e.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if h.app.accounts == nil {
		h.t.Fatal("the account list is not showing after unlocking")
	}
}

func (h *harness) clipboard() string { return h.fa.Clipboard().Content() }

func account(t *testing.T, uri string, mod func(*vault.Account)) vault.Account {
	a := vault.Account{Key: mustKey(t, uri)}
	if mod != nil {
		mod(&a)
	}
	return a
}
