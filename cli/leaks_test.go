package cli

import (
	"encoding/json"
	"image"
	"image/color"
	"path/filepath"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"latchkey/internal/safetext"
	"latchkey/internal/testtool"
	"latchkey/otp"
)

// Names a hostile QR code or export could carry: colours, a retitled
// terminal, a backspace, NUL, and bidirectional overrides.
const (
	hostileIssuer = "Evil\x1b[31mRED\x08\x00\u202e"
	hostileName   = "bob\u202e\x1b]0;pwned\x07\u2066moc.elgoog"
)

func hostileKey(secret string, name string) otp.Key {
	s, err := otp.ParseSecret(secret)
	if err != nil {
		panic(err)
	}
	return otp.Key{Type: otp.TOTP, Issuer: hostileIssuer, Name: name, Secret: s, Algorithm: otp.SHA1, Digits: 6, Period: 30}
}

// screenSafe fails when s holds a character that would act on a terminal;
// line breaks and tabs are allowed where the format has them.
func screenSafe(t *testing.T, what, s string) {
	t.Helper()
	for _, r := range s {
		if r != '\n' && r != '\t' && safetext.Unsafe(r) {
			t.Errorf("%s holds %U raw: %q", what, r, s)
			return
		}
	}
}

func TestHostileNamesAreShownEscaped(t *testing.T) {
	t.Parallel()
	path, env, _ := newVault(t)
	first := hostileKey("JBSWY3DPEHPK3PXP", hostileName)
	second := hostileKey("GEZDGNBVGY3TQOJQ", "carol\x1b[2J")

	// add -: the URI arrives on standard input, the name with it.
	r := runCLI(t, first.URI()+"\n", env, "add", "-")
	if r.status != 0 {
		t.Fatalf("add -: status %d, stderr %q", r.status, r.stderr)
	}
	screenSafe(t, "add's stderr", r.stderr)
	if want := "added " + safetext.Escape(first.Label()) + "\n"; r.stderr != want {
		t.Errorf("add -: got stderr %q, want %q", r.stderr, want)
	}
	// add URI: the same report, after the warning about the process list.
	r = runCLI(t, "", env, "add", second.URI())
	screenSafe(t, "add's stderr", r.stderr)
	if want := argvWarning + "\nadded " + safetext.Escape(second.Label()) + "\n"; r.status != 0 || r.stderr != want {
		t.Errorf("add URI: got status %d, stderr %q; want 0, %q", r.status, r.stderr, want)
	}

	r = runCLI(t, "", env, "list")
	screenSafe(t, "list", r.stdout)
	want := safetext.Escape(hostileIssuer) + "\t" + safetext.Escape(hostileName) + "\n" +
		safetext.Escape(hostileIssuer) + "\tcarol\\x1b[2J\n"
	if r.status != 0 || r.stdout != want {
		t.Errorf("list: got status %d, stdout %q; want 0, %q", r.status, r.stdout, want)
	}
	if !strings.Contains(r.stdout, `Evil\x1b[31mRED\x08\x00\u202e`) {
		t.Errorf("list: got %q, want the escapes spelled out", r.stdout)
	}

	// list --json: exact values, yet nothing that acts on a terminal.
	r = runCLI(t, "", env, "list", "--json")
	screenSafe(t, "list --json", r.stdout)
	var listed []accountJSON
	if err := json.Unmarshal([]byte(r.stdout), &listed); err != nil {
		t.Fatalf("list --json: %v in %q", err, r.stdout)
	}
	if len(listed) != 2 || listed[0].Issuer != hostileIssuer || listed[0].Name != hostileName || listed[1].Name != second.Name {
		t.Errorf("list --json: got %+v, want the exact issuer %q and names %q, %q", listed, hostileIssuer, hostileName, second.Name)
	}

	// The vault keeps the bytes as they came.
	v, err := testVault.OpenReadOnly(path, []byte("correct horse"))
	if err != nil {
		t.Fatal(err)
	}
	got := v.Accounts()
	v.Close()
	if len(got) != 2 || got[0].Key.Issuer != hostileIssuer || got[0].Key.Name != hostileName {
		t.Errorf("vault holds %q / %q, want %q / %q", got[0].Key.Issuer, got[0].Key.Name, hostileIssuer, hostileName)
	}

	// code's ambiguity message lists both, escaped.
	r = runCLI(t, "", env, "code", "evil")
	screenSafe(t, "code's error", r.stderr)
	if r.status != ExitFailure || !strings.Contains(r.stderr, "\n  "+safetext.Escape(first.Label())+"\n") ||
		!strings.Contains(r.stderr, safetext.Escape(second.Label())) {
		t.Errorf("code evil: got status %d, stderr %q; want both accounts listed, escaped", r.status, r.stderr)
	}

	// qr names the account it wrote.
	out := filepath.Join(t.TempDir(), "qr.png")
	r = runCLI(t, "", env, "qr", listed[1].ID, "--out", out)
	screenSafe(t, "qr's stderr", r.stderr)
	if r.status != 0 || !strings.Contains(r.stderr, safetext.Escape(second.Label())) {
		t.Errorf("qr: got status %d, stderr %q; want the escaped label", r.status, r.stderr)
	}

	// import: the file name, the accounts added and skipped, and the
	// entries it could not read.
	dir := t.TempDir()
	third := hostileKey("MFRGGZDFMZTWQ2LK", "dave\u202d")
	list := third.URI() + "\n" + first.URI() + "\n" +
		"otpauth://totp/Bad%1B%5B2J%E2%80%AE?secret=JBSWY3DPEHPK3PXP&digits=99\n"
	file := writeFile(t, dir, "export\x1b[8m.txt", list)
	r = runCLI(t, "", env, "import", file)
	screenSafe(t, "import's stderr", r.stderr)
	for _, want := range []string{
		safetext.Escape(file) + ": ",
		"added " + safetext.Escape(third.Label()) + "\n",
		"skipped " + safetext.Escape(first.Label()) + ": already in the vault",
		`not imported: line 3 (Bad\x1b[2J\u202e): `,
	} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("import: stderr %q, want it to hold %q", r.stderr, want)
		}
	}
}

