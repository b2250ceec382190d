//go:build linux || darwin

package agent

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"latchkey/otp"
	"latchkey/vault"
)

// Vault is what the agent answers from; *vault.Vault is one. Its methods
// are called on the agent's goroutines, so it must be safe for concurrent
// use.
type Vault interface {
	Accounts() []vault.Account
	Account(id string) (vault.Account, bool)
	Update(vault.Account) error
	Save() error
}

var _ Vault = (*vault.Vault)(nil)

// Options adjust a Server.
type Options struct {
	// Now is the clock codes are made for; nil means time.Now.
	Now func() time.Time
	// Changed runs, on the agent's goroutine, after an HOTP code moved its
	// account's counter on and the vault was saved: the window shows the
	// new counter.
	Changed func()
	// lifetime, when set, replaces connLifetime: tests of stalling
	// clients need not wait seconds.
	lifetime time.Duration
}

// Server answers for one open vault until Close.
type Server struct {
	v    Vault
	opt  Options
	uid  int
	path string
	ln   *net.UnixListener
	id   fileID // the socket file this server made

	mu     sync.Mutex
	conns  map[net.Conn]bool
	closed bool
	wg     sync.WaitGroup

	// hotp serialises HOTP answers: two clients asking at once must not
	// both read counter N and both be given code N.
	hotp sync.Mutex
}

// socketIn is the socket's path for the vault at vaultPath, and this
// process's user, once runtimeDir is a folder no other user may write in.
func socketIn(runtimeDir, vaultPath string) (path string, uid int, err error) {
	if path, err = SocketPath(runtimeDir, vaultPath); err != nil {
		return "", 0, err
	}
	uid = os.Getuid()
	return path, uid, checkFolder(runtimeDir, uid, 0o077)
}

// Listen makes the vault at vaultPath answer on its socket under
// runtimeDir (normally $XDG_RUNTIME_DIR), creating the folder when needed.
// A socket left by a window that ended is replaced; one another window
// answers on is not (ErrInUse).
func Listen(runtimeDir, vaultPath string, v Vault, o Options) (*Server, error) {
	path, uid, err := socketIn(runtimeDir, vaultPath)
	if err != nil {
		return nil, err
	}
	dir := filepath.Dir(path)
	if err := os.Mkdir(dir, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
		return nil, fmt.Errorf("%w: %v", ErrNoAgent, err)
	}
	if err := checkFolder(dir, uid, 0o077); err != nil {
		return nil, err
	}
	if err := clearStale(path, uid); err != nil {
		return nil, err
	}
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNoAgent, err)
	}
	ln.SetUnlinkOnClose(false) // Close removes the file only if it is still ours
	// The folder keeps others out between bind and chmod.
	id, err := checkNewSocket(path)
	if err == nil {
		err = os.Chmod(path, 0o600)
	}
	if err != nil {
		ln.Close()
		return nil, fmt.Errorf("%w: %v", ErrNoAgent, err)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.lifetime == 0 {
		o.lifetime = connLifetime
	}
	s := &Server{v: v, opt: o, uid: uid, path: path, ln: ln, id: id, conns: map[net.Conn]bool{}}
	s.wg.Add(1)
	go s.serve()
	return s, nil
}

// Path is the socket the server listens on.
func (s *Server) Path() string { return s.path }

// Close stops answering: the socket file is removed, open connections are
// cut, and Close returns once no request is being answered, so nothing
// reads the vault after it.
func (s *Server) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	for c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	var err error
	if id, e := statID(s.path); e == nil && id == s.id {
		err = os.Remove(s.path)
	}
	s.ln.Close()
	s.wg.Wait()
	return err
}

func (s *Server) serve() {
	defer s.wg.Done()
	for {
		conn, err := s.ln.Accept()
		if err != nil {
			if s.isClosed() {
				return
			}
			// Out of file descriptors, say: wait rather than spin.
			time.Sleep(50 * time.Millisecond)
			continue
		}
		if !s.track(conn) {
			conn.Close()
			continue
		}
		go s.handle(conn)
	}
}

func (s *Server) isClosed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closed
}

// track admits a connection unless the server is closed or busy.
func (s *Server) track(c net.Conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed || len(s.conns) >= maxConns {
		return false
	}
	s.conns[c] = true
	s.wg.Add(1)
	return true
}

func (s *Server) untrack(c net.Conn) {
	s.mu.Lock()
	delete(s.conns, c)
	s.mu.Unlock()
	c.Close()
	s.wg.Done()
}

