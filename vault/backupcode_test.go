package vault

import (
	"bytes"
	"strings"
	"testing"
)

func TestBackupCodeShape(t *testing.T) {
	bits, code := newBackupCode()
	if len(bits)*8 < 128 {
		t.Fatalf("got %d random bits, want at least 128", len(bits)*8)
	}
	groups := strings.Split(code, "-")
	if len(groups) != 7 {
		t.Fatalf("code %q: got %d groups, want 7", code, len(groups))
	}
	for _, g := range groups {
		if len(g) != 4 {
			t.Fatalf("code %q: group %q has %d characters, want 4", code, g, len(g))
		}
	}
	got, err := parseBackupCode(strings.ToLower(strings.ReplaceAll(code, "-", " ")))
	if err != nil {
		t.Fatalf("parse of a lower-case, spaced code: %v", err)
	}
	if !bytes.Equal(got, bits) {
		t.Fatalf("parse: got %x, want %x", got, bits)
	}
}

// Every single mistyped character and every swap of neighbours must be
// reported as a typo: the CRC guarantees it, this checks the guarantee.
func TestBackupCodeEveryTypoIsCaught(t *testing.T) {
	for range 20 {
		_, code := newBackupCode()
		plain := strings.ReplaceAll(code, "-", "")
		for i := range plain {
			for _, c := range crockford {
				if byte(c) == plain[i] {
					continue
				}
				typo := plain[:i] + string(c) + plain[i+1:]
				_, err := parseBackupCode(typo)
				wantErr(t, "substitution at "+string(rune('0'+i%10)), err, ErrBackupCodeTypo)
			}
			if i+1 < len(plain) && plain[i] != plain[i+1] {
				swapped := plain[:i] + string(plain[i+1]) + string(plain[i]) + plain[i+2:]
				_, err := parseBackupCode(swapped)
				wantErr(t, "swap", err, ErrBackupCodeTypo)
			}
		}
		for _, bad := range []string{plain[:27], plain + "0", plain[:27] + "U", ""} {
			_, err := parseBackupCode(bad)
			wantErr(t, "malformed", err, ErrBackupCodeTypo)
		}
	}
}

func TestBackupCodeLookAlikes(t *testing.T) {
	bits := bytes.Repeat([]byte{0}, codeBytes)
	code := formatBackupCode(bits) // starts with zeros
	alike := strings.Replace(code, "0", "O", 1)
	got, err := parseBackupCode(alike)
	if err != nil || !bytes.Equal(got, bits) {
		t.Fatalf("O for 0: got %x, %v, want %x", got, err, bits)
	}
}

func TestBackupCodeOpensOnce(t *testing.T) {
	v, path, codes := newSavedVault(t)
	v.Close()
	if len(codes) != BackupCodeCount {
		t.Fatalf("got %d codes, want %d", len(codes), BackupCodeCount)
	}

	v, err := openWithBackupCode(path, codes[3], testOptions())
	if err != nil {
		t.Fatalf("open with a backup code: %v", err)
	}
	if n := len(v.Accounts()); n != 1 {
		t.Fatalf("got %d accounts, want 1", n)
	}
	if !v.NeedsPassword() {
		t.Fatal("got NeedsPassword false, want true")
	}
	wantErr(t, "save before a new password", v.Save(), ErrNeedsPassword)
	if got := v.BackupCodesLeft(); got != BackupCodeCount-1 {
		t.Fatalf("codes left: got %d, want %d", got, BackupCodeCount-1)
	}
	newPW := []byte("a brand new password")
	if _, err := v.SetPassword(newPW); err != nil {
		t.Fatalf("SetPassword: %v", err)
	}
	v.Close()

	_, err = openWithBackupCode(path, codes[3], testOptions())
	wantErr(t, "reusing a code", err, ErrWrongBackupCode)
	_, err = open(path, testPassword, testOptions())
	wantErr(t, "old password", err, ErrWrongPassword)
	v, err = open(path, newPW, testOptions())
	if err != nil {
		t.Fatalf("new password: %v", err)
	}
	if got := v.BackupCodesLeft(); got != BackupCodeCount-1 {
		t.Fatalf("codes left after reopening: got %d, want %d", got, BackupCodeCount-1)
	}
	v.Close()
	// Closing without a new password keeps that code usable: it opens again.
	openCode(t, path, codes[4]).Close()
	openCode(t, path, codes[4]).Close()
}

func TestRegenerateBackupCodes(t *testing.T) {
	v, path, old := newTestVault(t)
	fresh, err := v.RegenerateBackupCodes()
	if err != nil {
		t.Fatal(err)
	}
	if len(fresh) != BackupCodeCount || fresh[0] == old[0] {
		t.Fatalf("got %d codes starting %q, want %d new ones", len(fresh), fresh[0][:4], BackupCodeCount)
	}
	v.Close()
	_, err = openWithBackupCode(path, old[0], testOptions())
	wantErr(t, "old code after regenerate", err, ErrWrongBackupCode)
	openCode(t, path, fresh[9]).Close()
}

func TestBackupCodeFromAnotherVault(t *testing.T) {
	_, _, codesA := newTestVault(t)
	vb, pathB, _ := newTestVault(t)
	vb.Close()
	_, err := openWithBackupCode(pathB, codesA[0], testOptions())
	wantErr(t, "foreign code", err, ErrWrongBackupCode)
}

func FuzzParseBackupCode(f *testing.F) {
	_, code := newBackupCode()
	f.Add(code)
	f.Add("0000-0000-0000-0000-0000-0000-0000")
	f.Add("oooo iiii llll")
	f.Fuzz(func(t *testing.T, s string) {
		bits, err := parseBackupCode(s)
		if err != nil {
			return
		}
		again, err := parseBackupCode(formatBackupCode(bits))
		if err != nil || !bytes.Equal(again, bits) {
			t.Fatalf("format then parse: got %x, %v, want %x", again, err, bits)
		}
	})
}
