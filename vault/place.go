package vault

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Where a vault lives. Every way of opening or making a vault goes through
// resolvePath, so the file that is read, locked and saved is always the same
// one, whichever name (a symbolic link, the real path) the caller gave.

// resolvePath follows symbolic links to the file a vault path names: the
// lock goes beside the real file and a save replaces the real file, so a
// link to the vault stays a link and a lock taken through the link
// conflicts with one taken through the real path. Something that exists
// there must be a regular file: opening a FIFO would wait forever for a
// writer, and a device or folder would get a stray lock file beside it.
//
// exists is false when nothing is there (or a link points at nothing); the
// path is then returned as given, for Create to make.
func resolvePath(path string) (real string, exists bool, err error) {
	real, err = filepath.EvalSymlinks(path)
	if errors.Is(err, fs.ErrNotExist) {
		return path, false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("vault: %s: %w", path, err)
	}
	st, err := os.Stat(real)
	if errors.Is(err, fs.ErrNotExist) {
		return path, false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("vault: %s: %w", path, err)
	}
	if !st.Mode().IsRegular() {
		return "", false, notRegular(path, st.Mode())
	}
	return real, true, nil
}

// notRegular says what is at path instead of a regular file.
func notRegular(path string, m fs.FileMode) error {
	return fmt.Errorf("vault: %s is %s: %w", path, fileKind(m), ErrNotRegular)
}

func fileKind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a folder"
	case m&fs.ModeSymlink != 0:
		return "a symbolic link"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0:
		return "a device"
	}
	return "not a regular file"
}

// sameFile reports whether a and b name one existing file (through links,
// hard or symbolic).
func sameFile(a, b string) bool {
	fa, err := os.Stat(a)
	if err != nil {
		return false
	}
	fb, err := os.Stat(b)
	return err == nil && os.SameFile(fa, fb)
}

// lockSuffix ends the name of a vault's lock file.
const lockSuffix = ".lock"

// LockPath is the sidecar file whose flock marks the vault at path as
// open: the one place its name is made, for the lock itself and for
// whoever asks whether a file is a vault someone opened.
func LockPath(path string) string { return path + lockSuffix }