// leakyURIs each hold leakSecret where the secret goes, mangled the ways
// people and programs mangle URIs.
const leakSecret = "LEAKMELEAKMELEAK"

var leakyURIs = []string{
	"otpauth//totp/Acme:al?secret=" + leakSecret,
	"otpauth:/totp/Acme:al?secret=" + leakSecret,
	"otpauth:totp/Acme?secret=" + leakSecret,
	"OTPAUTH ://totp/Acme?secret=" + leakSecret,
	"otpauth://totp/Acme:al&secret=" + leakSecret,
	"otpauth://totp/Acme?secret=" + leakSecret + "1",
	"otpauth://tot/Acme?secret=" + leakSecret,
	"otpauth://totp/Acme?secret=" + leakSecret + "&digits=" + leakSecret,
	"otpauth://hotp/Acme?secret=" + leakSecret,
	"otpauth-migration://offline?data=" + leakSecret,
	"otpauth-migration//offline?data=" + leakSecret,
	"otpauth-migration:/offline?data=" + leakSecret,
	"totp/Acme?secret=" + leakSecret,
	leakSecret,
}

func noLeak(t *testing.T, what string, r result, uri string) {
	t.Helper()
	for _, s := range []string{r.stdout, r.stderr} {
		if strings.Contains(s, leakSecret[:10]) || strings.Contains(s, uri) {
			t.Errorf("%s %q: the output repeats the secret: stdout %q, stderr %q", what, uri, r.stdout, r.stderr)
			return
		}
	}
	if r.status == 0 {
		t.Errorf("%s %q: got status 0, want a failure", what, uri)
	}
	if !strings.Contains(r.stderr, "latchkey: ") {
		t.Errorf("%s %q: stderr %q, want an error", what, uri, r.stderr)
	}
}

