package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"latchkey/vault"
)

// "latchkey backups" shows this computer's backup folder: one chosen on
// another computer sharing the vault file is not this one's.
func TestBackupsShowThisComputersFolder(t *testing.T) {
	t.Parallel()
	a := vault.Options{KDF: vault.TestKDF, StateDir: filepath.Join(t.TempDir(), "a-state")}
	b := vault.Options{KDF: vault.TestKDF, StateDir: filepath.Join(t.TempDir(), "b-state")}
	path, env, _ := newVaultWith(t, a)
	usb := filepath.Join(t.TempDir(), "usb")
	if err := os.Mkdir(usb, 0o700); err != nil {
		t.Fatal(err)
	}
	v, err := a.Open(path, []byte("correct horse"))
	if err != nil {
		t.Fatal(err)
	}
	s := v.Settings()
	s.BackupDir = usb
	if err := v.SetSettings(s); err != nil {
		t.Fatal(err)
	}
	if err := v.Save(); err != nil {
		t.Fatal(err)
	}
	v.Close()

	r := runCLIWith(t, a, "", env, "backups")
	if r.status != 0 || !strings.Contains(r.stdout, "folder:\t"+usb+"\n") {
		t.Errorf("backups on A: status %d, stdout %q, stderr %q; want folder %s", r.status, r.stdout, r.stderr, usb)
	}
	want := vault.BackupDirFor(path)
	r = runCLIWith(t, b, "", env, "backups", "--now")
	if r.status != 0 || !strings.Contains(r.stdout, "folder:\t"+want+"\n") {
		t.Errorf("backups --now on B: status %d, stdout %q, stderr %q; want folder %s", r.status, r.stdout, r.stderr, want)
	}
	if all, err := vault.Backups(usb, path); err != nil || len(all) != 1 {
		t.Errorf("A's folder: got %d backups, %v; want A's one, none of B's", len(all), err)
	}
}
