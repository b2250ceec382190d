package vault

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// ReadCopy reads a file that may be a copy of a vault (a conflict copy a
// sync tool left, another vault file): a regular file of at most
// MaxFileSize bytes, through a limit. The file itself is never read
// through a symbolic link, whose target a sync tool or another user
// chose, and a FIFO or a device is refused unopened (or, put there once
// looked at, opened without waiting and refused). A link, folder, FIFO or
// device gives ErrNotRegular; a file over the cap gives ErrTooLarge,
// checked before anything is allocated, and again while reading should it
// grow.
func ReadCopy(path string) ([]byte, error) {
	b, _, err := ReadCopyInfoMax(path, int64(MaxFileSize))
	return b, err
}

// ReadCopyInfoMax is ReadCopy capped at max bytes (at most MaxFileSize),
// and also says which file the bytes came from: the open file's own
// information, taken before the read. A caller that looked at path before
// (to delete the copy only while it is that file) compares the two: path
// may have named another file for the moment of the open. A caller
// reading many copies caps what it reads of all of them by what it saw of
// each before the open. A file over max gives ErrTooLarge.
func ReadCopyInfoMax(path string, max int64) ([]byte, fs.FileInfo, error) {
	max = min(max, int64(MaxFileSize))
	before, err := os.Lstat(path)
	if err != nil {
		return nil, nil, err
	}
	// Windows looks the file's identity up only when os.SameFile asks,
	// by path, which may name another file by then: take it now.
	os.SameFile(before, before)
	if !before.Mode().IsRegular() {
		return nil, nil, notRegular(path, before.Mode())
	}
	f, err := openNoFollow(path, before)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, nil, notRegular(path, st.Mode())
	}
	if st.Size() > max {
		return nil, nil, copyTooLarge(path, max)
	}
	b, err := readAllLimited(f, make([]byte, 0, st.Size()+1), max)
	if errors.Is(err, ErrCorrupt) {
		// readAllLimited's only ErrCorrupt: the file grew past the cap.
		return nil, nil, copyTooLarge(path, max)
	}
	if err != nil {
		return nil, nil, err
	}
	return b, st, nil
}

func copyTooLarge(path string, max int64) error {
	if max < int64(MaxFileSize) {
		return fmt.Errorf("vault: %s is larger than the %d bytes allowed: %w", path, max, ErrTooLarge)
	}
	return fmt.Errorf("vault: %s is larger than %d bytes, more than a vault holds: %w", path, MaxFileSize, ErrTooLarge)
}
