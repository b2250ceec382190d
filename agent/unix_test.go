//go:build linux || darwin

package agent

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"latchkey/internal/testtool"
	"latchkey/otp"
	"latchkey/vault"
)

// memVault is a vault in memory, safe for concurrent use.
type memVault struct {
	mu       sync.Mutex
	accounts []vault.Account
	saves    int
	saveErr  error
	slow     time.Duration // each Update waits this long first, as a disk would
}

func (m *memVault) Accounts() []vault.Account {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]vault.Account, len(m.accounts))
	for i, a := range m.accounts {
		a.Key.Secret = slices.Clone(a.Key.Secret)
		out[i] = a
	}
	return out
}

func (m *memVault) Account(id string) (vault.Account, bool) {
	for _, a := range m.Accounts() {
		if a.ID == id {
			return a, true
		}
	}
	return vault.Account{}, false
}

func (m *memVault) Update(a vault.Account) error {
	time.Sleep(m.slow)
	m.mu.Lock()
	defer m.mu.Unlock()
	for i := range m.accounts {
		if m.accounts[i].ID == a.ID {
			a.Key.Secret = slices.Clone(a.Key.Secret)
			m.accounts[i] = a
			return nil
		}
	}
	return vault.ErrNotFound
}

func (m *memVault) Save() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.saves++
	return m.saveErr
}

// rfcSecret is the RFC 4226 / 6238 SHA-1 test secret.
var rfcSecret = []byte("12345678901234567890")

func testVault() *memVault {
	return &memVault{accounts: []vault.Account{
		{ID: "t1", Key: otp.Key{Type: otp.TOTP, Issuer: "GitHub", Name: "alice", Secret: slices.Clone(rfcSecret), Algorithm: otp.SHA1, Digits: 8, Period: 30}},
		{ID: "h1", Key: otp.Key{Type: otp.HOTP, Issuer: "Bank", Name: "bob", Secret: slices.Clone(rfcSecret), Algorithm: otp.SHA1, Digits: 6}},
	}}
}

