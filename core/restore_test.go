package core

import (
	"errors"
	"path/filepath"
	"testing"

	"latchkey/core/coretest"
	"latchkey/vault"
)

func TestRestore(t *testing.T) {
	dir := t.TempDir()
	keys := coretest.Keys(t)
	src := filepath.Join(dir, "src.latchkey")
	coretest.Vault(t, src, vault.Account{Key: keys[0]}, vault.Account{Key: keys[1]})
	v := coretest.Open(t, src)
	codes, err := v.RegenerateBackupCodes()
	if err != nil {
		t.Fatal(err)
	}
	v.Close()
	for _, c := range []struct {
		name      string
		how       Unlock
		wantCodes bool
		wantErr   error
	}{
		{"password", Unlock{Password: []byte(coretest.Password)}, false, nil},
		{"code", Unlock{Code: codes[0], NewPassword: []byte("a new password")}, false, nil},
		{"wrong password", Unlock{Password: []byte("nope")}, false, vault.ErrWrongPassword},
	} {
		t.Run(c.name, func(t *testing.T) {
			to := filepath.Join(t.TempDir(), "new", "vault.latchkey")
			nv, got, err := Restore(coretest.Options, src, to, c.how)
			if !errors.Is(err, c.wantErr) || (c.wantErr == nil) != (err == nil) {
				t.Fatalf("got %v, want %v", err, c.wantErr)
			}
			if err != nil {
				if vault.Exists(to) {
					t.Error("a failed restore left a file")
				}
				return
			}
			defer nv.Close()
			if len(nv.Accounts()) != 2 || (len(got) > 0) != c.wantCodes {
				t.Errorf("got %d accounts and %d new codes, want 2 and new codes %v", len(nv.Accounts()), len(got), c.wantCodes)
			}
		})
	}
	if _, _, err := Restore(coretest.Options, src, src, Unlock{Password: []byte(coretest.Password)}); !errors.Is(err, vault.ErrExists) {
		t.Errorf("restoring over a file: got %v, want ErrExists", err)
	}
}
