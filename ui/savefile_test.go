package ui

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
)

func TestSaveFileFormWritesPrivatelyAndSparesTheVault(t *testing.T) {
	h := newHarness(t, threeAccounts(t))
	h.unlock()
	dir := t.TempDir()
	h.app.path = filepath.Join(dir, "vault.latchkey")
	must(t, os.WriteFile(h.app.path, []byte("the vault"), 0o600))

	var saved []string
	f := h.app.chooseSaveFile("Save", "intro", "vault.latchkey", func(p string) {
		saved = append(saved, p)
		must(t, writeFilePrivate(p, []byte("secret page")))
	})
	f.folder.SetText(dir)
	test.Tap(f.save)
	if len(saved) != 0 || !strings.Contains(f.problem.Text, "the vault itself") {
		t.Fatalf("got saves %v and %q choosing the vault file, want none and a refusal", saved, f.problem.Text)
	}
	f.name.SetText("kit.html")
	test.Tap(f.save)
	want := filepath.Join(dir, "kit.html")
	if len(saved) != 1 || saved[0] != want {
		t.Fatalf("got saves %v, want [%s]", saved, want)
	}
	st, err := os.Stat(want)
	must(t, err)
	if st.Mode().Perm() != 0o600 {
		t.Errorf("got mode %v, want 0600", st.Mode().Perm())
	}
	if data, _ := os.ReadFile(h.app.path); string(data) != "the vault" {
		t.Error("the vault file changed")
	}
	leftovers, _ := filepath.Glob(filepath.Join(dir, ".*.tmp"))
	if len(leftovers) != 0 {
		t.Errorf("temporary files left behind: %v", leftovers)
	}
}

func TestSavePathProblems(t *testing.T) {
	dir := t.TempDir()
	vaultPath := filepath.Join(dir, "v.latchkey")
	for _, c := range []struct{ folder, name, want string }{
		{dir, "", "file name"},
		{dir, "a/b", "file name"},
		{dir, "..", "file name"},
		{filepath.Join(dir, "missing"), "x", "does not exist"},
		{dir, "v.latchkey", "vault itself"},
	} {
		_, err := savePath(c.folder, c.name, vaultPath)
		var pe *placeError
		if !errors.As(err, &pe) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("savePath(%q, %q): got %v, want a placeError saying %q", c.folder, c.name, err, c.want)
		}
	}
	if got, err := savePath(dir, "ok.txt", vaultPath); err != nil || got != filepath.Join(dir, "ok.txt") {
		t.Errorf("got %q, %v, want %s", got, err, filepath.Join(dir, "ok.txt"))
	}
}
