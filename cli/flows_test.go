package cli

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"latchkey/core"
	"latchkey/core/coretest"
	"latchkey/vault"
)

// The shared cases (core/coretest) through the command line's entry
// points: each gives what core gives for the same input.

// vaultFor makes a vault the command line finds, holding accounts, with
// coretest's password.
func vaultFor(t *testing.T, accounts ...vault.Account) (string, map[string]string) {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "vault.latchkey")
	coretest.Vault(t, path, accounts...)
	pw := writeFile(t, dir, "pw", coretest.Password+"\n")
	return path, map[string]string{"LATCHKEY_VAULT": path, "LATCHKEY_PASSWORD_FILE": pw}
}

// uris are the accounts as canonical URIs, in order.
func uris(accounts []vault.Account) []string {
	out := make([]string, len(accounts))
	for i, a := range accounts {
		out[i] = a.Key.URI()
	}
	return out
}

// exported is the vault's accounts as "latchkey export --format uri" gives them.
func exported(t *testing.T, env map[string]string) []string {
	t.Helper()
	r := runCLI(t, "", env, "export", "--format", "uri")
	if r.status != 0 {
		t.Fatalf("export: status %d, stderr %q", r.status, r.stderr)
	}
	return strings.Fields(r.stdout)
}

func TestImportEveryKindAsCore(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	pw := writeFile(t, dir, "import-pw", coretest.Password+"\n")
	have := coretest.Existing(t)
	for _, c := range coretest.ImportCases(t, dir) {
		t.Run(c.Name(), func(t *testing.T) {
			t.Parallel()
			data, err := core.ReadFile(c.Path)
			if err != nil {
				t.Fatal(err)
			}
			found, err := core.Reader{Password: fixed(c.Password), Backups: coretest.Options}.File(c.Name(), data)
			if err != nil || len(found.Accounts) != c.Accounts {
				t.Fatalf("core: got %d accounts, %v; want %d", len(found.Accounts), err, c.Accounts)
			}
			// core's merge into a vault like the one imported into.
			corePath := filepath.Join(t.TempDir(), "core.latchkey")
			coretest.Vault(t, corePath, have...)
			cv := coretest.Open(t, corePath)
			rep, err := core.AddNew(cv, found.Accounts, nil)
			if err != nil {
				t.Fatal(err)
			}
			path, env := vaultFor(t, have...)
			r := runCLI(t, "", env, "import", "--import-password-file", pw, c.Path)
			if r.status != 0 {
				t.Fatalf("import: status %d, stderr %q", r.status, r.stderr)
			}
			coretest.SameAccounts(t, coretest.Open(t, path).Accounts(), cv.Accounts())
			if got := strings.Count(r.stderr, "already in the vault\n"); !c.Backup && got != len(rep.Duplicates) {
				t.Errorf("got %d accounts said to be in the vault, want %d as core finds:\n%s", got, len(rep.Duplicates), r.stderr)
			}
			if got := strings.Count(r.stderr, "  not imported: "); got != len(found.Skipped)+len(found.Problems) || got != c.Skipped+c.Problems {
				t.Errorf("got %d entries said not imported, want %d as core skips:\n%s", got, c.Skipped+c.Problems, r.stderr)
			}
			if !c.Backup && !strings.Contains(r.stderr, fmt.Sprintf("%s: %s, %d accounts\n", c.Path, c.Format, c.Accounts-c.Linked)) {
				t.Errorf("stderr %q does not name the format and count", r.stderr)
			}
			if c.Backup && !strings.Contains(r.stderr, fmt.Sprintf("latchkey backup, %d accounts: %d added, %d already in the vault", c.Accounts, len(rep.Added), len(rep.Duplicates))) {
				t.Errorf("stderr %q does not report the backup's merge", r.stderr)
			}
		})
	}
}

// TestImportErrorsAsCore: a file no front end imports fails the command
// with core's error for it, and the vault stays as it was.
func TestImportErrorsAsCore(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	have := coretest.Existing(t)
	for _, c := range coretest.ImportErrors(t, dir) {
		t.Run(c.What, func(t *testing.T) {
			t.Parallel()
			data, err := core.ReadFile(c.Path)
			if err == nil {
				_, err = core.Reader{Password: fixed(c.Password), Backups: coretest.Options}.File(c.Name(), data)
			}
			if !errors.Is(err, c.Err) {
				t.Fatalf("core: got %v, want %v", err, c.Err)
			}
			path, env := vaultFor(t, have...)
			pw := writeFile(t, t.TempDir(), "import-pw", c.Password+"\n")
			r := runCLI(t, "", env, "import", "--import-password-file", pw, c.Path)
			want := ExitFailure
			if c.WrongPassword {
				want = ExitWrongPassword
			}
			if r.status != want || !strings.Contains(r.stderr, c.Path+": ") {
				t.Errorf("got status %d, stderr %q; want status %d and the file named", r.status, r.stderr, want)
			}
			coretest.SameAccounts(t, coretest.Open(t, path).Accounts(), have)
		})
	}
}

