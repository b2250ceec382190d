package vault

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"

	"latchkey/internal/testtool"
)

// Every way of pointing a written file at something it must not replace:
// each is refused, with what was there left byte for byte as it was.
func TestWriteFileRefuses(t *testing.T) {
	_, path, _ := newSavedVault(t)
	backups, err := Backups(BackupDirFor(path), path)
	if err != nil || len(backups) == 0 {
		t.Fatalf("backups: %v, %v; want some", backups, err)
	}
	dir := t.TempDir()
	// A copy of a backup under a plain name: still a Latchkey file.
	copied := filepath.Join(dir, "old.latchkey")
	must(t, os.WriteFile(copied, mustRead(t, backups[0]), 0o600))
	// Another vault, found by its lock file and content, not by any path
	// the caller passes.
	other, otherPath, _ := newTestVault(t)
	other.Close()
	notes := filepath.Join(dir, "notes.txt")
	must(t, os.WriteFile(notes, []byte("my notes"), 0o644))
	link := filepath.Join(dir, "link")
	must(t, os.Symlink(notes, link))
	vaultLink := filepath.Join(dir, "vault-link")
	must(t, os.Symlink(path, vaultLink))
	fifo := filepath.Join(dir, "fifo")
	testtool.Mkfifo(t, fifo)

	for _, tc := range []struct {
		what, path string
		o          WriteOptions
		want       error
	}{
		{"the vault, named by the caller", path, WriteOptions{Replace: true, Vault: path}, ErrProtected},
		{"the vault, not named", path, WriteOptions{Replace: true}, ErrProtected},
		{"the vault through a link to it", vaultLink, WriteOptions{Replace: true, Vault: path}, ErrProtected},
		{"the vault named through a link", path, WriteOptions{Replace: true, Vault: vaultLink}, ErrProtected},
		{"the vault's lock", path + ".lock", WriteOptions{Replace: true}, ErrProtected},
		{"the vault's lock, named by the caller", path + ".lock", WriteOptions{Replace: true, Vault: path}, ErrProtected},
		{"an automatic backup", backups[0], WriteOptions{Replace: true}, ErrProtected},
		{"a new file named like a backup", filepath.Join(dir, backupName(path, day0)), WriteOptions{}, ErrProtected},
		{"a copy of a backup", copied, WriteOptions{Replace: true}, ErrProtected},
		{"another vault", otherPath, WriteOptions{Replace: true, Vault: path}, ErrProtected},
		{"another vault's lock", otherPath + ".lock", WriteOptions{Replace: true, Vault: path}, ErrProtected},
		{"an existing file, not to be replaced", notes, WriteOptions{}, ErrExists},
		{"a symbolic link", link, WriteOptions{Replace: true}, ErrNotRegular},
		{"a FIFO", fifo, WriteOptions{Replace: true}, ErrNotRegular},
		{"a folder", dir, WriteOptions{Replace: true}, ErrNotRegular},
		{"a device", os.DevNull, WriteOptions{Replace: true}, ErrNotRegular},
	} {
		var before []byte
		if st, err := os.Lstat(tc.path); err == nil && st.Mode().IsRegular() {
			before = mustRead(t, tc.path)
		}
		err := WriteFile(tc.path, []byte("plain export"), tc.o)
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: got %v, want %v", tc.what, err, tc.want)
		}
		if before != nil && !bytes.Equal(mustRead(t, tc.path), before) {
			t.Errorf("%s: the file changed", tc.what)
		}
		if err := CheckWrite(tc.path, tc.o); !errors.Is(err, tc.want) {
			t.Errorf("%s: CheckWrite got %v, want %v", tc.what, err, tc.want)
		}
	}
	if st, err := os.Lstat(link); err != nil || st.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link is no longer a link: %v, %v", st, err)
	}
	if b := mustRead(t, notes); string(b) != "my notes" {
		t.Errorf("the link's target holds %q, want my notes", b)
	}
	if _, err := os.Stat(filepath.Join(dir, backupName(path, day0))); err == nil {
		t.Error("a file named like a backup was made")
	}
	if _, err := openBackup(path, testPassword, testOptions()); err != nil {
		t.Errorf("the vault no longer opens: %v", err)
	}
}

