// Package input opens the files a person names to read from (images,
// exports, backups), so that a wrong kind of file is refused at once
// instead of stalling Latchkey: a folder or a device is refused before it is
// opened, and a FIFO is opened without waiting for a writer (one nobody
// writes to reads as empty, while a shell's <(command) still works).
package input

import (
	"fmt"
	"io/fs"
	"os"
	"syscall"
)

// Open opens path for reading; see the package comment.
func Open(path string) (*os.File, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	switch m := st.Mode(); {
	case m.IsRegular():
		return os.Open(path)
	case m&fs.ModeNamedPipe != 0:
		return os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	case m.IsDir():
		return nil, fmt.Errorf("%s is a folder, not a file", path)
	}
	return nil, fmt.Errorf("%s is a device or a socket, not a file", path)
}
