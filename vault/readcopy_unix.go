//go:build unix

package vault

import (
	"io/fs"
	"os"
	"syscall"
)

// openNoFollow opens path, a regular file when Lstat gave before, for
// reading, unless it is now a symbolic link. O_NONBLOCK opens a FIFO put
// there meanwhile at once instead of waiting for a writer; the caller
// refuses it (a regular file reads as it would without the flag).
func openNoFollow(path string, before fs.FileInfo) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0)
	if err != nil {
		// ELOOP on Linux, another errno elsewhere: say what it is.
		if st, lerr := os.Lstat(path); lerr == nil && st.Mode()&fs.ModeSymlink != 0 {
			return nil, notRegular(path, st.Mode())
		}
		return nil, err
	}
	return f, nil
}
