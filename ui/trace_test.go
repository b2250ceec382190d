package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// LATCHKEY_PROFILE writes a CPU profile, a heap profile and the memory
// figures into the folder it names, never over an existing file.
func TestProfileWritesThreeFiles(t *testing.T) {
	dir := t.TempDir()
	t.Setenv(profileEnv, dir)
	p := startProfile()
	if p == nil {
		t.Fatal("no profiler with " + profileEnv + " set")
	}
	p.stop()
	names, err := filepath.Glob(filepath.Join(dir, "*"))
	must(t, err)
	var got []string
	for _, n := range names {
		fi, err := os.Stat(n)
		must(t, err)
		if fi.Size() == 0 || fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: %d bytes, mode %v; want some, 0600", n, fi.Size(), fi.Mode().Perm())
		}
		got = append(got, n[strings.LastIndexByte(n, '-')+1:])
	}
	if strings.Join(got, " ") != "cpu.pprof heap.pprof memstats.txt" {
		t.Errorf("got files %v, want cpu.pprof, heap.pprof and memstats.txt", got)
	}
	t.Setenv(profileEnv, "")
	if startProfile() != nil {
		t.Error("a profiler without " + profileEnv)
	}
}
