package vault

// Tests that need Linux: a umask and a tmpfs mount.

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// Under umask 000 every file is still 0600 and every folder 0700.
func TestPermissionsUnderUmask000(t *testing.T) {
	old := syscall.Umask(0)
	defer syscall.Umask(old)
	v, path, _ := newSavedVault(t)
	v.Close()
	backups, _ := listBackups(osFS{}, BackupDirFor(path), path)
	if len(backups) == 0 {
		t.Fatal("no backup was written")
	}
	want := map[string]os.FileMode{
		filepath.Dir(path): 0o700, BackupDirFor(path): 0o700,
		path: 0o600, path + ".lock": 0o600, backups[0]: 0o600,
	}
	for p, mode := range want {
		st, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if got := st.Mode().Perm(); got != mode {
			t.Errorf("%s: got mode %o, want %o", filepath.Base(p), got, mode)
		}
	}
}

// A real full disk: a small tmpfs filled to the brim. Needs root (mount);
// the fault-injection test covers ENOSPC everywhere else.
func TestFullDisk(t *testing.T) {
	dir := t.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size=512k,mode=0700"); err != nil {
		t.Skipf("cannot mount a tmpfs to fill (%v); TestSaveFaultInjection covers ENOSPC", err)
	}
	defer syscall.Unmount(dir, 0)
	path := filepath.Join(dir, "vault.latchkey")
	v, _, err := create(path, testPassword, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	mustAdd(t, v, Account{Key: rfcKey()})
	mustSave(t, v)
	old := mustRead(t, path)

	filler, err := os.Create(filepath.Join(dir, "filler"))
	if err != nil {
		t.Fatal(err)
	}
	chunk := make([]byte, 4096)
	for {
		if _, err := filler.Write(chunk); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatal(err)
			}
			break
		}
	}
	filler.Close()

	k := rfcKey()
	k.Name = "bob"
	mustAdd(t, v, Account{Key: k, Icon: make([]byte, 8192)})
	err = v.Save()
	wantErr(t, "save on a full disk", err, syscall.ENOSPC)
	if string(mustRead(t, path)) != string(old) {
		t.Fatal("a failed save on a full disk changed the vault")
	}
	if !v.Dirty() {
		t.Fatal("got Dirty false after a failed save, want true")
	}
	if tmp := tempFiles(t, dir); len(tmp) != 0 {
		t.Fatalf("temporary files left on the full disk: %v", tmp)
	}
	os.Remove(filepath.Join(dir, "filler"))
	if err := v.Save(); err != nil {
		t.Fatalf("save after freeing space: %v", err)
	}
	if got := names(mustDecrypt(t, path)); got != "alice@example.com,bob" {
		t.Fatalf("after freeing space: got %s, want alice@example.com,bob", got)
	}
}
