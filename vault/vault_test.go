package vault

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"latchkey/internal/testtool"
	"latchkey/otp"
)

func TestRoundTrip(t *testing.T) {
	v, path, _ := newTestVault(t)
	used := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	added := mustAdd(t, v,
		Account{Key: rfcKey(), Tags: []string{"work", "mail"}, Pinned: true, Note: "the RFC key",
			Icon:        []byte{0x89, 'P', 'N', 'G'},
			BackupCodes: []ServiceCode{{Code: "1111-2222"}, {Code: "3333-4444", Used: true, UsedAt: used}}},
		Account{Key: hotpKey()})
	if added[0].ID == "" || added[0].ID == added[1].ID {
		t.Fatalf("got ids %q and %q, want two distinct non-empty ids", added[0].ID, added[1].ID)
	}
	s := v.Settings()
	s.Sort = SortIssuer
	s.AutoLock = 90 * time.Second
	if err := v.SetSettings(s); err != nil {
		t.Fatal(err)
	}
	mustSave(t, v)
	want := v.Accounts()
	v.Close()

	v2, err := open(path, testPassword, testOptions())
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	defer v2.Close()
	got := v2.Accounts()
	if len(got) != 2 {
		t.Fatalf("got %d accounts, want 2", len(got))
	}
	for i := range got {
		if !accountsEqual(got[i], want[i]) {
			t.Errorf("account %d: got %+v, want %+v", i, got[i], want[i])
		}
	}
	if code := got[0].Key.Code(t59); code != "94287082" {
		t.Errorf("code of the stored RFC 6238 key at t=59: got %s, want 94287082", code)
	}
	if gs := v2.Settings(); gs != s {
		t.Errorf("settings: got %+v, want %+v", gs, s)
	}
	if v2.Dirty() {
		t.Error("freshly opened vault: got Dirty true, want false")
	}
}

func accountsEqual(a, b Account) bool {
	codesEqual := slices.EqualFunc(a.BackupCodes, b.BackupCodes, func(x, y ServiceCode) bool {
		return x.Code == y.Code && x.Used == y.Used && x.UsedAt.Equal(y.UsedAt)
	})
	return a.ID == b.ID && a.Key.Equal(b.Key) && slices.Equal(a.Tags, b.Tags) && a.Pinned == b.Pinned &&
		a.Note == b.Note && bytes.Equal(a.Icon, b.Icon) && codesEqual &&
		a.Created.Equal(b.Created) && a.Modified.Equal(b.Modified) && a.LastUsed.Equal(b.LastUsed)
}

func TestAccountsAreCopies(t *testing.T) {
	v, _, _ := newTestVault(t)
	a := mustAdd(t, v, Account{Key: rfcKey(), Tags: []string{"x"}})[0]
	list := v.Accounts()
	list[0].Key.Secret[0] ^= 0xff
	list[0].Tags[0] = "changed"
	got, _ := v.Account(a.ID)
	if got.Key.Secret[0] != '1' || got.Tags[0] != "x" {
		t.Fatalf("editing a returned copy changed the vault: got secret[0]=%q tag %q", got.Key.Secret[0], got.Tags[0])
	}
}

func TestOrderOperations(t *testing.T) {
	v, _, _ := newTestVault(t)
	var ids []string
	for _, n := range []string{"a", "b", "c", "d"} {
		k := rfcKey()
		k.Name = n
		ids = append(ids, mustAdd(t, v, Account{Key: k})[0].ID)
	}
	names := func() string {
		var s []string
		for _, a := range v.Accounts() {
			s = append(s, a.Key.Name)
		}
		return strings.Join(s, "")
	}
	if err := v.Move(ids[3], 0); err != nil {
		t.Fatal(err)
	}
	if got := names(); got != "dabc" {
		t.Fatalf("after Move: got %s, want dabc", got)
	}
	del, err := v.Delete(ids[0])
	if err != nil {
		t.Fatal(err)
	}
	if got := names(); got != "dbc" {
		t.Fatalf("after Delete: got %s, want dbc", got)
	}
	if err := v.Restore(del, 1); err != nil {
		t.Fatal(err)
	}
	if got := names(); got != "dabc" {
		t.Fatalf("after Restore: got %s, want dabc", got)
	}
	wantErr(t, "Restore twice", v.Restore(del, 1), ErrExists)
	_, err = v.Delete("nope")
	wantErr(t, "Delete unknown", err, ErrNoAccount)
	wantErr(t, "Update unknown", v.Update(Account{ID: "nope", Key: rfcKey()}), ErrNoAccount)
	wantErr(t, "Move unknown", v.Move("nope", 0), ErrNoAccount)
}

