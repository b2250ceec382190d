package qrimport

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"latchkey/otp"
)

// Export links published by other projects' test suites (GNOME
// Authenticator's Discord vector and a widely copied example), with the
// fields decoded by hand from their bytes.
var publicExports = []struct {
	uri  string
	want otp.Key
}{
	{
		// A literal '/' and a percent-encoded '+' and '=' in the data.
		"otpauth-migration://offline?data=CjYKEExyJfPiZeroMa/MdF%2BnkTISE2pvaG5kb2VAZXhhbXBsZS5jb20aB0Rpc2NvcmQgASgBMAIQARgBIAA%3D",
		otp.Key{Type: otp.TOTP, Issuer: "Discord", Name: "johndoe@example.com",
			Secret: mustHex("4c7225f3e265eae831afcc745fa79132"), Algorithm: otp.SHA1, Digits: 6, Period: 30},
	},
	{
		// Version 2 of the payload.
		"otpauth-migration://offline?data=CjQKFKuOm4V945mpzWoDXUoJMyfferkVEg5qZG9lQGdtYWlsLmNvbRoGQW1hem9uIAEoATACEAIYASAA",
		otp.Key{Type: otp.TOTP, Issuer: "Amazon", Name: "jdoe@gmail.com",
			Secret: mustHex("ab8e9b857de399a9cd6a035d4a093327df7ab915"), Algorithm: otp.SHA1, Digits: 6, Period: 30},
	},
}

func mustB64(s string) []byte {
	b, err := base64.RawStdEncoding.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}

func mustHex(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}

func TestPublicExports(t *testing.T) {
	for _, tc := range publicExports {
		r, err := ReadText(tc.uri)
		if err != nil {
			t.Fatalf("ReadText: %v", err)
		}
		if len(r.Problems) != 0 || len(r.Keys) != 1 {
			t.Fatalf("got %d keys and problems %v, want 1 key", len(r.Keys), r.Problems)
		}
		if !r.Keys[0].Equal(tc.want) {
			t.Errorf("got %+v, want %+v", r.Keys[0], tc.want)
		}
	}
}

// payload builds an export payload byte by byte, independently of
// marshalMigration: hex fields with their tags spelled out.
func payload(accounts []string, tail string) []byte {
	var b []byte
	for _, a := range accounts {
		acc := mustHex(a)
		b = append(b, 0x0a, byte(len(acc)))
		b = append(b, acc...)
	}
	return append(b, mustHex(tail)...)
}

const (
	// secret "12345678901234567890", name "alice", issuer "ACME", SHA1,
	// 6 digits, TOTP.
	accAlice = "0a14" + "3132333435363738393031323334353637383930" + "1205616c696365" + "1a0441434d45" + "2001" + "2801" + "3002"
	// secret 0x01..0x0a, name "Bank:bob" with no issuer, SHA256, 8 digits,
	// HOTP with counter 300.
	accBob = "0a0a" + "0102030405060708090a" + "1208" + "42616e6b3a626f62" + "2002" + "2802" + "3001" + "38ac02"
	// As accAlice but MD5.
	accMD5 = "0a14" + "3132333435363738393031323334353637383930" + "12036d6435" + "2004" + "2801" + "3002"
	// version 1, batch size 3, index 1, batch id -2 (a 10-byte varint).
	tailNeg = "1001" + "1803" + "2001" + "28feffffffffffffffff01"
)