func TestBrokenURIsAreNeverEchoed(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	env := map[string]string{
		"LATCHKEY_VAULT":         filepath.Join(dir, "vault.latchkey"),
		"LATCHKEY_PASSWORD_FILE": writeFile(t, dir, "pw", "correct horse\n"),
	}
	for i, uri := range leakyURIs {
		noLeak(t, "add", runCLI(t, "", env, "add", uri), uri)
		noLeak(t, "add -", runCLI(t, uri+"\n", env, "add", "-"), uri)
		noLeak(t, "code", runCLI(t, "", env, "code", uri), uri)
		noLeak(t, "code -", runCLI(t, uri+"\n", env, "code", "-"), uri)
		file := writeFile(t, dir, "list"+string(rune('a'+i))+".txt", uri+"\n")
		noLeak(t, "import", runCLI(t, "", env, "import", file), uri)
		img := filepath.Join(dir, "code"+string(rune('a'+i))+".png")
		writeQR(t, img, uri)
		noLeak(t, "scan", runCLI(t, "", env, "scan", img), uri)
		// The URI where a file was expected.
		noLeak(t, "import URI", runCLI(t, "", env, "import", uri), uri)
		noLeak(t, "scan URI", runCLI(t, "", env, "scan", uri), uri)
	}
	// The name of the part that is wrong, instead.
	r := runCLI(t, "", env, "add", leakyURIs[0])
	if !strings.Contains(r.stderr, `"://" is missing after the scheme`) {
		t.Errorf("add %q: stderr %q, want it to say the :// is missing", leakyURIs[0], r.stderr)
	}
	// Without a command, or after one that takes none.
	for _, args := range [][]string{{leakyURIs[0]}, {"help", leakyURIs[1]}, {"--vault", "x", leakyURIs[2]}} {
		r := runCLI(t, "", env, args...)
		noLeak(t, "latchkey", r, args[len(args)-1])
		if r.status != ExitUsage {
			t.Errorf("latchkey %q: got status %d, want %d", args, r.status, ExitUsage)
		}
	}
	r = runCLI(t, "", env, "code", leakSecret)
	if !strings.Contains(r.stderr, "no account matches the query") && !strings.Contains(r.stderr, "no vault") {
		t.Errorf("code SECRET: stderr %q, want no account matching the query", r.stderr)
	}
}

func TestBrokenURIQueryNotEchoedByVaultCommands(t *testing.T) {
	t.Parallel()
	_, env, _ := newVault(t)
	for _, uri := range []string{leakyURIs[0], leakSecret, "totp/Acme?secret=" + leakSecret} {
		r := runCLI(t, "", env, "qr", uri, "--out", filepath.Join(t.TempDir(), "x.png"))
		noLeak(t, "qr", r, uri)
		if !strings.Contains(r.stderr, "no account matches the query") {
			t.Errorf("qr %q: stderr %q, want no account matching the query", uri, r.stderr)
		}
	}
	// An ordinary query is still quoted.
	if _, err := findOne(nil, "github"); err == nil || !strings.Contains(err.Error(), `"github"`) {
		t.Errorf("findOne(github): got %v, want the query quoted", err)
	}
}

