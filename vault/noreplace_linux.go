package vault

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// RenameExclusive renames from to to in one step unless something is at
// to (fs.ErrExist): renameat2 with RENAME_NOREPLACE, which FAT takes too.
// errNoExclusiveRename where the file system or kernel has none.
func (osFS) RenameExclusive(from, to string) error {
	err := ignoringEINTR(func() error {
		return unix.Renameat2(unix.AT_FDCWD, from, unix.AT_FDCWD, to, unix.RENAME_NOREPLACE)
	})
	switch {
	case err == nil:
		return nil
	case errors.Is(err, unix.EINVAL), errors.Is(err, unix.ENOSYS), errors.Is(err, unix.EOPNOTSUPP):
		return errNoExclusiveRename
	}
	return &os.LinkError{Op: "rename", Old: from, New: to, Err: err}
}
