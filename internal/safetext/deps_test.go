package safetext

import (
	"os/exec"
	"strings"
	"testing"
)

// Both front ends use safetext: it stays on the standard library (no Fyne),
// so the command line does not pull in the window.
func TestStandardLibraryOnly(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, p := range strings.Fields(string(out)) {
		if p != "latchkey/internal/safetext" {
			t.Errorf("safetext depends on %s; want the standard library only", p)
		}
	}
}
