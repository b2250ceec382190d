package core

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"latchkey/core/coretest"
	"latchkey/interop"
	"latchkey/otp"
	"latchkey/qrimport"
	"latchkey/vault"
)

// passwords answers FilePassword from a list, one a call, and records the
// questions.
type passwords struct {
	answers []string
	asked   []FileAsk
	err     error // returned once the answers run out
}

func (p *passwords) FilePassword(a FileAsk) ([]byte, error) {
	p.asked = append(p.asked, a)
	if len(p.answers) == 0 {
		if p.err == nil {
			return nil, a.Wrong
		}
		return nil, p.err
	}
	pw := p.answers[0]
	p.answers = p.answers[1:]
	return []byte(pw), nil
}

// always gives the same password every time.
type always string

func (a always) FilePassword(FileAsk) ([]byte, error) { return []byte(a), nil }

type confirm bool

func (c confirm) ConfirmPlain(Format) bool { return bool(c) }

// chooser answers KeepOrReplace with one choice and counts the questions.
type chooser struct {
	choice Choice
	asked  int
}

func (c *chooser) KeepOrReplace(existing, incoming vault.Account) Choice {
	c.asked++
	return c.choice
}

func testReader(pw string) Reader {
	return Reader{Password: always(pw), Backups: coretest.Options}
}

func plainSecrets(t *testing.T) map[string]bool {
	have := map[string]bool{}
	for _, k := range coretest.PlainKeys(t) {
		have[string(k.Secret)] = true
	}
	return have
}

// TestImportEveryKind reads one file of every kind: its format, its
// accounts, the Google links in it joined, a backup told apart.
func TestImportEveryKind(t *testing.T) {
	plain := plainSecrets(t)
	for _, c := range coretest.ImportCases(t, t.TempDir()) {
		t.Run(c.Name(), func(t *testing.T) {
			data, err := ReadFile(c.Path)
			if err != nil {
				t.Fatal(err)
			}
			f, err := testReader(c.Password).File(c.Name(), data)
			if err != nil {
				t.Fatalf("got %v, want the file read", err)
			}
			if f.Format != c.Format || f.Backup != c.Backup {
				t.Errorf("got format %q (backup %v), want %q (backup %v)", f.Format, f.Backup, c.Format, c.Backup)
			}
			if len(f.Accounts) != c.Accounts || f.Linked != c.Linked || len(f.Skipped) != c.Skipped {
				t.Errorf("got %d accounts (%d linked, %d skipped), want %d (%d, %d)", len(f.Accounts), f.Linked, len(f.Skipped), c.Accounts, c.Linked, c.Skipped)
			}
			if len(f.Problems) != 0 {
				t.Errorf("got problems %v, want none", f.Problems)
			}
			for _, a := range f.Accounts {
				if err := a.Key.Validate(); err != nil {
					t.Errorf("%s: %v", a.Key.Label(), err)
				}
				if c.Plain && !plain[string(a.Key.Secret)] {
					t.Errorf("%s: secret not in plain.txt", a.Key.Label())
				}
			}
		})
	}
}

// TestImportKeepsWhatTheVaultKeeps: tags, notes, pins and icons come along
// from an export (the one conversion from other apps' entries).
func TestImportKeepsWhatTheVaultKeeps(t *testing.T) {
	data, err := ReadFile(filepath.Join("..", "interop", "testdata", "aegis_rich.json"))
	if err != nil {
		t.Fatal(err)
	}
	f, err := testReader("").File("aegis_rich.json", data)
	if err != nil {
		t.Fatal(err)
	}
	var tags, notes, pins, icons int
	for _, a := range f.Accounts {
		tags += len(a.Tags)
		notes += len(a.Note)
		if a.Pinned {
			pins++
		}
		icons += len(a.Icon)
	}
	if tags == 0 || notes == 0 || pins == 0 || icons == 0 {
		t.Errorf("got %d tags, %d bytes of notes, %d pinned, %d bytes of icons; want some of each", tags, notes, pins, icons)
	}
}

