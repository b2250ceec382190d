package vault

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// RenameExclusive renames from to to in one step unless something is at
// to (fs.ErrExist): renamex_np with RENAME_EXCL. errNoExclusiveRename
// where the file system has none.
func (osFS) RenameExclusive(from, to string) error {
	err := ignoringEINTR(func() error { return unix.RenamexNp(from, to, unix.RENAME_EXCL) })
	switch {
	case err == nil:
		return nil
	case errors.Is(err, unix.EINVAL), errors.Is(err, unix.ENOTSUP), errors.Is(err, unix.ENOSYS):
		return errNoExclusiveRename
	}
	return &os.LinkError{Op: "rename", Old: from, New: to, Err: err}
}
