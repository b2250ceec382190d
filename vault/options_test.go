package vault

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestTestKDFOptions: the exported test knob makes real vaults with cheap
// parameters, and what it makes is refused by the zero Options (the package
// functions), so it cannot weaken a user's vault by accident.
func TestTestKDFOptions(t *testing.T) {
	o := Options{KDF: TestKDF}
	dir := t.TempDir()
	path := filepath.Join(dir, "vault.latchkey")
	v, codes, err := o.Create(path, testPassword)
	if err != nil {
		t.Fatal(err)
	}
	if got := v.PasswordParams(); got != testKDFParams {
		t.Errorf("got parameters %v, want the test KDF's %v", got, testKDFParams)
	}
	mustAdd(t, v, Account{Key: rfcKey()})
	mustSave(t, v)
	backup := filepath.Join(dir, "b.latchkey")
	if err := v.WriteBackup(backup, BackupOptions{Password: []byte("backup password")}); err != nil {
		t.Fatal(err)
	}
	v.Close()

	v, err = o.Open(path, testPassword)
	if err != nil {
		t.Fatalf("open with the test KDF: %v", err)
	}
	if got := v.PasswordParams(); got != testKDFParams {
		t.Errorf("got parameters %v after opening, want no upgrade from %v", got, testKDFParams)
	}
	v.Close()
	ro, err := o.OpenReadOnly(path, testPassword)
	if err != nil {
		t.Fatalf("open read-only with the test KDF: %v", err)
	}
	ro.Close()
	data := mustRead(t, backup)
	b, err := o.ReadBackup(data, []byte("backup password"))
	if err != nil || len(b.Accounts) != 1 {
		t.Fatalf("got %v, %v reading the backup, want its one account", b, err)
	}
	if _, err := o.OpenBackup(backup, []byte("backup password")); err != nil {
		t.Fatalf("OpenBackup with the test KDF: %v", err)
	}
	bv, err := o.OpenWithBackupCode(path, codes[0])
	if err != nil {
		t.Fatalf("open with a backup code: %v", err)
	}
	bv.Close()
	nv, _, err := o.RestoreAsNew(backup, []byte("backup password"), filepath.Join(dir, "new", "vault.latchkey"))
	if err != nil {
		t.Fatalf("restore with the test KDF: %v", err)
	}
	nv.Close()
	cv, _, err := o.RestoreWithBackupCode(path, codes[1], filepath.Join(dir, "new2", "vault.latchkey"), []byte("new password"))
	if err != nil {
		t.Fatalf("restore with a code and the test KDF: %v", err)
	}
	cv.Close()

	// What a user gets refuses a file this cheap before deriving anything.
	if _, err := Open(path, testPassword); !errors.Is(err, ErrHostileParams) {
		t.Errorf("Open of a test-KDF vault: got %v, want ErrHostileParams", err)
	}
	if _, err := (Options{}).ReadBackup(data, []byte("backup password")); !errors.Is(err, ErrHostileParams) {
		t.Errorf("zero Options' ReadBackup of a test-KDF backup: got %v, want ErrHostileParams", err)
	}
	if _, err := ReadBackup(data, []byte("backup password")); !errors.Is(err, ErrHostileParams) {
		t.Errorf("ReadBackup of a test-KDF backup: got %v, want ErrHostileParams", err)
	}
}

func TestKDFString(t *testing.T) {
	for k, want := range map[KDF]string{CalibratedKDF: "calibrated", TestKDF: "test", 7: "KDF(7)"} {
		if got := k.String(); got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	}
}

// TestNotFoundSplit: a missing account and a missing file are told apart,
// and both still match ErrNotFound.
func TestNotFoundSplit(t *testing.T) {
	v, _, _ := newTestVault(t)
	errAccount := v.MarkUsed("nope")
	_, errFile := open(filepath.Join(t.TempDir(), "none"), testPassword, testOptions())
	for _, c := range []struct {
		name      string
		err       error
		want, not error
	}{
		{"missing account", errAccount, ErrNoAccount, ErrNoFile},
		{"missing file", errFile, ErrNoFile, ErrNoAccount},
	} {
		if !errors.Is(c.err, c.want) || !errors.Is(c.err, ErrNotFound) {
			t.Errorf("%s: got %v, want it to be %v and ErrNotFound", c.name, c.err, c.want)
		}
		if errors.Is(c.err, c.not) {
			t.Errorf("%s: got %v, want it not to be the other kind", c.name, c.err)
		}
	}
	if ErrNoAccount.Error() != "not found" || ErrNoFile.Error() != "not found" {
		t.Errorf("got texts %q and %q, want the old %q for both", ErrNoAccount, ErrNoFile, "not found")
	}
}

// TestMarkUsedIsNotAnEdit: using a code records LastUsed and leaves
// Modified alone (sync tells edits from uses by it).
func TestMarkUsedIsNotAnEdit(t *testing.T) {
	o := testOptions()
	clock := time.Unix(1_700_000_000, 0)
	o.now = func() time.Time { return clock }
	v, _, err := create(filepath.Join(t.TempDir(), "vault.latchkey"), testPassword, o)
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	a := mustAdd(t, v, Account{Key: rfcKey()})[0]
	mustSave(t, v)
	clock = clock.Add(time.Hour)
	if err := v.MarkUsed(a.ID); err != nil {
		t.Fatal(err)
	}
	got, _ := v.Account(a.ID)
	if !got.LastUsed.Equal(clock) {
		t.Errorf("got LastUsed %v, want %v", got.LastUsed, clock)
	}
	if !got.Modified.Equal(a.Modified) {
		t.Errorf("got Modified %v after MarkUsed, want it unchanged at %v", got.Modified, a.Modified)
	}
	if !v.Dirty() {
		t.Error("MarkUsed left nothing to save, want LastUsed saved")
	}
}

// TestSamePlace checks the one "is this the vault?" test every writer uses:
// the same existing file through links, or the same path where nothing is.
func TestSamePlace(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "a")
	if err := os.WriteFile(a, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link")
	if err := os.Symlink(a, link); err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(dir, "b")
	if err := os.WriteFile(other, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		a, b string
		want bool
	}{
		{a, a, true},
		{a, link, true},
		{a, filepath.Join(dir, ".", "a"), true},
		{a, other, false},
		{filepath.Join(dir, "none"), filepath.Join(dir, "x", "..", "none"), true},
		{filepath.Join(dir, "none"), a, false},
	} {
		if got := samePlace(c.a, c.b); got != c.want {
			t.Errorf("samePlace(%s, %s): got %v, want %v", c.a, c.b, got, c.want)
		}
	}
}