// handle answers one connection: the same user only, a few requests, a
// few seconds. A bug answering one must not take the window down.
func (s *Server) handle(conn net.Conn) {
	defer s.untrack(conn)
	defer func() { recover() }()
	if uid, err := peerUID(conn); err != nil || uid != s.uid {
		return
	}
	conn.SetDeadline(time.Now().Add(s.opt.lifetime))
	for range maxRequests {
		var q request
		err := readFrame(conn, &q, MaxRequest)
		if err == nil && !q.valid() {
			err = errFrame
		}
		if err != nil {
			if errors.Is(err, errFrame) {
				writeFrame(conn, response{Error: kindBadRequest}, MaxResponse)
			}
			return
		}
		r := s.answer(q)
		if err := writeFrame(conn, r, MaxResponse); err != nil {
			if errors.Is(err, errFrame) {
				writeFrame(conn, response{Error: kindTooLarge}, MaxResponse)
			}
			return
		}
	}
}

func (s *Server) answer(q request) response {
	if s.isClosed() {
		return response{Error: kindLocked}
	}
	switch q.Op {
	case opList:
		all := s.v.Accounts()
		out := make([]Account, len(all))
		for i, a := range all {
			out[i] = Account{ID: a.ID, Issuer: a.Key.Issuer, Name: a.Key.Name, Type: a.Key.Type.String()}
			wipe(a)
		}
		return response{Accounts: out}
	case opCode:
		return s.code(q.ID)
	}
	return response{Error: kindBadRequest}
}

// code is the account's current code. An HOTP code is spent once given:
// the counter moves on and is saved first, so it is never given twice.
func (s *Server) code(id string) response {
	if a, ok := s.v.Account(id); ok && a.Key.Type == otp.HOTP {
		wipe(a)
		// Read again under the lock, so the counter read is the one the
		// last answer saved.
		s.hotp.Lock()
		defer s.hotp.Unlock()
	}
	a, ok := s.v.Account(id)
	if !ok {
		return response{Error: kindNotFound}
	}
	defer wipe(a)
	code := a.Key.Code(s.opt.Now())
	if a.Key.Type != otp.HOTP {
		return response{Code: code}
	}
	a.Key.Counter++
	if err := s.v.Update(a); err != nil {
		return response{Error: kindNotSaved}
	}
	if err := s.v.Save(); err != nil {
		return response{Error: kindNotSaved}
	}
	if s.opt.Changed != nil {
		s.opt.Changed()
	}
	return response{Code: code}
}

// wipe clears a copy's secret (best effort: Go may have copied it).
func wipe(a vault.Account) { clear(a.Key.Secret) }

// Client is a connection to a window's agent.
type Client struct {
	conn net.Conn
}

// Dial connects to the agent of the vault at vaultPath. Any reason there is
// none, or none to trust, wraps ErrNoAgent.
func Dial(runtimeDir, vaultPath string) (*Client, error) {
	path, uid, err := socketIn(runtimeDir, vaultPath)
	if err != nil {
		return nil, err
	}
	if err := checkFolder(filepath.Dir(path), uid, 0o077); err != nil {
		return nil, err
	}
	if err := checkSocket(path, uid); err != nil {
		return nil, err
	}
	conn, err := net.DialTimeout("unix", path, dialTimeout)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNoAgent, err) // a stale socket: nobody listens
	}
	if peer, err := peerUID(conn); err != nil || peer != uid {
		conn.Close()
		return nil, fmt.Errorf("%w: the socket's owner is not this user", ErrUnsafe)
	}
	conn.SetDeadline(time.Now().Add(clientTimeout))
	return &Client{conn: conn}, nil
}

// Close ends the connection.
func (c *Client) Close() error { return c.conn.Close() }

// Accounts lists the window's accounts, in the vault's order.
func (c *Client) Accounts() ([]Account, error) {
	r, err := c.ask(request{Op: opList})
	if err != nil {
		return nil, err
	}
	return r.Accounts, nil
}

// Code is the current code of the account with that id; for HOTP, the
// window has moved the counter on and saved it.
func (c *Client) Code(id string) (string, error) {
	r, err := c.ask(request{Op: opCode, ID: id})
	if err != nil {
		return "", err
	}
	if r.Code == "" {
		return "", fmt.Errorf("%w: an answer without a code", ErrNoAnswer)
	}
	if !isCode(r.Code) {
		// It is printed as it is: escapes or line breaks must not pass.
		return "", fmt.Errorf("%w: an answer that is no code", ErrNoAnswer)
	}
	return r.Code, nil
}

// isCode reports whether s can be a code: up to otp.MaxDigits digits or
// capital letters (Steam's alphabet).
func isCode(s string) bool {
	if len(s) > otp.MaxDigits {
		return false
	}
	for _, c := range []byte(s) {
		if (c < '0' || c > '9') && (c < 'A' || c > 'Z') {
			return false
		}
	}
	return true
}

