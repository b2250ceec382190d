package ui

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"latchkey/vault"
)

func TestSaveFileFormWritesPrivatelyAndSparesTheVault(t *testing.T) {
	h := newHarness(t, threeAccounts(t))
	h.unlock()
	vaultFile := h.file()
	dir := filepath.Dir(h.path)

	var saved []string
	f := chooseSaveFile(h.app.w, h.path, "Save", "intro", "vault.latchkey", func(p string, replace bool) {
		saved = append(saved, p)
		must(t, writePrivate(h.path, p, []byte("secret page"), replace))
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
	if string(h.file()) != string(vaultFile) {
		t.Error("the vault file changed")
	}
	leftovers, _ := filepath.Glob(filepath.Join(dir, ".*tmp*"))
	if len(leftovers) != 0 {
		t.Errorf("temporary files left behind: %v", leftovers)
	}

	// An existing file is replaced only after the question, and then
	// through the writer: the old content goes, mode 0600.
	must(t, os.WriteFile(want, []byte("old page"), 0o644))
	test.Tap(f.save)
	if len(saved) != 1 {
		t.Fatalf("an existing file was written before the question: saves %v", saved)
	}
	test.Tap(findButton(t, h.win, "Replace"))
	if got, _ := os.ReadFile(want); len(saved) != 2 || string(got) != "secret page" {
		t.Errorf("after Replace: saves %v, file %q; want two saves and the new page", saved, got)
	}
	if st, _ := os.Stat(want); st.Mode().Perm() != 0o600 {
		t.Errorf("replaced file mode %v, want 0600", st.Mode().Perm())
	}
	// Without the question's yes, the writer itself refuses to replace.
	if err := writePrivate(h.path, want, []byte("x"), false); !errors.Is(err, vault.ErrExists) {
		t.Errorf("writePrivate over a file without replace: got %v, want ErrExists", err)
	}
}

func TestSavePathProblems(t *testing.T) {
	dir := t.TempDir()
	vaultPath := filepath.Join(dir, "v.latchkey")
	backups := filepath.Join(dir, "backups")
	must(t, os.Mkdir(backups, 0o700))
	must(t, os.WriteFile(filepath.Join(backups, "v.latchkey.20260301T090000.000000000Z.bak"), []byte("LATCHKEY backup"), 0o600))
	must(t, os.WriteFile(filepath.Join(dir, "copy.latchkey"), []byte("LATCHKEY copy"), 0o600))
	must(t, os.Symlink(filepath.Join(dir, "elsewhere"), filepath.Join(dir, "link")))
	for _, c := range []struct{ folder, name, want string }{
		{dir, "", "file name"},
		{dir, "a/b", "file name"},
		{dir, "..", "file name"},
		{filepath.Join(dir, "missing"), "x", "does not exist"},
		{dir, "v.latchkey", "vault itself"},
		{dir, "v.latchkey.lock", "its lock"},
		{backups, "v.latchkey.20260301T090000.000000000Z.bak", "a backup"},
		{dir, "copy.latchkey", "a backup"},
		{dir, "link", "a link"},
		{dir, "backups", "a folder"},
	} {
		_, err := savePath(c.folder, c.name, vaultPath, false)
		var pe *placeError
		if !errors.As(err, &pe) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("savePath(%q, %q): got %v, want a placeError saying %q", c.folder, c.name, err, c.want)
		}
	}
	// An encrypted backup may go over an earlier one (after the question).
	if _, err := savePath(dir, "copy.latchkey", vaultPath, true); err != nil {
		t.Errorf("a backup over an earlier backup copy: got %v, want it allowed", err)
	}
	if got, err := savePath(dir, "ok.txt", vaultPath, false); err != nil || got != filepath.Join(dir, "ok.txt") {
		t.Errorf("got %q, %v, want %s", got, err, filepath.Join(dir, "ok.txt"))
	}
}
