package cli

import (
	"bytes"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"latchkey/vault"
)

const (
	githubURI = "otpauth://totp/GitHub:alice?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&digits=8"
	gitlabURI = "otpauth://totp/GitLab:alice?secret=MFRGGZDFMZTWQ2LK"
	bankURI   = "otpauth://hotp/Bank:bob?secret=ORSXG5DTMVRXEZLU&counter=4"
)

// testCtx is the context a command would get, for calling the functions
// the lead's commands call (export and import) directly.
func testCtx(env map[string]string) (*ctx, *bytes.Buffer) {
	var out, errb bytes.Buffer
	return &ctx{Env: Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb,
		Getenv: func(k string) string { return env[k] }, Vault: testVault}}, &errb
}

// exportBackupFile writes a backup of the vault env names, as
// "latchkey export --format backup" does.
func exportBackupFile(t *testing.T, env map[string]string, out string, flags backupFlags) (string, error) {
	t.Helper()
	c, stderr := testCtx(env)
	c.backup = flags
	v, err := c.openVault()
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	err = c.exportBackup(v, out)
	return stderr.String(), err
}

func TestExportBackup(t *testing.T) {
	t.Parallel()
	_, env, codes := newVault(t, exampleURI, githubURI)
	dir := t.TempDir()
	bpw := writeFile(t, dir, "bpw", "backup pass\n")
	out := filepath.Join(dir, "backup.latchkey")

	r := runCLI(t, "", env, "export", "--format", "backup", "--out", out, "--backup-password-file", bpw, "--with-backup-codes")
	if r.status != 0 {
		t.Fatalf("export --format backup: status %d, stderr %q", r.status, r.stderr)
	}
	if msg := r.stderr; !strings.Contains(msg, "2 accounts") || !strings.Contains(msg, "backup password or one of the vault's 10 unused backup codes") {
		t.Errorf("export message %q, want the count and what opens it", msg)
	}
	if st, err := os.Stat(out); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("backup file: %v, %v; want mode 0600", st, err)
	}
	b, err := testVault.OpenBackup(out, []byte("backup pass"))
	if err != nil {
		t.Fatalf("open the backup with its password: %v", err)
	}
	if len(b.Accounts) != 2 || b.Accounts[1].Key.Issuer != "GitHub" || b.BackupCodes != len(codes) {
		t.Errorf("backup holds %d accounts, %d code slots; want 2 (Example, GitHub) and %d", len(b.Accounts), b.BackupCodes, len(codes))
	}
	_, err = testVault.OpenBackup(out, []byte("correct horse"))
	if !errors.Is(err, vault.ErrWrongPassword) {
		t.Errorf("vault password on a backup with its own: got %v, want wrong password", err)
	}

	// An older backup, or any other file, is replaced only with --force.
	// One open vault for the rest: each open is a second of key derivation.
	c, _ := testCtx(env)
	v, err := c.openVault()
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	older, _ := os.ReadFile(out)
	if err := c.exportBackup(v, out); err == nil || !strings.Contains(err.Error(), "--force") {
		t.Errorf("an older backup without --force: got %v, want a refusal", err)
	}
	if b, _ := os.ReadFile(out); !bytes.Equal(b, older) {
		t.Error("a refused export changed the older backup")
	}
	c.flags.force = true
	if err := c.exportBackup(v, out); err != nil {
		t.Errorf("replacing an older backup with --force: %v", err)
	}
	if _, err := testVault.OpenBackup(out, []byte("correct horse")); err != nil {
		t.Errorf("the new backup under the vault password: %v", err)
	}
	c.flags.force = false
	other := writeFile(t, dir, "notes.txt", "my notes")
	if err := c.exportBackup(v, other); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("export over a text file: got %v, want a refusal", err)
	}
	if b, _ := os.ReadFile(other); string(b) != "my notes" {
		t.Error("a refused export changed the file")
	}
	c.backup.passwordFile = writeFile(t, dir, "empty", "\n")
	if err := c.exportBackup(v, filepath.Join(dir, "b2")); err == nil || vault.Exists(filepath.Join(dir, "b2")) {
		t.Errorf("an empty backup password: got %v, want an error and no file", err)
	}
}

