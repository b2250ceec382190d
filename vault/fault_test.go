package vault

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// faultFS is the real file system with one operation made to fail: the
// failAt-th call (1-based) across all operations. ops records every call.
type faultFS struct {
	osFS
	failAt int
	ops    []string
	failed string
}

var errInjected = syscall.ENOSPC

func (f *faultFS) hit(op string) bool {
	f.ops = append(f.ops, op)
	if len(f.ops) == f.failAt {
		f.failed = op
		return true
	}
	return false
}

func (f *faultFS) CreateTemp(dir, pattern string) (tempFile, error) {
	if f.hit("create temp") {
		return nil, errInjected
	}
	t, err := f.osFS.CreateTemp(dir, pattern)
	if err != nil {
		return nil, err
	}
	return &faultFile{tempFile: t, fs: f}, nil
}

func (f *faultFS) ReadFile(name string) ([]byte, error) {
	if f.hit("read") {
		return nil, syscall.EIO
	}
	return f.osFS.ReadFile(name)
}

func (f *faultFS) Rename(from, to string) error {
	if f.hit("rename") {
		return syscall.EIO
	}
	return f.osFS.Rename(from, to)
}

func (f *faultFS) SyncDir(dir string) error {
	if f.hit("sync dir") {
		return syscall.EIO
	}
	return f.osFS.SyncDir(dir)
}

func (f *faultFS) MkdirAll(dir string) error {
	if f.hit("mkdir") {
		return syscall.EACCES
	}
	return f.osFS.MkdirAll(dir)
}

func (f *faultFS) ReadDir(dir string) ([]string, error) {
	if f.hit("read dir") {
		return nil, syscall.EIO
	}
	return f.osFS.ReadDir(dir)
}

func (f *faultFS) Remove(name string) error {
	// Removing a temp file is cleanup after a failure: never failed here,
	// as a failed cleanup only leaves a stray file that Open sweeps.
	f.ops = append(f.ops, "remove")
	if len(f.ops) == f.failAt {
		f.failed = "remove"
		return syscall.EIO
	}
	return f.osFS.Remove(name)
}

type faultFile struct {
	tempFile
	fs *faultFS
}

// Write fails after writing half, as a disk that fills up does.
func (f *faultFile) Write(b []byte) (int, error) {
	if f.fs.hit("write") {
		n, _ := f.tempFile.Write(b[:len(b)/2])
		return n, errInjected
	}
	return f.tempFile.Write(b)
}

func (f *faultFile) Sync() error {
	if f.fs.hit("sync") {
		return syscall.EIO
	}
	return f.tempFile.Sync()
}

func (f *faultFile) Close() error {
	if f.fs.hit("close") {
		f.tempFile.Close()
		return syscall.EIO
	}
	return f.tempFile.Close()
}

func names(accounts []Account) string {
	var s []string
	for _, a := range accounts {
		s = append(s, a.Key.Name)
	}
	return strings.Join(s, ",")
}

func tempFiles(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	for _, d := range []string{dir, filepath.Join(dir, "backups")} {
		entries, _ := os.ReadDir(d)
		for _, e := range entries {
			if strings.Contains(e.Name(), ".tmp-") {
				out = append(out, e.Name())
			}
		}
	}
	return out
}

// Each file operation of a save fails in turn. Before the rename the old
// vault must be untouched, no temporary file may remain, and the change
// must still be in memory; after it, the new vault is in place and only the
// backup (or the folder sync) is reported.
func TestSaveFaultInjection(t *testing.T) {
	seen := map[string]bool{}
	for k := 1; ; k++ {
		v, path, _ := newTestVault(t)
		a := rfcKey()
		a.Name = "old"
		mustAdd(t, v, Account{Key: a})
		mustSave(t, v)
		// Keep no more than the daily backup, so rotation has a file to
		// remove.
		s := v.Settings()
		s.BackupKeep = 0
		if err := v.SetSettings(s); err != nil {
			t.Fatal(err)
		}
		mustSave(t, v)
		old := mustRead(t, path)
		b := rfcKey()
		b.Name = "new"
		mustAdd(t, v, Account{Key: b})

		ffs := &faultFS{failAt: k}
		v.fs = ffs
		err := v.Save()
		if ffs.failed == "" {
			if err != nil {
				t.Fatalf("save with no fault: %v", err)
			}
			t.Logf("operations of one save: %s", strings.Join(ffs.ops, ", "))
			break
		}
		seen[ffs.failed] = true
		what := fmt.Sprintf("fault at operation %d (%s)", k, ffs.failed)
		if err == nil {
			t.Fatalf("%s: Save returned no error", what)
		}
		if !errors.Is(err, syscall.ENOSPC) && !errors.Is(err, syscall.EIO) && !errors.Is(err, syscall.EACCES) {
			t.Fatalf("%s: got %v, want the injected error wrapped", what, err)
		}
		accounts, _, derr := decryptFile(mustRead(t, path), testPassword, testLimits)
		if derr != nil {
			t.Fatalf("%s: the vault no longer opens: %v", what, derr)
		}
		switch {
		case !errors.Is(err, ErrBackupFailed) && ffs.failed != "sync dir":
			if !bytes.Equal(mustRead(t, path), old) {
				t.Fatalf("%s: the old vault was changed", what)
			}
			if !v.Dirty() {
				t.Fatalf("%s: got Dirty false, want the change still held", what)
			}
		case errors.Is(err, ErrBackupFailed):
			if got := names(accounts); got != "old,new" {
				t.Fatalf("%s: vault holds %s, want old,new", what, got)
			}
			if v.Dirty() {
				t.Fatalf("%s: vault saved but Dirty still true", what)
			}
		default: // folder sync after the rename
			if got := names(accounts); got != "old,new" {
				t.Fatalf("%s: vault holds %s, want old,new", what, got)
			}
		}
		if tmp := tempFiles(t, filepath.Dir(path)); len(tmp) != 0 {
			t.Fatalf("%s: temporary files left: %v", what, tmp)
		}
		// The next save, with a working disk, must succeed.
		v.fs = osFS{}
		if err := v.Save(); err != nil {
			t.Fatalf("%s: the save after: %v", what, err)
		}
		v.Close()
		if k > 100 {
			t.Fatal("a save makes more than 100 file operations")
		}
	}
	for _, op := range []string{"read", "create temp", "write", "sync", "close", "rename", "sync dir", "mkdir", "read dir", "remove"} {
		if !seen[op] {
			t.Errorf("no fault was injected into %q", op)
		}
	}
}
