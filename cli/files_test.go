package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"latchkey/internal/testtool"
	"latchkey/vault"
)

// runWithin runs the command line and fails the test if it has not
// finished within limit (a FIFO that blocks an open never returns).
func runWithin(t *testing.T, limit time.Duration, env map[string]string, args ...string) result {
	t.Helper()
	done := make(chan result, 1)
	go func() { done <- runCLI(t, "", env, args...) }()
	select {
	case r := <-done:
		return r
	case <-time.After(limit):
		t.Fatalf("%v still runs after %v", args, limit)
	}
	return result{}
}

// Every command with --out, pointed at the vault, its lock or one of its
// automatic backups, fails and leaves the file as it was, --force or not.
func TestOutNeverReplacesTheVault(t *testing.T) {
	t.Parallel()
	path, env, codes := newVault(t, exampleURI)
	backups, err := vault.Backups(vault.BackupDirFor(path), path)
	if err != nil || len(backups) == 0 {
		t.Fatalf("backups: %v, %v", backups, err)
	}
	for _, target := range []string{path, path + ".lock", backups[0]} {
		before, err := os.ReadFile(target)
		if err != nil {
			t.Fatal(err)
		}
		for _, force := range []bool{false, true} {
			for _, args := range [][]string{
				{"export", "--format", "aegis", "--out", target},
				{"export", "--format", "uri", "--out", target},
				{"export", "--format", "backup", "--out", target},
				{"qr", "example", "--out", target},
				{"recovery-kit", "--regenerate-codes", "--out", target},
			} {
				if force {
					args = append(args, "--force")
				}
				r := runCLI(t, "", env, args...)
				if r.status != ExitFailure || !strings.Contains(r.stderr, "it was left as it is") {
					t.Errorf("%v: got status %d, stderr %q; want %d and a refusal", args, r.status, r.stderr, ExitFailure)
				}
				if after, _ := os.ReadFile(target); !bytes.Equal(after, before) {
					t.Fatalf("%v changed %s", args, target)
				}
			}
		}
	}
	// The refused kits made no new codes: the old ones still open the vault.
	v, err := testVault.OpenWithBackupCode(path, codes[0])
	if err != nil {
		t.Fatalf("an old backup code after the refused kits: %v", err)
	}
	v.Close()
	if r := runCLI(t, "", env, "list"); r.status != 0 || r.stdout != "Example\talice@google.com\n" {
		t.Errorf("list after the attacks: status %d, stdout %q", r.status, r.stdout)
	}
}

// An existing file is replaced only with --force; a symbolic link, a FIFO
// or a folder never.
func TestOutReplacesOnlyWhenForced(t *testing.T) {
	t.Parallel()
	_, env, _ := newVault(t, exampleURI)
	dir := t.TempDir()
	notes := writeFile(t, dir, "notes.txt", "my notes")
	if err := os.Chmod(notes, 0o644); err != nil {
		t.Fatal(err)
	}
	r := runCLI(t, "", env, "export", "--format", "uri", "--out", notes)
	if r.status != ExitFailure || !strings.Contains(r.stderr, "already exists") || !strings.Contains(r.stderr, "--force") {
		t.Errorf("export over notes.txt: status %d, stderr %q; want %d and a hint at --force", r.status, r.stderr, ExitFailure)
	}
	if b, _ := os.ReadFile(notes); string(b) != "my notes" {
		t.Fatalf("a refused export changed notes.txt to %q", b)
	}
	r = runCLI(t, "", env, "export", "--format", "uri", "--out", notes, "--force")
	if r.status != 0 {
		t.Fatalf("export --force: status %d, stderr %q", r.status, r.stderr)
	}
	st, _ := os.Stat(notes)
	if b, _ := os.ReadFile(notes); !strings.HasPrefix(string(b), "otpauth://") || st.Mode().Perm() != 0o600 {
		t.Errorf("after --force: %q, mode %v; want the URIs, 0600", b, st.Mode().Perm())
	}

	target := writeFile(t, dir, "target.txt", "kept")
	link := filepath.Join(dir, "link")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "fifo")
	testtool.Mkfifo(t, fifo)
	for _, out := range []string{link, fifo, dir} {
		for _, args := range [][]string{
			{"export", "--format", "aegis", "--out", out, "--force"},
			{"export", "--format", "backup", "--out", out, "--force"},
			{"qr", "example", "--out", out, "--force"},
		} {
			if r := runWithin(t, 30*time.Second, env, args...); r.status != ExitFailure {
				t.Errorf("%v: got status %d, stderr %q; want %d", args, r.status, r.stderr, ExitFailure)
			}
		}
	}
	if b, _ := os.ReadFile(target); string(b) != "kept" {
		t.Errorf("an export wrote %q through the link", b)
	}
	if st, err := os.Lstat(link); err != nil || st.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link is no longer a link: %v, %v", st, err)
	}

	// A Google export is checked whole before any image is written.
	out := filepath.Join(dir, "google")
	if r := runCLI(t, "", env, "export", "--format", "google-qr", "--out", out); r.status != 0 {
		t.Fatalf("google-qr: status %d, stderr %q", r.status, r.stderr)
	}
	png := filepath.Join(out, "google-export-1-of-1.png")
	before, _ := os.ReadFile(png)
	if r := runCLI(t, "", env, "export", "--format", "google-qr", "--out", out); r.status != ExitFailure || !strings.Contains(r.stderr, "--force") {
		t.Errorf("google-qr again: status %d, stderr %q; want %d and a hint at --force", r.status, r.stderr, ExitFailure)
	}
	if after, _ := os.ReadFile(png); !bytes.Equal(after, before) {
		t.Error("a refused google-qr export changed an image")
	}
	if r := runCLI(t, "", env, "export", "--format", "google-qr", "--out", out, "--force"); r.status != 0 {
		t.Errorf("google-qr --force: status %d, stderr %q", r.status, r.stderr)
	}
}