func TestImportBackup(t *testing.T) {
	t.Parallel()
	_, env, _ := newVault(t, exampleURI, githubURI, bankURI)
	dir := t.TempDir()
	out := filepath.Join(dir, "backup.latchkey")
	// Under the vault password (no second calibration); the import reads
	// it as the backup's password.
	bpw := env["LATCHKEY_PASSWORD_FILE"]
	if _, err := exportBackupFile(t, env, out, backupFlags{}); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}

	// Another vault has GitHub under another name, and GitLab.
	path2, env2, _ := newVault(t)
	addKeys(t, path2, strings.Replace(githubURI, "alice", "alice-renamed", 1), gitlabURI)

	wrong := writeFile(t, dir, "wrong", "wrong\n")
	r := runCLI(t, "", env2, "import", out, "--import-password-file", wrong)
	if r.status != ExitWrongPassword || r.stderr != "latchkey: "+out+": latchkey backup: wrong password\nlatchkey: nothing to import\n" {
		t.Errorf("wrong backup password: status %d, stderr %q; want %d and the file named once", r.status, r.stderr, ExitWrongPassword)
	}

	r = runCLI(t, "", env2, "import", out, "--import-password-file", bpw)
	if r.status != 0 {
		t.Fatalf("import BACKUP: status %d, stderr %q", r.status, r.stderr)
	}
	for _, s := range []string{"skipped GitHub: alice: already in the vault", "added Example: alice@google.com", "added Bank: bob", "3 accounts: 2 added, 1 already"} {
		if !strings.Contains(r.stderr, s) {
			t.Errorf("import report %q does not say %q", r.stderr, s)
		}
	}
	r = runCLI(t, "", env2, "list")
	want := "GitHub\talice-renamed\nGitLab\talice\nExample\talice@google.com\nBank\tbob\n"
	if r.stdout != want {
		t.Errorf("after the merge: got %q, want %q (nothing overwritten)", r.stdout, want)
	}

	// Damaged and newer files say so, and change nothing.
	bad := bytes.Clone(data)
	bad[len(bad)/2] ^= 1
	newer := bytes.Clone(data)
	binary.BigEndian.PutUint16(newer[8:], 99)
	for _, tc := range []struct{ name, data, says string }{
		{"damaged", string(bad), "corrupt"},
		{"newer", string(newer), "newer version"},
	} {
		r := runCLI(t, "", env2, "import", writeFile(t, dir, tc.name, tc.data), "--import-password-file", bpw)
		if r.status != ExitFailure || !strings.Contains(r.stderr, "latchkey backup: ") || !strings.Contains(r.stderr, tc.says) {
			t.Errorf("a %s backup: status %d, stderr %q; want %d saying %q", tc.name, r.status, r.stderr, ExitFailure, tc.says)
		}
	}
	if r := runCLI(t, "", env2, "list"); r.stdout != want {
		t.Errorf("after refused backups: got %q, want %q", r.stdout, want)
	}
}

