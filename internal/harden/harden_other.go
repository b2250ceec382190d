//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package harden

// Windows writes no core files unless a debugger or Windows Error
// Reporting is set up to, and a program cannot refuse either; nothing to
// do here or on the other systems.
func process() error { return nil }

func beforeSecrets(f func()) { f() }
