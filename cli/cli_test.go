package cli

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"latchkey/vault"
)

// run1 runs the command line once and returns its status and output.
type result struct {
	status         int
	stdout, stderr string
}

// testVault makes the vaults tests create cheap to open (vault.TestKDF);
// TestInitWithTheRealKDF keeps the calibrated key derivation users get.
var testVault = vault.Options{KDF: vault.TestKDF}

func runCLI(t *testing.T, stdin string, env map[string]string, args ...string) result {
	t.Helper()
	return runCLIWith(t, testVault, stdin, env, args...)
}

// runCLIWith runs the command line with the vault options o.
func runCLIWith(t *testing.T, o vault.Options, stdin string, env map[string]string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	status := Main(args, Env{
		Stdin:  strings.NewReader(stdin),
		Stdout: &out,
		Stderr: &errb,
		Getenv: func(k string) string { return env[k] },
		Vault:  o,
	})
	return result{status, out.String(), errb.String()}
}

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

const exampleURI = "otpauth://totp/Example:alice@google.com?secret=JBSWY3DPEHPK3PXP&issuer=Example"

func TestCodeFromURI(t *testing.T) {
	// RFC 6238's SHA-1 seed, 8 digits: the Appendix B codes.
	uri := "otpauth://totp/RFC:test?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&digits=8"
	for at, want := range map[string]string{"59": "94287082", "1111111109": "07081804", "20000000000": "65353130"} {
		r := runCLI(t, "", nil, "code", uri, "--at", at)
		if r.status != 0 || r.stdout != want+"\n" {
			t.Errorf("code --at %s: got status %d, stdout %q; want 0, %q (stderr %q)", at, r.status, r.stdout, want+"\n", r.stderr)
		}
	}
	// HOTP uses the URI's counter: RFC 4226 counter 3.
	r := runCLI(t, "", nil, "code", "otpauth://hotp/x?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&counter=3")
	if r.stdout != "969429\n" {
		t.Errorf("hotp counter 3: got %q, want 969429", r.stdout)
	}
}

func TestCodeBadURI(t *testing.T) {
	secret := "JBSWY3DPEHPK3PXP"
	for _, uri := range []string{
		"otpauth://totp/x?secret=" + secret + "&digits=12",
		"otpauth://hotp/x?secret=" + secret,
		"otpauth://totp/x?secret=1" + secret,
		"otpauth://qotp/x?secret=" + secret,
		"otpauth://totp/x?secret=" + secret + "&algorithm=MD5",
		"otpauth://totp/x",
	} {
		r := runCLI(t, "", nil, "code", uri)
		if r.status != ExitFailure {
			t.Errorf("%s: got status %d, want %d", uri, r.status, ExitFailure)
		}
		if r.stdout != "" {
			t.Errorf("%s: printed %q on stdout, want nothing", uri, r.stdout)
		}
		stderr, warned := strings.CutPrefix(r.stderr, argvWarning+"\n")
		if !warned {
			t.Errorf("%s: stderr %q, want the warning that the URI was in the process list first", uri, r.stderr)
		}
		if strings.Count(stderr, "\n") != 1 || !strings.HasPrefix(stderr, "latchkey: ") {
			t.Errorf("%s: stderr %q, want the warning and one line starting latchkey:", uri, r.stderr)
		}
		if strings.Contains(r.stderr, secret[:8]) {
			t.Errorf("%s: the error quotes the secret: %q", uri, r.stderr)
		}
	}
}

func TestHelp(t *testing.T) {
	r := runCLI(t, "", nil, "help")
	if r.status != 0 {
		t.Fatalf("help: status %d", r.status)
	}
	for name, cmd := range commands {
		if cmd.brief == "" || !strings.Contains(r.stdout, "  "+name+" ") || !strings.Contains(r.stdout, cmd.brief) {
			t.Errorf("help does not list %q with a one-line description", name)
		}
		h := runCLI(t, "", nil, name, "-h")
		if h.status != 0 || !strings.Contains(h.stderr+h.stdout, "usage: latchkey "+name) || !strings.Contains(h.stderr+h.stdout, firstLine(cmd.summary)) {
			t.Errorf("%s -h: status %d, output %q; want usage and summary", name, h.status, h.stderr+h.stdout)
		}
	}
	if r := runCLI(t, "", nil, "frobnicate"); r.status != ExitUsage {
		t.Errorf("unknown command: got status %d, want %d", r.status, ExitUsage)
	}
}

// A command that takes flags only refuses an argument before it runs.
func TestNoArgsCommandsRefuseArguments(t *testing.T) {
	n := 0
	for name, cmd := range commands {
		if !cmd.noArgs {
			continue
		}
		n++
		r := runCLI(t, "", nil, name, "extra")
		if want := name + " takes no arguments"; r.status != ExitUsage || !strings.Contains(r.stderr, want) {
			t.Errorf("%s extra: got status %d, %q; want %d, %q", name, r.status, r.stderr, ExitUsage, want)
		}
	}
	if n < 8 {
		t.Errorf("got %d commands taking no arguments, want at least 8 (init, list, passwd, ...)", n)
	}
}

func TestPanicBecomesOneLine(t *testing.T) {
	register(&command{name: "boom-test", brief: "test", run: func(*ctx, *flag.FlagSet, []string) error {
		panic("secret JBSWY3DPEHPK3PXP")
	}})
	defer delete(commands, "boom-test")
	r := runCLI(t, "", nil, "boom-test")
	if r.status != ExitFailure || strings.Count(r.stderr, "\n") != 1 || !strings.Contains(r.stderr, "internal error") {
		t.Errorf("a panicking command: status %d, stderr %q; want one line and status %d", r.status, r.stderr, ExitFailure)
	}
	if strings.Contains(r.stderr, "JBSWY3DP") {
		t.Errorf("the panic value reached the user: %q", r.stderr)
	}
}
