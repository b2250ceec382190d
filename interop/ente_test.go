package interop

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"os"
	"testing"
	"time"

	"golang.org/x/crypto/poly1305"

	"latchkey/otp"
)

// streamPush is the encrypting half of libsodium's secretstream, for
// building test files; secretstream.json (made by libsodium) checks it.
func (s *streamState) push(m []byte, tag byte) []byte {
	var block [64]byte
	block[0] = tag
	s.keyStream(1).XORKeyStream(block[:], block[:])
	out := make([]byte, 1+len(m)+poly1305.TagSize)
	out[0] = block[0]
	s.keyStream(2).XORKeyStream(out[1:1+len(m)], m)
	mac := s.mac(&block, out[1:1+len(m)])
	copy(out[1+len(m):], mac[:])
	s.advance(mac, tag)
	return out
}

type streamVectors struct {
	Key      []byte `json:"key"`
	Header   []byte `json:"header"`
	Messages []struct {
		Plain  []byte `json:"plain"`
		Tag    byte   `json:"tag"`
		Cipher []byte `json:"cipher"`
	} `json:"messages"`
}

func loadStreamVectors(t *testing.T) streamVectors {
	t.Helper()
	data, err := os.ReadFile("testdata/secretstream.json")
	if err != nil {
		t.Fatal(err)
	}
	var v streamVectors
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	if len(v.Messages) < 5 {
		t.Fatalf("got %d vectors, want at least 5", len(v.Messages))
	}
	return v
}

// TestSecretstreamLibsodium decrypts a stream libsodium wrote, with every
// tag and a rekey, and checks the test writer gives libsodium's bytes.
func TestSecretstreamLibsodium(t *testing.T) {
	v := loadStreamVectors(t)
	pull, err := newStreamPull(v.Key, v.Header)
	if err != nil {
		t.Fatal(err)
	}
	push, _ := newStreamPull(v.Key, v.Header) // same state machine both ways
	for i, m := range v.Messages {
		got, tag, err := pull.pull(m.Cipher)
		if err != nil {
			t.Fatalf("message %d: %v", i, err)
		}
		if !bytes.Equal(got, m.Plain) || tag != m.Tag {
			t.Errorf("message %d: got %q tag %d, want %q tag %d", i, got, tag, m.Plain, m.Tag)
		}
		if c := push.push(m.Plain, m.Tag); !bytes.Equal(c, m.Cipher) {
			t.Errorf("message %d: test writer got %x, want libsodium's %x", i, c, m.Cipher)
		}
	}
}

func TestSecretstreamRejects(t *testing.T) {
	v := loadStreamVectors(t)
	first := v.Messages[0].Cipher
	for name, mutate := range map[string]func([]byte) []byte{
		"flipped tag byte":    func(b []byte) []byte { b[0] ^= 1; return b },
		"flipped ciphertext":  func(b []byte) []byte { b[2] ^= 0x80; return b },
		"flipped MAC":         func(b []byte) []byte { b[len(b)-1] ^= 1; return b },
		"truncated":           func(b []byte) []byte { return b[:len(b)-1] },
		"shorter than ABYTES": func(b []byte) []byte { return b[:streamABytes-1] },
		"empty":               func(b []byte) []byte { return nil },
	} {
		pull, err := newStreamPull(v.Key, v.Header)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := pull.pull(mutate(bytes.Clone(first))); err == nil {
			t.Errorf("%s: got no error, want an authentication failure", name)
		}
	}
	// Out of order: the second message cannot open first.
	pull, _ := newStreamPull(v.Key, v.Header)
	if _, _, err := pull.pull(v.Messages[2].Cipher); err == nil {
		t.Error("message 3 opened as the first: got no error, want one")
	}
}

// enteAccounts are the accounts gen_ente.py encrypted, as literal URIs.
var enteAccounts = []struct {
	uri    string
	pinned bool
	tags   []string
	note   string
}{
	{"otpauth://totp/Example:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Example", true, []string{"Work"}, ""},
	{"otpauth://totp/Forge:bob?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&algorithm=SHA256&digits=8&period=60", false, []string{"Work", "Code"}, "recovery codes in the safe"},
	{"otpauth://hotp/Bank:carol?secret=MFRGGZDFMZTWQ2LK&algorithm=SHA512&digits=7&counter=42", false, nil, ""},
	{"steam://ONSWG4TFOQYTEMZU", false, nil, ""},
}

