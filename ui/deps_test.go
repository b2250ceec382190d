package ui

import (
	"os/exec"
	"strings"
	"testing"
)

// The window is a front end over core: it reads other apps' files and
// writes kits only through core, never importing interop or kit itself.
func TestUIGoesThroughCore(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", "{{join .Imports \" \"}}", "latchkey/ui").Output()
	if err != nil {
		t.Fatalf("go list: %v (the go command is needed to check imports)", err)
	}
	for _, p := range strings.Fields(string(out)) {
		if p == "latchkey/interop" || p == "latchkey/kit" || p == "latchkey/cli" {
			t.Errorf("ui imports %s, want it reached through latchkey/core", p)
		}
	}
	if !strings.Contains(string(out), "latchkey/core") {
		t.Errorf("ui does not import latchkey/core; imports: %s", out)
	}
}
