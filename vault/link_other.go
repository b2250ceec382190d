//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package vault

import "os"

func (osFS) Link(from, to string) error { return os.Link(from, to) }
