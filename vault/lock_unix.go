//go:build unix && !aix && !solaris

package vault

import (
	"errors"
	"os"
	"syscall"
)

// tryLock takes flock's exclusive lock on f without waiting; held is true
// when another process has it.
func tryLock(f *os.File) (held bool, err error) {
	err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	return errors.Is(err, syscall.EWOULDBLOCK), err
}

func unlock(f *os.File) {
	syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
}
