package safetext

import (
	"testing"

	"latchkey/internal/deptest"
)

// Both front ends use safetext: it stays on the standard library (no Fyne),
// so the command line does not pull in the window.
func TestStandardLibraryOnly(t *testing.T) {
	deptest.StandardOnly(t, "latchkey/internal/safetext")
}
