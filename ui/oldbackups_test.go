package ui

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"latchkey/vault"
)

// changePassword changes the vault's password through the dialog.
func changePassword(t *testing.T, h *harness, from, to string) {
	t.Helper()
	d := newPasswordDialog(h.session())
	d.show()
	test.Type(d.current, from)
	test.Type(d.pw.first, to)
	test.Type(d.pw.second, to)
	test.Tap(d.set)
	if !h.opensWith(to) {
		t.Fatalf("the password %q does not open the vault after the change", to)
	}
	h.password = to
}

// earlier are the vault's automatic backups made under an earlier key.
func earlier(t *testing.T, h *harness) []string {
	t.Helper()
	e, err := h.vault().EarlierBackups()
	must(t, err)
	return e
}

// After a password change the window says that copies made before still
// open with the old password, and offers to re-encrypt the vault's
// automatic backups made before.
func TestPasswordChangeOffersOldBackups(t *testing.T) {
	h := newHarness(t, threeAccounts(t))
	h.unlock()
	changePassword(t, h, testPassword, "a new long password")
	old := earlier(t, h)
	if len(old) < 2 {
		t.Fatalf("got %d automatic backups under the old key, want the ones made at creation and after adding", len(old))
	}
	m := shown(h)
	for _, want := range []string{"still open with the old password", fmt.Sprintf("%d automatic backups made before now", len(old)), "Re-encrypt them", "Delete them", "Leave them"} {
		if !strings.Contains(m, want) {
			t.Errorf("after the change the window does not say %q:\n%s", want, m)
		}
	}
	test.Tap(findButton(t, h.win, "Re-encrypt them"))
	if left := earlier(t, h); len(left) != 0 {
		t.Errorf("got %v under the old key after re-encrypting, want none", left)
	}
	for _, p := range old {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("re-encrypting lost %s: %v", filepath.Base(p), err)
		}
	}
	if m := shown(h); !strings.Contains(m, fmt.Sprintf("%d old backups re-encrypted", len(old))) {
		t.Errorf("the window does not say the backups were re-encrypted:\n%s", m)
	}
}

// Without automatic backups the window still says what copies open with,
// and offers nothing.
func TestPasswordChangeWithoutOldBackups(t *testing.T) {
	h := startHarness(t, threeAccounts(t), func(v *vault.Vault) {
		s := v.Settings()
		s.BackupKeep = -1 // automatic backups off
		must(t, v.SetSettings(s))
		must(t, os.RemoveAll(vault.BackupDirFor(v.Path()))) // and the one made at creation gone
	})
	h.unlock()
	changePassword(t, h, testPassword, "a new long password")
	if m := shown(h); !strings.Contains(m, "still open with the old password") || strings.Contains(m, "Re-encrypt them") {
		t.Errorf("with no old backups: got\n%s\nwant the note on copies and no offer", m)
	}
}

func TestPasswordChangeCanDeleteOldBackups(t *testing.T) {
	h := newHarness(t, threeAccounts(t))
	h.unlock()
	changePassword(t, h, testPassword, "a new long password")
	old := earlier(t, h)
	if len(old) == 0 {
		t.Fatal("no automatic backups under the old key")
	}
	test.Tap(findButton(t, h.win, "Delete them"))
	for _, p := range old {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("got %v for %s, want it deleted", err, filepath.Base(p))
		}
	}
	if st, err := h.vault().LastBackup(); err != nil || st.Last.IsZero() {
		t.Errorf("got %+v, %v; want the backup under the new key kept", st, err)
	}
}

// A vault of format version 1, whose old codes cannot follow the new key,
// shows the new codes first, and why.
func TestPasswordChangeShowsReplacedCodes(t *testing.T) {
	v1, err := os.ReadFile("../vault/testdata/golden/v1-floor.latchkey")
	must(t, err)
	h := &harness{t: t, path: filepath.Join(t.TempDir(), "vault.latchkey"), password: "correct horse battery staple", clock: newFakeClock()}
	must(t, os.WriteFile(h.path, v1, 0o600))
	h.open()
	h.unlock()
	changePassword(t, h, h.password, "a new long password")
	codes := shownCodes(h)
	if len(codes) != vault.BackupCodeCount || !strings.Contains(shown(h), "could not follow the vault's new key") {
		t.Fatalf("got %d codes shown, want %d and why:\n%s", len(codes), vault.BackupCodeCount, shown(h))
	}
	must(t, h.app.shutdown())
	v, err := testVaults.OpenWithBackupCode(h.path, codes[0])
	must(t, err)
	must(t, v.Close())
}
