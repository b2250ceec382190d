package cli

import (
	"os/exec"
	"strings"
	"testing"
)

// The command line is a front end over core: it reads other apps' files
// and writes kits only through core, and knows no toolkit.
func TestDependencies(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", "{{join .Imports \" \"}}", "latchkey/cli").Output()
	if err != nil {
		t.Fatalf("go list: %v (the go command is needed to check imports)", err)
	}
	imports := strings.Fields(string(out))
	for _, p := range imports {
		if p == "latchkey/interop" || p == "latchkey/kit" || p == "latchkey/ui" {
			t.Errorf("cli imports %s, want it reached through latchkey/core", p)
		}
	}
	if !strings.Contains(string(out), "latchkey/core") {
		t.Errorf("cli does not import latchkey/core; imports: %s", out)
	}
	deps, err := exec.Command("go", "list", "-deps", "latchkey/cli").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	if strings.Contains(string(deps), "fyne.io/") {
		t.Error("cli depends on Fyne")
	}
}