func TestWriteFileWritesPrivately(t *testing.T) {
	dir := t.TempDir()
	// New files, in folders made 0700.
	p := filepath.Join(dir, "a", "b", "export.txt")
	if err := WriteFile(p, []byte("one"), WriteOptions{}); err == nil {
		t.Error("a missing folder without MakeFolders: got no error, want one")
	}
	must(t, WriteFile(p, []byte("one"), WriteOptions{MakeFolders: true}))
	for _, d := range []string{filepath.Join(dir, "a"), filepath.Join(dir, "a", "b")} {
		if st, err := os.Stat(d); err != nil || st.Mode().Perm() != 0o700 {
			t.Errorf("folder %s: got %v, %v; want mode 0700", d, st, err)
		}
	}
	// An existing file, readable by others, is replaced only when asked,
	// and comes out 0600.
	must(t, os.WriteFile(p, []byte("old"), 0o644))
	if err := WriteFile(p, []byte("two"), WriteOptions{}); !errors.Is(err, ErrExists) {
		t.Errorf("replace without asking: got %v, want ErrExists", err)
	}
	must(t, WriteFile(p, []byte("two"), WriteOptions{Replace: true}))
	st, err := os.Stat(p)
	must(t, err)
	if b := mustRead(t, p); string(b) != "two" || st.Mode().Perm() != 0o600 {
		t.Errorf("got %q mode %v, want two 0600", b, st.Mode().Perm())
	}
	entries, _ := os.ReadDir(filepath.Dir(p))
	if len(entries) != 1 {
		t.Errorf("got %d files in the folder, want 1 (no temporary files left)", len(entries))
	}
}

// A file that appears between the check and the write is not replaced.
func TestPlaceNewNeverReplaces(t *testing.T) {
	dir := t.TempDir()
	tmp := filepath.Join(dir, "tmp")
	dst := filepath.Join(dir, "dst")
	must(t, os.WriteFile(tmp, []byte("new"), 0o600))
	must(t, os.WriteFile(dst, []byte("theirs"), 0o600))
	if err := placeNew(osFS{}, tmp, dst); !errors.Is(err, ErrExists) {
		t.Errorf("got %v, want ErrExists", err)
	}
	if b := mustRead(t, dst); string(b) != "theirs" {
		t.Errorf("the file that appeared holds %q, want theirs", b)
	}
}

// removeFails is the real file system where removing one name fails,
// without an exclusive rename, so the move takes the hard link.
type removeFails struct {
	fileSystem
	name string
}

func (f removeFails) Remove(name string) error {
	if name == f.name {
		return &fs.PathError{Op: "remove", Path: name, Err: syscall.EIO}
	}
	return f.fileSystem.Remove(name)
}

// A rename whose old name cannot be removed after the link leaves the file
// under that old name alone, not under two, and says so.
func TestRenameNoReplaceNeverLeavesTwoNames(t *testing.T) {
	dir := t.TempDir()
	from, to := filepath.Join(dir, "from"), filepath.Join(dir, "to")
	must(t, os.WriteFile(from, []byte("data"), 0o600))
	err := renameNoReplace(removeFails{fileSystem: osFS{}, name: from}, from, to)
	if !errors.Is(err, syscall.EIO) {
		t.Errorf("got %v, want the failed removal (EIO)", err)
	}
	if _, err := os.Lstat(to); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the new name: got %v, want it gone again", err)
	}
	if b := mustRead(t, from); string(b) != "data" {
		t.Errorf("the old name holds %q, want data", b)
	}
	// Working, it moves, and never over a file.
	must(t, RenameNoReplace(from, to))
	must(t, os.WriteFile(from, []byte("other"), 0o600))
	if err := RenameNoReplace(from, to); !errors.Is(err, ErrExists) {
		t.Errorf("over a file: got %v, want ErrExists", err)
	}
	if b := mustRead(t, to); string(b) != "data" {
		t.Errorf("the target holds %q, want data", b)
	}
}