func TestParseMigrationPayload(t *testing.T) {
	m, err := parseMigrationPayload(payload([]string{accAlice, accBob, accMD5}, tailNeg))
	if err != nil {
		t.Fatal(err)
	}
	if m.version != 1 || m.batchSize != 3 || m.batchIndex != 1 || m.batchID != -2 {
		t.Errorf("got version %d size %d index %d id %d, want 1 3 1 -2", m.version, m.batchSize, m.batchIndex, m.batchID)
	}
	if len(m.accounts) != 3 {
		t.Fatalf("got %d accounts, want 3", len(m.accounts))
	}
	alice := otp.Key{Type: otp.TOTP, Issuer: "ACME", Name: "alice", Secret: []byte("12345678901234567890"), Algorithm: otp.SHA1, Digits: 6, Period: 30}
	if a := m.accounts[0]; a.err != nil || !a.key.Equal(alice) {
		t.Errorf("got %+v (%v), want %+v", a.key, a.err, alice)
	}
	bob := otp.Key{Type: otp.HOTP, Issuer: "Bank", Name: "bob", Secret: mustHex("0102030405060708090a"), Algorithm: otp.SHA256, Digits: 8, Counter: 300}
	if a := m.accounts[1]; a.err != nil || !a.key.Equal(bob) {
		t.Errorf("got %+v (%v), want %+v", a.key, a.err, bob)
	}
	if a := m.accounts[2]; !errors.Is(a.err, ErrMD5) {
		t.Errorf("MD5 account: got error %v, want ErrMD5", a.err)
	} else if !strings.Contains(a.err.Error(), `"md5"`) {
		t.Errorf("MD5 error %q does not name the account", a.err)
	}
}

func TestMigrationRefusesDamage(t *testing.T) {
	good := payload([]string{accAlice}, "1001")
	for name, b := range map[string][]byte{
		"truncated account":   good[:10],
		"account as varint":   mustHex("0801"),
		"batch size as bytes": append(payload([]string{accAlice}, ""), mustHex("1a0101")...),
		"no accounts":         mustHex("10011801"),
		"index past size":     payload([]string{accAlice}, "18022002"),
		"negative size":       payload([]string{accAlice}, "18ffffffffffffffffff01"),
		"name not UTF-8":      payload([]string{"0a01011202ffff"}, ""),
		"field number zero":   append(payload([]string{accAlice}, ""), 0x00, 0x01),
		"huge batch":          payload([]string{accAlice}, "18e907"+"20e807"),
		// Copied around the web as an example export: the name's length
		// byte says 20 where "Example:alice@gmail.com" has 23.
		"published but damaged": mustB64("CjkKCkhlbGxvId6tvu8SFEV4YW1wbGU6YWxpY2VAZ21haWwuY29tGgdFeGFtcGxlIAEoATACEAEYASAA"),
	} {
		if _, err := parseMigrationPayload(b); err == nil {
			t.Errorf("%s: got no error, want one", name)
		} else if !errors.As(err, new(*MigrationError)) {
			t.Errorf("%s: got %T, want *MigrationError", name, err)
		}
	}
}

// plusSlashPayload is an export of one account whose base64 holds '+', '/'
// and '=' padding, built by hand: the secret (a hash of a counter) and the
// name's suffix are searched for, deterministically, until the encoding
// has all three.
func plusSlashPayload(t *testing.T) (raw []byte, want otp.Key) {
	t.Helper()
	for i := 0; i < 10000; i++ {
		sum := sha256.Sum256([]byte(strconv.Itoa(i)))
		secret := sum[:20]
		name := "alice" + strconv.Itoa(i)
		acc := "0a" + fmt.Sprintf("%02x", len(secret)) + hex.EncodeToString(secret) +
			"12" + fmt.Sprintf("%02x", len(name)) + hex.EncodeToString([]byte(name)) +
			"1a0441434d45" + "2001" + "2801" + "3002"
		raw = payload([]string{acc}, "1001")
		b64 := base64.StdEncoding.EncodeToString(raw)
		if strings.Contains(b64, "+") && strings.Contains(b64, "/") && strings.HasSuffix(b64, "=") {
			return raw, otp.Key{Type: otp.TOTP, Issuer: "ACME", Name: name, Secret: secret, Algorithm: otp.SHA1, Digits: 6, Period: 30}
		}
	}
	t.Fatal("no name among 10000 gives a base64 payload with '+', '/' and '='")
	return nil, otp.Key{}
}

