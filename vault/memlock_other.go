//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package vault

// Elsewhere nothing is locked (Windows' VirtualLock is bound to a small
// working set), and nothing is worth a warning.
var mlock = func([]byte) error { return nil }

func munlock([]byte) {}
