package e2e

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"latchkey/agent"
	"latchkey/internal/testtool"
	"latchkey/vault"
)

// script runs the command line as a script would: no terminal, nothing on
// standard input, no password unless args name one.
func script(bin string, environ []string, args ...string) (stdout, stderr string, err error) {
	cmd := exec.Command(bin, args...)
	cmd.Env = environ
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err = cmd.Run()
	return o.String(), e.String(), err
}

// TestAgentThroughWindow: while the real window is unlocked, "latchkey
// code" and "latchkey list" get their answers from it without a password,
// and the code is oathtool's; once it locks, the socket is gone and the
// command line needs the password again.
func TestAgentThroughWindow(t *testing.T) {
	needDisplay(t)
	bin := binary(t)
	dir := t.TempDir()
	home := filepath.Join(dir, "home")
	vaultPath := filepath.Join(dir, "vault.latchkey")
	pwFile := filepath.Join(dir, "password")
	must(t, os.WriteFile(pwFile, []byte(password+"\n"), 0o600))
	rt := testtool.SocketDir(t)
	environ := append(env(home), "XDG_RUNTIME_DIR="+rt)
	for _, args := range [][]string{{"init"}, {"add", githubURI}} {
		if _, stderr, err := script(bin, environ, append(args, "--vault", vaultPath, "--password-file", pwFile)...); err != nil {
			t.Fatalf("latchkey %s: %v\n%s", args[0], err, stderr)
		}
	}

	w := startEnv(t, bin, environ, "--vault", vaultPath)
	w.unlock()
	w.await("agent started", 1, 5*time.Second)
	sock, err := agent.SocketPath(rt, vaultPath)
	must(t, err)
	if fi, err := os.Lstat(sock); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("the agent's socket: %v, %v; want mode 0600", fi, err)
	}
	stdout, stderr, err := script(bin, environ, "code", "GitHub", "--vault", vaultPath)
	at := time.Now().UnixMilli()
	if want := codesAt(t, githubSecret, at); err != nil || !slices.Contains(want, strings.TrimSpace(stdout)) {
		t.Errorf("latchkey code GitHub through the window: got %q, %v (%s); want %q (oathtool)", stdout, err, stderr, want)
	}
	if stdout, stderr, err := script(bin, environ, "list", "--vault", vaultPath); err != nil || stdout != "GitHub\talice@example.com\n" {
		t.Errorf("latchkey list through the window: got %q, %v (%s)", stdout, err, stderr)
	}

	key(t, "ctrl+l")
	w.await("agent stopped", 1, 5*time.Second)
	if _, err := os.Lstat(sock); !os.IsNotExist(err) {
		t.Errorf("after lock the socket is still there: %v", err)
	}
	if stdout, _, err := script(bin, environ, "code", "GitHub", "--vault", vaultPath); err == nil {
		t.Errorf("after lock, without a password: got %q, want the usual unlock to fail", stdout)
	}
	if stdout, stderr, err := script(bin, environ, "code", "GitHub", "--vault", vaultPath, "--password-file", pwFile); err != nil || len(strings.TrimSpace(stdout)) != 6 {
		t.Errorf("after lock, with the password: got %q, %v (%s); want a code", stdout, err, stderr)
	}
	w.quit()
}

// BenchmarkCode runs "latchkey code QUERY" as a process, end to end: with
// a window's agent answering (here the agent runs in the benchmark, on a
// real vault of 50 accounts), and unlocking the vault as without one.
//
//	go test ./e2e -run XXX -bench Code -benchtime 20x
func BenchmarkCode(b *testing.B) {
	bin := binary(b)
	dir := b.TempDir()
	path := filepath.Join(dir, "vault.latchkey")
	makeVault(b, path, 50)
	pwFile := filepath.Join(dir, "password")
	if err := os.WriteFile(pwFile, []byte(password+"\n"), 0o600); err != nil {
		b.Fatal(err)
	}
	rt := testtool.SocketDir(b)
	environ := append(env(filepath.Join(dir, "home")), "XDG_RUNTIME_DIR="+rt)
	args := []string{"code", "Service 007", "--vault", path, "--password-file", pwFile}

	b.Run("agent", func(b *testing.B) {
		v, err := vault.Open(path, []byte(password))
		if err != nil {
			b.Fatal(err)
		}
		defer v.Close()
		srv, err := agent.Listen(rt, path, v, agent.Options{})
		if err != nil {
			b.Fatal(err)
		}
		defer srv.Close()
		for b.Loop() {
			if out, stderr, err := script(bin, environ, args...); err != nil || len(strings.TrimSpace(out)) != 6 {
				b.Fatalf("got %q, %v (%s)", out, err, stderr)
			}
		}
	})
	b.Run("unlock", func(b *testing.B) {
		for b.Loop() {
			if out, stderr, err := script(bin, environ, args...); err != nil || len(strings.TrimSpace(out)) != 6 {
				b.Fatalf("got %q, %v (%s)", out, err, stderr)
			}
		}
	})
}
