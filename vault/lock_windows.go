package vault

import (
	"errors"
	"fmt"
	"os"

	"golang.org/x/sys/windows"
)

// lockFile takes the lock on path's sidecar "path.lock", as on Unix: the
// first byte of it, exclusively, failing at once when another handle holds
// it. Windows byte-range locks are mandatory, which is why they go on the
// sidecar and never on the vault, which read-only commands must still read.
// The lock file is never deleted.
func lockFile(path string) (*os.File, error) {
	f, err := os.OpenFile(path+".lock", os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("vault: opening the lock file: %w", err)
	}
	var ol windows.Overlapped
	flags := uint32(windows.LOCKFILE_EXCLUSIVE_LOCK | windows.LOCKFILE_FAIL_IMMEDIATELY)
	if err := windows.LockFileEx(windows.Handle(f.Fd()), flags, 0, 1, 0, &ol); err != nil {
		f.Close()
		if errors.Is(err, windows.ERROR_LOCK_VIOLATION) {
			return nil, fmt.Errorf("vault: %s: %w", path, ErrLocked)
		}
		return nil, fmt.Errorf("vault: locking %s: %w", path, err)
	}
	return f, nil
}

// unlockFile releases the lock; closing the handle would release it too,
// but only once every duplicate of the handle is closed.
func unlockFile(f *os.File) error {
	if f == nil {
		return nil
	}
	var ol windows.Overlapped
	windows.UnlockFileEx(windows.Handle(f.Fd()), 0, 1, 0, &ol)
	return f.Close()
}
