package e2e

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// vaultWith makes a vault on the command line (init must print backup
// codes) holding uris, and returns the window's home, the vault path and a
// runner for the command line.
func vaultWith(t *testing.T, bin string, uris ...string) (home, vaultPath string, cli func(args ...string) string) {
	t.Helper()
	dir := t.TempDir()
	home = filepath.Join(dir, "home")
	vaultPath = filepath.Join(dir, "vault.latchkey")
	pwFile := filepath.Join(dir, "password")
	if err := os.WriteFile(pwFile, []byte(password+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cli = func(args ...string) string {
		t.Helper()
		cmd := exec.Command(bin, append(args, "--vault", vaultPath, "--password-file", pwFile)...)
		cmd.Env = env(home)
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("latchkey %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
		}
		return stdout.String()
	}
	if codes := strings.Fields(cli("init")); len(codes) == 0 {
		t.Fatal("latchkey init printed no backup codes")
	}
	for _, u := range uris {
		cli("add", u)
	}
	return home, vaultPath, cli
}

// unlockedWindow starts the window of bin, unlocked, on a vault made on the
// command line holding uris; cli runs the command line on that vault.
func unlockedWindow(t *testing.T, bin string, uris ...string) (w *window, cli func(args ...string) string) {
	t.Helper()
	needDisplay(t)
	home, vaultPath, cli := vaultWith(t, bin, uris...)
	w = start(t, bin, home, "--vault", vaultPath)
	w.unlock()
	return w, cli
}

// TestReturnInMessageCopiesNothing: with the "Nothing added" message in
// front of the list, Return closes the message and copies no code from the
// list behind it.
func TestReturnInMessageCopiesNothing(t *testing.T) {
	w, _ := unlockedWindow(t, binary(t), githubURI)

	const text = "not a key, not a link"
	setClipboard(t, text)
	key(t, "ctrl+shift+v")
	w.await("dialog shown", 1, 10*time.Second)
	key(t, "Return")
	w.await("dialog closed", 1, 10*time.Second)
	time.Sleep(300 * time.Millisecond) // a copy would come at once
	if n := w.has("copied"); n != 0 {
		t.Errorf("got %d copies after Return in the message, want none", n)
	}
	if got := clipboard(); got != text {
		t.Errorf("got clipboard %q after Return in the message, want it unchanged (%q)", got, text)
	}
	w.quit()
}

// TestSpaceOnLockThenUnlock: Space on the focused Lock button locks, and
// its space does not land in the password field, so the password typed
// next unlocks.
func TestSpaceOnLockThenUnlock(t *testing.T) {
	w, _ := unlockedWindow(t, binary(t), githubURI)

	// The search has the focus; Tab goes to Add, then to Lock.
	key(t, "Tab")
	key(t, "Tab")
	key(t, "space")
	w.await("locked", 1, 10*time.Second)
	time.Sleep(300 * time.Millisecond) // the unlock screen's first frame
	typeText(t, password)
	key(t, "Return")
	w.await("unlocking", 2, 10*time.Second)
	w.await("list shown", 2, 20*time.Second)
	if n := w.has("unlock failed"); n != 0 {
		t.Errorf("got %d failed unlocks after Space on Lock, want none", n)
	}
	w.quit()
}

// TestPastedSetupKeyOpensTheForm: a setup key on the clipboard, pasted
// with plain Ctrl+V on the list (the search empty) or with the Add menu's
// Ctrl+Shift+V, opens the add-by-hand form with the key in and the cursor
// on the issuer: typing the issuer and Return adds an account whose codes
// are the key's.
func TestPastedSetupKeyOpensTheForm(t *testing.T) {
	bin := binary(t)
	for _, paste := range []string{"ctrl+v", "ctrl+shift+v"} {
		t.Run(paste, func(t *testing.T) {
			w, cli := unlockedWindow(t, bin)

			const secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
			setClipboard(t, "gezd gnbv-gy3t qojq gezd gnbv gy3t qojq") // as sites show it
			key(t, paste)
			w.await("dialog shown", 1, 10*time.Second)
			time.Sleep(300 * time.Millisecond)
			typeText(t, "Example")
			key(t, "Return")
			w.await("added", 1, 10*time.Second)
			w.quit()
			if got := cli("list"); !strings.Contains(got, "Example") {
				t.Fatalf("after the pasted key the vault lists %q, want Example", got)
			}
			for _, at := range []int64{59, 1234567890} {
				got := strings.TrimSpace(cli("code", "Example", "--at", strconv.FormatInt(at, 10)))
				if want := oathtool(t, secret, at); got != want {
					t.Errorf("code of the pasted key at %d: got %q, want %q (oathtool)", at, got, want)
				}
			}
		})
	}
}
