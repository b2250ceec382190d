//go:build !unix

package vault

import (
	"fmt"
	"io/fs"
	"os"
)

// openNoFollow opens path, a regular file when Lstat gave before, for
// reading, unless it is now a symbolic link (or another reparse point).
// Without O_NOFOLLOW, the file opened must be the one Lstat looked at, so
// a link put there meanwhile is not followed.
func openNoFollow(path string, before fs.FileInfo) (*os.File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	after, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if !os.SameFile(before, after) {
		f.Close()
		return nil, fmt.Errorf("vault: %s changed while it was opened: %w", path, ErrNotRegular)
	}
	return f, nil
}
