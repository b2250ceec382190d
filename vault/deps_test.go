package vault

import (
	"strings"
	"testing"

	"latchkey/internal/deptest"
)

// The vault knows paths and bytes, never a UI toolkit.
func TestNoFyneDependency(t *testing.T) {
	for _, p := range deptest.Deps(t, "latchkey/vault") {
		if strings.HasPrefix(p, "fyne.io/") {
			t.Fatalf("vault depends on %s, want no Fyne", p)
		}
	}
}
