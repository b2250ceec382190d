//go:build !unix

package cli

import "testing"

func mkfifo(t *testing.T, path string) { t.Skip("this system has no FIFOs") }