func TestMigrationURIPlusAndPadding(t *testing.T) {
	raw, want := plusSlashPayload(t)
	b64 := base64.StdEncoding.EncodeToString(raw)
	// A '+' that some tool left unescaped, or that a paste already turned
	// into a space, must still decode; so must a '/' left as it is and
	// dropped padding.
	for name, data := range map[string]string{
		"escaped":               url.QueryEscape(b64),
		"plus and slash as-is":  b64,
		"plus as space":         strings.ReplaceAll(b64, "+", " "),
		"plus as %20":           strings.ReplaceAll(b64, "+", "%20"),
		"slash escaped only":    strings.ReplaceAll(b64, "/", "%2F"),
		"no padding":            strings.TrimRight(b64, "="),
		"space and no padding":  strings.TrimRight(strings.ReplaceAll(b64, "+", " "), "="),
		"padding escaped, plus": strings.ReplaceAll(b64, "=", "%3D"),
	} {
		m, err := parseMigrationURI("otpauth-migration://offline?data=" + data)
		if err != nil {
			t.Errorf("%s (data %q): %v", name, data, err)
			continue
		}
		if m.version != 1 || len(m.accounts) != 1 || m.accounts[0].err != nil || !m.accounts[0].key.Equal(want) {
			t.Errorf("%s (data %q): got version %d and %+v, want version 1 and %+v", name, data, m.version, m.accounts, want)
		}
	}
	for _, bad := range []string{
		"otpauth-migration://online?data=" + b64,
		"otpauth-migration://offline?x=1",
		"otpauth-migration://offline?data=%%%",
		"otpauth-migration://offline?data=****",
		"otpauth-migration://offline?data=" + b64 + "&data=" + b64,
	} {
		if _, err := parseMigrationURI(bad); err == nil {
			t.Errorf("%q: got no error, want one", bad)
		} else if strings.Contains(err.Error(), b64[:12]) {
			t.Errorf("%q: error %q quotes the payload", bad, err)
		}
	}
}

func TestMarshalMigrationBatchID(t *testing.T) {
	b := marshalMigration(migration{version: 1, batchSize: 1, batchID: -2,
		accounts: []account{{key: otp.Key{Type: otp.TOTP, Name: "a", Secret: []byte{1}, Algorithm: otp.SHA1, Digits: 6, Period: 30}}}})
	// A negative int32 is written sign-extended, as protobuf does: ten bytes.
	if tail := hex.EncodeToString(b[len(b)-11:]); tail != "28feffffffffffffffff01" {
		t.Errorf("got batch id field %s, want 28feffffffffffffffff01", tail)
	}
}

func testKeys() []otp.Key {
	var keys []otp.Key
	for i := 0; i < 23; i++ {
		k := otp.Key{Type: otp.TOTP, Issuer: "Issuer " + string(rune('A'+i)), Name: "user" + string(rune('a'+i)) + "@example.com",
			Secret: []byte(strings.Repeat(string(rune('a'+i)), 20)), Algorithm: otp.SHA1, Digits: 6, Period: 30}
		switch i % 4 {
		case 1:
			k.Digits = 8
		case 2:
			k.Type, k.Period, k.Counter = otp.HOTP, 0, uint64(i*1000)
		case 3:
			k.Issuer = ""
		}
		keys = append(keys, k)
	}
	return keys
}

