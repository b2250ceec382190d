//go:build !unix

package testtool

import "testing"

// Mkfifo skips the test: this system has no FIFOs.
func Mkfifo(t testing.TB, path string) { t.Skip("this system has no FIFOs") }
