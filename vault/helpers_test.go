package vault

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"latchkey/otp"
)

// cheapParams make the password KDF take well under a millisecond, so tests
// can open vaults thousands of times. Only in-package tests can reach them.
var cheapParams = Params{Memory: 64, Time: 1, Threads: 1}

var testLimits = limits{floor: Params{Memory: 8, Time: 1, Threads: 1}, ceiling: Params{Memory: 1024, Time: 4, Threads: 4}}

func testOptions() options {
	o := defaultOptions()
	o.limits = testLimits
	o.params = &cheapParams
	o.unlockTarget = 0
	o.stateDir = "" // tests that keep a local copy set their own
	return o
}

var testPassword = []byte("correct horse battery staple")

// rfcKey is RFC 6238's SHA1 test key: at Unix time 59 its 8-digit code is
// 94287082 (RFC 6238 appendix B).
func rfcKey() otp.Key {
	return otp.Key{Type: otp.TOTP, Issuer: "Example", Name: "alice@example.com",
		Secret: []byte("12345678901234567890"), Algorithm: otp.SHA1, Digits: 8, Period: 30}
}

func hotpKey() otp.Key {
	return otp.Key{Type: otp.HOTP, Issuer: "Bank", Name: "bob",
		Secret: []byte("12345678901234567890"), Algorithm: otp.SHA1, Digits: 6}
}

// newTestVault creates a vault with cheap parameters in a fresh folder.
func newTestVault(t testing.TB) (*Vault, string, []string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "v", "vault.latchkey")
	v, codes, err := create(path, testPassword, testOptions())
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	t.Cleanup(func() { v.Close() })
	return v, path, codes
}

// newSavedVault is newTestVault holding one account (the RFC key), saved.
func newSavedVault(t testing.TB) (*Vault, string, []string) {
	t.Helper()
	v, path, codes := newTestVault(t)
	mustAdd(t, v, Account{Key: rfcKey()})
	mustSave(t, v)
	return v, path, codes
}

// openCode opens the vault at path with a backup code, or fails t.
func openCode(t testing.TB, path, code string) *Vault {
	t.Helper()
	v, err := openWithBackupCode(path, code, testOptions())
	if err != nil {
		t.Fatalf("open with a code: %v", err)
	}
	return v
}

func mustAdd(t testing.TB, v *Vault, accounts ...Account) []Account {
	t.Helper()
	added, err := v.Add(accounts...)
	if err != nil {
		t.Fatalf("Add: %v", err)
	}
	return added
}

func mustSave(t testing.TB, v *Vault) {
	t.Helper()
	if err := v.Save(); err != nil {
		t.Fatalf("Save: %v", err)
	}
}

func mustRead(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func wantErr(t testing.TB, what string, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("%s: got error %v, want %v", what, err, want)
	}
}

var t59 = time.Unix(59, 0)
