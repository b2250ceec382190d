package interop

import (
	"bufio"
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"latchkey/internal/testtool"
	"latchkey/otp"
)

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
	dir := testtool.Fixtures(t)
	want := plainKeys(t, dir)
	// Known differences, from the fixtures' README. Steam's own file and
	// Bitwarden's steam:// field carry no issuer: both become "Steam";
	// a steam:// field has no account name either, so Bitwarden's entry
	// is named after its item.
	steamAs := func(name string) func(k *otp.Key) {
		return func(k *otp.Key) {
			if k.Type == otp.Steam {
				k.Issuer = "Steam"
				if name != "" {
					k.Name = name
				}
			}
		}
	}
	counterOneLower := func(k *otp.Key) {
		if k.Type == otp.HOTP {
			k.Counter--
		}
	}
	// plain.txt's accounts by label, for the ones a file lacks.
	const (
		deno, spdx, airbnb = "Deno: Mason", "SPDX: James", "Airbnb: Elijah"
		issuu, airCanada   = "Issuu: James", "Air Canada: Benjamin"
		wwe, boeing        = "WWE: Mason", "Boeing: Sophia"
	)
	hotps := []string{issuu, airCanada, wwe}
	tests := []struct {
		file     string
		format   Format
		password string
		missing  []string         // plain.txt accounts the app's file lacks (kinds it does not support)
		adjust   func(k *otp.Key) // turns a plain.txt key into what the file holds
	}{
		{file: "aegis_plain.json", format: Aegis},
		{file: "aegis_encrypted.json", format: AegisEncrypted, password: "test"},
		{file: "2fas_authenticator_plain_v3.2fas", format: TwoFAS, missing: []string{boeing}},
		{file: "2fas_authenticator_plain_v4.2fas", format: TwoFAS, missing: []string{spdx, airbnb}},
		{file: "2fas_authenticator_encrypted_v3.2fas", format: TwoFASEncrypted, password: "test", missing: []string{boeing}},
		{file: "2fas_authenticator_encrypted_v4.2fas", format: TwoFASEncrypted, password: "test", missing: []string{spdx, airbnb}},
		{file: "andotp_plain.json", format: AndOTP},
		{file: "andotp_encrypted.bin", format: AndOTPEncrypted, password: "test"},
		{file: "bitwarden.json", format: Bitwarden, missing: hotps, adjust: steamAs("Test Steam")},
		{file: "bitwarden.csv", format: BitwardenCSV, missing: hotps, adjust: steamAs("Test 4")},
		{file: "ente_auth.txt", format: EnteText},
		{file: "freeotp_plus.json", format: FreeOTPPlus, missing: []string{boeing}, adjust: counterOneLower},
		{file: "proton_authenticator.json", format: ProtonAuthenticator, missing: append([]string{boeing}, hotps...)},
		{file: "steam.json", format: SteamGuard, missing: []string{deno, spdx, airbnb, issuu, airCanada, wwe}, adjust: steamAs("")},
		{file: "stratum_plain.json", format: Stratum},
		{file: "stratum_encrypted.bin", format: StratumEncrypted, password: "test"},
		{file: "stratum_encrypted_legacy.bin", format: StratumLegacy, password: "test"},
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
			if n := len(want) - len(tt.missing); len(res.Entries) != n {
				t.Errorf("got %d entries, want %d", len(res.Entries), n)
			}
			// Every entry is one plain.txt account, field for field (type,
			// issuer, name, secret, algorithm, digits, period, counter),
			// and every account the app supports is there exactly once.
			seen := map[string]int{}
			for _, e := range res.Entries {
				w, ok := findBySecret(want, e.Key.Secret)
				if !ok {
					t.Errorf("%s: secret not in plain.txt", e.Key.Label())
					continue
				}
				seen[w.Label()]++
				if tt.adjust != nil {
					tt.adjust(&w)
				}
				if !e.Key.Equal(w) {
					t.Errorf("got key %s, want %s", describe(e.Key), describe(w))
				}
			}
			for _, k := range want {
				n := 1
				if slices.Contains(tt.missing, k.Label()) {
					n = 0
				}
				if seen[k.Label()] != n {
					t.Errorf("%s: found %d times, want %d", k.Label(), seen[k.Label()], n)
				}
			}
			for _, m := range tt.missing {
				if !slices.ContainsFunc(want, func(k otp.Key) bool { return k.Label() == m }) {
					t.Errorf("the test names %q as missing, but plain.txt has no such account", m)
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
	dir := testtool.Fixtures(t)
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
