package vault

import "golang.org/x/sys/unix"

// RenameExclusive renames from to to in one step unless something is at
// to (fs.ErrExist): renameat2 with RENAME_NOREPLACE, which FAT takes too.
// errNoExclusiveRename where the file system or kernel has none.
func (osFS) RenameExclusive(from, to string) error {
	err := ignoringEINTR(func() error {
		return unix.Renameat2(unix.AT_FDCWD, from, unix.AT_FDCWD, to, unix.RENAME_NOREPLACE)
	})
	return renamedExclusive(from, to, err, unix.EINVAL, unix.ENOSYS, unix.EOPNOTSUPP)
}
