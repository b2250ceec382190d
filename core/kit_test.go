package core

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"latchkey/core/coretest"
	"latchkey/vault"
)

// memFile is a PrivateFile in memory, with failures to order.
type memFile struct {
	path      string
	buf       bytes.Buffer
	failWrite bool
	committed bool
	aborted   bool
}

func (m *memFile) Write(p []byte) (int, error) {
	if m.failWrite {
		return 0, errors.New("disk full")
	}
	return m.buf.Write(p)
}

func (m *memFile) Commit() error { m.committed = true; return nil }

func (m *memFile) Abort() { m.aborted = true }

// TestWriteKit: the file is made before new codes, so a kit that cannot
// be made costs the old codes nothing; codes made for a page that then
// fails come back to be shown.
func TestWriteKit(t *testing.T) {
	keys := coretest.Keys(t)
	for _, c := range []struct {
		name       string
		req        KitRequest
		createErr  error
		failWrite  bool
		confirm    bool
		wantErr    bool
		wantCodes  bool // new codes returned
		wantNew    bool // the old codes stopped working
		wantInPage []string
	}{
		{name: "codes and accounts", req: KitRequest{NewCodes: true, WithAccounts: true}, confirm: true, wantCodes: true, wantNew: true, wantInPage: []string{"SECRET", keys[0].Issuer}},
		{name: "no codes", req: KitRequest{}, wantInPage: []string{"SECRET"}},
		{name: "file cannot be made", req: KitRequest{NewCodes: true}, createErr: os.ErrExist, wantErr: true},
		{name: "write fails after new codes", req: KitRequest{NewCodes: true}, failWrite: true, wantErr: true, wantCodes: true, wantNew: true},
		{name: "accounts declined", req: KitRequest{NewCodes: true, WithAccounts: true}, confirm: false, wantErr: true},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "vault.latchkey")
			coretest.Vault(t, path, vault.Account{Key: keys[0]})
			v := coretest.Open(t, path)
			old, err := v.RegenerateBackupCodes()
			if err != nil {
				t.Fatal(err)
			}
			var made *memFile
			create := func(p string) (PrivateFile, error) {
				if c.createErr != nil {
					return nil, c.createErr
				}
				made = &memFile{path: p, failWrite: c.failWrite}
				return made, nil
			}
			req := c.req
			req.Path, req.Now = "kit.html", time.Unix(1_700_000_000, 0)
			codes, err := WriteKit(v, req, create, confirm(c.confirm))
			if (err != nil) != c.wantErr {
				t.Fatalf("got error %v, want an error %v", err, c.wantErr)
			}
			if (len(codes) > 0) != c.wantCodes {
				t.Errorf("got %d codes, want codes %v", len(codes), c.wantCodes)
			}
			v.Close()
			_, oldErr := coretest.Options.OpenWithBackupCode(path, old[0])
			if stopped := oldErr != nil; stopped != c.wantNew {
				t.Errorf("old code: got error %v, want it stopped working %v", oldErr, c.wantNew)
			}
			if len(codes) > 0 {
				nv, err := coretest.Options.OpenWithBackupCode(path, codes[0])
				if err != nil {
					t.Errorf("a new code does not open the vault: %v", err)
				} else {
					nv.Close()
				}
			}
			if made == nil {
				return
			}
			if made.committed == c.wantErr || made.aborted != c.wantErr {
				t.Errorf("got committed %v, aborted %v; want the file committed only on success", made.committed, made.aborted)
			}
			page := made.buf.String()
			for _, w := range append(c.wantInPage, codes...) {
				if !c.wantErr && !strings.Contains(page, w) {
					t.Errorf("the page lacks %q", w)
				}
			}
			abs, _ := filepath.Abs(path)
			if !c.wantErr && !strings.Contains(page, abs) {
				t.Errorf("the page does not show the vault's absolute path %s", abs)
			}
		})
	}
}

