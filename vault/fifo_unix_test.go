//go:build unix

package vault

import (
	"syscall"
	"testing"
)

// mkfifo makes a named pipe at path for the tests of files that are no
// files; systems without FIFOs skip those tests.
func mkfifo(t *testing.T, path string) {
	t.Helper()
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Fatal(err)
	}
}
