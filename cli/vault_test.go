package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"latchkey/otp"
	"latchkey/vault"
)

// Tests that make vaults run in parallel: each has its own. They use the
// test KDF (testVault), except TestInitWithTheRealKDF, where the real
// Argon2id calibration takes about 2 s.

// newVault creates a vault through "latchkey init" and returns its path,
// the environment that finds it, and the backup codes init printed; the
// vault holds the accounts of uris.
func newVault(t *testing.T, uris ...string) (path string, env map[string]string, codes []string) {
	t.Helper()
	path, env, codes = newVaultWith(t, testVault)
	if len(uris) > 0 {
		addKeys(t, path, uris...)
	}
	return path, env, codes
}

// newVaultWith is newVault with the vault options o.
func newVaultWith(t *testing.T, o vault.Options) (path string, env map[string]string, codes []string) {
	t.Helper()
	dir := t.TempDir()
	path = filepath.Join(dir, "sub", "vault.latchkey")
	pwFile := writeFile(t, dir, "pw", "correct horse\n")
	env = map[string]string{"LATCHKEY_VAULT": path, "LATCHKEY_PASSWORD_FILE": pwFile}
	r := runCLIWith(t, o, "", env, "init")
	if r.status != 0 {
		t.Fatalf("init: status %d, stderr %q", r.status, r.stderr)
	}
	lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	if len(lines) < 5 {
		t.Fatalf("init printed %d lines on stdout, want the backup codes (5 or more): %q", len(lines), r.stdout)
	}
	return path, env, lines
}

func addKeys(t *testing.T, path string, uris ...string) {
	t.Helper()
	v, err := testVault.Open(path, []byte("correct horse"))
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	for _, u := range uris {
		k, err := otp.ParseURI(u)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := v.Add(vault.Account{Key: k}); err != nil {
			t.Fatal(err)
		}
	}
	if err := v.Save(); err != nil {
		t.Fatal(err)
	}
}

// TestInitWithTheRealKDF: what users get, without the test knob: init
// calibrates Argon2id (never below the floor) and the vault opens.
func TestInitWithTheRealKDF(t *testing.T) {
	t.Parallel()
	// The real KDF; a state folder of the test's own, not the user's.
	real := vault.Options{StateDir: t.TempDir()}
	path, env, _ := newVaultWith(t, real)
	if r := runCLIWith(t, real, "", env, "list"); r.status != 0 || r.stdout != "" {
		t.Errorf("list: status %d, stdout %q, stderr %q; want an empty list", r.status, r.stdout, r.stderr)
	}
	v, err := real.Open(path, []byte("correct horse"))
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	if p := v.PasswordParams(); p.Memory < vault.FloorParams.Memory || p.Time < vault.FloorParams.Time {
		t.Errorf("got %v, want at least %v", p, vault.FloorParams)
	}
}

func TestInitListCode(t *testing.T) {
	t.Parallel()
	path, env, _ := newVault(t)
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("vault mode %v, want 0600", fi.Mode().Perm())
	}
	if r := runCLI(t, "", env, "init"); r.status == 0 || !strings.Contains(r.stderr, "already exists") {
		t.Errorf("second init: status %d, stderr %q; want a refusal", r.status, r.stderr)
	}
	addKeys(t, path, exampleURI,
		"otpauth://totp/GitHub:alice?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&digits=8",
		"otpauth://totp/GitLab:alice?secret=MFRGGZDFMZTWQ2LK",
		"otpauth://hotp/Bank:bob?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&counter=0")

	r := runCLI(t, "", env, "list")
	want := "Example\talice@google.com\nGitHub\talice\nGitLab\talice\nBank\tbob\n"
	if r.status != 0 || r.stdout != want {
		t.Errorf("list: status %d, got %q, want %q", r.status, r.stdout, want)
	}
	r = runCLI(t, "", env, "list", "--json")
	if r.status != 0 || !strings.Contains(r.stdout, `"issuer": "GitHub"`) || strings.Contains(r.stdout, "GEZDGNBV") || strings.Contains(r.stdout, "secret") {
		t.Errorf("list --json: status %d, got %q; want the fields without the secret", r.status, r.stdout)
	}

	r = runCLI(t, "", env, "code", "github", "--at", "59")
	if r.status != 0 || r.stdout != "94287082\n" {
		t.Errorf("code github: status %d, got %q, want 94287082 (stderr %q)", r.status, r.stdout, r.stderr)
	}
	r = runCLI(t, "", env, "code", "alice")
	if r.status == 0 || !strings.Contains(r.stderr, "GitHub: alice") || !strings.Contains(r.stderr, "GitLab: alice") {
		t.Errorf("ambiguous query: status %d, stderr %q; want an error listing both", r.status, r.stderr)
	}
	r = runCLI(t, "", env, "code", "nobody")
	if r.status == 0 || !strings.Contains(r.stderr, "no account matches") {
		t.Errorf("no match: status %d, stderr %q", r.status, r.stderr)
	}
	// HOTP: each code uses up a counter value, and the advance is saved.
	for _, want := range []string{"755224\n", "287082\n", "359152\n"} {
		r = runCLI(t, "", env, "code", "bank")
		if r.status != 0 || r.stdout != want {
			t.Errorf("hotp code: status %d, got %q, want %q (stderr %q)", r.status, r.stdout, want, r.stderr)
		}
	}
}

