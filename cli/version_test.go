package cli

import (
	"bytes"
	"testing"
)

func TestVersion(t *testing.T) {
	for _, args := range [][]string{{"version"}, {"--version"}, {"-version"}} {
		var out, errb bytes.Buffer
		status := Main(args, Env{Stdout: &out, Stderr: &errb, Version: "1.2.3"})
		if status != ExitOK || out.String() != "latchkey 1.2.3\n" {
			t.Errorf("%v: got status %d, stdout %q; want 0, %q (stderr %q)", args, status, out.String(), "latchkey 1.2.3\n", errb.String())
		}
	}
	r := runCLI(t, "", nil, "version", "extra")
	if r.status != ExitUsage {
		t.Errorf("version extra: got status %d, want %d", r.status, ExitUsage)
	}
}