// fixed answers a password question with pw, once.
type fixed string

func (p fixed) FilePassword(a core.FileAsk) ([]byte, error) {
	if a.Wrong != nil {
		return nil, a.Wrong
	}
	return []byte(p), nil
}

// TestMergeDifferingDuplicateAsCore: a backup whose copy of an account
// differs. The command line never replaces: it keeps the vault's, as core
// does when nothing chooses.
func TestMergeDifferingDuplicateAsCore(t *testing.T) {
	t.Parallel()
	keys := coretest.Keys(t)
	mine := vault.Account{Key: keys[0], Note: "mine"}
	dir := t.TempDir()
	backup := coretest.BackupOf(t, dir, "b.latchkey", vault.Account{Key: keys[0], Note: "theirs"}, vault.Account{Key: keys[1]})

	path, env := vaultFor(t, mine)
	r := runCLI(t, "", env, "import", "--import-password-file", env["LATCHKEY_PASSWORD_FILE"], backup)
	if r.status != 0 || !strings.Contains(r.stderr, "2 accounts: 1 added, 1 already in the vault") {
		t.Fatalf("import: status %d, stderr %q", r.status, r.stderr)
	}
	corePath := filepath.Join(t.TempDir(), "vault.latchkey")
	coretest.Vault(t, corePath, mine)
	cv := coretest.Open(t, corePath)
	data, err := os.ReadFile(backup)
	if err != nil {
		t.Fatal(err)
	}
	f, err := core.Reader{Password: fixed(coretest.Password), Backups: coretest.Options}.File("b", data)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := core.AddNew(cv, f.Accounts, nil); err != nil {
		t.Fatal(err)
	}
	v := coretest.Open(t, path)
	got, want := v.Accounts(), cv.Accounts()
	if !slices.Equal(uris(got), uris(want)) || got[0].Note != "mine" || want[0].Note != "mine" {
		t.Errorf("got %v (note %q), want core's %v (note %q)", uris(got), got[0].Note, uris(want), want[0].Note)
	}
}

// TestExportsAsCore: each export format of the command line holds what
// core makes from the same accounts.
func TestExportsAsCore(t *testing.T) {
	t.Parallel()
	keys := coretest.Keys(t)
	path, env := vaultFor(t, coretest.Accounts(t)...)
	accounts := coretest.Open(t, path).Accounts()
	out := t.TempDir()
	yes := confirmAll{}

	want, err := core.URIList(accounts, yes)
	if err != nil {
		t.Fatal(err)
	}
	if r := runCLI(t, "", env, "export", "--format", "uri"); r.status != 0 || r.stdout != string(want) {
		t.Errorf("uri: status %d, got %q, want %q", r.status, r.stdout, want)
	}

	aegis := filepath.Join(out, "aegis.json")
	if r := runCLI(t, "", env, "export", "--format", "aegis", "--out", aegis); r.status != 0 {
		t.Fatalf("aegis: status %d, stderr %q", r.status, r.stderr)
	}
	wantAegis, err := core.Aegis(accounts, yes)
	if err != nil {
		t.Fatal(err)
	}
	gotAegis, err := os.ReadFile(aegis)
	if err != nil {
		t.Fatal(err)
	}
	// Aegis entries carry random ids: compare what both read back as.
	g, err1 := core.Reader{}.File("got", gotAegis)
	w, err2 := core.Reader{}.File("want", wantAegis)
	if err1 != nil || err2 != nil || !slices.Equal(uris(g.Accounts), uris(w.Accounts)) || len(g.Accounts) != len(keys) {
		t.Errorf("aegis: got %v (%v), want %v (%v)", uris(g.Accounts), err1, uris(w.Accounts), err2)
	}
	for i := range g.Accounts {
		if g.Accounts[i].Note != w.Accounts[i].Note || !slices.Equal(g.Accounts[i].Tags, w.Accounts[i].Tags) {
			t.Errorf("aegis entry %d: got %q %v, want %q %v", i, g.Accounts[i].Note, g.Accounts[i].Tags, w.Accounts[i].Note, w.Accounts[i].Tags)
		}
	}

	google := filepath.Join(out, "google")
	r := runCLI(t, "", env, "export", "--format", "google-qr", "--out", google)
	if r.status != 0 {
		t.Fatalf("google-qr: status %d, stderr %q", r.status, r.stderr)
	}
	wantPNGs, skipped, err := core.GoogleQR(accounts, 800, yes)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range skipped {
		if !strings.Contains(r.stderr, "not exported: "+k.Label()) {
			t.Errorf("google-qr: %s is not named as left out:\n%s", k.Label(), r.stderr)
		}
	}
	// A batch carries a random id: compare what the codes read back as.
	var gotImages, wantImages []core.Image
	for i, p := range wantPNGs {
		name := filepath.Join(google, fmt.Sprintf("google-export-%d-of-%d.png", i+1, len(wantPNGs)))
		gotImages = append(gotImages, core.Image{Name: name, Path: name})
		wantImages = append(wantImages, core.Image{Name: fmt.Sprint(i), Data: p})
	}
	gf, unreadGot := core.ReadImages(gotImages)
	wf, unreadWant := core.ReadImages(wantImages)
	if len(unreadGot)+len(unreadWant) != 0 || !slices.Equal(uris(gf.Accounts), uris(wf.Accounts)) || len(gf.Accounts) == 0 {
		t.Errorf("google-qr: got %v (%v), want core's %v (%v)", uris(gf.Accounts), unreadGot, uris(wf.Accounts), unreadWant)
	}

}