func TestRestore(t *testing.T) {
	t.Parallel()
	path, env, codes := newVault(t, exampleURI, githubURI)
	dir := t.TempDir()
	withCodes := filepath.Join(dir, "with-codes.latchkey")
	withoutCodes := filepath.Join(dir, "without.latchkey")
	if _, err := exportBackupFile(t, env, withCodes, backupFlags{withCodes: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := exportBackupFile(t, env, withoutCodes, backupFlags{}); err != nil {
		t.Fatal(err)
	}
	pwFile := env["LATCHKEY_PASSWORD_FILE"]

	// A new machine: no vault yet.
	newPath := filepath.Join(t.TempDir(), "new", "vault.latchkey")
	r := runCLI(t, "", nil, "restore", withoutCodes, "--vault", newPath, "--password-file", pwFile)
	fresh := strings.Fields(r.stdout)
	if r.status != 0 || len(fresh) != len(codes) || !strings.Contains(r.stderr, "restored 2 accounts") {
		t.Fatalf("restore: status %d, %d codes on stdout, stderr %q; want 0, %d new codes", r.status, len(fresh), r.stderr, len(codes))
	}
	newEnv := map[string]string{"LATCHKEY_VAULT": newPath, "LATCHKEY_PASSWORD_FILE": pwFile}
	if r := runCLI(t, "", newEnv, "list"); r.stdout != "Example\talice@google.com\nGitHub\talice\n" {
		t.Errorf("list on the restored vault: got %q (stderr %q)", r.stdout, r.stderr)
	}
	if r := runCLI(t, "", newEnv, "code", "github", "--at", "59"); r.stdout != "94287082\n" {
		t.Errorf("code on the restored vault: got %q, want 94287082", r.stdout)
	}
	// Never over an existing vault.
	before, _ := os.ReadFile(newPath)
	r = runCLI(t, "", nil, "restore", withCodes, "--vault", newPath, "--password-file", pwFile)
	if r.status == 0 || !strings.Contains(r.stderr, "already a vault") || !strings.Contains(r.stderr, "latchkey import") {
		t.Errorf("restore over a vault: status %d, stderr %q; want a refusal pointing at import", r.status, r.stderr)
	}
	if after, _ := os.ReadFile(newPath); !bytes.Equal(before, after) {
		t.Error("a refused restore changed the vault")
	}

	// A backup with codes: the old codes open the new vault; none printed.
	newPath2 := filepath.Join(t.TempDir(), "vault.latchkey")
	r = runCLI(t, "", nil, "restore", withCodes, "--vault", newPath2, "--password-file", pwFile)
	if r.status != 0 || r.stdout != "" {
		t.Fatalf("restore with codes: status %d, stdout %q (stderr %q); want no new codes", r.status, r.stdout, r.stderr)
	}
	v, err := testVault.OpenWithBackupCode(newPath2, codes[4])
	if err != nil {
		t.Fatalf("an old backup code on the restored vault: %v", err)
	}
	v.Close()

	// Password lost as well: a backup code and a new password.
	newPath3 := filepath.Join(t.TempDir(), "vault.latchkey")
	newPw := writeFile(t, dir, "newpw", "a new password\n")
	r = runCLI(t, "", nil, "restore", withCodes, "--vault", newPath3, "--code", codes[5], "--new-password-file", newPw)
	if r.status != 0 || !strings.Contains(r.stderr, "opens with the new password") || !strings.Contains(r.stderr, "(9 unused)") {
		t.Fatalf("restore --code: status %d, stderr %q", r.status, r.stderr)
	}
	if r := runCLI(t, "", map[string]string{"LATCHKEY_VAULT": newPath3, "LATCHKEY_PASSWORD_FILE": newPw}, "list"); r.status != 0 || !strings.Contains(r.stdout, "GitHub") {
		t.Errorf("list with the new password: status %d, stderr %q", r.status, r.stderr)
	}
	if v, err := testVault.OpenWithBackupCode(newPath3, codes[5]); err == nil {
		v.Close()
		t.Error("the code used to restore still opens the new vault")
	}
	r = runCLI(t, "", nil, "restore", withoutCodes, "--vault", filepath.Join(t.TempDir(), "v"), "--code", codes[6], "--new-password-file", newPw)
	if r.status != ExitWrongPassword || !strings.Contains(r.stderr, "backup code does not open") {
		t.Errorf("restore --code on a backup without codes: status %d, stderr %q", r.status, r.stderr)
	}

	// Failures: wrong password, damage, newer version, no file.
	wrong := writeFile(t, dir, "wrong", "nope\n")
	data, _ := os.ReadFile(withCodes)
	bad := bytes.Clone(data)
	bad[100] ^= 1
	newer := bytes.Clone(data)
	binary.BigEndian.PutUint16(newer[8:], 0xffff) // newer than any latchkey will read
	for _, tc := range []struct {
		name, file, pw string
		status         int
		says           string
	}{
		{"wrong password", withCodes, wrong, ExitWrongPassword, "wrong password"},
		{"damaged", writeFile(t, dir, "bad", string(bad)), pwFile, ExitFailure, "corrupt"},
		{"newer", writeFile(t, dir, "newer", string(newer)), pwFile, ExitFailure, "newer version"},
		{"missing", filepath.Join(dir, "none"), pwFile, ExitFailure, "no backup at"},
	} {
		target := filepath.Join(t.TempDir(), "v.latchkey")
		r := runCLI(t, "", nil, "restore", tc.file, "--vault", target, "--password-file", tc.pw)
		if r.status != tc.status || !strings.Contains(r.stderr, tc.says) || strings.Count(r.stderr, "\n") != 1 {
			t.Errorf("%s: status %d, stderr %q; want %d and one line saying %q", tc.name, r.status, r.stderr, tc.status, tc.says)
		}
		if vault.Exists(target) {
			t.Errorf("%s: a failed restore left a vault", tc.name)
		}
	}
	if r := runCLI(t, "", nil, "restore"); r.status != ExitUsage {
		t.Errorf("restore without a file: status %d, want %d", r.status, ExitUsage)
	}
	// Backups, restored vaults and their automatic backups: all encrypted.
	assertNoPlaintext(t, withCodes, withoutCodes, filepath.Dir(path), filepath.Dir(newPath), filepath.Dir(newPath2), filepath.Dir(newPath3))
}

func TestRecoveryKit(t *testing.T) {
	t.Parallel()
	path, env, codes := newVault(t, exampleURI, githubURI)
	dir := t.TempDir()

	plain := filepath.Join(dir, "kit.html")
	r := runCLI(t, "", env, "recovery-kit", "--out", plain)
	if r.status != 0 || !strings.Contains(r.stderr, "without backup codes") {
		t.Fatalf("recovery-kit: status %d, stderr %q", r.status, r.stderr)
	}
	page, err := os.ReadFile(plain)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"SECRET", path, "holds no backup codes", "--regenerate-codes"} {
		if !bytes.Contains(page, []byte(s)) {
			t.Errorf("kit without codes does not say %q", s)
		}
	}
	for _, s := range []string{"GEZDGNBV", "JBSWY3DP", "JBSW Y3DP", "alice@google.com", "<img"} {
		if bytes.Contains(page, []byte(s)) {
			t.Errorf("kit without --with-accounts holds %q", s)
		}
	}

	// An existing file is refused before any code is made.
	r = runCLI(t, "", env, "recovery-kit", "--out", plain, "--regenerate-codes")
	if r.status == 0 || !strings.Contains(r.stderr, "already exists") {
		t.Errorf("kit over an existing file: status %d, stderr %q; want a refusal", r.status, r.stderr)
	}
	if after, _ := os.ReadFile(plain); !bytes.Equal(after, page) {
		t.Error("a refused kit changed the file")
	}

	full := filepath.Join(dir, "full.html")
	r = runCLI(t, "", env, "recovery-kit", "--out", full, "--regenerate-codes", "--with-accounts")
	if r.status != 0 || !strings.Contains(r.stderr, "NOT encrypted") || !strings.Contains(r.stderr, "10 new backup codes") {
		t.Fatalf("recovery-kit --regenerate-codes --with-accounts: status %d, stderr %q", r.status, r.stderr)
	}
	if st, _ := os.Stat(full); st == nil || st.Mode().Perm() != 0o600 {
		t.Errorf("kit file mode: got %v, want 0600", st)
	}
	page, _ = os.ReadFile(full)
	for _, s := range []string{"JBSW Y3DP EHPK 3PXP", "GEZD GNBV", "alice@google.com", "data:image/png;base64,"} {
		if !bytes.Contains(page, []byte(s)) {
			t.Errorf("kit with accounts does not hold %q", s)
		}
	}
	// The old codes were refused up to this point; now they are replaced
	// by the ones in the kit.
	if v, err := testVault.OpenWithBackupCode(path, codes[0]); err == nil {
		v.Close()
		t.Error("an old backup code still opens the vault after --regenerate-codes")
	}
	newCodes := kitCodes(page)
	if len(newCodes) != len(codes) {
		t.Fatalf("got %d codes in the kit, want %d", len(newCodes), len(codes))
	}
	v, err := testVault.OpenWithBackupCode(path, newCodes[len(newCodes)-1])
	if err != nil {
		t.Fatalf("a code from the kit: %v", err)
	}
	v.Close()
}

// kitCodes picks the backup codes out of a kit page.
func kitCodes(page []byte) []string {
	var out []string
	for _, part := range strings.Split(string(page), `<span class="code">`)[1:] {
		code, _, _ := strings.Cut(part, "<")
		if strings.Count(code, "-") == 6 {
			out = append(out, code)
		}
	}
	return out
}

// assertNoPlaintext fails if any file under roots holds a test secret, an
// account name or a password in the clear.
func assertNoPlaintext(t *testing.T, roots ...string) {
	t.Helper()
	secrets := []string{"GEZDGNBVGY3TQOJQ", "12345678901234567890", "JBSWY3DPEHPK3PXP", "alice", "GitHub", "correct horse"}
	files := 0
	for _, root := range roots {
		filepath.Walk(root, func(p string, fi os.FileInfo, err error) error {
			if err != nil || !fi.Mode().IsRegular() || fi.Name() == "pw" {
				return nil
			}
			files++
			b, _ := os.ReadFile(p)
			for _, s := range secrets {
				if bytes.Contains(b, []byte(s)) {
					t.Errorf("%s holds %q in the clear", p, s)
				}
			}
			return nil
		})
	}
	if files == 0 {
		t.Error("no files to check")
	}
}

func TestBackupsCommand(t *testing.T) {
	t.Parallel()
	path, env, _ := newVault(t)
	r := runCLI(t, "", env, "backups")
	if r.status != 0 || !strings.Contains(r.stdout, "kept:\t1\n") || !strings.Contains(r.stdout, "up to date") || !strings.Contains(r.stdout, vault.BackupDirFor(path)) {
		t.Errorf("backups after init: status %d, stdout %q, stderr %q", r.status, r.stdout, r.stderr)
	}
	// The backup folder goes away (a file stands where it was) and a change
	// is saved: the vault is ahead of every backup.
	stick := filepath.Join(t.TempDir(), "stick")
	if err := os.WriteFile(stick, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	v, err := testVault.Open(path, []byte("correct horse"))
	if err != nil {
		t.Fatal(err)
	}
	s := v.Settings()
	s.BackupDir = filepath.Join(stick, "backups")
	if err := v.SetSettings(s); err != nil {
		t.Fatal(err)
	}
	if err := v.Save(); !errors.Is(err, vault.ErrBackupFailed) {
		t.Fatalf("save with the folder gone: got %v, want ErrBackupFailed", err)
	}
	v.Close()
	r = runCLI(t, "", env, "backups")
	if r.status != ExitFailure || !strings.Contains(r.stdout, "none that verifies") || !strings.Contains(r.stderr, "no verified backup holds") {
		t.Errorf("backups with the folder gone: status %d, stdout %q, stderr %q", r.status, r.stdout, r.stderr)
	}
	if r := runCLI(t, "", env, "backups", "--now"); r.status != ExitFailure {
		t.Errorf("backups --now with the folder gone: status %d, want %d", r.status, ExitFailure)
	}
	os.Remove(stick) // the stick comes back, with its folder
	if err := os.MkdirAll(s.BackupDir, 0o700); err != nil {
		t.Fatal(err)
	}
	r = runCLI(t, "", env, "backups", "--now")
	if r.status != 0 || !strings.Contains(r.stdout, "up to date") || !strings.Contains(r.stdout, "kept:\t1\n") {
		t.Errorf("backups --now with the folder back: status %d, stdout %q, stderr %q", r.status, r.stdout, r.stderr)
	}
}
