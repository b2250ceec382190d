//go:build linux || darwin

package cli

import (
	"os"
	"strings"
	"testing"
	"time"

	"latchkey/agent"
	"latchkey/internal/testtool"
	"latchkey/vault"
)

// window stands in for the unlocked window: the vault open with its lock,
// answering on an agent in a private runtime folder.
type window struct {
	v   *vault.Vault
	srv *agent.Server
	rt  string
}

func openWindow(t *testing.T, path string) *window {
	t.Helper()
	return openWindowAs(t, path, func(v *vault.Vault) agent.Vault { return v })
}

// openWindowAs is openWindow with the agent answering from answer(the vault).
func openWindowAs(t *testing.T, path string, answer func(*vault.Vault) agent.Vault) *window {
	t.Helper()
	rt := testtool.SocketDir(t)
	v, err := testVault.Open(path, []byte("correct horse"))
	if err != nil {
		t.Fatal(err)
	}
	srv, err := agent.Listen(rt, path, answer(v), agent.Options{})
	if err != nil {
		v.Close()
		t.Fatal(err)
	}
	w := &window{v: v, srv: srv, rt: rt}
	t.Cleanup(w.lock)
	return w
}

// lock is what the window does on lock: the agent first, then the vault.
func (w *window) lock() {
	w.srv.Close()
	w.v.Close()
}

const githubSecret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"

// atOneTime runs a "code GitHub" and returns what it printed with what
// oathtool gives around it, again when a 30 s boundary fell in between.
func atOneTime(t *testing.T, run func() result) (result, string) {
	t.Helper()
	key := testtool.OATH{Secret: githubSecret, Digits: 8}
	for try := 0; ; try++ {
		before := key.Code(t)
		r := run()
		if after := key.Code(t); after == before || try == 3 {
			return r, before
		}
	}
}

// Through the window, "code" gives what oathtool gives now, without a
// password; queries that match none or several fail exactly as they do
// on the vault; "list" prints the same lines.
func TestCodeThroughAgent(t *testing.T) {
	t.Parallel()
	path, env, _ := newVault(t)
	addKeys(t, path, exampleURI,
		"otpauth://totp/GitHub:alice?secret="+githubSecret+"&digits=8",
		"otpauth://totp/GitLab:alice?secret=MFRGGZDFMZTWQ2LK",
		"otpauth://totp/Odd%1B%5B31m:x?secret=MFRGGZDFMZTWQ2LK")
	w := openWindow(t, path)
	scripted := map[string]string{"LATCHKEY_VAULT": path, "XDG_RUNTIME_DIR": w.rt} // no password anywhere

	r, want := atOneTime(t, func() result { return runCLI(t, "", scripted, "code", "GitHub") })
	if r.status != 0 || r.stdout != want+"\n" || r.stderr != "" {
		t.Errorf("code GitHub through the window: status %d, stdout %q, stderr %q; want 0, %q (oathtool), nothing", r.status, r.stdout, r.stderr, want)
	}
	r, want = atOneTime(t, func() result { return runCLI(t, "", env, "code", "GitHub") })
	if r.status != 0 || r.stdout != want+"\n" {
		t.Errorf("code GitHub from the vault: status %d, stdout %q, stderr %q; want 0, %q (oathtool)", r.status, r.stdout, r.stderr, want)
	}
	for _, args := range [][]string{{"code", "alice"}, {"code", "nobody"}, {"code", "JBSWY3DPEHPK3PXP"}, {"list"}} {
		viaWindow := runCLI(t, "", scripted, args...)
		viaVault := runCLI(t, "", env, args...)
		if viaWindow != viaVault {
			t.Errorf("%s: through the window %+v, from the vault %+v; want the same", strings.Join(args, " "), viaWindow, viaVault)
		}
	}
	// The window gives nothing it was not asked for: not a code for
	// another time, not the details of --json.
	for _, args := range [][]string{{"code", "GitHub", "--at", "59"}, {"list", "--json"}} {
		if r := runCLI(t, "", scripted, args...); r.status == 0 {
			t.Errorf("%s without a password: status 0, stdout %q; want the usual unlock (and its failure here)", strings.Join(args, " "), r.stdout)
		}
	}
}

