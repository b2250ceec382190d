//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package vault

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// Link gives from's file the name to as well, a symbolic link at from not
// followed: link(2) follows one on macOS and the BSDs, which would give
// the link's target (any file of the person's) a name beside the vault.
func (osFS) Link(from, to string) error {
	err := ignoringEINTR(func() error { return unix.Linkat(unix.AT_FDCWD, from, unix.AT_FDCWD, to, 0) })
	if err != nil {
		return &os.LinkError{Op: "link", Old: from, New: to, Err: err}
	}
	return nil
}

func ignoringEINTR(f func() error) error {
	for {
		if err := f(); err != unix.EINTR {
			return err
		}
	}
}

// renamedExclusive is RenameExclusive's answer for err, what the system's
// one-step no-replace rename returned: errNoExclusiveRename when it is one
// of unsupported (the file system or kernel has no such rename).
func renamedExclusive(from, to string, err error, unsupported ...unix.Errno) error {
	if err == nil {
		return nil
	}
	for _, e := range unsupported {
		if errors.Is(err, e) {
			return errNoExclusiveRename
		}
	}
	return &os.LinkError{Op: "rename", Old: from, New: to, Err: err}
}