func TestAddValidates(t *testing.T) {
	v, _, _ := newTestVault(t)
	bad := rfcKey()
	bad.Digits = 3
	big := Account{Key: rfcKey(), Icon: make([]byte, MaxIconSize+1)}
	for _, a := range []Account{{Key: bad}, big, {Key: rfcKey(), Note: strings.Repeat("n", MaxTextLen+1)}} {
		if _, err := v.Add(Account{Key: rfcKey()}, a); err == nil {
			t.Errorf("Add(%v): got no error, want one", a.Key.Label())
		}
	}
	if n := len(v.Accounts()); n != 0 {
		t.Fatalf("a refused Add stored %d accounts, want 0 (all or none)", n)
	}
	_, err := v.Add(Account{Key: bad})
	var pe *otp.ParseError
	if !errors.As(err, &pe) || pe.Part != "digits" {
		t.Fatalf("got %v, want an *otp.ParseError about digits", err)
	}
	_, err = v.Add(big)
	wantErr(t, "oversized icon", err, ErrTooLarge)
}

func TestHOTPCounterAdvanceIsSaved(t *testing.T) {
	v, path, _ := newTestVault(t)
	a := mustAdd(t, v, Account{Key: hotpKey()})[0]
	mustSave(t, v)
	a.Key.Counter++
	if err := v.Update(a); err != nil {
		t.Fatal(err)
	}
	if !v.Dirty() {
		t.Fatal("after a counter advance: got Dirty false, want true")
	}
	mustSave(t, v)
	v.Close()
	v2, err := open(path, testPassword, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer v2.Close()
	got, _ := v2.Account(a.ID)
	if got.Key.Counter != 1 {
		t.Fatalf("counter after reopening: got %d, want 1", got.Key.Counter)
	}
	// RFC 4226 appendix D: counter 1 gives 287082.
	if code := got.Key.Code(time.Time{}); code != "287082" {
		t.Fatalf("HOTP code at counter 1: got %s, want 287082", code)
	}
}

func TestWrongPassword(t *testing.T) {
	v, path, _ := newTestVault(t)
	v.Close()
	before := mustRead(t, path)
	_, err := open(path, []byte("Correct horse battery staple"), testOptions())
	wantErr(t, "wrong password", err, ErrWrongPassword)
	if errors.Is(err, ErrCorrupt) {
		t.Fatalf("wrong password also reported as corrupt: %v", err)
	}
	if !bytes.Equal(mustRead(t, path), before) {
		t.Fatal("a failed open changed the file")
	}
}

func TestCreateRefusesToOverwrite(t *testing.T) {
	v, path, _ := newTestVault(t)
	v.Close()
	before := mustRead(t, path)
	_, _, err := create(path, testPassword, testOptions())
	wantErr(t, "create over a vault", err, ErrExists)
	if !bytes.Equal(mustRead(t, path), before) {
		t.Fatal("Create over an existing vault changed it")
	}
}

func TestOpenMissing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "none.latchkey")
	_, err := open(path, testPassword, testOptions())
	wantErr(t, "open missing", err, ErrNoFile)
	if !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("got %v, want it to wrap os.ErrNotExist too", err)
	}
	if Exists(path + ".lock") {
		t.Fatal("opening a missing vault left a lock file")
	}
}

func TestLockedInProcess(t *testing.T) {
	v, path, _ := newTestVault(t)
	_, err := open(path, testPassword, testOptions())
	wantErr(t, "second open", err, ErrLocked)
	_, err = openWithBackupCode(path, "0000-0000-0000-0000-0000-0000-0000", testOptions())
	if err == nil {
		t.Fatal("backup-code open of a locked vault: got no error")
	}
	v.Close()
	v2, err := open(path, testPassword, testOptions())
	if err != nil {
		t.Fatalf("open after Close: %v", err)
	}
	v2.Close()
}

// A file changed on disk is merged before a save (savemerge_test.go); a
// damaged one cannot be, and the save is refused.
func TestChangedOnDisk(t *testing.T) {
	v, path, _ := newTestVault(t)
	mustAdd(t, v, Account{Key: rfcKey()})
	// Another program damages the file.
	other := mustRead(t, path)
	other[len(other)-1] ^= 1
	if err := os.WriteFile(path, other, 0o600); err != nil {
		t.Fatal(err)
	}
	err := v.Save()
	wantErr(t, "save over a damaged file", err, ErrChangedOnDisk)
	wantErr(t, "save over a damaged file", err, ErrCorrupt)
	if !bytes.Equal(mustRead(t, path), other) {
		t.Fatal("refused save still changed the file")
	}
	if !v.Dirty() {
		t.Fatal("refused save: got Dirty false, want true")
	}
}

