// Package e2e drives the real latchkey binary in a real (virtual) X display:
// the command line makes a vault, xdotool types into the window, xclip reads
// the clipboard. It needs DISPLAY (./test.sh runs it under xvfb-run) and
// skips without it.
package e2e

import (
	"bufio"
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"latchkey/internal/testtool"
)

const (
	password     = "correct horse battery staple"
	githubSecret = "JBSWY3DPEHPK3PXP"
	githubURI    = "otpauth://totp/GitHub:alice@example.com?secret=" + githubSecret + "&issuer=GitHub"
	gitlabURI    = "otpauth://totp/GitLab:alice?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=GitLab"
	clearAfter   = 30 * time.Second // the vault's default clipboard clear time
)

// binary is LATCHKEY_BIN, or a fresh build of the repository.
func binary(t testing.TB) string {
	t.Helper()
	if b := os.Getenv("LATCHKEY_BIN"); b != "" {
		return b
	}
	out := filepath.Join(t.TempDir(), "latchkey")
	cmd := exec.Command("go", "build", "-o", out, "..")
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building latchkey: %v\n%s", err, msg)
	}
	return out
}

func needDisplay(t *testing.T) {
	t.Helper()
	if os.Getenv("DISPLAY") == "" {
		t.Skip("no DISPLAY: run under xvfb-run (./test.sh does)")
	}
	// ./test.sh installs the tools: a missing one is a broken setup, not
	// a reason to pass without testing.
	for _, tool := range []string{"xdotool", "xclip", "oathtool"} {
		testtool.Path(t, tool)
	}
}

// oathtool is the independent oracle: the TOTP code of a base32 secret at
// a Unix time, as OATH Toolkit computes it (SHA1, 6 digits, 30 s).
func oathtool(t *testing.T, secret string, unix int64) string {
	t.Helper()
	return testtool.OATH{Secret: secret, At: time.Unix(unix, 0)}.Code(t)
}

// codesAt are the codes a copy traced at copiedMs may hold: the code of
// that 30 s period, and the previous period's too when the trace came less
// than 2 s after the boundary (the window computed the code a moment
// before it traced the copy).
func codesAt(t *testing.T, secret string, copiedMs int64) []string {
	t.Helper()
	sec := copiedMs / 1000
	codes := []string{oathtool(t, secret, sec)}
	if copiedMs%30000 < 2000 {
		codes = append(codes, oathtool(t, secret, sec-2))
	}
	return codes
}

// env is a private home, so the test neither reads nor writes the real
// user's preferences, and no D-Bus.
func env(home string) []string {
	var out []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "HOME=") || strings.HasPrefix(kv, "XDG_") || strings.HasPrefix(kv, "DBUS_") || strings.HasPrefix(kv, "LATCHKEY_") {
			continue
		}
		out = append(out, kv)
	}
	return append(out, "HOME="+home, "XDG_CONFIG_HOME="+filepath.Join(home, ".config"), "LATCHKEY_TRACE=1", "LANG=C.UTF-8")
}

// window is a running latchkey with its trace milestones.
type window struct {
	t      *testing.T
	cmd    *exec.Cmd
	mu     sync.Mutex
	events map[string][]int64 // milestone -> Unix ms, in order
	log    bytes.Buffer
	exited chan error
}

func start(t *testing.T, bin, home string, args ...string) *window {
	t.Helper()
	return startEnv(t, bin, env(home), args...)
}

// startEnv starts the window with the environment given.
func startEnv(t *testing.T, bin string, environ []string, args ...string) *window {
	t.Helper()
	w := &window{t: t, events: map[string][]int64{}, exited: make(chan error, 1)}
	w.cmd = exec.Command(bin, args...)
	w.cmd.Env = environ
	stderr, err := w.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := w.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go w.read(stderr)
	t.Cleanup(func() {
		if w.cmd.ProcessState == nil {
			w.cmd.Process.Kill()
			<-w.exited
		}
		if t.Failed() {
			t.Logf("latchkey stderr:\n%s", w.logText())
		}
	})
	return w
}

func (w *window) read(r io.Reader) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := sc.Text()
		w.mu.Lock()
		w.log.WriteString(line + "\n")
		if rest, ok := strings.CutPrefix(line, "latchkey-trace "); ok {
			ms, event, _ := strings.Cut(rest, " ")
			if n, err := strconv.ParseInt(ms, 10, 64); err == nil {
				w.events[event] = append(w.events[event], n)
			}
		}
		w.mu.Unlock()
	}
	w.exited <- w.cmd.Wait()
}

func (w *window) logText() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.log.String()
}

// has reports how many times a milestone happened.
func (w *window) has(event string) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.events[event])
}

