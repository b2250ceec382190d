package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"latchkey/core"
)

// TestBackupFileMergedAndRestored runs the backup routes end to end: a
// backup file with its own password, merged back (every account a
// duplicate, nothing asked), and restored as a new vault.
func TestBackupFileMergedAndRestored(t *testing.T) {
	h := newHarness(t, threeAccounts(t)[:2])
	h.unlock()
	if !h.session().backups.known || h.session().backups.status.Last.IsZero() {
		t.Errorf("got backup state %+v after unlock, want a verified backup made", h.session().backups)
	}

	backup := filepath.Join(t.TempDir(), "exported.latchkey")
	f := newBackupFileForm(h.session())
	f.show()
	f.which.SetSelected(backupPasswords.label(true))
	f.pw.first.SetText("separate backup password")
	f.pw.second.SetText("separate backup password")
	f.write(backup, false)
	if st, err := os.Stat(backup); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("got backup file %v (err %v), want it written 0600", st, err)
	}

	data, err := os.ReadFile(backup)
	must(t, err)
	h.app.w.asked = func() { answerPassword(t, h, "separate backup password") }
	importer{session: h.session()}.read("exported.latchkey", data)
	if m := shown(h); !strings.Contains(m, "Added no accounts.") || !strings.Contains(m, "GitHub: alice@example.com") {
		t.Errorf("merging the vault's own backup did not report both as already there:\n%s", m)
	}
	if got := len(h.vault().Accounts()); got != 2 {
		t.Errorf("got %d accounts after merging duplicates, want 2", got)
	}

	nv, codes, err := core.Restore(testVaults, backup, filepath.Join(t.TempDir(), "new", "vault.latchkey"), core.Unlock{Password: []byte("separate backup password")})
	must(t, err)
	defer nv.Close()
	if len(nv.Accounts()) != 2 || len(codes) == 0 {
		t.Errorf("got %d accounts and %d new codes from the restore, want 2 and a fresh set (the backup carried none)", len(nv.Accounts()), len(codes))
	}
}

// TestCopyRecordsUseNotEdit: copying a code marks the account used in the
// vault, saved, and leaves Modified as it was (sync tells edits from uses
// by it).
func TestCopyRecordsUseNotEdit(t *testing.T) {
	h := newHarness(t, threeAccounts(t)[:1])
	before := h.saved()[0]
	h.unlock()
	h.list().copyCode(before.ID)
	if h.clipboard() == "" {
		t.Fatal("nothing was copied")
	}
	must(t, h.app.shutdown())
	after := h.saved()[0]
	if after.LastUsed.IsZero() || !after.LastUsed.After(before.Modified) {
		t.Errorf("got LastUsed %v after copying, want it recorded and saved", after.LastUsed)
	}
	if !after.Modified.Equal(before.Modified) {
		t.Errorf("got Modified %v after copying, want it unchanged at %v", after.Modified, before.Modified)
	}
}

// TestCheckPassword: the password dialog's check reads the saved file
// without the vault's lock.
func TestCheckPassword(t *testing.T) {
	h := newHarness(t, threeAccounts(t))
	h.unlock()
	if h.opensWith("not it") {
		t.Error("checkPassword accepted a wrong password")
	}
	if !h.opensWith(testPassword) {
		t.Error("checkPassword refused the vault's password while the window holds the vault")
	}
}