// TestPasswordQuestions: how an encrypted file asks for its password, for
// another app's export and for a Latchkey backup alike.
func TestPasswordQuestions(t *testing.T) {
	fx := coretest.Fixtures(t)
	export := filepath.Join(fx, "aegis_encrypted.json")
	backup := coretest.Backup(t, t.TempDir(), "b.latchkey", coretest.PlainKeys(t)[:2]...)
	cancelled := errors.New("cancelled")
	for _, file := range []struct {
		path   string
		backup bool
		wrong  error
	}{
		{export, false, ErrWrongPassword},
		{backup, true, vault.ErrWrongPassword},
	} {
		data, err := ReadFile(file.path)
		if err != nil {
			t.Fatal(err)
		}
		// What one wrong try says, read without core: a reading stopped
		// after it must say exactly that.
		var first error
		if file.backup {
			_, err := coretest.Options.ReadBackup(data, []byte("wrong"))
			first = fmt.Errorf("latchkey backup: %w", err)
		} else {
			_, first = interop.Read(data, func() ([]byte, error) { return []byte("wrong"), nil })
		}
		if first == nil {
			t.Fatalf("%s: a wrong password opened it", file.path)
		}
		for _, c := range []struct {
			name      string
			p         *passwords
			wantAsked int
			wantErr   error
			wantText  string // the error's text, when it must be exact
		}{
			{"right at once", &passwords{answers: []string{coretest.Password}}, 1, nil, ""},
			{"wrong then right", &passwords{answers: []string{"wrong", coretest.Password}}, 2, nil, ""},
			{"wrong every time", &passwords{answers: []string{"a", "b", "c", "d"}}, PasswordTries, file.wrong, ""},
			{"no second try", &passwords{answers: []string{"wrong"}}, 2, file.wrong, first.Error()},
			{"cancelled", &passwords{err: cancelled}, 1, cancelled, ""},
		} {
			t.Run(filepath.Base(file.path)+"/"+c.name, func(t *testing.T) {
				f, err := (Reader{Password: c.p, Backups: coretest.Options}).File("f", data)
				if len(c.p.asked) != c.wantAsked {
					t.Errorf("got %d questions, want %d", len(c.p.asked), c.wantAsked)
				}
				for i, a := range c.p.asked {
					if a.Backup != file.backup || a.Name != "f" || (i == 0) != (a.Wrong == nil) {
						t.Errorf("question %d: got %+v, want name f, backup %v and Wrong set from the second on", i, a, file.backup)
					}
				}
				if !errors.Is(err, c.wantErr) || (c.wantErr == nil) != (err == nil) {
					t.Fatalf("got error %v, want %v", err, c.wantErr)
				}
				if c.wantText != "" && err.Error() != c.wantText {
					t.Errorf("got %q, want the first try's error %q", err, c.wantText)
				}
				if err == nil && len(f.Accounts) == 0 {
					t.Error("got no accounts from the right password")
				}
			})
		}
	}
}

func TestReadAllCaps(t *testing.T) {
	for _, c := range []struct {
		name string
		data []byte
		want error
	}{
		{"export at its cap", append([]byte("otpauth://"), make([]byte, 16<<20-10)...), nil},
		{"export over its cap", make([]byte, 16<<20+1), ErrTooLarge},
		{"backup over the export cap", append([]byte("LATCHKEY"), make([]byte, 16<<20)...), nil},
		{"backup over its cap", append([]byte("LATCHKEY"), make([]byte, vault.MaxFileSize)...), vault.ErrTooLarge},
	} {
		got, err := ReadAll(bytes.NewReader(c.data))
		if !errors.Is(err, c.want) || (c.want == nil) != (err == nil) {
			t.Errorf("%s: got %v, want %v", c.name, err, c.want)
		}
		if err == nil && len(got) != len(c.data) {
			t.Errorf("%s: got %d bytes, want %d", c.name, len(got), len(c.data))
		}
	}
}

func TestReadImagesJoinsABatch(t *testing.T) {
	dir := t.TempDir()
	keys := coretest.PlainKeys(t)
	// Twelve accounts make two Google export codes: one batch in two images.
	var many []otp.Key
	for i := range 12 {
		k := keys[0]
		k.Secret = append(slices.Clone(k.Secret), byte(i))
		k.Name = fmt.Sprintf("user%d", i)
		many = append(many, k)
	}
	pngs, _, err := qrimport.MigrationPNGs(many, 600)
	if err != nil || len(pngs) != 2 {
		t.Fatalf("got %d codes, %v; want 2", len(pngs), err)
	}
	first := filepath.Join(dir, "first.png")
	if err := os.WriteFile(first, pngs[0], 0o600); err != nil {
		t.Fatal(err)
	}
	f, unread := ReadImages([]Image{{Name: "first", Path: first}, {Name: "second", Data: pngs[1]}, {Name: "junk", Data: []byte("not an image")}})
	if len(f.Accounts) != 12 || len(f.Problems) != 0 {
		t.Errorf("got %d accounts and problems %v, want 12 and none", len(f.Accounts), f.Problems)
	}
	if len(unread) != 1 || unread[0].Name != "junk" || !strings.HasPrefix(unread[0].Error(), "junk: ") {
		t.Errorf("got unread %v, want the junk image named", unread)
	}
	// One half alone is an incomplete batch, said as a problem.
	f, _ = ReadImages([]Image{{Name: "first", Path: first}})
	if len(f.Problems) == 0 || !errors.Is(f.Problems[0], qrimport.ErrIncompleteBatch) {
		t.Errorf("got problems %v for half a batch, want ErrIncompleteBatch", f.Problems)
	}
	f, err = ReadText(keys[1].URI() + "\n" + keys[2].URI())
	if err != nil || len(f.Accounts) != 2 || !f.Accounts[0].Key.Equal(keys[1]) {
		t.Errorf("got %d accounts, %v from text, want the two keys", len(f.Accounts), err)
	}
}