func (c *Client) ask(q request) (response, error) {
	if err := writeFrame(c.conn, q, MaxRequest); err != nil {
		return response{}, fmt.Errorf("%w: %v", ErrNoAgent, err)
	}
	var r response
	if err := readFrame(c.conn, &r, MaxResponse); err != nil {
		return response{}, fmt.Errorf("%w: %v", ErrNoAnswer, err)
	}
	if r.Error != "" {
		return response{}, r.Error.err()
	}
	return r, nil
}

// checkFolder refuses a folder that is a symbolic link, not a folder, not
// the user's, or open to others beyond the mode bits in loose.
func checkFolder(dir string, uid int, loose fs.FileMode) error {
	fi, err := os.Lstat(dir)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrNoAgent, err)
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	switch {
	case fi.Mode()&fs.ModeSymlink != 0:
		return fmt.Errorf("%w: %s is a symbolic link", ErrUnsafe, dir)
	case !fi.IsDir():
		return fmt.Errorf("%w: %s is not a folder", ErrUnsafe, dir)
	case !ok || int(st.Uid) != uid:
		return fmt.Errorf("%w: %s belongs to another user", ErrUnsafe, dir)
	case fi.Mode().Perm()&loose != 0:
		return fmt.Errorf("%w: %s has mode %04o, want 0700", ErrUnsafe, dir, fi.Mode().Perm())
	}
	return nil
}

// checkSocket refuses a socket file that is not one, not the user's, or
// open to others.
func checkSocket(path string, uid int) error {
	fi, err := os.Lstat(path)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrNoAgent, err)
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	switch {
	case fi.Mode().Type() != fs.ModeSocket:
		return fmt.Errorf("%w: %s is not a socket", ErrUnsafe, path)
	case !ok || int(st.Uid) != uid:
		return fmt.Errorf("%w: %s belongs to another user", ErrUnsafe, path)
	case fi.Mode().Perm()&0o077 != 0:
		return fmt.Errorf("%w: %s has mode %04o, want 0600", ErrUnsafe, path, fi.Mode().Perm())
	}
	return nil
}

// clearStale removes a socket a window left behind when it ended without
// closing it. A socket someone answers on, and anything that is not the
// user's own socket, stay.
func clearStale(path string, uid int) error {
	fi, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("%w: %v", ErrNoAgent, err)
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if fi.Mode().Type() != fs.ModeSocket || !ok || int(st.Uid) != uid {
		return fmt.Errorf("%w: %s is in the way and is not this user's socket", ErrUnsafe, path)
	}
	// Only a refused connection means nobody listens: a window that is
	// slow to accept (a full backlog, a busy machine) is still there, and
	// taking its socket would make two windows answer for one vault.
	c, err := net.DialTimeout("unix", path, dialTimeout)
	if err == nil {
		c.Close()
		return ErrInUse
	}
	if !nobodyListens(err) {
		return fmt.Errorf("%w: %v", ErrInUse, err)
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%w: removing a stale socket: %v", ErrNoAgent, err)
	}
	return nil
}

// nobodyListens reports whether a failed dial proves the socket stale.
func nobodyListens(dialErr error) bool { return errors.Is(dialErr, syscall.ECONNREFUSED) }

// fileID tells one file from another that took its name.
type fileID struct{ dev, ino uint64 }

func statID(path string) (fileID, error) {
	fi, err := os.Lstat(path)
	if err != nil {
		return fileID{}, err
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return fileID{}, errors.New("no file id")
	}
	return fileID{dev: uint64(st.Dev), ino: uint64(st.Ino)}, nil
}

// checkNewSocket makes sure what bind made is a socket, not something
// swapped in.
func checkNewSocket(path string) (fileID, error) {
	fi, err := os.Lstat(path)
	if err != nil {
		return fileID{}, err
	}
	if fi.Mode().Type() != fs.ModeSocket {
		return fileID{}, fmt.Errorf("%s is not the socket just made", path)
	}
	return statID(path)
}

// peerUID is the user id of the process at the other end of conn.
func peerUID(conn net.Conn) (int, error) {
	uc, ok := conn.(*net.UnixConn)
	if !ok {
		return -1, errors.New("not a Unix socket")
	}
	raw, err := uc.SyscallConn()
	if err != nil {
		return -1, err
	}
	uid := -1
	var perr error
	if err := raw.Control(func(fd uintptr) { uid, perr = socketPeerUID(int(fd)) }); err != nil {
		return -1, err
	}
	return uid, perr
}
