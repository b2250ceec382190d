package vault

import "golang.org/x/sys/unix"

// RenameExclusive renames from to to in one step unless something is at
// to (fs.ErrExist): renamex_np with RENAME_EXCL. errNoExclusiveRename
// where the file system has none.
func (osFS) RenameExclusive(from, to string) error {
	err := ignoringEINTR(func() error { return unix.RenamexNp(from, to, unix.RENAME_EXCL) })
	return renamedExclusive(from, to, err, unix.EINVAL, unix.ENOTSUP, unix.ENOSYS)
}
