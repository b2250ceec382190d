//go:build !unix

package vault

import (
	"io/fs"
	"os"
)

// openNoFollow opens path for reading unless it is a symbolic link (or
// another reparse point). Without O_NOFOLLOW the file is looked at before
// it is opened, and the opened file must be the one looked at, so a link
// put there meanwhile is not followed.
func openNoFollow(path string) (*os.File, error) {
	before, err := os.Lstat(path)
	if err != nil {
		return nil, err
	}
	if !before.Mode().IsRegular() {
		return nil, notRegular(path, before.Mode())
	}
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
		return nil, notRegular(path, fs.ModeSymlink)
	}
	return f, nil
}
