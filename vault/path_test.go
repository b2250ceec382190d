package vault

import (
	"path/filepath"
	"runtime"
	"testing"
)

func TestDefaultPathFor(t *testing.T) {
	tests := []struct {
		goos, configDir, want string
	}{
		{"linux", "/home/ann/.config", "/home/ann/.config/latchkey/vault.latchkey"},
		{"linux", "/xdg/", "/xdg/latchkey/vault.latchkey"},
		{"freebsd", "/home/ann/.config", "/home/ann/.config/latchkey/vault.latchkey"},
		{"windows", `C:\Users\Ann\AppData\Roaming`, `C:\Users\Ann\AppData\Roaming\Latchkey\vault.latchkey`},
		{"windows", `D:\`, `D:\Latchkey\vault.latchkey`},
		{"darwin", "/Users/ann/Library/Application Support", "/Users/ann/Library/Application Support/Latchkey/vault.latchkey"},
	}
	for _, tt := range tests {
		if got := defaultPathFor(tt.goos, tt.configDir); got != tt.want {
			t.Errorf("defaultPathFor(%q, %q): got %q, want %q", tt.goos, tt.configDir, got, tt.want)
		}
	}
}

// On this machine DefaultPath follows os.UserConfigDir: $XDG_CONFIG_HOME
// on Linux.
func TestDefaultPathFollowsConfigDir(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("sets XDG_CONFIG_HOME, which os.UserConfigDir reads on Linux")
	}
	dir := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", dir)
	got, err := DefaultPath()
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(dir, "latchkey", "vault.latchkey"); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	t.Setenv("XDG_CONFIG_HOME", "relative/path")
	t.Setenv("HOME", "")
	if got, err := DefaultPath(); err == nil {
		t.Errorf("with no usable config folder: got %q, want an error", got)
	}
}
