package harden

import (
	"errors"
	"fmt"

	"golang.org/x/sys/unix"
)

func process() error {
	var errs []error
	if err := unix.Setrlimit(unix.RLIMIT_CORE, &unix.Rlimit{}); err != nil {
		errs = append(errs, fmt.Errorf("setting the core size limit to 0: %w", err))
	}
	// Not dumpable: no core file even where the limit is ignored (a
	// core_pattern pipe), and no ptrace or /proc/PID/mem by the same user.
	if err := unix.Prctl(unix.PR_SET_DUMPABLE, 0, 0, 0, 0); err != nil {
		errs = append(errs, fmt.Errorf("making the process non-dumpable: %w", err))
	}
	return errors.Join(errs...)
}

func beforeSecrets(f func()) {
	unix.Prctl(unix.PR_SET_DUMPABLE, 1, 0, 0, 0)
	defer unix.Prctl(unix.PR_SET_DUMPABLE, 0, 0, 0, 0)
	f()
}
