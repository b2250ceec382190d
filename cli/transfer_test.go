package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"latchkey/otp"
)

// qrImage draws text as a QR code with qrencode, an encoder independent of
// ours.
func qrImage(t *testing.T, dir, name, text string) string {
	t.Helper()
	if _, err := exec.LookPath("qrencode"); err != nil {
		t.Skip("qrencode is not installed (./test.sh installs it)")
	}
	p := filepath.Join(dir, name)
	if out, err := exec.Command("qrencode", "-o", p, "-s", "6", "-m", "4", text).CombinedOutput(); err != nil {
		t.Fatalf("qrencode: %v %s", err, out)
	}
	return p
}

func TestScan(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	img := qrImage(t, dir, "a.png", "otpauth://totp/ACME%20Co:john?secret=HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ&issuer=ACME%20Co&digits=8")
	link := qrImage(t, dir, "web.png", "https://example.com/login")
	blank := filepath.Join(dir, "blank.png")
	if out, err := exec.Command("convert", "-size", "200x200", "xc:white", blank).CombinedOutput(); err != nil {
		t.Skipf("imagemagick: %v %s", err, out)
	}

	r := runCLI(t, "", nil, "scan", img)
	want, _ := otp.ParseURI("otpauth://totp/ACME%20Co:john?secret=HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ&issuer=ACME%20Co&digits=8")
	if r.status != 0 || r.stdout != want.URI()+"\n" {
		t.Errorf("scan: status %d, got %q, want %q (stderr %q)", r.status, r.stdout, want.URI()+"\n", r.stderr)
	}
	r = runCLI(t, "", nil, "scan", "--raw", link)
	if r.stdout != "https://example.com/login\n" {
		t.Errorf("scan --raw: got %q", r.stdout)
	}
	// The good image is still printed; the bad ones are named and the status says so.
	r = runCLI(t, "", nil, "scan", blank, img, link, filepath.Join(dir, "missing.png"))
	if r.status != ExitFailure {
		t.Errorf("scan with bad images: status %d, want %d", r.status, ExitFailure)
	}
	if r.stdout != want.URI()+"\n" {
		t.Errorf("scan with bad images: stdout %q, want the one account", r.stdout)
	}
	for _, s := range []string{"blank.png", "missing.png", "web link"} {
		if !strings.Contains(r.stderr, s) {
			t.Errorf("scan with bad images: stderr %q does not mention %q", r.stderr, s)
		}
	}
}

