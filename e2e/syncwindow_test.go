package e2e

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"latchkey/internal/testtool"
)

// TestWindowShowsAnotherComputersAdd: the window is open and unlocked on
// computer A; computer B (its own home, so its own state folder and device
// id) adds an account on its copy of the vault with the command line, and
// the file lands over A's as a sync tool delivers it (a temporary file in
// the folder, renamed into place). A's window merges it and shows it
// within 2 s, with no click; the time from the rename to the window's
// trace "merged from another computer" is logged, three times.
func TestWindowShowsAnotherComputersAdd(t *testing.T) {
	needDisplay(t)
	bin := binary(t)
	root := t.TempDir()
	type computer struct{ home, vault string }
	a := computer{filepath.Join(root, "a", "home"), filepath.Join(root, "a", "Sync", "vault.latchkey")}
	b := computer{filepath.Join(root, "b", "home"), filepath.Join(root, "b", "Sync", "vault.latchkey")}
	pwFile := filepath.Join(root, "pw")
	must(t, os.WriteFile(pwFile, []byte(password+"\n"), 0o600))
	for _, c := range []computer{a, b} {
		must(t, os.MkdirAll(c.home, 0o700))
		must(t, os.MkdirAll(filepath.Dir(c.vault), 0o700))
	}
	cli := func(c computer, stdin string, args ...string) string {
		t.Helper()
		cmd := exec.Command(bin, append(args, "--vault", c.vault, "--password-file", pwFile)...)
		cmd.Env = env(c.home)
		cmd.Stdin = strings.NewReader(stdin)
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("latchkey %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
		}
		return stdout.String()
	}
	cli(a, "", "init")
	cli(a, "", "add", githubURI)
	// The sync tool brought A's vault to B.
	data, err := os.ReadFile(a.vault)
	must(t, err)
	must(t, os.WriteFile(b.vault, data, 0o600))

	w := start(t, bin, a.home, "--vault", a.vault)
	w.unlock()

	const limit = 2 * time.Second
	var took []time.Duration
	// A secret each: the command line skips an account already there.
	secrets := []string{"GEZDGNBVGY3TQOJQ", "MFRGGZDFMZTWQ2LK", "ONSWG4TFORZWK3DM"}
	for i := 1; i <= len(secrets); i++ {
		issuer := fmt.Sprintf("FromB%d", i)
		cli(b, fmt.Sprintf("otpauth://totp/%s:bob?secret=%s&issuer=%s\n", issuer, secrets[i-1], issuer), "add", "-")
		data, err := os.ReadFile(b.vault)
		must(t, err)
		testtool.SyncDeliver(t, a.vault, data)
		landed := time.Now().UnixMilli()
		shown := w.await("merged from another computer: 1 added", i, 20*time.Second)
		d := time.Duration(shown-landed) * time.Millisecond
		took = append(took, d)
		t.Logf("B's add #%d: the window had it %v after the file landed", i, d)
		if d > limit {
			t.Errorf("B's add #%d: the window had it %v after the file landed, want within %v", i, d, limit)
		}
	}
	t.Logf("file landed to window showing it: %v", took)

	w.quit()
	got := cli(a, "", "list")
	for _, want := range []string{"GitHub", "FromB1", "FromB2", "FromB3"} {
		if !strings.Contains(got, want) {
			t.Errorf("after quitting, A's vault lists %q, want %s in it", got, want)
		}
	}
}
