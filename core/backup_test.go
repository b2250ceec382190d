package core

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"latchkey/core/coretest"
	"latchkey/vault"
)

// password answers BackupPassword with pw and remembers it was asked.
type password struct {
	pw    []byte
	asked int
}

func (p *password) BackupPassword() ([]byte, error) {
	p.asked++
	return p.pw, nil
}

// TestWriteBackup: a backup opens with what protects it and only with
// that; its own password is cleared after use.
func TestWriteBackup(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "vault.latchkey")
	coretest.Vault(t, path, vault.Account{Key: coretest.Keys(t)[0]})
	v := coretest.Open(t, path)
	codes, err := v.RegenerateBackupCodes()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name      string
		pw        string // "": the vault's password
		withCodes bool
	}{
		{"vault password", "", false},
		{"own password", "a separate password", false},
		{"own password and codes", "a separate password", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "b.latchkey")
			p := &password{}
			if c.pw != "" {
				p.pw = []byte(c.pw)
			}
			if err := WriteBackup(v, BackupRequest{Path: out, WithBackupCodes: c.withCodes}, p); err != nil {
				t.Fatal(err)
			}
			if st, err := os.Stat(out); err != nil || st.Mode().Perm() != 0o600 {
				t.Fatalf("got %v, %v, want a file with mode 0600", st, err)
			}
			opens, other := coretest.Password, c.pw
			if c.pw != "" {
				opens, other = c.pw, coretest.Password
				for _, b := range p.pw {
					if b != 0 {
						t.Fatal("the backup's password was not cleared after writing")
					}
				}
			}
			b, err := coretest.Options.OpenBackup(out, []byte(opens))
			if err != nil || len(b.Accounts) != 1 {
				t.Fatalf("the backup does not open with its password: %v", err)
			}
			b.Wipe()
			if other != "" {
				if _, err := coretest.Options.OpenBackup(out, []byte(other)); !errors.Is(err, vault.ErrWrongPassword) {
					t.Errorf("got %v opening with the other password, want ErrWrongPassword", err)
				}
			}
			nv, _, err := Restore(coretest.Options, out, filepath.Join(t.TempDir(), "v.latchkey"), Unlock{Code: codes[0], NewPassword: []byte("new")})
			if nv != nil {
				nv.Close()
			}
			if (err == nil) != c.withCodes {
				t.Errorf("a backup code opening it: got %v, want it to open: %v", err, c.withCodes)
			}
		})
	}
}

// TestWriteBackupRefusesBeforeAsking: a place the writer refuses fails as a
// PlaceError before the password is asked; a file there is replaced only
// when the request says so.
func TestWriteBackupRefusesBeforeAsking(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "vault.latchkey")
	coretest.Vault(t, path)
	v := coretest.Open(t, path)
	existing := filepath.Join(dir, "old.latchkey")
	if err := os.WriteFile(existing, []byte("an earlier backup"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		path string
		want error
	}{
		{"the vault", path, vault.ErrProtected},
		{"a folder", dir, vault.ErrNotRegular},
		{"a file there", existing, vault.ErrExists},
	} {
		p := &password{pw: []byte("x")}
		err := WriteBackup(v, BackupRequest{Path: c.path}, p)
		var pe *PlaceError
		if !errors.As(err, &pe) || !errors.Is(err, c.want) || p.asked != 0 {
			t.Errorf("%s: got %v (asked %d times), want a PlaceError for %v and no question", c.name, err, p.asked, c.want)
		}
	}
	if data, _ := os.ReadFile(existing); string(data) != "an earlier backup" {
		t.Fatal("a refused backup touched the file there")
	}
	if err := WriteBackup(v, BackupRequest{Path: existing, Replace: true}, &password{}); err != nil {
		t.Fatalf("replacing a file when asked: %v", err)
	}
	if data, _ := os.ReadFile(existing); !vault.IsVaultFile(data) {
		t.Error("the file was not replaced by the backup")
	}
}