// RenameNoReplace moves a symbolic link itself, never giving its target
// a new name: on macOS and the BSDs link(2) follows the link, and a copy
// put back from a planted link would be the target (a key, the vault)
// under a name in the synced folder.
func TestRenameNoReplaceMovesALinkItself(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "id_ed25519")
	must(t, os.WriteFile(target, []byte("private key"), 0o600))
	from, to := filepath.Join(dir, ".hidden"), filepath.Join(dir, "visible")
	if err := os.Symlink(target, from); err != nil {
		if runtime.GOOS == "windows" {
			t.Skipf("making a symbolic link takes a privilege on Windows: %v", err)
		}
		t.Fatal(err)
	}
	must(t, RenameNoReplace(from, to))
	st, err := os.Lstat(to)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode()&os.ModeSymlink == 0 {
		t.Errorf("%s: got a %v, want the symbolic link moved", to, st.Mode().Type())
	}
	tst, err := os.Stat(target)
	if err != nil {
		t.Fatal(err)
	}
	if os.SameFile(st, tst) {
		t.Errorf("%s is a hard link to the link's target, want the link itself", to)
	}
}

// noLinks is the real file system as one without hard links (FAT on a
// USB stick) where, as a sync tool may, another program makes a file at
// a name just before it is renamed to.
type noLinks struct {
	osFS
	appears string
	came    *bool // whether it did
}

func (noLinks) Link(from, to string) error {
	return &os.LinkError{Op: "link", Old: from, New: to, Err: syscall.EPERM}
}

func (f noLinks) Rename(from, to string) error {
	if to == f.appears {
		*f.came = os.WriteFile(to, []byte("theirs"), 0o600) == nil
	}
	return f.osFS.Rename(from, to)
}

// Without hard links, RenameNoReplace still never replaces a file that
// appears at the new name while it moves: a look before a rename would
// leave a moment in which it is replaced.
func TestRenameNoReplaceWithoutLinks(t *testing.T) {
	dir := t.TempDir()
	from, to := filepath.Join(dir, "from"), filepath.Join(dir, "to")
	must(t, os.WriteFile(from, []byte("mine"), 0o600))
	var came bool
	err := renameNoReplace(noLinks{appears: to, came: &came}, from, to)
	want := "mine"
	if came {
		want = "theirs"
	}
	if b, rerr := os.ReadFile(to); rerr != nil || string(b) != want {
		t.Errorf("the new name holds %q, %v; want %s (a file appeared there: %v)", b, rerr, want, came)
	}
	if err != nil {
		if b := mustRead(t, from); string(b) != "mine" {
			t.Errorf("not moved (%v): the old name holds %q, want mine", err, b)
		}
	}
}

// An exported backup replaces an earlier one only when asked; never the
// vault, a lock or an automatic backup, whatever is asked.
func TestWriteBackupReplaces(t *testing.T) {
	v, path, _ := newTestVault(t)
	out := filepath.Join(t.TempDir(), "export.latchkey")
	must(t, v.WriteBackup(out, BackupOptions{}))
	first := mustRead(t, out)
	wantErr(t, "over an earlier export", v.WriteBackup(out, BackupOptions{}), ErrExists)
	if !bytes.Equal(mustRead(t, out), first) {
		t.Fatal("a refused backup changed the earlier one")
	}
	must(t, v.WriteBackup(out, BackupOptions{Replace: true}))
	second := mustRead(t, out)
	if bytes.Equal(second, first) {
		t.Error("Replace left the earlier backup in place")
	}
	// Plain data does not pass for a backup to replace one.
	if err := WriteFile(out, []byte("plain export"), WriteOptions{Replace: true, Backup: true}); err == nil {
		t.Error("plain data written as a backup over an earlier backup: got no error")
	}
	if err := WriteFile(out, []byte("plain export"), WriteOptions{Replace: true}); !errors.Is(err, ErrProtected) {
		t.Errorf("a plain export over an earlier backup: got %v, want ErrProtected", err)
	}
	if !bytes.Equal(mustRead(t, out), second) {
		t.Fatal("a refused write changed the backup")
	}
	backups, _ := Backups(BackupDirFor(path), path)
	for _, p := range []string{path, path + ".lock", backups[0]} {
		before := mustRead(t, p)
		wantErr(t, "backup over "+filepath.Base(p), v.WriteBackup(p, BackupOptions{Replace: true}), ErrProtected)
		if !bytes.Equal(mustRead(t, p), before) {
			t.Fatalf("a refused backup changed %s", p)
		}
	}
	link := filepath.Join(t.TempDir(), "link")
	must(t, os.Symlink(out, link))
	wantErr(t, "backup through a link", v.WriteBackup(link, BackupOptions{Replace: true}), ErrNotRegular)
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