func TestMigrationRoundTrip(t *testing.T) {
	keys := testKeys()
	odd := []otp.Key{
		{Type: otp.TOTP, Name: "sha256", Secret: []byte("x"), Algorithm: otp.SHA256, Digits: 6, Period: 30},
		{Type: otp.TOTP, Name: "sixty", Secret: []byte("x"), Algorithm: otp.SHA1, Digits: 6, Period: 60},
		{Type: otp.TOTP, Name: "seven", Secret: []byte("x"), Algorithm: otp.SHA1, Digits: 7, Period: 30},
		{Type: otp.Steam, Issuer: "Steam", Name: "gaben", Secret: []byte("x"), Algorithm: otp.SHA1, Digits: 5, Period: 30},
		{Type: otp.TOTP, Name: "a:b", Secret: []byte("x"), Algorithm: otp.SHA1, Digits: 6, Period: 30},
	}
	all := append(append([]otp.Key{}, keys[:5]...), odd...)
	all = append(all, keys[5:]...)
	uris, skipped, err := MigrationURIs(all)
	if err != nil {
		t.Fatal(err)
	}
	if len(uris) != 3 {
		t.Errorf("got %d codes for %d accounts, want 3", len(uris), len(keys))
	}
	if len(skipped) != len(odd) {
		t.Errorf("got %d skipped, want %d", len(skipped), len(odd))
	}
	for i := range skipped {
		if !skipped[i].Equal(odd[i]) {
			t.Errorf("skipped[%d] = %q, want %q", i, skipped[i].Label(), odd[i].Label())
		}
	}
	r, err := ReadText(strings.Join(uris, "\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Problems) != 0 {
		t.Errorf("got problems %v, want none", r.Problems)
	}
	if len(r.Keys) != len(keys) {
		t.Fatalf("got %d keys back, want %d", len(r.Keys), len(keys))
	}
	for i := range keys {
		if !r.Keys[i].Equal(keys[i]) {
			t.Errorf("key %d: got %+v, want %+v", i, r.Keys[i], keys[i])
		}
	}
}

func TestBatchMissingParts(t *testing.T) {
	keys := testKeys()[:4]
	var uris []string
	// Four codes of one batch, built by hand so the parts are known.
	for i := 0; i < 4; i++ {
		uris = append(uris, migrationURI(migration{version: 1, batchSize: 4, batchIndex: int32(i), batchID: 123,
			accounts: []account{{key: keys[i]}}}))
	}
	r, err := ReadText(uris[0] + "\n" + uris[3])
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Keys) != 2 {
		t.Errorf("got %d keys, want the 2 of the parts present", len(r.Keys))
	}
	if len(r.Problems) != 1 {
		t.Fatalf("got problems %v, want one", r.Problems)
	}
	want := "Google Authenticator export batch 123: parts 2 and 3 of 4 are missing"
	if got := r.Problems[0].Error(); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	var be *BatchError
	if !errors.As(r.Problems[0], &be) || !errors.Is(r.Problems[0], ErrIncompleteBatch) {
		t.Errorf("got %T, want a *BatchError wrapping ErrIncompleteBatch", r.Problems[0])
	}

	// The missing parts arrive from another screenshot: the Collector
	// checks the batch as a whole.
	var c Collector
	for _, u := range []string{uris[2], uris[0], uris[3], uris[1], uris[0]} {
		if err := c.AddText(u); err != nil {
			t.Fatal(err)
		}
	}
	r = c.Result()
	if len(r.Problems) != 0 || len(r.Keys) != 4 {
		t.Errorf("got %d keys and problems %v, want 4 keys and no problem", len(r.Keys), r.Problems)
	}
}

func FuzzParseMigrationPayload(f *testing.F) {
	f.Add(payload([]string{accAlice, accBob, accMD5}, tailNeg))
	f.Add(payload([]string{accAlice}, "1001"))
	for _, e := range publicExports {
		u, _ := url.Parse(e.uri)
		b, _ := base64.StdEncoding.DecodeString(u.Query().Get("data"))
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := parseMigrationPayload(b)
		if err != nil {
			return
		}
		// What parses, written again, reads back to the same accounts.
		var keep []account
		for _, a := range m.accounts {
			if a.err == nil && exportable(a.key) {
				keep = append(keep, a)
			}
		}
		if len(keep) == 0 {
			return
		}
		m.accounts = keep
		again, err := parseMigrationPayload(marshalMigration(m))
		if err != nil {
			t.Fatalf("re-parse: %v", err)
		}
		for i := range keep {
			if !again.accounts[i].key.Equal(keep[i].key) {
				t.Fatalf("account %d: got %+v, want %+v", i, again.accounts[i].key, keep[i].key)
			}
		}
	})
}

func FuzzParseMigrationURI(f *testing.F) {
	for _, e := range publicExports {
		f.Add(e.uri)
	}
	f.Add("otpauth-migration://offline?data=")
	f.Fuzz(func(t *testing.T, s string) {
		m, err := parseMigrationURI(s)
		if err == nil && len(m.accounts) == 0 {
			t.Fatal("parsed an export with no accounts")
		}
	})
}
