package vault

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"latchkey/internal/testtool"
)

// A vault reached through a symbolic link is the real file: the save goes
// to it, the link stays a link, and the lock is the same whichever name
// was given.
func TestSymlinkedVault(t *testing.T) {
	v, real, _ := newTestVault(t)
	v.Close()
	link := filepath.Join(t.TempDir(), "link.latchkey")
	must(t, os.Symlink(real, link))
	before := mustRead(t, real)

	v, err := open(link, testPassword, testOptions())
	must(t, err)
	if v.Path() != real {
		t.Errorf("Path: got %s, want the real file %s", v.Path(), real)
	}
	mustAdd(t, v, Account{Key: rfcKey()})
	mustSave(t, v)
	if bytes.Equal(mustRead(t, real), before) {
		t.Error("a save through the link left the real vault unchanged")
	}
	if st, err := os.Lstat(link); err != nil || st.Mode()&os.ModeSymlink == 0 {
		t.Errorf("after a save the link is %v, %v; want still a symbolic link", st, err)
	}
	if Exists(link + ".lock") {
		t.Error("a lock file was made beside the link")
	}
	_, err = open(real, testPassword, testOptions())
	wantErr(t, "open by the real path while open through the link", err, ErrLocked)
	v.Close()

	v, err = open(real, testPassword, testOptions())
	must(t, err)
	_, err = open(link, testPassword, testOptions())
	wantErr(t, "open through the link while open by the real path", err, ErrLocked)
	v.Close()

	ro, err := openReadOnly(link, testPassword, testOptions())
	must(t, err)
	if got := len(ro.Accounts()); got != 1 || ro.Path() != real {
		t.Errorf("read-only through the link: %d accounts at %s, want 1 at %s", got, ro.Path(), real)
	}
	ro.Close()
	_, _, err = create(link, testPassword, testOptions())
	wantErr(t, "create over the link", err, ErrExists)
}

// A FIFO, a device or a folder as the vault is refused at once, before
// anything is opened for reading and before any lock file is made.
func TestVaultMustBeRegularFile(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	testtool.Mkfifo(t, fifo)
	folder := filepath.Join(dir, "folder")
	must(t, os.Mkdir(folder, 0o700))
	_, code := newBackupCode() // well-formed, so the file is reached
	for _, p := range []string{fifo, "/dev/null", "/dev/urandom", folder} {
		lockExisted := Exists(p + ".lock")
		tries := map[string]func() error{
			"Open":               func() error { _, err := open(p, testPassword, testOptions()); return err },
			"OpenReadOnly":       func() error { _, err := openReadOnly(p, testPassword, testOptions()); return err },
			"OpenWithBackupCode": func() error { _, err := openWithBackupCode(p, code, testOptions()); return err },
			"OpenBackup":         func() error { _, err := openBackup(p, testPassword, testOptions()); return err },
			"RestoreAsNew": func() error {
				_, _, err := restoreAsNew(p, testPassword, filepath.Join(dir, "restored"), testOptions())
				return err
			},
			"Create": func() error { _, _, err := create(p, testPassword, testOptions()); return err },
		}
		for name, try := range tries {
			done := make(chan error, 1)
			go func() { done <- try() }()
			select {
			case err := <-done:
				if !errors.Is(err, ErrNotRegular) {
					t.Errorf("%s(%s): got %v, want ErrNotRegular", name, p, err)
				}
			case <-time.After(10 * time.Second):
				t.Fatalf("%s(%s) still waits after 10 s", name, p)
			}
		}
		if !lockExisted && Exists(p+".lock") {
			os.Remove(p + ".lock")
			t.Errorf("a lock file was made beside %s", p)
		}
	}
	if Exists(filepath.Join(dir, "restored")) {
		t.Error("a refused restore made a vault")
	}
}
