package vault

import (
	"fmt"
	"os"
)

// lockFile takes the advisory lock on path's sidecar (LockPath),
// exclusively, failing at once when another process holds it. The lock file
// is never deleted: deleting it would let two processes lock two different
// files of the same name. How the lock is taken is the platform's
// (tryLock).
func lockFile(path string) (*os.File, error) {
	f, err := os.OpenFile(LockPath(path), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("vault: opening the lock file: %w", err)
	}
	if held, err := tryLock(f); err != nil {
		f.Close()
		if held {
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
	unlock(f)
	return f.Close()
}