func TestAddAndCodeFromStdin(t *testing.T) {
	t.Parallel()
	path, env, _ := newVault(t)
	in := "# two accounts\n\n" +
		"otpauth://totp/GitHub:alice?secret=JBSWY3DPEHPK3PXP&issuer=GitHub\r\n" +
		"  otpauth://totp/GitLab:alice?secret=GEZDGNBVGY3TQOJQ&issuer=GitLab  \n"
	r := runCLI(t, in, env, "add", "-")
	if r.status != 0 || r.stderr != "added GitHub: alice\nadded GitLab: alice\n" {
		t.Errorf("add -: got status %d, stderr %q; want both added and no warning", r.status, r.stderr)
	}
	v, err := testVault.OpenReadOnly(path, []byte("correct horse"))
	if err != nil {
		t.Fatal(err)
	}
	if n := len(v.Accounts()); n != 2 {
		t.Errorf("the vault holds %d accounts, want 2", n)
	}
	v.Close()

	// The password cannot come from the pipe that carries the URIs.
	noFile := map[string]string{"LATCHKEY_VAULT": path}
	r = runCLI(t, "correct horse\n"+in, noFile, "add", "-")
	if r.status != ExitUsage || !strings.Contains(r.stderr, "--password-file") {
		t.Errorf("add - without a password file: got status %d, stderr %q; want %d and a hint", r.status, r.stderr, ExitUsage)
	}
	if r := runCLI(t, in, env, "add", "-", "-"); r.status != ExitUsage || !strings.Contains(r.stderr, "once") {
		t.Errorf("add - -: got status %d, stderr %q; want %d", r.status, r.stderr, ExitUsage)
	}
	r = runCLI(t, "\n", env, "add", "-")
	if r.status != ExitFailure || !strings.Contains(r.stderr, "holds no URIs") {
		t.Errorf("add - with nothing: got status %d, stderr %q; want a failure", r.status, r.stderr)
	}
	// One bad line is named by number; the good ones are still added.
	r = runCLI(t, "otpauth://totp/New:bob?secret=MFRGGZDFMZTWQ2LK\nnot a uri\n", env, "add", "-")
	if r.status != ExitFailure || !strings.Contains(r.stderr, "standard input, line 2: ") || !strings.Contains(r.stderr, "added New: bob") {
		t.Errorf("add - with a bad line: got status %d, stderr %q; want line 2 named and New added", r.status, r.stderr)
	}

	// code -: RFC 6238's SHA-1 seed at 59 s, 8 digits.
	rfc := "otpauth://totp/RFC:test?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&digits=8\n"
	r = runCLI(t, rfc, nil, "code", "-", "--at", "59")
	if r.status != 0 || r.stdout != "94287082\n" || r.stderr != "" {
		t.Errorf("code -: got status %d, stdout %q, stderr %q; want 0, 94287082 and no warning", r.status, r.stdout, r.stderr)
	}
	r = runCLI(t, rfc+rfc, nil, "code", "-")
	if r.status != ExitFailure || !strings.Contains(r.stderr, "reads one URI") {
		t.Errorf("code - with two lines: got status %d, stderr %q; want a refusal", r.status, r.stderr)
	}
	for _, cmd := range []string{"add", "code"} {
		h := runCLI(t, "", nil, cmd, "-h")
		if !strings.Contains(h.stderr, "Give - to read the URI") {
			t.Errorf("%s -h: %q, want - documented", cmd, h.stderr)
		}
	}
}

// writeQR writes text as a QR code PNG.
func writeQR(t *testing.T, path, text string) {
	t.Helper()
	hints := map[gozxing.EncodeHintType]any{gozxing.EncodeHintType_CHARACTER_SET: "UTF-8"}
	m, err := qrcode.NewQRCodeWriter().Encode(text, gozxing.BarcodeFormat_QR_CODE, 400, 400, hints)
	if err != nil {
		t.Fatal(err)
	}
	img := image.NewGray(image.Rect(0, 0, m.GetWidth(), m.GetHeight()))
	for y := 0; y < m.GetHeight(); y++ {
		for x := 0; x < m.GetWidth(); x++ {
			img.SetGray(x, y, color.Gray{Y: 255})
			if m.Get(x, y) {
				img.SetGray(x, y, color.Gray{})
			}
		}
	}
	testtool.WriteFile(t, path, testtool.PNG(t, img))
}

// list --json: the same value read back, and nothing that acts on a screen.
func FuzzScreenSafeJSON(f *testing.F) {
	for _, s := range []string{"", "GitHub", hostileIssuer, hostileName, "\u0085\u2028\x7f", "\xff", `\u202e`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b, err := json.Marshal(accountJSON{Issuer: s, Tags: []string{s}})
		if err != nil {
			t.Fatal(err)
		}
		out := screenSafeJSON(b)
		screenSafe(t, "JSON", string(out))
		var plain, safe accountJSON
		if err := json.Unmarshal(b, &plain); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(out, &safe); err != nil {
			t.Fatalf("%q: the escaped JSON %q does not parse: %v", s, out, err)
		}
		if safe.Issuer != plain.Issuer || safe.Tags[0] != plain.Tags[0] {
			t.Fatalf("%q: got %q back, want %q", s, safe.Issuer, plain.Issuer)
		}
	})
}
