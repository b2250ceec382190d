package vault

import (
	"os/exec"
	"strings"
	"testing"
)

// The vault knows paths and bytes, never a UI toolkit.
func TestNoFyneDependency(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("no go command on PATH: %v", err)
	}
	out, err := exec.Command(goBin, "list", "-deps", "latchkey/vault").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, p := range strings.Fields(string(out)) {
		if strings.HasPrefix(p, "fyne.io/") {
			t.Fatalf("vault depends on %s, want no Fyne", p)
		}
	}
}
