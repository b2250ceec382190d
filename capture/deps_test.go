package capture

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"latchkey/internal/deptest"
)

// Capture knows images and the desktop's protocols, never a UI toolkit, and
// only the window uses it: the command line and the core stay free of X11,
// D-Bus and the platforms' capture libraries.
func TestDependencies(t *testing.T) {
	for _, p := range strings.Fields(deptest.Run(t, nil, "-deps", "latchkey/capture")) {
		if strings.HasPrefix(p, "fyne.io/") {
			t.Errorf("capture depends on %s, want no Fyne", p)
		}
		// On Linux nothing needs cgo: those libraries are for Windows and macOS.
		if strings.HasPrefix(p, "github.com/kbinani/") || strings.HasPrefix(p, "golang.design/") || strings.HasPrefix(p, "github.com/ncruces/") {
			t.Errorf("capture on Linux depends on %s, want X11 and D-Bus only", p)
		}
	}
	for _, line := range strings.Split(deptest.Run(t, nil, "-f", "{{.ImportPath}} {{join .Imports \" \"}}", "latchkey/..."), "\n") {
		f := strings.Fields(line)
		if len(f) == 0 || f[0] == "latchkey/ui" || f[0] == "latchkey/capture" {
			continue
		}
		for _, imp := range f[1:] {
			if imp == "latchkey/capture" {
				t.Errorf("%s imports capture, want only ui to", f[0])
			}
		}
	}
}

// The Windows and macOS routes cannot run here; they must at least build:
// Windows without cgo (the library uses GDI through syscalls), macOS
// without cgo too (the libraries then report that they are unsupported).
func TestBuildsForWindowsAndMacOS(t *testing.T) {
	for _, env := range [][]string{
		{"GOOS=windows", "GOARCH=amd64", "CGO_ENABLED=0"},
		{"GOOS=darwin", "GOARCH=arm64", "CGO_ENABLED=0"},
	} {
		goBin, err := exec.LookPath("go")
		if err != nil {
			t.Fatal("the go command is not on PATH")
		}
		cmd := exec.Command(goBin, "vet", "latchkey/capture")
		cmd.Env = append(os.Environ(), env...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("go vet for %v: %v\n%s", env, err, out)
		}
		deps := deptest.Run(t, env, "-deps", "latchkey/capture")
		if !strings.Contains(deps, "github.com/kbinani/screenshot") {
			t.Errorf("capture for %v does not use kbinani/screenshot", env)
		}
		if !strings.Contains(deps, "github.com/ncruces/zenity") {
			t.Errorf("capture for %v does not use ncruces/zenity for the file dialogs", env)
		}
	}
}