func TestAddExportImport(t *testing.T) {
	t.Parallel()
	_, env, _ := newVault(t)
	dir := t.TempDir()
	img := qrImage(t, dir, "gh.png", "otpauth://totp/GitHub:octo?secret=JBSWY3DPEHPK3PXP&issuer=GitHub")
	r := runCLI(t, "", env, "add", exampleURI, img, "otpauth://hotp/Bank:bob?secret=MFRGGZDFMZTWQ2LK&counter=4")
	if r.status != 0 {
		t.Fatalf("add: status %d, stderr %q", r.status, r.stderr)
	}
	// The GitHub image holds the same secret as exampleURI: a duplicate.
	if !strings.Contains(r.stderr, "skipped GitHub: octo: already in the vault") {
		t.Errorf("add: stderr %q does not report the duplicate", r.stderr)
	}
	if r := runCLI(t, "", env, "list"); r.stdout != "Example\talice@google.com\nBank\tbob\n" {
		t.Errorf("list after add: %q", r.stdout)
	}
	if r := runCLI(t, "", env, "add", "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&digits=13"); r.status == 0 || !strings.Contains(r.stderr, "digits") {
		t.Errorf("add a broken URI: status %d, stderr %q", r.status, r.stderr)
	}

	r = runCLI(t, "", env, "export", "--format", "uri")
	if r.status != 0 || !strings.Contains(r.stderr, "NOT encrypted") {
		t.Fatalf("export uri: status %d, stderr %q", r.status, r.stderr)
	}
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if len(lines) != 2 {
		t.Fatalf("export uri: %d lines, want 2", len(lines))
	}
	for _, l := range lines {
		if _, err := otp.ParseURI(l); err != nil {
			t.Errorf("exported line does not parse: %v", err)
		}
	}

	// A file the user names is narrowed to 0600 before secrets go in.
	uris := writeFile(t, dir, "uris.txt", "")
	os.Chmod(uris, 0o644)
	if r := runCLI(t, "", env, "export", "--format", "uri", "--out", uris); r.status != 0 {
		t.Fatalf("export uri --out: status %d, stderr %q", r.status, r.stderr)
	}
	if fi, _ := os.Stat(uris); fi.Mode().Perm() != 0o600 {
		t.Errorf("export over a 0644 file left mode %v, want 0600", fi.Mode().Perm())
	}
	aegis := filepath.Join(dir, "out", "aegis.json")
	if r := runCLI(t, "", env, "export", "--format", "aegis", "--out", aegis); r.status != 0 {
		t.Fatalf("export aegis: status %d, stderr %q", r.status, r.stderr)
	}
	if fi, err := os.Stat(aegis); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("aegis export: %v, mode %v; want 0600", err, fi.Mode().Perm())
	}
	// Into a second vault: everything arrives; into the first: all duplicates.
	_, env2, _ := newVault(t)
	if r := runCLI(t, "", env2, "import", aegis); r.status != 0 || !strings.Contains(r.stderr, "imported 2 accounts") {
		t.Errorf("import into a new vault: status %d, stderr %q", r.status, r.stderr)
	}
	a := runCLI(t, "", env, "export", "--format", "uri").stdout
	b := runCLI(t, "", env2, "export", "--format", "uri").stdout
	if sortLines(a) != sortLines(b) {
		t.Errorf("accounts after the Aegis round trip differ:\n%s\nwant\n%s", b, a)
	}
	if r := runCLI(t, "", env, "import", aegis); r.status != 0 || !strings.Contains(r.stderr, "imported 0 accounts") {
		t.Errorf("re-import: status %d, stderr %q; want every account skipped", r.status, r.stderr)
	}

}

func sortLines(s string) string {
	l := strings.Split(strings.TrimSpace(s), "\n")
	sort.Strings(l)
	return strings.Join(l, "\n")
}

// The shared fixtures are real files written by other apps.
func TestImportFixtures(t *testing.T) {
	t.Parallel()
	fixtures := filepath.Join("..", "..", "shared", "fixtures", "aegis-importers")
	if _, err := os.Stat(fixtures); err != nil {
		t.Skipf("no shared fixtures at %s", fixtures)
	}
	_, env, _ := newVault(t)
	pw := writeFile(t, t.TempDir(), "pw", "test\n")
	r := runCLI(t, "", env, "import", "--import-password-file", pw,
		filepath.Join(fixtures, "aegis_encrypted.json"), filepath.Join(fixtures, "2fas_authenticator_plain_v4.2fas"))
	if r.status != 0 {
		t.Fatalf("import: status %d, stderr %q", r.status, r.stderr)
	}
	plain, err := os.ReadFile(filepath.Join(fixtures, "plain.txt"))
	if err != nil {
		t.Fatal(err)
	}
	got := runCLI(t, "", env, "list").stdout
	for _, line := range strings.Split(strings.TrimSpace(string(plain)), "\n") {
		k, err := otp.ParseURI(line)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(got, k.Issuer+"\t"+k.Name) {
			t.Errorf("%s is missing after the import; list:\n%s", k.Label(), got)
		}
	}
	// The 2FAS file holds the same accounts: all reported as duplicates.
	if !strings.Contains(r.stderr, "already in the vault") {
		t.Errorf("second file's accounts were not reported as duplicates: %q", r.stderr)
	}
	bad := writeFile(t, t.TempDir(), "pw", "nope\n")
	r = runCLI(t, "", env, "import", "--import-password-file", bad, filepath.Join(fixtures, "aegis_encrypted.json"))
	if r.status != ExitWrongPassword || !strings.Contains(r.stderr, "wrong password") {
		t.Errorf("wrong import password: status %d, stderr %q; want %d", r.status, r.stderr, ExitWrongPassword)
	}
	junk := writeFile(t, t.TempDir(), "junk.json", `{"hello": "world"}`)
	r = runCLI(t, "", env, "import", junk)
	if r.status == 0 || !strings.Contains(r.stderr, "junk.json") || !strings.Contains(r.stderr, "known authenticator") {
		t.Errorf("unknown file: status %d, stderr %q", r.status, r.stderr)
	}
}

