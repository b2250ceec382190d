//go:build unix

package testtool

import (
	"syscall"
	"testing"
)

// Mkfifo makes a named pipe at path, for the tests of files that are no
// files; on systems without FIFOs the test is skipped.
func Mkfifo(t testing.TB, path string) {
	t.Helper()
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Fatal(err)
	}
}