// TestBackupCasesAsCore: the shared backup file cases (core/coretest)
// through "latchkey export --format backup": each opens as the case says
// and holds the vault's accounts, as the window's (ui/coretest_export_test.go).
func TestBackupCasesAsCore(t *testing.T) {
	t.Parallel()
	for _, c := range coretest.BackupCases() {
		t.Run(c.What, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			path := filepath.Join(dir, "vault.latchkey")
			codes := coretest.Vault(t, path, coretest.Accounts(t)...)
			env := map[string]string{"LATCHKEY_VAULT": path, "LATCHKEY_PASSWORD_FILE": writeFile(t, dir, "pw", coretest.Password+"\n")}
			out := filepath.Join(dir, "b.latchkey")
			args := []string{"export", "--format", "backup", "--out", out}
			if c.Password != "" {
				args = append(args, "--backup-password-file", writeFile(t, dir, "backup-pw", c.Password+"\n"))
			}
			if c.WithCodes {
				args = append(args, "--with-backup-codes")
			}
			if r := runCLI(t, "", env, args...); r.status != 0 {
				t.Fatalf("export: status %d, stderr %q", r.status, r.stderr)
			}
			coretest.CheckBackup(t, c, out, coretest.Password, codes, coretest.Open(t, path).Accounts())
		})
	}
}

type confirmAll struct{}

func (confirmAll) ConfirmPlain(core.Format) bool { return true }

// TestAddFromImageAndTextAsCore: "latchkey add" with images and URIs adds
// what core reads from them.
func TestAddFromImageAndTextAsCore(t *testing.T) {
	t.Parallel()
	keys := coretest.Keys(t)
	dir := t.TempDir()
	one := coretest.QRImage(t, dir, "one.png", keys[0])
	two := coretest.QRImage(t, dir, "two.png", keys[1])
	text := keys[2].URI()
	_, env := vaultFor(t)
	r := runCLI(t, "", env, "add", text, one, two)
	if r.status != 0 {
		t.Fatalf("add: status %d, stderr %q", r.status, r.stderr)
	}
	fromText, err := core.ReadText(text)
	if err != nil {
		t.Fatal(err)
	}
	fromImages, unread := core.ReadImages([]core.Image{{Name: "one", Path: one}, {Name: "two", Path: two}})
	if len(unread) != 0 {
		t.Fatal(unread)
	}
	want := uris(append(fromText.Accounts, fromImages.Accounts...))
	if got := exported(t, env); !slices.Equal(got, want) || len(got) != 3 {
		t.Errorf("got %v, want core's %v", got, want)
	}
}

