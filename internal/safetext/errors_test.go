package safetext

import (
	"errors"
	"io/fs"
	"testing"
)

// An error quoting a hostile name shows it escaped and still is what it
// wraps; one with nothing to escape is returned as it is.
func TestNamesEscaped(t *testing.T) {
	name := "/tmp/codes\n\x1b[31mred.png"
	err := &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	got := NamesEscaped(err, name)
	if want := `open /tmp/codes\x0a\x1b[31mred.png: file does not exist`; got.Error() != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if !errors.Is(got, fs.ErrNotExist) {
		t.Errorf("got %v, want it to wrap fs.ErrNotExist", got)
	}
	plain := &fs.PathError{Op: "open", Path: "/tmp/a.png", Err: fs.ErrNotExist}
	if got := NamesEscaped(plain, "/tmp/a.png"); got != error(plain) {
		t.Errorf("got %#v, want the error itself", got)
	}
	if NamesEscaped(nil, name) != nil {
		t.Error("got an error for nil, want nil")
	}
}
