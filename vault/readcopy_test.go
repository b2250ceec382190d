//go:build unix

package vault

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// TestReadCopy: ReadCopy reads a regular file, and refuses a symbolic link
// (even to a regular file it would read), a FIFO (at once, with no writer)
// and a file over MaxFileSize, each with its error.
func TestReadCopy(t *testing.T) {
	dir := t.TempDir()
	copyPath := filepath.Join(dir, "vault (conflicted copy).latchkey")
	want := []byte("the bytes of a copy")
	if err := os.WriteFile(copyPath, want, 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := ReadCopy(copyPath)
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("a regular file: got %q, %v, want %q", got, err, want)
	}

	link := filepath.Join(dir, "link.latchkey")
	if err := os.Symlink(copyPath, link); err != nil {
		t.Fatal(err)
	}
	got, err = ReadCopy(link)
	if !errors.Is(err, ErrNotRegular) || got != nil {
		t.Errorf("a symbolic link to a regular file: got %q, %v, want nothing and ErrNotRegular", got, err)
	}

	// A link put in the file's place after it was looked at, and before
	// it is opened: the open itself refuses it.
	before, err := os.Lstat(copyPath)
	if err != nil {
		t.Fatal(err)
	}
	if f, err := openNoFollow(link, before); !errors.Is(err, ErrNotRegular) {
		if f != nil {
			f.Close()
		}
		t.Errorf("opening a symbolic link once a regular file was looked at: got %v, want ErrNotRegular", err)
	}

	fifo := filepath.Join(dir, "fifo.latchkey")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { _, err := ReadCopy(fifo); done <- err }()
	select {
	case err := <-done:
		if !errors.Is(err, ErrNotRegular) {
			t.Errorf("a FIFO: got %v, want ErrNotRegular", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a FIFO with no writer: ReadCopy still waiting after 10 s")
	}
	// A FIFO put in the file's place once it was looked at opens at once.
	go func() {
		f, err := openNoFollow(fifo, before)
		if f != nil {
			f.Close()
		}
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("opening a FIFO once a regular file was looked at: got %v, want it opened (then refused by its kind)", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("opening a FIFO with no writer: still waiting after 10 s")
	}

	big := filepath.Join(dir, "big.latchkey")
	if err := os.WriteFile(big, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(big, int64(MaxFileSize)+1); err != nil { // sparse: no disk used
		t.Fatal(err)
	}
	got, err = ReadCopy(big)
	if !errors.Is(err, ErrTooLarge) || got != nil {
		t.Errorf("a file of MaxFileSize+1 bytes: got %d bytes, %v, want nothing and ErrTooLarge", len(got), err)
	}
}

// ReadCopyInfoMax refuses a file over its cap before reading it, and
// reads one at the cap whole.
func TestReadCopyInfoMax(t *testing.T) {
	p := filepath.Join(t.TempDir(), "vault (1).latchkey")
	want := []byte("LATCHKEY and more")
	if err := os.WriteFile(p, want, 0o600); err != nil {
		t.Fatal(err)
	}
	if got, _, err := ReadCopyInfoMax(p, int64(len(want))-1); !errors.Is(err, ErrTooLarge) || got != nil {
		t.Errorf("a cap one byte short: got %q, %v; want nothing and ErrTooLarge", got, err)
	}
	if got, _, err := ReadCopyInfoMax(p, int64(len(want))); err != nil || !bytes.Equal(got, want) {
		t.Errorf("a cap of its size: got %q, %v; want %q", got, err, want)
	}
}