func newVault(t *testing.T, accounts ...vault.Account) *vault.Vault {
	t.Helper()
	path := filepath.Join(t.TempDir(), "vault.latchkey")
	coretest.Vault(t, path, accounts...)
	return coretest.Open(t, path)
}

// TestMerge: a backup's duplicate that differs from the vault's copy is
// kept or replaced as the person says; one that does not differ is never
// asked about; new accounts are added once.
func TestMerge(t *testing.T) {
	keys := coretest.PlainKeys(t)
	mine := vault.Account{Key: keys[0], Note: "mine"}
	theirs := vault.Account{Key: keys[0], Note: "from the backup"}
	fresh := vault.Account{Key: keys[1]}
	for _, c := range []struct {
		name      string
		incoming  []vault.Account
		chooser   *chooser
		wantAsked int
		wantNote  string
		want      vault.MergeReport
	}{
		{"keep", []vault.Account{theirs, fresh}, &chooser{choice: Keep}, 1, "mine",
			vault.MergeReport{Added: []string{fresh.Key.Label()}, Duplicates: []string{theirs.Key.Label()}}},
		{"replace", []vault.Account{theirs, fresh}, &chooser{choice: Replace}, 1, "from the backup",
			vault.MergeReport{Added: []string{fresh.Key.Label()}, Replaced: []string{theirs.Key.Label()}}},
		{"no chooser keeps", []vault.Account{theirs, fresh}, nil, 0, "mine",
			vault.MergeReport{Added: []string{fresh.Key.Label()}, Duplicates: []string{theirs.Key.Label()}}},
		{"identical is not asked", []vault.Account{mine}, &chooser{choice: Replace}, 0, "mine",
			vault.MergeReport{Duplicates: []string{mine.Key.Label()}}},
		{"twice in the input", []vault.Account{fresh, fresh}, &chooser{}, 0, "mine",
			vault.MergeReport{Added: []string{fresh.Key.Label()}, Duplicates: []string{fresh.Key.Label()}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			v := newVault(t, mine)
			var ch Chooser
			if c.chooser != nil {
				ch = c.chooser
			}
			r, err := Merge(v, c.incoming, ch)
			if err != nil {
				t.Fatal(err)
			}
			if c.chooser != nil && c.chooser.asked != c.wantAsked {
				t.Errorf("asked %d times, want %d", c.chooser.asked, c.wantAsked)
			}
			if fmt.Sprint(r) != fmt.Sprint(c.want) {
				t.Errorf("got report %+v, want %+v", r, c.want)
			}
			all := v.Accounts()
			if len(all) != 1+len(c.want.Added) {
				t.Errorf("got %d accounts, want %d", len(all), 1+len(c.want.Added))
			}
			if all[0].Note != c.wantNote {
				t.Errorf("got note %q, want %q", all[0].Note, c.wantNote)
			}
		})
	}
}

func TestDuplicatesAndAddAll(t *testing.T) {
	keys := coretest.PlainKeys(t)
	have := []vault.Account{{Key: keys[0]}}
	renamed := keys[0]
	renamed.Issuer = "Renamed"
	found := []vault.Account{{Key: keys[1]}, {Key: renamed}, {Key: keys[1]}, {Key: keys[2]}}
	got := Duplicates(have, found)
	want := []Status{New, InVault, Repeated, New}
	if !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	v := newVault(t, have...)
	r, err := AddAll(v, found)
	if err != nil || len(r.Added) != 4 || len(v.Accounts()) != 5 {
		t.Errorf("got %+v, %v and %d accounts; want all four added to the one", r, err, len(v.Accounts()))
	}
}

// TestExports: each plain export asks first, and reads back as the vault's
// accounts.
func TestExports(t *testing.T) {
	keys := coretest.PlainKeys(t)
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

func TestRestore(t *testing.T) {
	dir := t.TempDir()
	keys := coretest.PlainKeys(t)
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
func (m *memFile) Abort()        { m.aborted = true }

// TestWriteKit: the file is made before new codes, so a kit that cannot
// be made costs the old codes nothing; codes made for a page that then
// fails come back to be shown.
func TestWriteKit(t *testing.T) {
	keys := coretest.PlainKeys(t)
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

func TestEnums(t *testing.T) {
	for got, want := range map[fmt.Stringer]string{
		Keep: "keep", Replace: "replace", Choice(9): "Choice(9)",
		New: "new", InVault: "in the vault", Repeated: "repeated", Status(9): "Status(9)",
		FormatKit: "recovery-kit", Format(0): "Format(0)",
	} {
		if got.String() != want {
			t.Errorf("got %q, want %q", got, want)
		}
	}
}