// An HOTP code through the window moves the counter on in the window's
// vault, which saves it: the file holds the new counter.
func TestHOTPThroughAgent(t *testing.T) {
	t.Parallel()
	path, _, _ := newVault(t, "otpauth://hotp/Bank:bob?secret="+githubSecret+"&counter=0")
	w := openWindow(t, path)
	scripted := map[string]string{"LATCHKEY_VAULT": path, "XDG_RUNTIME_DIR": w.rt}
	for _, want := range []string{"755224\n", "287082\n"} { // RFC 4226 counters 0 and 1
		if r := runCLI(t, "", scripted, "code", "bank"); r.status != 0 || r.stdout != want {
			t.Errorf("hotp through the window: status %d, got %q, want %q (stderr %q)", r.status, r.stdout, want, r.stderr)
		}
	}
	w.lock()
	v, err := testVault.OpenReadOnly(path, []byte("correct horse"))
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	if a := v.Accounts()[0]; a.Key.Counter != 2 {
		t.Errorf("saved counter: got %d, want 2", a.Key.Counter)
	}
}

// A locked window (no socket) and a window that died (a stale socket)
// leave "code" working as before: it unlocks, silently.
func TestCodeWithoutWindow(t *testing.T) {
	t.Parallel()
	path, _, _ := newVault(t, "otpauth://totp/GitHub:alice?secret="+githubSecret+"&digits=8")
	w := openWindow(t, path)
	scripted := map[string]string{"LATCHKEY_VAULT": path, "XDG_RUNTIME_DIR": w.rt}
	w.lock()
	if r := runCLI(t, "correct horse\n", scripted, "code", "GitHub", "--at", "59"); r.status != 0 || r.stdout != "94287082\n" {
		t.Fatalf("control: status %d, stdout %q, stderr %q", r.status, r.stdout, r.stderr)
	}
	r := runCLI(t, "", scripted, "code", "GitHub")
	if r.status == 0 {
		t.Errorf("locked window, no password: status 0, stdout %q; want the usual unlock to fail", r.stdout)
	}
	r = runCLI(t, "correct horse\n", scripted, "code", "GitHub")
	if r.status != 0 || len(strings.TrimSpace(r.stdout)) != 8 || r.stderr != "" {
		t.Errorf("locked window, password on stdin: status %d, stdout %q, stderr %q; want a code and nothing else", r.status, r.stdout, r.stderr)
	}

	// A window that ended without removing its socket.
	sock, _ := agent.SocketPath(w.rt, path)
	stale, err := agent.Listen(w.rt, path, nil, agent.Options{})
	if err != nil {
		t.Fatal(err)
	}
	leaveStale(t, stale, sock)
	start := time.Now()
	r = runCLI(t, "correct horse\n", scripted, "code", "GitHub")
	if r.status != 0 || len(strings.TrimSpace(r.stdout)) != 8 || r.stderr != "" {
		t.Errorf("stale socket: status %d, stdout %q, stderr %q after %v; want a code and nothing else", r.status, r.stdout, r.stderr, time.Since(start))
	}
}

// leaveStale closes a server but puts a dead socket file back in its
// place, as a window killed before it could remove it leaves one.
func leaveStale(t *testing.T, s *agent.Server, sock string) {
	t.Helper()
	tmp := sock + ".keep"
	if err := os.Link(sock, tmp); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if err := os.Rename(tmp, sock); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(sock); err != nil || fi.Mode().Type() != os.ModeSocket {
		t.Fatalf("no stale socket: %v", err)
	}
}

// hotpFailingWindow is a window that takes the vault's lock and then, while
// answering an HOTP code, locks (freeing the vault) and fails.
type hotpFailingWindow struct{ *vault.Vault }

func (w hotpFailingWindow) Update(vault.Account) error {
	w.Vault.Close()
	panic("the window failed mid-answer")
}

// When the window was asked for an HOTP code and gave no answer, "code"
// does not unlock and spend another counter: it says to take the code in
// the window, and the saved counter is left as it was.
func TestHOTPNoAnswerIsNotRetried(t *testing.T) {
	t.Parallel()
	path, env, _ := newVault(t)
	addKeys(t, path, "otpauth://hotp/Bank:bob?secret="+githubSecret+"&counter=0")
	w := openWindowAs(t, path, func(v *vault.Vault) agent.Vault { return hotpFailingWindow{v} })
	env["XDG_RUNTIME_DIR"] = w.rt // the password file stays: unlocking would work
	r := runCLI(t, "", env, "code", "bank")
	if r.status == 0 || r.stdout != "" || !strings.Contains(r.stderr, "take it in the window") {
		t.Errorf("hotp with no answer: status %d, stdout %q, stderr %q; want a failure saying to take it in the window", r.status, r.stdout, r.stderr)
	}
	w.srv.Close()
	ro, err := testVault.OpenReadOnly(path, []byte("correct horse"))
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if c := ro.Accounts()[0].Key.Counter; c != 0 {
		t.Errorf("saved counter: got %d, want 0 (no code was taken from the vault)", c)
	}
}