func TestSaveNeverRunsKDF(t *testing.T) {
	v, _, _ := newTestVault(t)
	mustAdd(t, v, Account{Key: rfcKey()})
	before := kdfRuns.Load()
	for range 3 {
		mustSave(t, v)
	}
	if got := kdfRuns.Load() - before; got != 0 {
		t.Fatalf("Save ran the password KDF %d times, want 0", got)
	}
}

func TestClosedVault(t *testing.T) {
	v, _, _ := newTestVault(t)
	v.Close()
	wantErr(t, "Save after Close", v.Save(), ErrClosed)
	_, err := v.Add(Account{Key: rfcKey()})
	wantErr(t, "Add after Close", err, ErrClosed)
	if err := v.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
}

func TestErrorsHoldNoSecret(t *testing.T) {
	v, path, codes := newTestVault(t)
	k := rfcKey()
	k.Digits = 99
	_, err := v.Add(Account{Key: k})
	if err == nil || strings.Contains(err.Error(), "1234567890") || strings.Contains(err.Error(), otp.EncodeSecret(k.Secret)) {
		t.Fatalf("got %v, want an error without the secret", err)
	}
	v.Close()
	typo := []byte(codes[0])
	typo[0] = map[bool]byte{true: '1', false: '0'}[typo[0] == '0']
	for _, err := range []error{
		func() error { _, err := open(path, []byte("hunter2-secret"), testOptions()); return err }(),
		func() error { _, err := openWithBackupCode(path, string(typo), testOptions()); return err }(),
	} {
		if err == nil || strings.Contains(err.Error(), "hunter2") || strings.Contains(err.Error(), codes[0][5:]) {
			t.Fatalf("got %v, want an error without password or code", err)
		}
	}
}

func TestConcurrentUse(t *testing.T) {
	v, _, _ := newTestVault(t)
	done := make(chan error)
	for g := range 4 {
		go func() {
			var err error
			for i := 0; i < 20 && err == nil; i++ {
				k := rfcKey()
				k.Name = strings.Repeat("x", g+1)
				_, err = v.Add(Account{Key: k})
				if err == nil {
					_ = v.Accounts()
					err = v.Save()
				}
			}
			done <- err
		}()
	}
	for range 4 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	if n := len(v.Accounts()); n != 80 {
		t.Fatalf("got %d accounts, want 80", n)
	}
}

func TestCalibrateNeverBelowFloor(t *testing.T) {
	for _, target := range []time.Duration{time.Nanosecond, 50 * time.Millisecond} {
		p := Calibrate(target)
		if p.Memory < FloorParams.Memory || p.Time < FloorParams.Time || p.Threads < FloorParams.Threads {
			t.Fatalf("Calibrate(%v) = %v, below the floor %v", target, p, FloorParams)
		}
		if err := strictLimits.check(p); err != nil {
			t.Fatalf("Calibrate(%v) = %v, which Open would refuse: %v", target, p, err)
		}
	}
}

func TestScale(t *testing.T) {
	cases := []struct {
		elapsed, target time.Duration
		want            Params
	}{
		{time.Second, time.Second, FloorParams},
		{2 * time.Second, time.Second, FloorParams},
		{250 * time.Millisecond, time.Second, Params{Memory: 256 << 10, Time: 3, Threads: 4}},
		// 64 MiB in 20 ms: 3.2 GiB would be needed; 1 GiB and 3.2*3 passes.
		{20 * time.Millisecond, time.Second, Params{Memory: 1 << 20, Time: 9, Threads: 4}},
		// 64 MiB in 10 ms: 1 GiB and 19 passes would be needed; passes stop
		// at the cap a reader enforces.
		{10 * time.Millisecond, time.Second, Params{Memory: 1 << 20, Time: MaxTime, Threads: 4}},
	}
	for _, c := range cases {
		if got := scale(FloorParams, c.elapsed, c.target); got != c.want {
			t.Errorf("scale(floor, %v, %v): got %v, want %v", c.elapsed, c.target, got, c.want)
		}
	}
}