// TestAddCasesAsCore: the shared cases of adding from the screen
// (core/coretest), text on standard input and images as arguments, leave
// the accounts the case says, as the window's Paste and drop do
// (ui/coretest_add_test.go); an image without a code fails naming it.
func TestAddCasesAsCore(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, c := range coretest.AddCases(t, dir) {
		t.Run(c.What, func(t *testing.T) {
			t.Parallel()
			args := append([]string{"add"}, c.Images...)
			if c.Text != "" {
				args = append(args, "-")
			}
			path, env := vaultFor(t, c.Have...)
			r := runCLI(t, c.Text, env, args...)
			switch {
			case c.Err == nil && r.status != 0:
				t.Fatalf("add: status %d, stderr %q", r.status, r.stderr)
			case c.Err != nil && (r.status != ExitFailure || !strings.Contains(r.stderr, c.Images[0]+": ")):
				t.Errorf("add: got status %d, stderr %q; want %d naming the image", r.status, r.stderr, ExitFailure)
			}
			coretest.SameAccounts(t, coretest.Open(t, path).Accounts(), c.After())
			if got := strings.Count(r.stderr, "already in the vault\n"); got != c.Duplicates {
				t.Errorf("got %d accounts said to be in the vault, want %d:\n%s", got, c.Duplicates, r.stderr)
			}
		})
	}
}

// TestRestoreCasesAsCore: the shared restore cases (core/coretest) make
// the vault core's Restore makes, with as many new codes printed; a backup
// that does not open fails with core's error's exit status and makes no
// vault.
func TestRestoreCasesAsCore(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, c := range coretest.RestoreCases(t, dir) {
		t.Run(c.What, func(t *testing.T) {
			t.Parallel()
			u := core.Unlock{Password: []byte(c.Password)}
			args := []string{"restore", c.Backup, "--vault", filepath.Join(t.TempDir(), "new", "vault.latchkey")}
			opens := c.Password
			if c.Code != "" {
				u = core.Unlock{Code: c.Code, NewPassword: []byte(c.NewPassword)}
				args = append(args, "--code", c.Code, "--new-password-file", writeFile(t, t.TempDir(), "new-pw", c.NewPassword+"\n"))
				opens = c.NewPassword
			} else {
				args = append(args, "--password-file", writeFile(t, t.TempDir(), "pw", c.Password+"\n"))
			}
			cv, codes, err := core.Restore(coretest.Options, c.Backup, filepath.Join(t.TempDir(), "vault.latchkey"), u)
			if !errors.Is(err, c.Err) || (c.Err == nil) != (err == nil) {
				t.Fatalf("core: got %v, want %v", err, c.Err)
			}
			r := runCLI(t, "", nil, args...)
			target := args[3]
			if c.Err != nil {
				if r.status != exitStatus(err) || vault.Exists(target) {
					t.Errorf("got status %d, a vault made: %v; want status %d and no vault", r.status, vault.Exists(target), exitStatus(err))
				}
				return
			}
			defer cv.Close()
			if r.status != 0 {
				t.Fatalf("restore: status %d, stderr %q", r.status, r.stderr)
			}
			if got := len(strings.Fields(r.stdout)); got != len(codes) || (got > 0) != c.NewCodes {
				t.Errorf("got %d new codes printed, want %d as core makes", got, len(codes))
			}
			v, err := coretest.Options.Open(target, []byte(opens))
			if err != nil {
				t.Fatal(err)
			}
			defer v.Close()
			coretest.SameAccounts(t, v.Accounts(), cv.Accounts())
			if len(v.Accounts()) != c.Accounts {
				t.Errorf("got %d accounts, want %d", len(v.Accounts()), c.Accounts)
			}
		})
	}
}

// TestKitCasesAsCore: the shared recovery kit cases (core/coretest), with
// --regenerate-codes as the window always does: the page is what
// coretest.CheckKit wants, as the window's (ui/coretest_kit_test.go); a
// kit over the vault fails and leaves the vault file as it was.
func TestKitCasesAsCore(t *testing.T) {
	t.Parallel()
	for _, c := range coretest.KitCases(t) {
		t.Run(c.What, func(t *testing.T) {
			t.Parallel()
			path, env := vaultFor(t, c.Accounts...)
			out := filepath.Join(t.TempDir(), "kit.html")
			if c.OverVault {
				out = path
			}
			before, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			args := []string{"recovery-kit", "--out", out, "--regenerate-codes"}
			if c.WithAccounts {
				args = append(args, "--with-accounts")
			}
			r := runCLI(t, "", env, args...)
			if c.OverVault {
				after, err := os.ReadFile(path)
				if r.status != ExitFailure || err != nil || !bytes.Equal(after, before) {
					t.Errorf("got status %d, the vault file changed: %v (%v); want status %d and the vault as it was", r.status, !bytes.Equal(after, before), err, ExitFailure)
				}
				return
			}
			if r.status != 0 {
				t.Fatalf("recovery-kit: status %d, stderr %q", r.status, r.stderr)
			}
			page, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			coretest.CheckKit(t, c, page, path)
		})
	}
}