// unlock types the password and Enter, again if the keys were lost (a
// window just mapped can miss the first synthetic events).
func (w *window) unlock() {
	w.t.Helper()
	for try := 0; try < 3; try++ {
		w.focus()
		key(w.t, "ctrl+a")
		key(w.t, "BackSpace")
		typeText(w.t, password)
		key(w.t, "Return")
		deadline := time.Now().Add(3 * time.Second)
		for time.Now().Before(deadline) && w.has("unlocking") == 0 {
			time.Sleep(20 * time.Millisecond)
		}
		if w.has("unlocking") > 0 {
			break
		}
		w.t.Logf("the window missed the password; typing it again")
	}
	w.await("list shown", 1, 20*time.Second)
}

// await waits for the n-th occurrence of a milestone and returns its time.
func (w *window) await(event string, n int, timeout time.Duration) int64 {
	w.t.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		w.mu.Lock()
		got := w.events[event]
		w.mu.Unlock()
		if len(got) >= n {
			return got[n-1]
		}
		time.Sleep(20 * time.Millisecond)
	}
	w.t.Fatalf("no %q (#%d) within %v", event, n, timeout)
	return 0
}

// focus waits for the event loop, finds the window by the process id and
// gives it the keyboard. Keys typed before the loop runs would be lost.
func (w *window) focus() {
	w.t.Helper()
	w.await("started", 1, 20*time.Second)
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		out, err := exec.Command("xdotool", "search", "--onlyvisible", "--pid", strconv.Itoa(w.cmd.Process.Pid), "--name", "^Latchkey$").Output()
		if id := strings.TrimSpace(string(out)); err == nil && id != "" {
			id = strings.Fields(id)[0]
			run(w.t, "xdotool", "windowfocus", "--sync", id)
			time.Sleep(300 * time.Millisecond) // the first frames
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	w.t.Fatal("the Latchkey window did not appear within 20 s")
}

func (w *window) quit() {
	w.t.Helper()
	run(w.t, "xdotool", "key", "ctrl+q")
	select {
	case err := <-w.exited:
		if err != nil {
			w.t.Errorf("latchkey exited with %v", err)
		}
	case <-time.After(10 * time.Second):
		w.t.Fatal("latchkey did not quit within 10 s of Ctrl+Q")
	}
}

func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

func typeText(t *testing.T, s string) { run(t, "xdotool", "type", "--delay", "15", s) }
func key(t *testing.T, k string)      { run(t, "xdotool", "key", k) }

// clipboard is what xclip reads; "" when nobody owns the clipboard or it is empty.
func clipboard() string {
	out, err := exec.Command("xclip", "-selection", "clipboard", "-o").Output()
	if err != nil {
		return ""
	}
	return string(out)
}

// setClipboard hands s to xclip, which forks to serve it until another
// program takes the clipboard. Its output is not captured: the fork would
// hold the pipe open and the read would never end.
func setClipboard(t *testing.T, s string) {
	cmd := exec.Command("xclip", "-selection", "clipboard", "-i")
	cmd.Stdin = strings.NewReader(s)
	if err := cmd.Run(); err != nil {
		t.Fatalf("xclip: %v", err)
	}
}

// TestCopyFromSearchAndClear is the daily use, with a vault made on the
// command line: unlock, type a search, Enter, paste. The code is checked
// against oathtool, an implementation independent of Latchkey, at the copy
// time; "latchkey code --at", run while the window has the vault open (the
// command line opens it read-only), must agree with oathtool too. The
// clipboard must be empty after the clear time. Then a link pasted with
// Ctrl+Shift+V is added and saved.
func TestCopyFromSearchAndClear(t *testing.T) {
	w, cli := unlockedWindow(t, binary(t), githubURI)
	typeText(t, "git")
	key(t, "Return")
	copiedAt := w.await("copied", 1, 10*time.Second)
	got := strings.TrimSpace(clipboard())
	if want := codesAt(t, githubSecret, copiedAt); !slices.Contains(want, got) {
		t.Errorf("got clipboard %q, want %q (oathtool at the copy time %d ms)", got, strings.Join(want, `" or "`), copiedAt)
	}
	// The command line reads the vault while the window has it open, and
	// its codes match the oracle's at fixed times.
	for _, at := range []int64{59, 1111111109, 1234567890, copiedAt / 1000} {
		got := strings.TrimSpace(cli("code", "GitHub", "--at", strconv.FormatInt(at, 10)))
		if want := oathtool(t, githubSecret, at); got != want {
			t.Errorf("latchkey code --at %d: got %q, want %q (oathtool)", at, got, want)
		}
	}

	w.await("clipboard cleared", 1, clearAfter+10*time.Second)
	if left := clipboard(); left != "" {
		t.Errorf("got clipboard %q after the clear time, want it empty", left)
	}

	setClipboard(t, gitlabURI)
	key(t, "ctrl+shift+v")
	w.await("added", 1, 10*time.Second)
	w.quit()
	if got := cli("list"); !strings.Contains(got, "GitLab") || !strings.Contains(got, "GitHub") {
		t.Errorf("after quitting the vault lists %q, want GitHub and the pasted GitLab", got)
	}
}