func TestOversizedFileRefusedBeforeReading(t *testing.T) {
	path := testtool.SparseFile(t, filepath.Join(t.TempDir(), "huge.latchkey"), []byte(magic+"\x00\x01"), int64(MaxFileSize)+1)
	_, err := Open(path, testPassword)
	wantErr(t, "oversized file", err, ErrCorrupt)
}

func TestSettingsValidate(t *testing.T) {
	v, _, _ := newTestVault(t)
	for _, s := range []Settings{{Sort: "random"}, {BackupDir: "relative/dir"}, {AutoLock: -time.Second}, {BackupKeep: MaxBackupKeep + 1}} {
		if err := v.SetSettings(s); err == nil {
			t.Errorf("SetSettings(%+v): got no error, want one", s)
		}
	}
}

func TestBackupsRotateAndOpen(t *testing.T) {
	v, path, codes := newTestVault(t)
	s := v.Settings()
	s.BackupKeep = 3
	if err := v.SetSettings(s); err != nil {
		t.Fatal(err)
	}
	for i := range 6 {
		k := rfcKey()
		k.Name = fmt.Sprint(i)
		mustAdd(t, v, Account{Key: k})
		mustSave(t, v)
	}
	backups, err := Backups(BackupDirFor(path), path)
	if err != nil {
		t.Fatal(err)
	}
	// All on one day: the newest 3 (the daily one is among them).
	if len(backups) != 3 {
		t.Fatalf("got %d backups, want 3", len(backups))
	}
	accounts, _, err := decryptFile(mustRead(t, backups[0]), testPassword, testLimits)
	if err != nil {
		t.Fatalf("newest backup: %v", err)
	}
	if got := names(accounts); got != "0,1,2,3,4,5" {
		t.Fatalf("newest backup holds %s, want 0,1,2,3,4,5", got)
	}
	// A backup is a whole vault: it opens with a backup code too.
	c, _ := parseContainer(mustRead(t, backups[2]), testLimits)
	bits, _ := parseBackupCode(codes[0])
	if _, _, err := c.unlockCode(bits); err != nil {
		t.Fatalf("backup with a backup code: %v", err)
	}
}

func TestSaveWithoutChangesWritesNothing(t *testing.T) {
	v, path, _ := newTestVault(t)
	before := mustRead(t, path)
	mustSave(t, v)
	if !bytes.Equal(mustRead(t, path), before) {
		t.Fatal("a save with nothing to save rewrote the file")
	}
}

// renameHook is a file system that calls onRename before each rename.
type renameHook struct {
	fileSystem
	onRename func(to string)
}

func (f renameHook) Rename(from, to string) error {
	f.onRename(to)
	return f.fileSystem.Rename(from, to)
}

// SaveAndClose leaves nothing changed and unsaved: an account another
// goroutine adds while the vault is saved (the window's lock, while an
// import's worker adds) is refused with ErrClosed, or is in the file. A
// check of Dirty, then Save, then Close let that add in between the save
// and the close, which dropped it.
func TestSaveAndCloseDropsNothing(t *testing.T) {
	v, path, _ := newTestVault(t)
	mustAdd(t, v, Account{ID: "first", Key: rfcKey()})
	var addErr error
	added := make(chan struct{})
	var once sync.Once
	v.fs = renameHook{fileSystem: v.fs, onRename: func(to string) {
		if to != path {
			return
		}
		once.Do(func() {
			go func() {
				defer close(added)
				k := rfcKey()
				k.Name = "late"
				_, addErr = v.Add(Account{ID: "late", Key: k})
			}()
			// The add waits on the vault meanwhile: over a millisecond,
			// so the vault's mutex hands itself to it at the next unlock.
			time.Sleep(5 * time.Millisecond)
		})
	}}
	if err := v.SaveAndClose(); err != nil && !errors.Is(err, ErrBackupFailed) {
		t.Fatal(err)
	}
	select {
	case <-added:
	case <-time.After(10 * time.Second): // the hook never ran: no save
		t.Fatal("SaveAndClose did not write the vault file")
	}
	ro, err := openReadOnly(path, testPassword, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if _, ok := ro.Account("first"); !ok {
		t.Error("the change before SaveAndClose is not in the file")
	}
	_, inFile := ro.Account("late")
	switch {
	case addErr == nil && !inFile:
		t.Error("an account added while the vault was saved and closed was taken, and is not in the file")
	case addErr != nil && !errors.Is(addErr, ErrClosed):
		t.Errorf("the add during the close: got %v, want ErrClosed or success", addErr)
	}
}
