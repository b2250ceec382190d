// Package agent lets scripts take codes from a Latchkey window that is
// already unlocked, in milliseconds instead of a second of key derivation.
//
// While its vault is unlocked the window listens on a Unix socket private to
// the user, one per vault:
//
//	$XDG_RUNTIME_DIR/latchkey/agent-<hash of the vault's resolved path>.sock
//
// and "latchkey code QUERY" and "latchkey list" ask it first:
//
//	srv, err := agent.Listen(runtimeDir, vaultPath, v, agent.Options{})
//	defer srv.Close() // at lock: the socket is gone
//
//	c, err := agent.Dial(runtimeDir, vaultPath) // errors.Is(err, agent.ErrNoAgent): unlock as usual
//	accounts, err := c.Accounts()
//	code, err := c.Code(accounts[0].ID)
//
// What it gives: account ids, issuers, names and types, and current codes.
// Never a secret, a URI, a note or a code for another time than now (a code
// for later would outlive the lock). An HOTP code moves the counter on and
// is saved in the window's vault before it is given, as "latchkey code"
// does, since the window holds the vault's lock.
//
// Who may ask: the folder must be the user's own with mode 0700 and the
// socket 0600; neither is used when it is a symbolic link, belongs to
// someone else or is open to others, and without XDG_RUNTIME_DIR there is
// no agent. Each side checks the other's user id (SO_PEERCRED on Linux,
// LOCAL_PEERCRED on macOS): another user is refused even where the modes
// would let them in. Other systems, Windows among them, have no agent.
//
// The protocol: each message is a 4-byte big-endian length and a JSON
// object. A request is {"op":"list"} or {"op":"code","id":ID}, at most
// MaxRequest bytes; the answer is {"accounts":[…]}, {"code":"123456"} or
// {"error":KIND}. Both sides decode strictly (unknown fields and trailing
// data are errors). A connection lasts at most a few seconds and a few
// requests, and only a few are served at once, so a client that sends
// garbage, a huge length or nothing at all costs the window nothing but a
// closed connection. An incompatible change takes a new socket name.
package agent

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"
)

// Account is what the agent says about an account: no secret.
type Account struct {
	ID     string `json:"id"`
	Issuer string `json:"issuer"`
	Name   string `json:"name"`
	Type   string `json:"type"` // "totp", "hotp" or "steam"
}

// Errors. ErrNoAgent covers every reason to unlock as usual instead: no
// runtime folder, no socket, a stale or unsafe one, a window that does not
// answer or answers nonsense.
var (
	ErrNoAgent     = errors.New("agent: not available")
	ErrUnsupported = fmt.Errorf("%w on this system", ErrNoAgent)
	ErrUnsafe      = fmt.Errorf("%w: its folder or socket is not private", ErrNoAgent)
	ErrInUse       = errors.New("agent: another window answers for this vault")
	ErrNotFound    = errors.New("agent: no such account in the window's vault")
	ErrLocked      = fmt.Errorf("%w: the window is locking", ErrNoAgent)
	// ErrNoAnswer is a request sent in full and never answered: the window
	// may have acted on it (an HOTP counter moved on) before it failed.
	ErrNoAnswer = fmt.Errorf("%w: it was asked and gave no answer", ErrNoAgent)
	ErrNotSaved = errors.New("the window could not save the advanced HOTP counter; take the code there")
)

// Limits on what either side reads.
const (
	MaxRequest  = 1 << 10  // a request is an op and an account id
	MaxResponse = 16 << 20 // names of the largest vaults; larger: unlock as usual
)

// Timing. A client gets a few seconds for everything; a server gives a
// connection at most that and a few requests.
const (
	clientTimeout = 3 * time.Second
	dialTimeout   = time.Second
	connLifetime  = 5 * time.Second
	maxRequests   = 4
	maxConns      = 8
)

// op is what a request asks.
type op string

const (
	opList op = "list"
	opCode op = "code"
)

// errKind is an error as it travels in an answer.
type errKind string