// A vault reached through a symbolic link is saved in place: the link
// stays a link, and its lock is the real file's.
func TestSymlinkedVaultCommands(t *testing.T) {
	t.Parallel()
	real, env, _ := newVault(t)
	link := filepath.Join(t.TempDir(), "link.latchkey")
	if err := os.Symlink(real, link); err != nil {
		t.Fatal(err)
	}
	r := runCLI(t, "", env, "add", "--vault", link, exampleURI)
	if r.status != 0 {
		t.Fatalf("add through the link: status %d, stderr %q", r.status, r.stderr)
	}
	if st, err := os.Lstat(link); err != nil || st.Mode()&os.ModeSymlink == 0 {
		t.Errorf("after add the link is %v, %v; want a symbolic link", st, err)
	}
	if r := runCLI(t, "", env, "list", "--vault", real); r.stdout != "Example\talice@google.com\n" {
		t.Errorf("the real vault lists %q, want the account added through the link", r.stdout)
	}
	v, err := testVault.Open(link, []byte("correct horse"))
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	if r := runCLI(t, "", env, "add", "--vault", real, githubURI); r.status != ExitLocked {
		t.Errorf("add by the real path while open through the link: status %d, stderr %q; want %d", r.status, r.stderr, ExitLocked)
	}
}

// A FIFO, a device or a folder as the vault is refused at once, with no
// lock file beside it; a FIFO given to import or restore does not hang.
func TestVaultThatIsNoFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	pw := writeFile(t, dir, "pw", "correct horse\n")
	fifo := filepath.Join(dir, "fifo")
	testtool.Mkfifo(t, fifo)
	urandomLock := vault.Exists("/dev/urandom.lock")
	for _, p := range []string{fifo, "/dev/urandom", dir} {
		env := map[string]string{"LATCHKEY_VAULT": p, "LATCHKEY_PASSWORD_FILE": pw}
		for _, args := range [][]string{{"list"}, {"add", exampleURI}, {"backups", "--now"}} {
			r := runWithin(t, 30*time.Second, env, args...)
			if r.status != ExitFailure || !strings.Contains(r.stderr, "not a regular file") {
				t.Errorf("%v with the vault at %s: status %d, stderr %q; want %d, not a regular file", args, p, r.status, r.stderr, ExitFailure)
			}
		}
	}
	if !urandomLock && vault.Exists("/dev/urandom.lock") {
		os.Remove("/dev/urandom.lock")
		t.Error("a command made /dev/urandom.lock")
	}
	if vault.Exists(fifo+".lock") || vault.Exists(dir+".lock") {
		t.Error("a command made a lock file beside the FIFO or the folder")
	}
	env := map[string]string{"LATCHKEY_VAULT": filepath.Join(dir, "new.latchkey"), "LATCHKEY_PASSWORD_FILE": pw}
	for _, args := range [][]string{{"import", fifo}, {"restore", fifo}, {"import", dir}, {"scan", fifo}, {"scan", dir}, {"scan", "/dev/zero"}} {
		if r := runWithin(t, 30*time.Second, env, args...); r.status != ExitFailure {
			t.Errorf("%v: status %d, stderr %q; want %d", args, r.status, r.stderr, ExitFailure)
		}
	}
	// Images too: a FIFO or a device given to add is named and refused.
	_, env, _ = newVault(t)
	for _, img := range []string{fifo, "/dev/zero", dir} {
		if r := runWithin(t, 30*time.Second, env, "add", img); r.status != ExitFailure || !strings.Contains(r.stderr, filepath.Base(img)) {
			t.Errorf("add %s: status %d, stderr %q; want %d naming it", img, r.status, r.stderr, ExitFailure)
		}
	}
}

