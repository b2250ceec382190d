//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package vault

import "golang.org/x/sys/unix"

// mlock is a variable so that tests can make it fail.
var mlock = unix.Mlock

func munlock(b []byte) { unix.Munlock(b) }
