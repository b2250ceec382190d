package harden

import (
	"testing"

	"latchkey/internal/deptest"
)

// main calls harden before anything else: it must not bring in (and so
// initialise) anything beyond the system-call package.
func TestDependencies(t *testing.T) {
	deptest.StandardOnly(t, "latchkey/internal/harden", "golang.org/x/sys/")
}
