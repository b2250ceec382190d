package vault

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// Every file Latchkey writes besides the vault's own save (exports, QR
// images, recovery kits, backup-code pages, exported backups) goes through
// WriteFile. It lives here because the vault knows what a vault, its lock
// and its automatic backups look like, and it shares the save's atomic
// write: temporary file, fsync, read back, rename, fsync the folder.

// WriteOptions say what WriteFile may do with what is already there.
type WriteOptions struct {
	// Replace lets an existing regular file be replaced. Without it an
	// existing file is refused (ErrExists) and left as it is. A vault, a
	// lock or an automatic backup is never replaced.
	Replace bool
	// MakeFolders creates missing parent folders, mode 0700. Without it a
	// missing folder is an error: it may be a disk that is not mounted.
	MakeFolders bool
	// Vault is the path of the vault the caller has open, if any: it and
	// its lock are refused by path even where nothing exists yet. Other
	// vaults, locks and backups are recognised by their content and names.
	Vault string
	// Backup says the data is an encrypted Latchkey backup: with Replace
	// it may replace a Latchkey file that is neither a vault nor an
	// automatic backup (an earlier exported backup). WriteFile refuses
	// data that is not a Latchkey file with it.
	Backup bool
}

// WriteFile writes data to path as a file readable by the user alone (mode
// 0600), whole or not at all: a temporary file beside it is written,
// flushed, read back and moved into place, and the folder is flushed.
//
// It refuses, leaving everything as it was: a symbolic link (it never
// writes through one), anything but a regular file (a folder, a FIFO, a
// device), the open vault and its lock, any Latchkey vault or backup file
// and any vault's lock (known by content), a name made like an automatic
// backup's, and an existing file unless o.Replace. Refusals wrap
// ErrNotRegular, ErrProtected or ErrExists.
func WriteFile(path string, data []byte, o WriteOptions) error {
	return writeFile(osFS{}, path, data, nil, o)
}

// CheckWrite gives the error WriteFile would give, without writing, so a
// caller can refuse before slow or irreversible work. WriteFile checks
// again: what is there may change in between.
func CheckWrite(path string, o WriteOptions) error {
	_, err := checkTarget(path, o)
	return err
}

func writeFile(fsys fileSystem, path string, data []byte, verify func([]byte) error, o WriteOptions) error {
	if o.Backup && !IsVaultFile(data) {
		return fmt.Errorf("vault: writing %s: the data is not a latchkey backup", path)
	}
	if _, err := checkTarget(path, o); err != nil {
		return err
	}
	if o.MakeFolders {
		if err := fsys.MkdirAll(filepath.Dir(path)); err != nil {
			return fmt.Errorf("vault: creating the folder of %s: %w", path, err)
		}
	}
	// The checks run again just before the file is moved into place, so
	// what replaces or is created is what was checked.
	place := func(tmp, dst string) error {
		st, err := checkTarget(dst, o)
		if err != nil {
			return err
		}
		if st != nil {
			return renameOver(fsys)(tmp, dst)
		}
		return placeNew(fsys, tmp, dst)
	}
	var placed bool
	return writeAtomicSteps(fsys, path, data, verify, place, &placed)
}

// placeNew moves tmp to path only if nothing is at path.
func placeNew(fsys fileSystem, tmp, path string) error {
	err := renameNoReplace(fsys, tmp, path)
	if errors.Is(err, ErrExists) {
		return fmt.Errorf("vault: %s appeared while it was being written; it was left as it is: %w", path, ErrExists)
	}
	return err
}

// RenameNoReplace renames from to to unless something is at to, which it
// never replaces (ErrExists). The system's exclusive rename makes the
// check and the move one step (Linux, macOS, Windows); elsewhere a hard
// link does, and where the file system has neither, a check just before
// a rename. from must be a name no one else writes to (a
// temporary or hidden name of the caller's): for a moment the file has
// both names, and then from is removed. Whatever fails, the file ends
// under one of the two names, never both, unless the error says so.
func RenameNoReplace(from, to string) error { return renameNoReplace(osFS{}, from, to) }

