package cli

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// A file name with a line break and a terminal escape, and how the
// command line shows it: escaped once.
const (
	hostileFile      = "codes\n\x1b[31mred"
	hostileFileShown = `codes\x0a\x1b[31mred`
)

// namedEscapedOnce checks a failed run's stderr: no terminal escape acts,
// no name is escaped twice (which would show \\x0a), and each line names
// its file as hostileFileShown, but for the closing lines given. It returns
// the lines.
func namedEscapedOnce(t *testing.T, what string, r result, closing ...string) []string {
	t.Helper()
	if r.status == 0 {
		t.Errorf("%s: got status 0, want a failure", what)
	}
	if strings.Contains(r.stderr, "\x1b") || strings.Contains(r.stderr, `\\x`) {
		t.Errorf("%s: got stderr %q, want the names escaped once", what, r.stderr)
	}
	lines := strings.Split(strings.TrimSuffix(r.stderr, "\n"), "\n")
	for _, line := range lines {
		closes := slices.ContainsFunc(closing, func(p string) bool { return strings.HasPrefix(line, p) })
		if !strings.Contains(line, hostileFileShown) && !closes {
			t.Errorf("%s: got the line %q in stderr %q, want each line to name its file as %s", what, line, r.stderr, hostileFileShown)
		}
	}
	return lines
}

// TestImageNamesEscapedOnce: an image's name is untrusted text. In scan's
// and add's errors a line break in it does not start a line of its own, a
// terminal escape does not act, and the name is escaped once.
func TestImageNamesEscapedOnce(t *testing.T) {
	t.Parallel()
	_, env, _ := newVault(t)
	dir := t.TempDir()
	text := writeFile(t, dir, hostileFile+".png", "hello")
	empty := writeFile(t, dir, hostileFile+"-empty.png", "")
	missing := filepath.Join(dir, hostileFile+"-missing.png")
	for _, args := range [][]string{{"scan", text, empty, missing}, {"add", text, empty}} {
		namedEscapedOnce(t, args[0], runCLI(t, "", env, args...), "latchkey: nothing to add", "latchkey: some images")
	}
}

// TestImportNamesEscapedOnce: import's errors quote the files given, as
// core.ReadFile shows them, escaped once.
func TestImportNamesEscapedOnce(t *testing.T) {
	t.Parallel()
	_, env, _ := newVault(t)
	dir := t.TempDir()
	folder := filepath.Join(dir, hostileFile+"-folder")
	if err := os.Mkdir(folder, 0o700); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, hostileFile+"-missing.json")
	r := runCLI(t, "", env, "import", folder, missing)
	if lines := namedEscapedOnce(t, "import", r, "latchkey: nothing to import"); len(lines) != 3 {
		t.Errorf("got %d lines in stderr %q, want 3: one a file, then nothing to import", len(lines), r.stderr)
	}
}