// TestNewFile: the Create both front ends pass is vault.WriteFile's rules,
// checked when the file is started (before a flow does anything it cannot
// undo) and again on Commit; nothing is at the path before Commit.
func TestNewFile(t *testing.T) {
	dir := t.TempDir()
	vaultPath := filepath.Join(dir, "vault.latchkey")
	coretest.Vault(t, vaultPath)
	existing := filepath.Join(dir, "kit.html")
	if err := os.WriteFile(existing, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.html")
	if err := os.Symlink(existing, link); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name    string
		path    string
		replace bool
		want    error // from NewFile
	}{
		{name: "new", path: filepath.Join(dir, "new.html")},
		{name: "existing", path: existing, want: vault.ErrExists},
		{name: "existing, replace", path: existing, replace: true},
		{name: "the vault", path: vaultPath, replace: true, want: vault.ErrProtected},
		{name: "its lock", path: vaultPath + ".lock", replace: true, want: vault.ErrProtected},
		{name: "a link", path: link, replace: true, want: vault.ErrNotRegular},
	} {
		t.Run(c.name, func(t *testing.T) {
			before, _ := os.ReadFile(c.path)
			f, err := NewFile(c.path, vault.WriteOptions{Replace: c.replace, Vault: vaultPath})
			if c.want != nil {
				if !errors.Is(err, c.want) {
					t.Fatalf("got %v, want %v", err, c.want)
				}
				if after, _ := os.ReadFile(c.path); !bytes.Equal(after, before) {
					t.Errorf("a refused file changed: got %q, want %q", after, before)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.Write([]byte("page")); err != nil {
				t.Fatal(err)
			}
			if got, _ := os.ReadFile(c.path); !bytes.Equal(got, before) {
				t.Errorf("before Commit the file holds %q, want %q", got, before)
			}
			if err := f.Commit(); err != nil {
				t.Fatal(err)
			}
			st, err := os.Lstat(c.path)
			if err != nil {
				t.Fatal(err)
			}
			if got, _ := os.ReadFile(c.path); string(got) != "page" {
				t.Errorf("after Commit the file holds %q, want %q", got, "page")
			}
			if m := st.Mode(); m != 0o600 {
				t.Errorf("got mode %v, want -rw-------", m)
			}
		})
	}

	t.Run("abort", func(t *testing.T) {
		path := filepath.Join(dir, "aborted.html")
		f, err := NewFile(path, vault.WriteOptions{})
		if err != nil {
			t.Fatal(err)
		}
		f.Write([]byte("page"))
		f.Abort()
		if _, err := os.Lstat(path); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("after Abort: got %v, want nothing at %s", err, path)
		}
	})
}

// TestWriteKitNeverReplaces: a kit over an existing file, not allowed to
// replace it, is refused before new codes are made.
func TestWriteKitNeverReplaces(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "vault.latchkey")
	coretest.Vault(t, path)
	v := coretest.Open(t, path)
	old, err := v.RegenerateBackupCodes()
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "kit.html")
	if err := os.WriteFile(out, []byte("notes"), 0o600); err != nil {
		t.Fatal(err)
	}
	create := func(p string) (PrivateFile, error) {
		return NewFile(p, vault.WriteOptions{Vault: path})
	}
	codes, err := WriteKit(v, KitRequest{Path: out, NewCodes: true, Now: time.Unix(1_700_000_000, 0)}, create, confirm(true))
	if !errors.Is(err, vault.ErrExists) || codes != nil {
		t.Fatalf("got %d codes, error %v; want no codes and ErrExists", len(codes), err)
	}
	v.Close()
	if got, _ := os.ReadFile(out); string(got) != "notes" {
		t.Errorf("the existing file holds %q, want it left as it was", got)
	}
	nv, err := coretest.Options.OpenWithBackupCode(path, old[0])
	if err != nil {
		t.Fatalf("an old code no longer opens the vault after a refused kit: %v", err)
	}
	nv.Close()
}
