package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestImageNamesEscapedOnce: an image's name is untrusted text. In scan's
// and add's errors a line break in it does not start a line of its own, a
// terminal escape does not act, and the name is escaped once, not again
// (which would show \\x0a).
func TestImageNamesEscapedOnce(t *testing.T) {
	t.Parallel()
	_, env, _ := newVault(t)
	dir := t.TempDir()
	const hostile = "codes\n\x1b[31mred"
	const shown = `codes\x0a\x1b[31mred`
	text := writeFile(t, dir, hostile+".png", "hello")
	empty := writeFile(t, dir, hostile+"-empty.png", "")
	missing := filepath.Join(dir, hostile+"-missing.png")
	for _, args := range [][]string{{"scan", text, empty, missing}, {"add", text, empty}} {
		r := runCLI(t, "", env, args...)
		if r.status == 0 {
			t.Errorf("%s: got status 0, want a failure", args[0])
		}
		if strings.Contains(r.stderr, "\x1b") || strings.Contains(r.stderr, `\\x`) {
			t.Errorf("%s: got stderr %q, want the names escaped once", args[0], r.stderr)
		}
		for _, line := range strings.Split(strings.TrimSuffix(r.stderr, "\n"), "\n") {
			if !strings.Contains(line, shown) && !strings.HasPrefix(line, "latchkey: nothing to add") && !strings.HasPrefix(line, "latchkey: some images") {
				t.Errorf("%s: got the line %q in stderr %q, want each line to name its image as %s", args[0], line, r.stderr, shown)
			}
		}
	}
}

// TestImportNamesEscapedOnce: import's errors quote the files given, as
// core.ReadFile shows them: a line break in a name does not start a line
// of its own, a terminal escape does not act, and the name is escaped once.
func TestImportNamesEscapedOnce(t *testing.T) {
	t.Parallel()
	_, env, _ := newVault(t)
	dir := t.TempDir()
	const hostile = "codes\n\x1b[31mred"
	const shown = `codes\x0a\x1b[31mred`
	folder := filepath.Join(dir, hostile+"-folder")
	if err := os.Mkdir(folder, 0o700); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, hostile+"-missing.json")
	r := runCLI(t, "", env, "import", folder, missing)
	if r.status == 0 {
		t.Errorf("got status 0, want a failure")
	}
	if strings.Contains(r.stderr, "\x1b") || strings.Contains(r.stderr, `\\x`) {
		t.Errorf("got stderr %q, want the names escaped once", r.stderr)
	}
	lines := strings.Split(strings.TrimSuffix(r.stderr, "\n"), "\n")
	if len(lines) != 3 {
		t.Errorf("got %d lines in stderr %q, want 3: one a file, then nothing to import", len(lines), r.stderr)
	}
	for _, line := range lines {
		if !strings.Contains(line, shown) && line != "latchkey: nothing to import" {
			t.Errorf("got the line %q in stderr %q, want each line to name its file as %s", line, r.stderr, shown)
		}
	}
}
