package vault

import (
	"errors"
	"os"

	"golang.org/x/sys/windows"
)

// tryLock locks the first byte of f, exclusively, without waiting; held is
// true when another handle has it. Windows byte-range locks are mandatory,
// which is why they go on the sidecar and never on the vault, which
// read-only commands must still read.
func tryLock(f *os.File) (held bool, err error) {
	var ol windows.Overlapped
	flags := uint32(windows.LOCKFILE_EXCLUSIVE_LOCK | windows.LOCKFILE_FAIL_IMMEDIATELY)
	err = windows.LockFileEx(windows.Handle(f.Fd()), flags, 0, 1, 0, &ol)
	return errors.Is(err, windows.ERROR_LOCK_VIOLATION), err
}

// unlock releases the lock; closing the handle would release it too, but
// only once every duplicate of the handle is closed.
func unlock(f *os.File) {
	var ol windows.Overlapped
	windows.UnlockFileEx(windows.Handle(f.Fd()), 0, 1, 0, &ol)
}
