package otp

import (
	"os/exec"
	"strings"
	"testing"
)

// The engine must stay pure: the standard library only (no Fyne, nothing
// from the network), so anything may import it.
func TestStandardLibraryOnly(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Fatalf("no go command on PATH: %v", err)
	}
	out, err := exec.Command("go", "list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, p := range strings.Fields(string(out)) {
		if p != "latchkey/otp" {
			t.Errorf("otp depends on %s; want the standard library only", p)
		}
	}
	// fmt pulls in os, so only what otp itself imports can be checked.
	out, err = exec.Command("go", "list", "-f", `{{join .Imports "\n"}}`, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, p := range strings.Fields(string(out)) {
		switch p {
		case "os", "os/exec", "io/ioutil", "net", "net/http", "log":
			t.Errorf("otp imports %s; want no I/O in the engine", p)
		}
	}
}