const (
	kindBadRequest errKind = "bad-request"
	kindNotFound   errKind = "not-found"
	kindLocked     errKind = "locked"
	kindNotSaved   errKind = "not-saved"
	kindTooLarge   errKind = "too-large"
)

func (k errKind) err() error {
	switch k {
	case kindNotFound:
		return ErrNotFound
	case kindLocked:
		return ErrLocked
	case kindNotSaved:
		return ErrNotSaved
	case kindTooLarge:
		return fmt.Errorf("%w: the account list is too large to send", ErrNoAgent)
	case kindBadRequest:
		return fmt.Errorf("%w: the window refused the request", ErrNoAgent)
	}
	// A kind this version does not know (a newer window): what the window
	// did before it answered is unknown, as with no answer at all.
	return fmt.Errorf("%w (%q)", ErrNoAnswer, string(k))
}

type request struct {
	Op op     `json:"op"`
	ID string `json:"id,omitempty"`
}

type response struct {
	Accounts []Account `json:"accounts,omitempty"`
	Code     string    `json:"code,omitempty"`
	Error    errKind   `json:"error,omitempty"`
}

// errFrame is a message that is not one: too long, not strict JSON, or not
// a request this protocol knows.
var errFrame = errors.New("agent: malformed message")

// writeFrame sends v as one length-prefixed message of at most max bytes.
func writeFrame(w io.Writer, v any, max int) error {
	body, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if len(body) > max {
		return fmt.Errorf("%w: %d bytes, more than %d", errFrame, len(body), max)
	}
	msg := make([]byte, 4+len(body))
	binary.BigEndian.PutUint32(msg, uint32(len(body)))
	copy(msg[4:], body)
	_, err = w.Write(msg)
	return err
}

// readFrame reads one message of at most max bytes into v, strictly. The
// length is checked before anything is allocated for the body.
func readFrame(r io.Reader, v any, max int) error {
	var head [4]byte
	if _, err := io.ReadFull(r, head[:]); err != nil {
		return err
	}
	n := binary.BigEndian.Uint32(head[:])
	if n == 0 || n > uint32(max) {
		return fmt.Errorf("%w: length %d, want 1 to %d", errFrame, n, max)
	}
	body := make([]byte, n)
	if _, err := io.ReadFull(r, body); err != nil {
		return err
	}
	d := json.NewDecoder(bytes.NewReader(body))
	d.DisallowUnknownFields()
	if err := d.Decode(v); err != nil {
		return fmt.Errorf("%w: %v", errFrame, err)
	}
	if d.More() {
		return fmt.Errorf("%w: data after the message", errFrame)
	}
	return nil
}

// valid reports whether a decoded request is one the server answers.
func (q request) valid() bool {
	switch q.Op {
	case opList:
		return q.ID == ""
	case opCode:
		return q.ID != ""
	}
	return false
}

// SocketPath is where the agent of the vault at vaultPath listens: a name
// made from the vault's resolved path, so "--vault ./v" and the same file
// reached through a symbolic link meet at one socket.
func SocketPath(runtimeDir, vaultPath string) (string, error) {
	if runtimeDir == "" {
		return "", fmt.Errorf("%w: XDG_RUNTIME_DIR is not set", ErrNoAgent)
	}
	if !filepath.IsAbs(runtimeDir) {
		return "", fmt.Errorf("%w: XDG_RUNTIME_DIR is not an absolute path", ErrNoAgent)
	}
	resolved, err := resolve(vaultPath)
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrNoAgent, err)
	}
	sum := sha256.Sum256([]byte(resolved))
	return filepath.Join(runtimeDir, folderName, "agent-"+hex.EncodeToString(sum[:12])+".sock"), nil
}

// folderName is the agent's folder inside XDG_RUNTIME_DIR.
const folderName = "latchkey"

// resolve makes path absolute and resolves symbolic links in it; a vault
// not created yet is resolved through its folder.
func resolve(path string) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	if r, err := filepath.EvalSymlinks(abs); err == nil {
		return r, nil
	}
	dir, err := filepath.EvalSymlinks(filepath.Dir(abs))
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return abs, nil
		}
		return "", err
	}
	return filepath.Join(dir, filepath.Base(abs)), nil
}
