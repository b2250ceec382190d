package interop

import (
	"bufio"
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"latchkey/otp"
)

// fixtureDir holds real export files of other apps (see its README.md), all
// with the accounts of plain.txt. It lives beside the repository, not in it.
func fixtureDir(t testing.TB) string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	dir := filepath.Join(filepath.Dir(file), "..", "..", "shared", "fixtures", "aegis-importers")
	if _, err := os.Stat(filepath.Join(dir, "plain.txt")); err != nil {
		t.Skipf("fixtures of other apps' exports not found at %s (they live in ../shared beside the repository): %v", dir, err)
	}
	return dir
}

// plainKeys reads plain.txt with otp.ParseURI: the accounts every fixture holds.
func plainKeys(t *testing.T, dir string) []otp.Key {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "plain.txt"))
	if err != nil {
		t.Fatal(err)
	}
	var keys []otp.Key
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		k, err := otp.ParseURI(sc.Text())
		if err != nil {
			t.Fatalf("plain.txt: %v", err)
		}
		keys = append(keys, k)
	}
	if len(keys) != 7 {
		t.Fatalf("plain.txt holds %d keys, want 7", len(keys))
	}
	return keys
}

func password(s string) func() ([]byte, error) {
	return func() ([]byte, error) { return []byte(s), nil }
}

func TestFixtures(t *testing.T) {
	dir := fixtureDir(t)
	want := plainKeys(t, dir)
	// Known differences, from the fixtures' README.
	steamIssuer := func(k *otp.Key) {
		if k.Type == otp.Steam {
			k.Issuer = "Steam"
		}
	}
	counterOneLower := func(k *otp.Key) {
		if k.Type == otp.HOTP {
			k.Counter--
		}
	}
	tests := []struct {
		file     string
		format   Format
		password string
		count    int              // entries expected; fewer than 7 where the app lacks a kind
		adjust   func(k *otp.Key) // turns a plain.txt key into what the file holds
		byKey    bool             // names differ by design: compare the key only
	}{
		{file: "aegis_plain.json", format: Aegis, count: 7},
		{file: "aegis_encrypted.json", format: AegisEncrypted, password: "test", count: 7},
		{file: "2fas_authenticator_plain_v3.2fas", format: TwoFAS, count: 6},
		{file: "2fas_authenticator_plain_v4.2fas", format: TwoFAS, count: 5},
		{file: "2fas_authenticator_encrypted_v3.2fas", format: TwoFASEncrypted, password: "test", count: 6},
		{file: "2fas_authenticator_encrypted_v4.2fas", format: TwoFASEncrypted, password: "test", count: 5},
		{file: "andotp_plain.json", format: AndOTP, count: 7},
		{file: "andotp_encrypted.bin", format: AndOTPEncrypted, password: "test", count: 7},
		{file: "bitwarden.json", format: Bitwarden, count: 4, adjust: steamIssuer, byKey: true},
		{file: "bitwarden.csv", format: BitwardenCSV, count: 4, adjust: steamIssuer, byKey: true},
		{file: "ente_auth.txt", format: EnteText, count: 7},
		{file: "freeotp_plus.json", format: FreeOTPPlus, count: 6, adjust: counterOneLower},
		{file: "proton_authenticator.json", format: ProtonAuthenticator, count: 3},
		{file: "steam.json", format: SteamGuard, count: 1, adjust: steamIssuer},
		{file: "stratum_plain.json", format: Stratum, count: 7},
		{file: "stratum_encrypted.bin", format: StratumEncrypted, password: "test", count: 7},
		{file: "stratum_encrypted_legacy.bin", format: StratumLegacy, password: "test", count: 7},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(dir, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			f, enc, err := Detect(data)
			if err != nil || f != tt.format || enc != (tt.password != "") {
				t.Fatalf("Detect = %v, %v, %v; want %v, %v, nil", f, enc, err, tt.format, tt.password != "")
			}
			asked := 0
			res, err := Read(data, func() ([]byte, error) { asked++; return []byte(tt.password), nil })
			if err != nil {
				t.Fatalf("Read: %v", err)
			}
			if wantAsked := map[bool]int{true: 1, false: 0}[tt.password != ""]; asked != wantAsked {
				t.Errorf("password asked %d times, want %d", asked, wantAsked)
			}
			if res.Format != tt.format {
				t.Errorf("Format = %v, want %v", res.Format, tt.format)
			}
			if len(res.Skipped) != 0 {
				t.Errorf("skipped %v, want none", res.Skipped)
			}
			if len(res.Entries) != tt.count {
				t.Errorf("got %d entries, want %d", len(res.Entries), tt.count)
			}
			for _, e := range res.Entries {
				w, ok := findBySecret(want, e.Key.Secret)
				if !ok {
					t.Errorf("%s: secret not in plain.txt", e.Key.Label())
					continue
				}
				if tt.adjust != nil {
					tt.adjust(&w)
				}
				if tt.byKey {
					if !e.Key.SameSecret(w) || e.Key.Counter != w.Counter {
						t.Errorf("got key %s, want %s", describe(e.Key), describe(w))
					}
					continue
				}
				if !e.Key.Equal(w) {
					t.Errorf("got key %s, want %s", describe(e.Key), describe(w))
				}
			}
		})
	}
}

func findBySecret(keys []otp.Key, secret []byte) (otp.Key, bool) {
	for _, k := range keys {
		if bytes.Equal(k.Secret, secret) {
			return k, true
		}
	}
	return otp.Key{}, false
}

// describe shows a key without its secret, for test failures.
func describe(k otp.Key) string {
	c := k
	c.Secret = nil
	return c.URI()
}

func TestFixturesWrongPassword(t *testing.T) {
	dir := fixtureDir(t)
	for _, file := range []string{
		"aegis_encrypted.json", "2fas_authenticator_encrypted_v4.2fas", "andotp_encrypted.bin",
		"stratum_encrypted.bin", "stratum_encrypted_legacy.bin",
	} {
		t.Run(file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(dir, file))
			if err != nil {
				t.Fatal(err)
			}
			_, err = Read(data, password("tset"))
			if !errors.Is(err, ErrWrongPassword) {
				t.Errorf("got error %v, want ErrWrongPassword", err)
			}
			_, err = Read(data, nil)
			if !errors.Is(err, ErrPasswordRequired) {
				t.Errorf("without a password: got error %v, want ErrPasswordRequired", err)
			}
		})
	}
}
