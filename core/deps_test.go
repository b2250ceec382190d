package core

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// Core is shared by the command line and the window: it knows no toolkit,
// and depends only on the packages below it.
func TestDependencies(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "latchkey/core").Output()
	if err != nil {
		t.Fatalf("go list: %v (the go command is needed to check imports)", err)
	}
	deps := strings.Fields(string(out))
	for _, p := range deps {
		if strings.HasPrefix(p, "fyne.io/") {
			t.Errorf("core depends on %s, want no Fyne", p)
		}
		if p == "latchkey/cli" || p == "latchkey/ui" {
			t.Errorf("core depends on %s, a front end; want the front ends to depend on core", p)
		}
	}
	for _, want := range []string{"latchkey/vault", "latchkey/interop", "latchkey/qrimport", "latchkey/kit"} {
		if !slices.Contains(deps, want) {
			t.Errorf("core does not depend on %s; go list gave %d packages", want, len(deps))
		}
	}
}

// The front ends reach other apps' formats and the recovery kit only
// through core.
func TestFrontEndsGoThroughCore(t *testing.T) {
	for _, front := range []string{"latchkey/cli", "latchkey/ui"} {
		out, err := exec.Command("go", "list", "-f", `{{join .Imports " "}}`, front).Output()
		if err != nil {
			t.Fatalf("go list %s: %v", front, err)
		}
		imports := strings.Fields(string(out))
		for _, p := range []string{"latchkey/interop", "latchkey/kit"} {
			if slices.Contains(imports, p) {
				t.Errorf("%s imports %s, want it reached through latchkey/core", front, p)
			}
		}
		if !slices.Contains(imports, "latchkey/core") {
			t.Errorf("%s does not import latchkey/core; it imports %v", front, imports)
		}
	}
}