// While the desktop app holds the vault, reading commands still work; a
// command that must change the vault says why it cannot.
func TestReadWhileAppHasVaultOpen(t *testing.T) {
	t.Parallel()
	path, env, _ := newVault(t)
	addKeys(t, path, "otpauth://totp/GitHub:alice?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&digits=8",
		"otpauth://hotp/Bank:bob?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&counter=0")
	app, err := testVault.Open(path, []byte("correct horse"))
	if err != nil {
		t.Fatal(err)
	}
	defer app.Close()
	if r := runCLI(t, "", env, "list"); r.status != 0 || !strings.Contains(r.stdout, "GitHub\talice") {
		t.Errorf("list while open elsewhere: status %d, stderr %q", r.status, r.stderr)
	}
	if r := runCLI(t, "", env, "code", "github", "--at", "59"); r.status != 0 || r.stdout != "94287082\n" {
		t.Errorf("totp code while open elsewhere: status %d, stdout %q, stderr %q", r.status, r.stdout, r.stderr)
	}
	if r := runCLI(t, "", env, "code", "bank"); r.status != ExitLocked || r.stdout != "" || !strings.Contains(r.stderr, "HOTP") {
		t.Errorf("hotp code while open elsewhere: status %d, stdout %q, stderr %q; want %d and no code", r.status, r.stdout, r.stderr, ExitLocked)
	}
	backup := filepath.Join(t.TempDir(), "b.latchkey")
	if r := runCLI(t, "", env, "export", "--format", "backup", "--out", backup); r.status != 0 {
		t.Errorf("backup while open elsewhere: status %d, stderr %q", r.status, r.stderr)
	}
	if r := runCLI(t, "", env, "add", exampleURI); r.status != ExitLocked {
		t.Errorf("add while open elsewhere: status %d, want %d", r.status, ExitLocked)
	}
}

func TestQRAndGoogleExport(t *testing.T) {
	t.Parallel()
	path, env, _ := newVault(t)
	addKeys(t, path, exampleURI,
		"otpauth://totp/SHA512:x?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&algorithm=SHA512",
		"otpauth://hotp/Bank:bob?secret=MFRGGZDFMZTWQ2LK&counter=7")
	dir := t.TempDir()
	png := filepath.Join(dir, "gh.png")
	if r := runCLI(t, "", env, "qr", "example", "--out", png); r.status != 0 {
		t.Fatalf("qr: status %d, stderr %q", r.status, r.stderr)
	}
	want, _ := otp.ParseURI(exampleURI)
	if r := runCLI(t, "", nil, "scan", png); r.stdout != want.URI()+"\n" {
		t.Errorf("scan of qr output: got %q, want %q", r.stdout, want.URI())
	}
	out := filepath.Join(dir, "google")
	r := runCLI(t, "", env, "export", "--format", "google-qr", "--out", out)
	if r.status != 0 || !strings.Contains(r.stderr, "not exported: SHA512: x") {
		t.Fatalf("export google-qr: status %d, stderr %q; want the SHA512 account named", r.status, r.stderr)
	}
	files, _ := filepath.Glob(filepath.Join(out, "*.png"))
	r = runCLI(t, "", nil, append([]string{"scan"}, files...)...)
	got := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if r.status != 0 || len(got) != 2 {
		t.Fatalf("scan of the google export: status %d, %d accounts, want 2 (stderr %q)", r.status, len(got), r.stderr)
	}
	for _, l := range got {
		k, err := otp.ParseURI(l)
		if err != nil || (k.Issuer != "Example" && k.Issuer != "Bank") {
			t.Errorf("google export read back %v %v", k.Label(), err)
		}
	}
}
