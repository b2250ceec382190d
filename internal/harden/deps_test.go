package harden

import (
	"os/exec"
	"strings"
	"testing"
)

// main calls harden before anything else: it must not bring in (and so
// initialise) anything beyond the system-call package.
func TestDependencies(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, p := range strings.Fields(string(out)) {
		if p != "latchkey/internal/harden" && !strings.HasPrefix(p, "golang.org/x/sys/") {
			t.Errorf("harden depends on %s; want the standard library and golang.org/x/sys only", p)
		}
	}
}