func renameNoReplace(fsys fileSystem, from, to string) error {
	// One step where the system has it: from is never under two names,
	// and to is never replaced, even where there are no hard links.
	if x, ok := fsys.(exclusiveRenamer); ok {
		err := x.RenameExclusive(from, to)
		switch {
		case err == nil:
			return nil
		case errors.Is(err, fs.ErrExist):
			return fmt.Errorf("vault: %s: %w", to, ErrExists)
		case !errors.Is(err, errNoExclusiveRename):
			return fmt.Errorf("vault: moving %s to %s: %w", from, to, err)
		}
	}
	err := fsys.Link(from, to)
	switch {
	case err == nil:
		rerr := fsys.Remove(from)
		if rerr == nil {
			return nil
		}
		// Under two names: take the new one back, while it is still this
		// file (a sync tool may have put another there meanwhile).
		if sameEntry(from, to) && fsys.Remove(to) == nil {
			return fmt.Errorf("vault: moving %s to %s: the old name could not be removed, so the file stays at it: %w", from, to, rerr)
		}
		return fmt.Errorf("vault: %s is now also at %s: neither name could be removed: %w", from, to, rerr)
	case errors.Is(err, fs.ErrExist):
		return fmt.Errorf("vault: %s: %w", to, ErrExists)
	}
	if _, err := os.Lstat(to); !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("vault: %s: %w", to, ErrExists)
	}
	if err := fsys.Rename(from, to); err != nil {
		return fmt.Errorf("vault: moving %s to %s: %w", from, to, err)
	}
	return nil
}

// exclusiveRenamer is a file system that renames without replacing in
// one step (renameat2, renamex_np, MoveFileEx), or says it cannot
// (errNoExclusiveRename).
type exclusiveRenamer interface {
	RenameExclusive(from, to string) error
}

var errNoExclusiveRename = errors.New("no exclusive rename here")

// sameEntry reports whether a and b are one file, a symbolic link not
// followed.
func sameEntry(a, b string) bool {
	fa, err := os.Lstat(a)
	if err != nil {
		return false
	}
	fb, err := os.Lstat(b)
	return err == nil && os.SameFile(fa, fb)
}

// checkTarget applies WriteFile's rules to path. It returns what is there
// (nil when nothing is) or why it must not be written.
func checkTarget(path string, o WriteOptions) (fs.FileInfo, error) {
	if path == "" {
		return nil, errors.New("vault: no file name given")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("vault: %s: %w", path, err)
	}
	if _, ok := stampOf(abs); ok {
		return nil, protected(path, "named like an automatic backup")
	}
	if o.Vault != "" {
		real, _, err := resolvePath(o.Vault)
		if err != nil {
			real = o.Vault
		}
		for _, v := range []string{real, o.Vault} {
			switch {
			case samePlace(abs, v):
				return nil, protected(path, "the vault itself")
			case samePlace(abs, LockPath(v)):
				return nil, protected(path, "the vault's lock file")
			}
		}
	}
	st, err := os.Lstat(abs)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("vault: %s: %w", path, err)
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("vault: %s is %s; it was left as it is: %w", path, fileKind(st.Mode()), ErrNotRegular)
	}
	if v, ok := strings.CutSuffix(abs, lockSuffix); ok && isLatchkeyFile(v) {
		return nil, protected(path, "the lock file of a vault")
	}
	if isLatchkeyFile(abs) {
		switch {
		case Exists(LockPath(abs)):
			return nil, protected(path, "a vault (its lock file is beside it)")
		case !o.Backup:
			return nil, protected(path, "a latchkey vault or backup")
		}
	}
	if !o.Replace {
		return nil, fmt.Errorf("vault: %s: %w", path, ErrExists)
	}
	return st, nil
}

func protected(path, what string) error {
	return fmt.Errorf("vault: %s is %s; it was left as it is: %w", path, what, ErrProtected)
}

// samePlace reports whether a and b name one file: the same existing file,
// or the same path once their folders' links are resolved.
func samePlace(a, b string) bool {
	if sameFile(a, b) {
		return true
	}
	return placeOf(a) == placeOf(b)
}

func placeOf(p string) string {
	abs, err := filepath.Abs(p)
	if err != nil {
		return filepath.Clean(p)
	}
	if dir, err := filepath.EvalSymlinks(filepath.Dir(abs)); err == nil {
		return filepath.Join(dir, filepath.Base(abs))
	}
	return abs
}

// isLatchkeyFile reports whether the regular file at p starts with the
// vault magic. Anything else is not read: a device is not opened, and a
// FIFO put there after the look is opened without waiting and refused.
func isLatchkeyFile(p string) bool {
	st, err := os.Stat(p)
	if err != nil || !st.Mode().IsRegular() {
		return false
	}
	f, err := os.OpenFile(p, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return false
	}
	defer f.Close()
	if st, err := f.Stat(); err != nil || !st.Mode().IsRegular() {
		return false
	}
	head := make([]byte, len(magic))
	n, _ := io.ReadFull(f, head)
	return IsVaultFile(head[:n])
}