// When the vault is saved but its automatic backup is not, the change is
// reported as made, with a warning, and the command succeeds.
func TestSavedButBackupFailed(t *testing.T) {
	t.Parallel()
	path, env, _ := newVault(t)
	backups := vault.BackupDirFor(path)
	if err := os.RemoveAll(backups); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(backups, nil, 0o600); err != nil { // no folder can be made there
		t.Fatal(err)
	}
	r := runCLI(t, "", env, "add", exampleURI)
	if r.status != 0 || !strings.Contains(r.stderr, "added Example: alice@google.com") || !strings.Contains(r.stderr, "automatic backup failed") {
		t.Errorf("add with the backup failing: status %d, stderr %q; want 0, the account added and a warning", r.status, r.stderr)
	}
	if r := runCLI(t, "", env, "list"); r.stdout != "Example\talice@google.com\n" {
		t.Errorf("list: got %q, want the added account", r.stdout)
	}
	newPw := writeFile(t, t.TempDir(), "new", "a new long password\n")
	r = runCLI(t, "", env, "passwd", "--new-password-file", newPw)
	if r.status != 0 || !strings.Contains(r.stderr, "the password is changed") || !strings.Contains(r.stderr, "automatic backup failed") {
		t.Errorf("passwd with the backup failing: status %d, stderr %q; want 0 and a warning", r.status, r.stderr)
	}

	// A new vault whose first backup fails is made, and its codes shown.
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "backups"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	env2 := map[string]string{"LATCHKEY_VAULT": filepath.Join(dir, "vault.latchkey"), "LATCHKEY_PASSWORD_FILE": env["LATCHKEY_PASSWORD_FILE"]}
	r = runCLI(t, "", env2, "init")
	if r.status != 0 || strings.Count(r.stdout, "\n") != vault.BackupCodeCount || !strings.Contains(r.stderr, "automatic backup failed") {
		t.Errorf("init with the backup failing: status %d, stdout %q, stderr %q; want 0, the codes and a warning", r.status, r.stdout, r.stderr)
	}
}

// A vault replaced by an older copy of itself is named as older than its
// newest backup, with the way back.
func TestBackupsFindsRollback(t *testing.T) {
	t.Parallel()
	path, env, _ := newVault(t, exampleURI)
	old, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	addKeys(t, path, githubURI)
	backups, _ := vault.Backups(vault.BackupDirFor(path), path)
	if err := os.WriteFile(path, old, 0o600); err != nil {
		t.Fatal(err)
	}
	r := runCLI(t, "", env, "backups")
	if r.status != ExitFailure || !strings.Contains(r.stderr, "the vault is older than the newest backup "+backups[0]) || !strings.Contains(r.stderr, "latchkey restore "+backups[0]) {
		t.Errorf("backups after a rollback: status %d, stdout %q, stderr %q; want %d, older than %s", r.status, r.stdout, r.stderr, ExitFailure, backups[0])
	}
	r = runCLI(t, "", env, "backups", "--now")
	if r.status != ExitFailure || !strings.Contains(r.stderr, "older than the newest backup") {
		t.Errorf("backups --now after a rollback: status %d, stderr %q", r.status, r.stderr)
	}
	if after, _ := vault.Backups(vault.BackupDirFor(path), path); len(after) != len(backups) {
		t.Errorf("backups --now wrote a backup of the old copy: %d backups, want %d", len(after), len(backups))
	}
}
