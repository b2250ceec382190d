package cli

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"latchkey/vault"
)

// passwd puts the vault under a new key and says that copies made before
// still open with the old password; "backups --reencrypt" then moves the
// automatic backups to the new password and "backups --remove" deletes
// those made before a later change, leaving anything else in the folder.
func TestPasswdSaysOldBackupsAndReencrypts(t *testing.T) {
	t.Parallel()
	path, env, _ := newVault(t, exampleURI)
	dir := t.TempDir()
	oldPw := []byte("correct horse")
	backupDir := vault.BackupDirFor(path)
	before, err := vault.Backups(backupDir, path)
	if err != nil || len(before) < 2 {
		t.Fatalf("got backups %v, %v; want those of init and of the add", before, err)
	}
	notes := filepath.Join(backupDir, "notes.txt")
	if err := os.WriteFile(notes, []byte("not a backup"), 0o600); err != nil {
		t.Fatal(err)
	}

	newPw := writeFile(t, dir, "new", "battery staple\n")
	r := runCLI(t, "", env, "passwd", "--new-password-file", newPw)
	if r.status != 0 {
		t.Fatalf("passwd: status %d, stderr %q", r.status, r.stderr)
	}
	for _, want := range []string{"new key", "automatic backups made before now", "still open with the old password", "latchkey backups --reencrypt", "latchkey backups --remove"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("passwd: stderr %q does not say %q", r.stderr, want)
		}
	}
	if r.stdout != "" {
		t.Errorf("passwd printed %q; the backup codes followed the new key, so no new ones", r.stdout)
	}
	for _, p := range before {
		if b, err := testVault.OpenBackup(p, oldPw); err != nil {
			t.Fatalf("%s before --reencrypt with the old password: %v", p, err)
		} else {
			b.Wipe()
		}
	}

	env2 := map[string]string{"LATCHKEY_VAULT": path, "LATCHKEY_PASSWORD_FILE": newPw}
	r = runCLI(t, "", env2, "backups", "--reencrypt")
	if r.status != 0 || !strings.Contains(r.stderr, "re-encrypted") {
		t.Fatalf("backups --reencrypt: status %d, stderr %q", r.status, r.stderr)
	}
	for _, p := range before {
		if _, err := testVault.OpenBackup(p, oldPw); !errors.Is(err, vault.ErrWrongPassword) {
			t.Errorf("%s after --reencrypt with the old password: got %v, want a wrong password", p, err)
		}
		b, err := testVault.OpenBackup(p, []byte("battery staple"))
		if err != nil {
			t.Fatalf("%s after --reencrypt with the new password: %v", p, err)
		}
		b.Wipe()
	}
	r = runCLI(t, "", env2, "backups", "--reencrypt")
	if r.status != 0 || !strings.Contains(r.stderr, "no automatic backup was made under an earlier") {
		t.Errorf("a second --reencrypt: status %d, stderr %q; want nothing to do", r.status, r.stderr)
	}

	// Another change; --remove deletes what was made before it.
	between, _ := vault.Backups(backupDir, path)
	third := writeFile(t, dir, "third", "third password\n")
	if r := runCLI(t, "", env2, "passwd", "--new-password-file", third); r.status != 0 {
		t.Fatalf("second passwd: status %d, stderr %q", r.status, r.stderr)
	}
	env3 := map[string]string{"LATCHKEY_VAULT": path, "LATCHKEY_PASSWORD_FILE": third}
	r = runCLI(t, "", env3, "backups", "--remove")
	if r.status != 0 || !strings.Contains(r.stderr, "removed") {
		t.Fatalf("backups --remove: status %d, stderr %q", r.status, r.stderr)
	}
	for _, p := range between {
		if vault.Exists(p) {
			t.Errorf("%s, made before the change, was not removed", p)
		}
	}
	if !vault.Exists(notes) {
		t.Error("a file that is not a backup was removed")
	}
	left, _ := vault.Backups(backupDir, path)
	if len(left) == 0 {
		t.Fatal("no backup left: the one made under the current key was removed")
	}
	if r := runCLI(t, "", env3, "backups", "--reencrypt", "--remove"); r.status != ExitUsage {
		t.Errorf("--reencrypt with --remove: status %d, want a usage error", r.status)
	}
}

// A vault made by format version 1 cannot carry its backup codes to a new
// key: passwd prints a new set and says why.
func TestPasswdOnVersion1VaultPrintsNewCodes(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "vault.latchkey")
	golden, err := os.ReadFile(filepath.Join("..", "vault", "testdata", "golden", "v1-floor.latchkey"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, golden, 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"LATCHKEY_VAULT": path, "LATCHKEY_PASSWORD_FILE": writeFile(t, dir, "pw", "correct horse battery staple\n")}
	r := runCLI(t, "", env, "passwd", "--new-password-file", writeFile(t, dir, "new", "a new password\n"))
	if r.status != 0 {
		t.Fatalf("passwd: status %d, stderr %q", r.status, r.stderr)
	}
	fresh := strings.Fields(r.stdout)
	if len(fresh) != vault.BackupCodeCount || !strings.Contains(r.stderr, "could not follow the new key") {
		t.Fatalf("passwd: got %d codes on stdout and stderr %q; want %d new codes and why", len(fresh), r.stderr, vault.BackupCodeCount)
	}
	v, err := testVault.OpenWithBackupCode(path, fresh[0])
	if err != nil {
		t.Fatalf("a new code: %v", err)
	}
	v.Close()
	if _, err := testVault.OpenWithBackupCode(path, "WQNA-5D73-AW1S-K3KD-N7C9-Z05V-GPBM"); !errors.Is(err, vault.ErrWrongBackupCode) {
		t.Errorf("an old code: got %v, want it refused", err)
	}
}
