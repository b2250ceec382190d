//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package vault

import (
	"os"
	"path/filepath"
	"testing"
)

// RenameNoReplace moves a symbolic link itself, never giving its target
// a new name: on macOS and the BSDs link(2) follows the link, and a copy
// put back from a planted link would be the target (a key, the vault)
// under a name in the synced folder.
func TestRenameNoReplaceMovesALinkItself(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "id_ed25519")
	must(t, os.WriteFile(target, []byte("private key"), 0o600))
	from, to := filepath.Join(dir, ".hidden"), filepath.Join(dir, "visible")
	must(t, os.Symlink(target, from))
	must(t, RenameNoReplace(from, to))
	st, err := os.Lstat(to)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode()&os.ModeSymlink == 0 {
		t.Errorf("%s: got a %v, want the symbolic link moved", to, st.Mode().Type())
	}
	tst, err := os.Stat(target)
	if err != nil {
		t.Fatal(err)
	}
	if os.SameFile(st, tst) {
		t.Errorf("%s is a hard link to the link's target, want the link itself", to)
	}
}