func listen(t *testing.T, rt string, v Vault, o Options) *Server {
	t.Helper()
	s, err := Listen(rt, "/home/alice/vault.latchkey", v, o)
	if err != nil {
		t.Fatalf("Listen: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func dial(t *testing.T, rt string) *Client {
	t.Helper()
	c, err := Dial(rt, "/home/alice/vault.latchkey")
	if err != nil {
		t.Fatalf("Dial: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func TestListAndCode(t *testing.T) {
	rt := testtool.SocketDir(t)
	at := time.Unix(59, 0)
	s := listen(t, rt, testVault(), Options{Now: func() time.Time { return at }})
	for path, want := range map[string]os.FileMode{rt + "/latchkey": 0o700, s.Path(): 0o600} {
		if fi, err := os.Lstat(path); err != nil || fi.Mode().Perm() != want {
			t.Errorf("%s: got %v (%v), want mode %04o", path, fi.Mode(), err, want)
		}
	}
	c := dial(t, rt)
	got, err := c.Accounts()
	want := []Account{{ID: "t1", Issuer: "GitHub", Name: "alice", Type: "totp"}, {ID: "h1", Issuer: "Bank", Name: "bob", Type: "hotp"}}
	if err != nil || !slices.Equal(got, want) {
		t.Errorf("Accounts: got %+v, %v; want %+v", got, err, want)
	}
	// RFC 6238, SHA-1, T = 59 s.
	if code, err := c.Code("t1"); err != nil || code != "94287082" {
		t.Errorf("Code(t1) at 59 s: got %q, %v; want 94287082", code, err)
	}
	if _, err := c.Code("nope"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Code(nope): got %v, want ErrNotFound", err)
	}
}

// What goes over the socket holds neither the secret nor a URI.
func TestAnswersHoldNoSecret(t *testing.T) {
	rt := testtool.SocketDir(t)
	s := listen(t, rt, testVault(), Options{})
	conn, err := net.Dial("unix", s.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var seen strings.Builder
	for _, q := range []string{`{"op":"list"}`, `{"op":"code","id":"t1"}`, `{"op":"code","id":"h1"}`} {
		conn.Write(frame(q))
		var r response
		if err := readFrame(io.TeeReader(conn, &seen), &r, MaxResponse); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	for _, leak := range []string{string(rfcSecret), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", "MTIzNDU2Nzg5MDEyMzQ1Njc4OTA", "otpauth", "secret"} {
		if strings.Contains(seen.String(), leak) {
			t.Errorf("the answers hold %q: %q", leak, seen.String())
		}
	}
}

// An HOTP code is spent when given: the counter moves on and is saved
// before the answer, and a failed save gives no code.
func TestHOTPAdvancesAndSaves(t *testing.T) {
	rt := testtool.SocketDir(t)
	v := testVault()
	changed := 0
	listen(t, rt, v, Options{Changed: func() { changed++ }})
	c := dial(t, rt)
	for i, want := range []string{"755224", "287082"} { // RFC 4226 counters 0 and 1
		if code, err := c.Code("h1"); err != nil || code != want {
			t.Errorf("HOTP code %d: got %q, %v; want %s", i, code, err, want)
		}
	}
	if a, _ := v.Account("h1"); a.Key.Counter != 2 || v.saves != 2 || changed != 2 {
		t.Errorf("after two codes: counter %d, %d saves, %d change calls; want 2, 2, 2", a.Key.Counter, v.saves, changed)
	}
	v.saveErr = errors.New("disk full")
	if code, err := c.Code("h1"); !errors.Is(err, ErrNotSaved) || code != "" {
		t.Errorf("with a failing save: got %q, %v; want no code and ErrNotSaved", code, err)
	}
	if changed != 2 {
		t.Errorf("a failed save called Changed")
	}
}

// Clients asking for one HOTP account at once are each given their own
// code: none is given twice, and the counter moves on once per answer.
func TestHOTPNeverGivenTwice(t *testing.T) {
	rt := testtool.SocketDir(t)
	v := testVault()
	v.slow = 20 * time.Millisecond
	listen(t, rt, v, Options{})
	const n = 6
	codes := make(chan string, n)
	var wg sync.WaitGroup
	for range n {
		c := dial(t, rt)
		wg.Go(func() {
			code, err := c.Code("h1")
			if err != nil {
				t.Error(err)
			}
			codes <- code
		})
	}
	wg.Wait()
	close(codes)
	seen := map[string]bool{}
	for c := range codes {
		if seen[c] {
			t.Errorf("code %s given twice", c)
		}
		seen[c] = true
	}
	if a, _ := v.Account("h1"); a.Key.Counter != n {
		t.Errorf("counter %d after %d answers, want %d", a.Key.Counter, n, n)
	}
}

// Locking closes the server: the socket is gone, a connected client gets
// nothing more, and a new one finds no agent.
func TestCloseRemovesSocket(t *testing.T) {
	rt := testtool.SocketDir(t)
	s := listen(t, rt, testVault(), Options{})
	c := dial(t, rt)
	if _, err := c.Accounts(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if _, err := os.Lstat(s.Path()); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("after Close the socket is still there: %v", err)
	}
	if code, err := c.Code("t1"); !errors.Is(err, ErrNoAgent) {
		t.Errorf("a connected client after Close: got %q, %v; want ErrNoAgent", code, err)
	}
	if _, err := Dial(rt, "/home/alice/vault.latchkey"); !errors.Is(err, ErrNoAgent) {
		t.Errorf("Dial after Close: got %v, want ErrNoAgent", err)
	}
}

// A window that ended without closing leaves a socket nobody answers on:
// clients fall back, the next window replaces it. A live one stays.
func TestStaleSocket(t *testing.T) {
	rt := testtool.SocketDir(t)
	path, _ := SocketPath(rt, "/home/alice/vault.latchkey")
	os.Mkdir(filepath.Dir(path), 0o700)
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	ln.SetUnlinkOnClose(false)
	os.Chmod(path, 0o600)
	ln.Close()
	if _, err := Dial(rt, "/home/alice/vault.latchkey"); !errors.Is(err, ErrNoAgent) {
		t.Errorf("Dial to a stale socket: got %v, want ErrNoAgent", err)
	}
	s := listen(t, rt, testVault(), Options{})
	if _, err := dial(t, rt).Accounts(); err != nil {
		t.Errorf("after replacing a stale socket: %v", err)
	}
	if _, err := Listen(rt, "/home/alice/vault.latchkey", testVault(), Options{}); !errors.Is(err, ErrInUse) {
		t.Errorf("a second server: got %v, want ErrInUse", err)
	}
	if _, err := os.Lstat(s.Path()); err != nil {
		t.Errorf("a second server removed the first one's socket: %v", err)
	}
}

// Only a refused connection makes a socket stale: a window slow to accept
// (a full backlog: EAGAIN, or the dial's timeout) keeps its socket.
func TestOnlyRefusedIsStale(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want bool
	}{
		{&net.OpError{Op: "dial", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}, true},
		{&net.OpError{Op: "dial", Err: os.NewSyscallError("connect", syscall.EAGAIN)}, false},
		{&net.OpError{Op: "dial", Err: os.ErrDeadlineExceeded}, false},
	} {
		if got := nobodyListens(tc.err); got != tc.want {
			t.Errorf("%v: got stale %v, want %v", tc.err, got, tc.want)
		}
	}
}

// Neither side uses a folder or socket that is a link, another's, or open
// to others, and Close removes only its own socket.
func TestRefusesUnsafePlaces(t *testing.T) {
	const vp = "/home/alice/vault.latchkey"
	for name, setup := range map[string]func(t *testing.T, rt, folder, sock string){
		"runtime dir open to others": func(t *testing.T, rt, folder, sock string) { os.Chmod(rt, 0o755) },
		"folder open to others":      func(t *testing.T, rt, folder, sock string) { os.Mkdir(folder, 0o700); os.Chmod(folder, 0o750) },
		"folder is a link": func(t *testing.T, rt, folder, sock string) {
			os.Symlink(t.TempDir(), folder)
		},
		"socket is a regular file": func(t *testing.T, rt, folder, sock string) {
			os.Mkdir(folder, 0o700)
			os.WriteFile(sock, nil, 0o600)
		},
		"socket is a link": func(t *testing.T, rt, folder, sock string) {
			os.Mkdir(folder, 0o700)
			os.Symlink(filepath.Join(rt, "elsewhere.sock"), sock)
		},
	} {
		t.Run(name, func(t *testing.T) {
			rt := testtool.SocketDir(t)
			sock, _ := SocketPath(rt, vp)
			setup(t, rt, filepath.Dir(sock), sock)
			if s, err := Listen(rt, vp, testVault(), Options{}); !errors.Is(err, ErrUnsafe) {
				if s != nil {
					s.Close()
				}
				t.Errorf("Listen: got %v, want ErrUnsafe", err)
			}
			if _, err := Dial(rt, vp); !errors.Is(err, ErrNoAgent) {
				t.Errorf("Dial: got %v, want ErrNoAgent", err)
			}
		})
	}
	t.Run("client refuses a socket open to others", func(t *testing.T) {
		rt := testtool.SocketDir(t)
		s := listen(t, rt, testVault(), Options{})
		os.Chmod(s.Path(), 0o666)
		if _, err := Dial(rt, vp); !errors.Is(err, ErrUnsafe) {
			t.Errorf("Dial: got %v, want ErrUnsafe", err)
		}
	})
	t.Run("close leaves a socket it did not make", func(t *testing.T) {
		rt := testtool.SocketDir(t)
		s := listen(t, rt, testVault(), Options{})
		os.Remove(s.Path())
		os.WriteFile(s.Path(), []byte("someone else's"), 0o600)
		s.Close()
		if b, err := os.ReadFile(s.Path()); err != nil || string(b) != "someone else's" {
			t.Errorf("Close removed or changed a file it did not make: %q, %v", b, err)
		}
	})
}

// A hostile client (garbage, a huge length, a stall, many connections)
// costs the window a closed connection: the others are still answered
// after the short lifetime, and Close never waits for a stalled client.
func TestHostileClients(t *testing.T) {
	rt := testtool.SocketDir(t)
	const lifetime = 300 * time.Millisecond
	s := listen(t, rt, testVault(), Options{lifetime: lifetime})
	connect := func() net.Conn {
		c, err := net.Dial("unix", s.Path())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return c
	}
	// closedWithin reports whether the server ends conn within d (closed
	// or reset: it may close with our garbage unread); what it sent first
	// (a bad-request answer) is returned.
	closedWithin := func(c net.Conn, d time.Duration) (string, bool) {
		c.SetReadDeadline(time.Now().Add(d))
		b, err := io.ReadAll(c)
		return string(b), !errors.Is(err, os.ErrDeadlineExceeded)
	}
	for name, send := range map[string][]byte{
		"garbage":                  []byte("GET / HTTP/1.1\r\n\r\n"),
		"huge length":              {0xff, 0xff, 0xff, 0xff},
		"a line":                   []byte("code GitHub\n"),
		"unknown op":               frame(`{"op":"dump"}`),
		"length, then nothing":     {0, 0, 0, 100},
		"half a length":            {0, 0},
		"nothing at all":           nil,
		"a request with a secret?": frame(`{"op":"list","secret":"x"}`),
	} {
		c := connect()
		c.Write(send)
		// Ten times the lifetime: a guard against a stall, not a timing.
		got, ok := closedWithin(c, 10*lifetime)
		if !ok {
			t.Errorf("%s: the connection was still open after %v", name, 10*lifetime)
		}
		if strings.Contains(got, "accounts") || strings.Contains(got, "GitHub") {
			t.Errorf("%s: got an answer with data: %q", name, got)
		}
	}
	// A good client is answered after a bad one on the same server.
	if _, err := dial(t, rt).Accounts(); err != nil {
		t.Errorf("a good client after the bad ones: %v", err)
	}

	// Every slot taken by stalling clients: a newcomer is turned away
	// (and unlocks as usual), then served once the stallers are cut.
	var stalled []net.Conn
	for range maxConns {
		stalled = append(stalled, connect())
	}
	time.Sleep(lifetime / 10)
	if c, err := Dial(rt, "/home/alice/vault.latchkey"); err == nil {
		if _, err := c.Accounts(); !errors.Is(err, ErrNoAgent) {
			t.Errorf("with every slot taken: got %v, want ErrNoAgent", err)
		}
		c.Close()
	}
	for _, c := range stalled {
		closedWithin(c, 10*lifetime)
	}
	if _, err := dial(t, rt).Accounts(); err != nil {
		t.Errorf("after the stalling clients were cut: %v", err)
	}

	// Close with stalled clients and a long lifetime returns at once.
	rt2 := testtool.SocketDir(t)
	s2 := listen(t, rt2, testVault(), Options{lifetime: time.Hour})
	for range maxConns {
		c, err := net.Dial("unix", s2.Path())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		c.Write([]byte{0, 0, 0, 9, '{'})
	}
	done := make(chan struct{})
	go func() { s2.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Close waited for stalled clients")
	}
}

// peerHelperEnv makes the test binary a bare client: connect to the
// socket it names, ask for the list, print what comes back.
const peerHelperEnv = "LATCHKEY_AGENT_TEST_PEER"

func TestMain(m *testing.M) {
	if sock := os.Getenv(peerHelperEnv); sock != "" {
		c, err := net.Dial("unix", sock)
		if err != nil {
			fmt.Printf("dial: %v\n", err)
			os.Exit(2)
		}
		c.SetDeadline(time.Now().Add(5 * time.Second))
		c.Write(frame(`{"op":"list"}`))
		var r response
		if err := readFrame(c, &r, MaxResponse); err != nil {
			fmt.Println("closed without an answer") // EOF, or a reset: our request unread
			os.Exit(0)
		}
		fmt.Printf("answer: %+v\n", r)
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// Another user is refused by their credentials, even where the folder and
// socket modes would let them connect. The client runs as nobody, which
// takes root (the tests run as root in CI); the same client as this user
// is the control.
func TestOtherUserRefused(t *testing.T) {
	if os.Getuid() != 0 {
		t.Skip("running a client as another user takes root")
	}
	// A copy of this test binary that nobody may run.
	binDir, err := os.MkdirTemp("", "lkbin")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(binDir)
	os.Chmod(binDir, 0o755)
	self, err := os.ReadFile(os.Args[0])
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(binDir, "agent.test")
	if err := os.WriteFile(bin, self, 0o755); err != nil {
		t.Fatal(err)
	}

	rt := testtool.SocketDir(t)
	s := listen(t, rt, testVault(), Options{})
	// The misconfiguration the check guards against: everything open.
	for _, p := range []string{rt, filepath.Dir(s.Path()), s.Path()} {
		os.Chmod(p, 0o777)
	}
	run := func(cred *syscall.Credential) string {
		cmd := exec.Command(bin)
		cmd.Env = []string{peerHelperEnv + "=" + s.Path()}
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("client as %+v: %v\n%s", cred, err, out)
		}
		return string(out)
	}
	if got := run(nil); !strings.Contains(got, "GitHub") {
		t.Fatalf("the same user: got %s, want the list (the check cannot tell otherwise)", got)
	}
	if got := run(&syscall.Credential{Uid: 65534, Gid: 65534}); got != "closed without an answer\n" {
		t.Errorf("as nobody: got %s, want the connection closed without a word", got)
	}
}

// failingVault breaks while answering a code, after the request was read.
type failingVault struct{ *memVault }

func (failingVault) Update(vault.Account) error { panic("the window failed mid-answer") }

// A request sent in full and never answered is told apart from one never
// made: for HOTP the window may have spent a counter before it failed.
func TestNoAnswerAfterAsking(t *testing.T) {
	rt := testtool.SocketDir(t)
	listen(t, rt, failingVault{testVault()}, Options{})
	_, err := dial(t, rt).Code("h1")
	if !errors.Is(err, ErrNoAnswer) || !errors.Is(err, ErrNoAgent) {
		t.Errorf("a code the window failed to give: got %v, want ErrNoAnswer (an ErrNoAgent)", err)
	}
	if _, err := dial(t, rt).Code("missing"); errors.Is(err, ErrNoAnswer) || !errors.Is(err, ErrNotFound) {
		t.Errorf("an answered request: got %v, want ErrNotFound and not ErrNoAnswer", err)
	}
	if _, err := Dial(testtool.SocketDir(t), "/home/alice/vault.latchkey"); errors.Is(err, ErrNoAnswer) {
		t.Errorf("no window at all: got %v, want an error other than ErrNoAnswer", err)
	}
}

// A code is shown as it comes, so an answer that is no code (terminal
// escapes, line breaks, a wall of text) is refused, as an answer without
// a code is: the peer answering on the socket is not trusted to be sane.
func TestCodeAnswerMustBeACode(t *testing.T) {
	for name, tc := range map[string]struct {
		code string
		ok   bool
	}{
		"digits":          {"94287082", true},
		"steam":           {"2BCDF", true},
		"terminal escape": {"123\x1b[31m456", false},
		"line break":      {"123\n456", false},
		"too long":        {"12345678901", false},
		"letters":         {"abcdef", false},
	} {
		t.Run(name, func(t *testing.T) {
			client, server := net.Pipe()
			defer client.Close()
			go func() {
				defer server.Close()
				var q request
				if readFrame(server, &q, MaxRequest) != nil {
					return
				}
				writeFrame(server, response{Code: tc.code}, MaxResponse)
			}()
			got, err := (&Client{conn: client}).Code("t1")
			switch {
			case tc.ok && (err != nil || got != tc.code):
				t.Errorf("code %q: got %q, %v; want it as it came", tc.code, got, err)
			case !tc.ok && (!errors.Is(err, ErrNoAnswer) || got != ""):
				t.Errorf("code %q: got %q, %v; want ErrNoAnswer", tc.code, got, err)
			}
		})
	}
}
