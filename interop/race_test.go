//go:build race

package interop

// raceEnabled: the race detector's instrumentation allocates on its own,
// so allocation measures mean nothing in such a build.
const raceEnabled = true
