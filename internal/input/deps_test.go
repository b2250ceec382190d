package input

import (
	"os/exec"
	"strings"
	"testing"
)

// Every package that reads a person's files uses this one, qrimport and
// core included: it must stay a leaf of the standard library.
func TestStandardLibraryOnly(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	if got := strings.Fields(string(out)); len(got) != 1 || got[0] != "latchkey/internal/input" {
		t.Errorf("got dependencies %v, want the standard library only", got)
	}
}
