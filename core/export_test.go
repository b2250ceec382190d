package core

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"latchkey/core/coretest"
	"latchkey/otp"
	"latchkey/vault"
)

type confirm bool

func (c confirm) ConfirmPlain(Format) bool { return bool(c) }

// TestExports: each plain export asks first, and reads back as the vault's
// accounts.
func TestExports(t *testing.T) {
	keys := coretest.Keys(t)
	var accounts []vault.Account
	for i, k := range keys {
		accounts = append(accounts, vault.Account{Key: k, Note: fmt.Sprintf("note %d", i), Tags: []string{"t"}, Pinned: i == 0})
	}
	// Each export read back with an independent route.
	uris, err := URIList(accounts, confirm(true))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(uris), "\n"), "\n")
	if len(lines) != len(keys) {
		t.Fatalf("got %d lines, want %d", len(lines), len(keys))
	}
	for i, l := range lines {
		if k, err := otp.ParseURI(l); err != nil || !k.Equal(keys[i]) {
			t.Errorf("line %d reads back as %v, %v; want %s", i, k.Label(), err, keys[i].Label())
		}
	}
	aegis, err := Aegis(accounts, confirm(true))
	if err != nil {
		t.Fatal(err)
	}
	f, err := testReader("").File("aegis.json", aegis)
	if err != nil || f.Format != "Aegis" || len(f.Accounts) != len(accounts) {
		t.Fatalf("the Aegis export reads back as %q with %d accounts, %v", f.Format, len(f.Accounts), err)
	}
	for i, a := range f.Accounts {
		w := accounts[i]
		if !a.Key.SameSecret(w.Key) || a.Note != w.Note || a.Pinned != w.Pinned || !slices.Equal(a.Tags, w.Tags) {
			t.Errorf("entry %d reads back as %s %q %v %v, want %s %q %v %v", i, a.Key.Label(), a.Note, a.Pinned, a.Tags, w.Key.Label(), w.Note, w.Pinned, w.Tags)
		}
	}
	pngs, skipped, err := GoogleQR(accounts, 600, confirm(true))
	if err != nil {
		t.Fatal(err)
	}
	var images []Image
	for i, p := range pngs {
		images = append(images, Image{Name: fmt.Sprint(i), Data: p})
	}
	g, unread := ReadImages(images)
	// Google's app takes SHA-1 with 6 or 8 digits, TOTP at 30 s or HOTP.
	var fits []otp.Key
	for _, k := range keys {
		if k.Algorithm == otp.SHA1 && (k.Digits == 6 || k.Digits == 8) && (k.Type == otp.HOTP || k.Type == otp.TOTP && k.Period == 30) {
			fits = append(fits, k)
		}
	}
	if len(unread) != 0 || len(g.Accounts) != len(fits) || len(skipped) != len(keys)-len(fits) {
		t.Fatalf("got %d accounts back, %d skipped, unread %v; want %d and %d", len(g.Accounts), len(skipped), unread, len(fits), len(keys)-len(fits))
	}
	for i, a := range g.Accounts {
		if !a.Key.Equal(fits[i]) {
			t.Errorf("code account %d reads back as %s, want %s", i, a.Key.Label(), fits[i].Label())
		}
	}
	// Declined: nothing is made.
	if b, err := URIList(accounts, confirm(false)); b != nil || !errors.Is(err, ErrDeclined) {
		t.Errorf("declined URI list: got %d bytes, %v", len(b), err)
	}
	if b, err := Aegis(accounts, confirm(false)); b != nil || !errors.Is(err, ErrDeclined) {
		t.Errorf("declined Aegis: got %d bytes, %v", len(b), err)
	}
	if p, _, err := GoogleQR(accounts, 600, confirm(false)); p != nil || !errors.Is(err, ErrDeclined) {
		t.Errorf("declined Google QR: got %d codes, %v", len(p), err)
	}
}

func TestFormats(t *testing.T) {
	for _, f := range Formats {
		if g, ok := ParseFormat(f.String()); !ok || g != f {
			t.Errorf("ParseFormat(%q) = %v, %v", f, g, ok)
		}
	}
	if _, ok := ParseFormat("pdf"); ok {
		t.Error("ParseFormat accepted pdf")
	}
	if !FormatBackup.Encrypted() || FormatAegis.Encrypted() {
		t.Error("only the backup is encrypted")
	}
}
