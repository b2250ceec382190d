package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"latchkey/vault"
)

// realVault is the real vault package with its test knob: real files,
// cheap key derivation.
var realVault = vaultOpener{opts: vault.Options{KDF: vault.TestKDF}}

// TestRealVaultBackupFlows runs the backup routes against the real vault
// package: a backup file with its own password, merged back (every account
// a duplicate, nothing asked), the current-password check, and the backup
// restored as a new vault.
func TestRealVaultBackupFlows(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "vault.latchkey")
	v, _, err := realVault.opts.Create(path, []byte(testPassword))
	must(t, err)
	_, err = v.Add(account(t, githubURI, nil), account(t, gitlabURI, nil))
	must(t, err)
	must(t, v.Save())
	must(t, v.Close())

	h := realHarness(t, path)
	a := h.app
	t.Cleanup(func() { a.shutdown() })
	if !a.backupState.known || a.backupState.status.Last.IsZero() {
		t.Errorf("got backup state %+v after unlock, want a verified backup made", a.backupState)
	}

	backup := filepath.Join(dir, "exported.latchkey")
	f := newBackupFileForm(a)
	f.show()
	f.which.SetSelected(backupWithOwnPassword)
	f.pw.first.SetText("separate backup password")
	f.pw.second.SetText("separate backup password")
	f.write(backup, false)
	if st, err := os.Stat(backup); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("got backup file %v (err %v), want it written 0600", st, err)
	}

	data, err := os.ReadFile(backup)
	must(t, err)
	a.asked = func() { answerPassword(t, h, "separate backup password") }
	a.importData("exported.latchkey", data)
	if m := shown(h); !strings.Contains(m, "Added no accounts.") || !strings.Contains(m, "GitHub: alice@example.com") {
		t.Errorf("merging the vault's own backup did not report both as already there:\n%s", m)
	}
	if got := len(a.v.Accounts()); got != 2 {
		t.Errorf("got %d accounts after merging duplicates, want 2", got)
	}

	if err := realVault.CheckPassword(path, []byte("not it")); err == nil {
		t.Error("CheckPassword accepted a wrong password")
	}
	must(t, realVault.CheckPassword(path, []byte(testPassword)))

	nv, codes, err := realVault.RestoreAsNew(backup, []byte("separate backup password"), filepath.Join(dir, "new", "vault.latchkey"))
	must(t, err)
	defer nv.Close()
	if len(nv.Accounts()) != 2 || len(codes) == 0 {
		t.Errorf("got %d accounts and %d new codes from the restore, want 2 and a fresh set (the backup carried none)", len(nv.Accounts()), len(codes))
	}
}

// TestCopyRecordsUseNotEdit: copying a code marks the account used in the
// real vault, saved, and leaves Modified as it was (sync tells edits from
// uses by it).
func TestCopyRecordsUseNotEdit(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "vault.latchkey")
	v, _, err := realVault.opts.Create(path, []byte(testPassword))
	must(t, err)
	_, err = v.Add(account(t, githubURI, nil))
	must(t, err)
	must(t, v.Save())
	before := v.Accounts()[0]
	must(t, v.Close())

	h := realHarness(t, path)
	a := h.app
	a.accounts.copyCode(before.ID)
	if h.clipboard() == "" {
		t.Fatal("nothing was copied")
	}
	must(t, a.shutdown())

	v2, err := realVault.opts.Open(path, []byte(testPassword))
	must(t, err)
	defer v2.Close()
	after := v2.Accounts()[0]
	if after.LastUsed.IsZero() || !after.LastUsed.After(before.Modified) {
		t.Errorf("got LastUsed %v after copying, want it recorded and saved", after.LastUsed)
	}
	if !after.Modified.Equal(before.Modified) {
		t.Errorf("got Modified %v after copying, want it unchanged at %v", after.Modified, before.Modified)
	}
}

// realHarness is the app, unlocked, on the real vault at path.
func realHarness(t *testing.T, path string) *harness {
	t.Helper()
	fa := test.NewTempApp(t)
	w := fa.NewWindow("Latchkey")
	t.Cleanup(w.Close)
	a := newApp(fa, w, path, realVault, time.Now)
	a.startTick = func(func()) *ticker { return nil }
	a.background = func(f func()) { f() }
	a.afterSave = nil
	a.start()
	h := &harness{t: t, app: a, fa: fa, win: w}
	h.unlock()
	return h
}