func TestEnteEncryptedLibsodium(t *testing.T) {
	data, err := os.ReadFile("testdata/ente_encrypted.json")
	if err != nil {
		t.Fatal(err)
	}
	res, err := Read(data, password("test"))
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	if res.Format != EnteEncrypted {
		t.Errorf("got format %v, want %v", res.Format, EnteEncrypted)
	}
	if len(res.Entries) != len(enteAccounts) {
		t.Fatalf("got %d entries, want %d", len(res.Entries), len(enteAccounts))
	}
	for i, w := range enteAccounts {
		k, err := otp.ParseURI(w.uri)
		if err != nil {
			t.Fatal(err)
		}
		if k.Type == otp.Steam {
			k.Name = "dave"
		}
		e := res.Entries[i]
		if !e.Key.Equal(k) {
			t.Errorf("entry %d: got %s, want %s", i, describe(e.Key), describe(k))
		}
		if e.Pinned != w.pinned || e.Note != w.note || !equalStrings(e.Tags, w.tags) {
			t.Errorf("entry %d: got pinned %v tags %q note %q, want %v %q %q", i, e.Pinned, e.Tags, e.Note, w.pinned, w.tags, w.note)
		}
	}
	if len(res.Skipped) != 1 || res.Skipped[0].Label != "Old: erin" {
		t.Errorf("got skipped %v, want the trashed Old: erin", res.Skipped)
	}
	if _, err := Read(data, password("Test")); !errors.Is(err, ErrWrongPassword) {
		t.Errorf("wrong password: got %v, want ErrWrongPassword", err)
	}
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// buildEnte writes an Ente encrypted export with the given KDF limits, the
// way Ente does, with the test writer.
func buildEnte(t testing.TB, pw, plain []byte, mem, ops int64) []byte {
	t.Helper()
	salt := make([]byte, 16)
	header := make([]byte, streamHeaderSize)
	rand.Read(salt)
	rand.Read(header)
	key, err := deriveArgon2id(pw, salt, mem, ops)
	if err != nil {
		t.Fatal(err)
	}
	s, err := newStreamPull(key, header)
	if err != nil {
		t.Fatal(err)
	}
	return enteJSON(mem, ops, salt, header, s.push(plain, streamTagFinal))
}

func enteJSON(mem, ops int64, salt, header, ct []byte) []byte {
	f := map[string]any{
		"version":         1,
		"kdfParams":       map[string]any{"memLimit": mem, "opsLimit": ops, "salt": base64.StdEncoding.EncodeToString(salt)},
		"encryptedData":   base64.StdEncoding.EncodeToString(ct),
		"encryptionNonce": base64.StdEncoding.EncodeToString(header),
	}
	b, _ := json.Marshal(f)
	return b
}

func TestEnteEncryptedHostile(t *testing.T) {
	pw := []byte("test")
	good := buildEnte(t, pw, []byte("otpauth://totp/A:b?secret=JBSWY3DPEHPK3PXP\n"), 64<<10, 1)
	if res, err := Read(good, password("test")); err != nil || len(res.Entries) != 1 {
		t.Fatalf("round trip: got %d entries, %v; want 1, nil", len(res.Entries), err)
	}
	salt := make([]byte, 16)
	header := make([]byte, streamHeaderSize)
	for _, tt := range []struct {
		name string
		file []byte
		want error
	}{
		{"memory 64 GiB", enteJSON(64<<30, 1, salt, header, make([]byte, 40)), errKDFLimit},
		{"memory 1 GiB, 1000 passes", enteJSON(1<<30, 1000, salt, header, make([]byte, 40)), errKDFLimit},
		{"negative memory", enteJSON(-1, 1, salt, header, make([]byte, 40)), errKDFLimit},
		{"zero passes", enteJSON(64<<10, 0, salt, header, make([]byte, 40)), errKDFLimit},
		{"short salt", enteJSON(64<<10, 1, salt[:8], header, make([]byte, 40)), ErrUnsupported},
		{"short nonce", enteJSON(64<<10, 1, salt, header[:12], make([]byte, 40)), nil},
		{"forged data", enteJSON(64<<10, 1, salt, header, make([]byte, 40)), ErrWrongPassword},
		{"empty data", enteJSON(64<<10, 1, salt, header, nil), ErrWrongPassword},
		{"version 2", bytes.Replace(good, []byte(`"version":1`), []byte(`"version":2`), 1), ErrUnsupported},
	} {
		start := time.Now()
		_, err := Read(tt.file, password("test"))
		if err == nil {
			t.Errorf("%s: got no error, want one", tt.name)
			continue
		}
		if tt.want != nil && !errors.Is(err, tt.want) {
			t.Errorf("%s: got %v, want %v", tt.name, err, tt.want)
		}
		_ = start
	}
}
