package cli

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"unicode/utf8"

	"golang.org/x/term"

	"latchkey/vault"
)

// maxSecretInput caps a password or code read from a file or a pipe.
const maxSecretInput = 64 << 10

// passwordSource says where a command's passwords come from. Scripts use
// files; people get a prompt with no echo.
type passwordSource struct {
	file    string // --password-file
	newFile string // --new-password-file
	cached  []byte // the vault password once read; cleared when the run ends
}

func addPasswordFlags(fs *flag.FlagSet, c *ctx) {
	fs.StringVar(&c.pw.file, "password-file", "", "read the vault password from this file (default: $LATCHKEY_PASSWORD_FILE, else standard input when it is not a terminal, else a prompt)")
}

func addNewPasswordFlag(fs *flag.FlagSet, c *ctx) {
	fs.StringVar(&c.pw.newFile, "new-password-file", "", "read the new password from this file (default: a prompt, or standard input when it is not a terminal)")
}

// password reads the vault password from the first source that is set. It
// is read once per run (a pipe cannot be read twice); callers get a copy
// they may clear.
func (c *ctx) password() ([]byte, error) {
	if c.pw.cached == nil {
		var pw []byte
		var err error
		switch {
		case c.pw.file != "":
			pw, err = readSecretFile(c.pw.file, "password file")
		case c.getenv("LATCHKEY_PASSWORD_FILE") != "":
			pw, err = readSecretFile(c.getenv("LATCHKEY_PASSWORD_FILE"), "$LATCHKEY_PASSWORD_FILE")
		default:
			pw, err = c.promptOrStdin("Vault password: ", false)
		}
		if err != nil {
			return nil, err
		}
		c.pw.cached = pw
	}
	return append([]byte(nil), c.pw.cached...), nil
}

// newPassword reads a password being set. At a terminal it asks twice.
func (c *ctx) newPassword(prompt string) ([]byte, error) {
	var pw []byte
	var err error
	if c.pw.newFile != "" {
		pw, err = readSecretFile(c.pw.newFile, "new password file")
	} else {
		pw, err = c.promptOrStdin(prompt, true)
	}
	if err != nil {
		return nil, err
	}
	if err := checkNewPassword(pw); err != nil {
		clear(pw)
		return nil, err
	}
	return pw, nil
}

// minPasswordLen matches what the app's create screen accepts: the vault's
// KDF slows guessing, but cannot save a password of a few characters.
const minPasswordLen = 8

func checkNewPassword(pw []byte) error {
	if n := utf8.RuneCount(pw); n < minPasswordLen {
		return fmt.Errorf("the new password has %d characters; use at least %d (a few unrelated words are best)", n, minPasswordLen)
	}
	return nil
}

// stdinUsed stops two secrets from being read from one pipe, which would
// silently hand the second prompt whatever follows the first line.
func (c *ctx) promptOrStdin(prompt string, confirm bool) ([]byte, error) {
	if f, ok := c.Stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		pw, err := promptNoEcho(f, c.Stderr, prompt)
		if err != nil || !confirm {
			return pw, err
		}
		again, err := promptNoEcho(f, c.Stderr, "Again: ")
		if err != nil {
			return nil, err
		}
		if !bytes.Equal(pw, again) {
			return nil, errors.New("the two passwords differ")
		}
		return pw, nil
	}
	if c.stdinUsed {
		return nil, usageErrorf("standard input gives only one secret; give the other with a file flag")
	}
	c.stdinUsed = true
	if c.Stdin == nil {
		return nil, errors.New("no password given and no terminal to ask on")
	}
	line, err := readLine(c.Stdin)
	if err != nil {
		return nil, fmt.Errorf("reading the password from standard input: %w", err)
	}
	return line, nil
}

func promptNoEcho(f *os.File, w io.Writer, prompt string) ([]byte, error) {
	fmt.Fprint(w, prompt)
	pw, err := term.ReadPassword(int(f.Fd()))
	fmt.Fprintln(w)
	if err != nil {
		return nil, fmt.Errorf("reading the password: %w", err)
	}
	return pw, nil
}

func readSecretFile(path, what string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	defer f.Close()
	line, err := readLine(f)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", what, path, err)
	}
	return line, nil
}

// readLine reads up to the first newline (a trailing \r\n or \n is not part
// of the secret), refusing more than maxSecretInput bytes.
func readLine(r io.Reader) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxSecretInput+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxSecretInput {
		return nil, fmt.Errorf("longer than %d bytes", maxSecretInput)
	}
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		b = b[:i]
	}
	return bytes.TrimSuffix(b, []byte("\r")), nil
}

// sayKeyChanged tells the user what a key change (a new password, a
// recovery, new backup codes) means for copies of the vault made before:
// they still open with what opened them then (before, e.g. "the old
// password"), and the vault's own automatic backups can be re-encrypted or
// removed. codes, when the old codes could not follow the new key, are
// printed as the new set.
func (c *ctx) sayKeyChanged(v *vault.Vault, codes []string, before string) {
	for _, code := range codes {
		fmt.Fprintln(c.Stdout, code)
	}
	fmt.Fprintln(c.Stderr, "the accounts are now encrypted under a new key: copies of the vault made before now do not open what is saved from now on")
	if len(codes) > 0 {
		fmt.Fprintf(c.Stderr, "the vault's backup codes were made by an older latchkey and could not follow the new key: the %d lines above are new backup codes and the old ones no longer open the vault; store these apart from the computer\n", len(codes))
	}
	earlier, err := v.EarlierBackups()
	switch {
	case err != nil:
		fmt.Fprintf(c.Stderr, "warning: could not look for the automatic backups made before now: %v\n", err)
	case len(earlier) > 0:
		fmt.Fprintf(c.Stderr, "%d automatic backups made before now (in %s) still open with %s: \"latchkey backups --reencrypt\" re-encrypts them under the new key, \"latchkey backups --remove\" deletes them\n", len(earlier), filepath.Dir(earlier[0]), before)
	}
	fmt.Fprintf(c.Stderr, "copies made before now (exported backups, copies on other disks) still open with %s\n", before)
}
