// Package harden keeps the memory of a running Latchkey to itself: no core
// dump can write the decrypted vault to disk, and (on Linux) other processes
// of the same user cannot attach a debugger or read /proc/PID/mem.
//
// Process is called first thing in main, in every mode, before any secret
// is read. It is the process-wide half; the vault locks its own key and
// payload out of swap.
package harden

// Process makes this process non-dumpable and sets its core size limit to
// zero, where the system has these. It returns what could not be done, for
// a warning; the program goes on either way.
func Process() error { return process() }

// BeforeSecrets runs f with the process dumpable again, then hardens it
// once more. It exists for one call at the window's start, before any
// secret (a typed password included) is in memory: xdg-desktop-portal tells
// who calls it by reading /proc/PID/root, which a non-dumpable process hides,
// and it remembers the answer for the D-Bus connection.
func BeforeSecrets(f func()) { beforeSecrets(f) }
