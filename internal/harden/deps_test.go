package harden

import (
	"strings"
	"testing"

	"latchkey/internal/deptest"
)

// main calls harden before anything else: it must not bring in (and so
// initialise) anything beyond the system-call package.
func TestDependencies(t *testing.T) {
	for _, p := range deptest.NonStandard(t, ".") {
		if p != "latchkey/internal/harden" && !strings.HasPrefix(p, "golang.org/x/sys/") {
			t.Errorf("harden depends on %s; want the standard library and golang.org/x/sys only", p)
		}
	}
}