func TestWrongPasswordAndCorruptVault(t *testing.T) {
	t.Parallel()
	path, env, _ := newVault(t)
	before, _ := os.ReadFile(path)
	bad := map[string]string{"LATCHKEY_VAULT": path, "LATCHKEY_PASSWORD_FILE": writeFile(t, t.TempDir(), "pw", "wrong\n")}
	r := runCLI(t, "", bad, "list")
	if r.status != ExitWrongPassword || !strings.Contains(r.stderr, "wrong password") || strings.Count(r.stderr, "\n") != 1 {
		t.Errorf("wrong password: status %d, stderr %q; want %d and one line", r.status, r.stderr, ExitWrongPassword)
	}
	// The password can also come on standard input.
	r = runCLI(t, "correct horse\n", map[string]string{"LATCHKEY_VAULT": path}, "list")
	if r.status != 0 {
		t.Errorf("password on stdin: status %d, stderr %q", r.status, r.stderr)
	}
	corrupt := append([]byte(nil), before...)
	corrupt[len(corrupt)/2] ^= 1
	if err := os.WriteFile(path, corrupt, 0o600); err != nil {
		t.Fatal(err)
	}
	r = runCLI(t, "", env, "list")
	if r.status != ExitFailure || !strings.Contains(r.stderr, "corrupt") {
		t.Errorf("corrupt vault: status %d, stderr %q", r.status, r.stderr)
	}
	after, _ := os.ReadFile(path)
	if string(after) != string(corrupt) {
		t.Error("opening a corrupt vault changed the file")
	}
	missing := map[string]string{"LATCHKEY_VAULT": filepath.Join(t.TempDir(), "none"), "LATCHKEY_PASSWORD_FILE": env["LATCHKEY_PASSWORD_FILE"]}
	if r := runCLI(t, "", missing, "list"); r.status != ExitFailure || !strings.Contains(r.stderr, "latchkey init") {
		t.Errorf("missing vault: status %d, stderr %q; want a hint to run init", r.status, r.stderr)
	}
}

func TestPasswdRecoverBackupCodes(t *testing.T) {
	t.Parallel()
	path, env, codes := newVault(t, exampleURI)
	dir := t.TempDir()
	newPw := writeFile(t, dir, "new", "battery staple\n")

	r := runCLI(t, "", env, "passwd", "--new-password-file", newPw)
	if r.status != 0 {
		t.Fatalf("passwd: status %d, stderr %q", r.status, r.stderr)
	}
	if r := runCLI(t, "", env, "list"); r.status != ExitWrongPassword {
		t.Errorf("old password after passwd: status %d, want %d", r.status, ExitWrongPassword)
	}
	env2 := map[string]string{"LATCHKEY_VAULT": path, "LATCHKEY_PASSWORD_FILE": newPw}
	if r := runCLI(t, "", env2, "list"); r.status != 0 || !strings.Contains(r.stdout, "Example") {
		t.Errorf("new password: status %d, stdout %q", r.status, r.stdout)
	}

	// A backup code opens the vault once and sets a new password.
	third := writeFile(t, dir, "third", "third password\n")
	r = runCLI(t, "", map[string]string{"LATCHKEY_VAULT": path}, "recover", "--code", codes[0], "--new-password-file", third)
	if r.status != 0 {
		t.Fatalf("recover: status %d, stderr %q", r.status, r.stderr)
	}
	env3 := map[string]string{"LATCHKEY_VAULT": path, "LATCHKEY_PASSWORD_FILE": third}
	if r := runCLI(t, "", env3, "list"); r.status != 0 || !strings.Contains(r.stdout, "Example") {
		t.Errorf("password set by recover: status %d, stderr %q", r.status, r.stderr)
	}
	r = runCLI(t, "", map[string]string{"LATCHKEY_VAULT": path}, "recover", "--code", codes[0], "--new-password-file", third)
	if r.status != ExitWrongPassword {
		t.Errorf("reusing a backup code: status %d, want %d (stderr %q)", r.status, ExitWrongPassword, r.stderr)
	}
	typo := []byte(codes[1])
	for i, c := range typo {
		if c >= 'A' && c <= 'Z' || c >= '2' && c <= '7' {
			typo[i] = map[bool]byte{true: 'B', false: 'C'}[c == 'C']
			break
		}
	}
	r = runCLI(t, "", map[string]string{"LATCHKEY_VAULT": path}, "recover", "--code", string(typo), "--new-password-file", third)
	if r.status != ExitWrongPassword || !strings.Contains(r.stderr, "typo") {
		t.Errorf("a mistyped backup code: status %d, stderr %q; want a typo report", r.status, r.stderr)
	}

	// A new set replaces the old one.
	r = runCLI(t, "", env3, "backup-codes", "--regenerate")
	fresh := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if r.status != 0 || len(fresh) != len(codes) {
		t.Fatalf("backup-codes --regenerate: status %d, %d codes; want %d", r.status, len(fresh), len(codes))
	}
	r = runCLI(t, "", map[string]string{"LATCHKEY_VAULT": path}, "recover", "--code", codes[2], "--new-password-file", third)
	if r.status != ExitWrongPassword {
		t.Errorf("an old-set code after regenerating: status %d, want %d", r.status, ExitWrongPassword)
	}
}

func TestInitRefusesShortPassword(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "vault.latchkey")
	env := map[string]string{"LATCHKEY_VAULT": path, "LATCHKEY_PASSWORD_FILE": writeFile(t, dir, "pw", "hunter2\n")}
	r := runCLI(t, "", env, "init")
	if r.status != ExitFailure || !strings.Contains(r.stderr, "at least 8") || r.stdout != "" {
		t.Errorf("init with a 7-character password: status %d, stdout %q, stderr %q; want a refusal", r.status, r.stdout, r.stderr)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("a refused init left a file (stat: %v)", err)
	}
}
