//go:build unix && !aix && !solaris

package vault

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// lockFile takes the advisory lock on path's sidecar "path.lock". The lock
// file is never deleted: deleting it would let two processes lock two
// different files of the same name.
func lockFile(path string) (*os.File, error) {
	f, err := os.OpenFile(path+".lock", os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("vault: opening the lock file: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("vault: %s: %w", path, ErrLocked)
		}
		return nil, fmt.Errorf("vault: locking %s: %w", path, err)
	}
	return f, nil
}

func unlockFile(f *os.File) error {
	if f == nil {
		return nil
	}
	syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
	return f.Close()
}
