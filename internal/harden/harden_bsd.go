//go:build darwin || freebsd || netbsd || openbsd || dragonfly

package harden

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// These systems have no portable "non-dumpable" switch; a zero core size
// limit keeps the memory off the disk.
func process() error {
	if err := unix.Setrlimit(unix.RLIMIT_CORE, &unix.Rlimit{}); err != nil {
		return fmt.Errorf("setting the core size limit to 0: %w", err)
	}
	return nil
}

func beforeSecrets(f func()) { f() }
