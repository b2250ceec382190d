package agent

import (
	"bytes"
	"encoding/binary"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"latchkey/internal/deptest"
)

func TestSocketPath(t *testing.T) {
	dir := t.TempDir()
	vaultPath := filepath.Join(dir, "vault.latchkey")
	if err := os.WriteFile(vaultPath, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link")
	if err := os.Symlink(dir, link); err != nil {
		t.Fatal(err)
	}
	want, err := SocketPath("/run/user/1000", vaultPath)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(want, "/run/user/1000/latchkey/agent-") || !strings.HasSuffix(want, ".sock") {
		t.Errorf("got %s, want /run/user/1000/latchkey/agent-HASH.sock", want)
	}
	// The same file by another name meets the same agent.
	t.Chdir(dir)
	for _, p := range []string{"vault.latchkey", "./sub/../vault.latchkey", filepath.Join(link, "vault.latchkey")} {
		if got, err := SocketPath("/run/user/1000", p); err != nil || got != want {
			t.Errorf("vault %q: got %s (%v), want %s", p, got, err, want)
		}
	}
	other, _ := SocketPath("/run/user/1000", filepath.Join(dir, "other.latchkey"))
	if other == want || other == "" {
		t.Errorf("another vault: got %s, want a socket of its own", other)
	}
	for _, rt := range []string{"", "relative/dir"} {
		if _, err := SocketPath(rt, vaultPath); !errors.Is(err, ErrNoAgent) {
			t.Errorf("XDG_RUNTIME_DIR %q: got %v, want ErrNoAgent", rt, err)
		}
	}
}

// frame is a length prefix and a body, as a client sends them.
func frame(body string) []byte {
	b := binary.BigEndian.AppendUint32(nil, uint32(len(body)))
	return append(b, body...)
}

func TestReadFrameIsStrict(t *testing.T) {
	for name, in := range map[string][]byte{
		"unknown field":    frame(`{"op":"list","secret":"x"}`),
		"trailing data":    frame(`{"op":"list"} {}`),
		"not JSON":         frame("list\n"),
		"empty":            frame(""),
		"too long":         frame(`{"op":"code","id":"` + strings.Repeat("a", MaxRequest) + `"}`),
		"huge length":      {0xff, 0xff, 0xff, 0xff, '{'},
		"duplicate object": frame(`{"op":"list"}{"op":"list"}`),
	} {
		var q request
		if err := readFrame(bytes.NewReader(in), &q, MaxRequest); !errors.Is(err, errFrame) {
			t.Errorf("%s: got %v, want errFrame", name, err)
		}
	}
	for name, q := range map[string]request{
		"unknown op":      {Op: "secret"},
		"code without id": {Op: opCode},
		"list with id":    {Op: opList, ID: "x"},
	} {
		if q.valid() {
			t.Errorf("%s: valid, want refused", name)
		}
	}
	var q request
	if err := readFrame(bytes.NewReader(frame(`{"op":"code","id":"abc"}`)), &q, MaxRequest); err != nil || q != (request{Op: opCode, ID: "abc"}) || !q.valid() {
		t.Errorf("a good request: got %+v, %v", q, err)
	}
}

func FuzzReadFrame(f *testing.F) {
	f.Add(frame(`{"op":"list"}`))
	f.Add(frame(`{"op":"code","id":"0123"}`))
	f.Add([]byte{0, 0, 0, 1})
	f.Fuzz(func(t *testing.T, in []byte) {
		var q request
		if err := readFrame(bytes.NewReader(in), &q, MaxRequest); err != nil {
			return
		}
		// What decodes, encodes back to a message that decodes the same.
		var buf bytes.Buffer
		if err := writeFrame(&buf, q, MaxRequest); err != nil {
			return // fits decoded, not encoded: an escaped id grew
		}
		var again request
		if err := readFrame(&buf, &again, MaxRequest); err != nil || again != q {
			t.Fatalf("round trip: got %+v, %v; want %+v", again, err, q)
		}
	})
}

// The agent answers scripts without Fyne, and the command line does not
// pull in the window through it.
func TestDependencies(t *testing.T) {
	for _, p := range deptest.Deps(t, "latchkey/agent") {
		if strings.HasPrefix(p, "fyne.io/") || p == "latchkey/ui" || p == "latchkey/cli" {
			t.Errorf("agent depends on %s, want neither Fyne nor a front end", p)
		}
	}
}

// Windows and other systems have no agent but must build: the window and
// the command line call it everywhere. Windows needs nothing of the vault
// for the stub; macOS has the real agent.
func TestBuildsForWindowsAndMacOS(t *testing.T) {
	for _, goos := range []string{"windows", "darwin", "freebsd"} {
		cmd := exec.Command("go", "vet", "latchkey/agent")
		cmd.Env = append(os.Environ(), "GOOS="+goos, "GOARCH=amd64", "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("go vet for %s: %v\n%s", goos, err, out)
		}
	}
}

// An answer the client cannot read as "not done" counts as no answer: for
// HOTP the window may have spent a counter. A refused request does not.
func TestUnknownAnswerIsNoAnswer(t *testing.T) {
	if err := errKind("from-a-newer-window").err(); !errors.Is(err, ErrNoAnswer) {
		t.Errorf("an unknown error kind: got %v, want ErrNoAnswer", err)
	}
	if err := kindBadRequest.err(); errors.Is(err, ErrNoAnswer) || !errors.Is(err, ErrNoAgent) {
		t.Errorf("a refused request: got %v, want ErrNoAgent and not ErrNoAnswer", err)
	}
}
