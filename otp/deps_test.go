package otp

import (
	"testing"

	"latchkey/internal/deptest"
)

// The engine must stay pure: the standard library only (no Fyne, nothing
// from the network), so anything may import it.
func TestStandardLibraryOnly(t *testing.T) {
	deptest.StandardOnly(t, "latchkey/otp")
	// fmt pulls in os, so only what otp itself imports can be checked.
	for _, p := range deptest.Imports(t, ".") {
		switch p {
		case "os", "os/exec", "io/ioutil", "net", "net/http", "log":
			t.Errorf("otp imports %s; want no I/O in the engine", p)
		}
	}
}
