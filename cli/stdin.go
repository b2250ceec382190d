package cli

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"latchkey/otp"
	"latchkey/qrimport"
)

// stdinArg, given instead of a URI, reads the URIs from standard input: an
// argument is readable by every user of the computer in the process list
// while the command runs, standard input is not.
const stdinArg = "-"

const argvWarning = "warning: a URI given as an argument shows its secret to other users of this computer (in the process list); give - and pipe the URIs in instead"

// warnArgv prints argvWarning once per run.
func (c *ctx) warnArgv() {
	if !c.warned {
		c.warned = true
		fmt.Fprintln(c.Stderr, argvWarning)
	}
}

// isURI reports whether s is meant as a key or export URI.
func isURI(s string) bool {
	l := strings.ToLower(s)
	return strings.HasPrefix(l, "otpauth:") || strings.HasPrefix(l, "steam:") || strings.Contains(l, "://")
}

// readableURI reports whether s is a URI for qrimport to read, which names
// what it holds when that is no key.
func readableURI(s string) bool {
	return isURI(s) && qrimport.Classify(s) != qrimport.ContentText
}

// uriLike catches URIs typed wrongly ("otpauth//totp/...", a missing
// scheme), which must be reported by the part that is wrong and never be
// echoed: they hold the secret.
func uriLike(s string) bool {
	l := strings.ToLower(s)
	return isURI(l) || strings.HasPrefix(l, "otpauth") || strings.Contains(l, "secret=")
}

// uriError says what is wrong with s, meant as a URI, without quoting it.
func uriError(s string) error {
	if _, err := otp.ParseURI(s); err != nil {
		return err
	}
	return errors.New("not an otpauth:// URI")
}

// passwordBesideStdin checks, before "-" reads standard input, that the
// vault password has another way in: one pipe cannot carry both.
func (c *ctx) passwordBesideStdin(cmd string) error {
	if c.pw.file != "" || c.getenv("LATCHKEY_PASSWORD_FILE") != "" || isTerminal(c.Stdin) {
		return nil
	}
	return usageErrorf("%s -: standard input holds the URIs, so it cannot give the vault password too; give it with --password-file FILE or $LATCHKEY_PASSWORD_FILE", cmd)
}

// readStdin reads all of standard input for "-", once; at a terminal it
// first says what to paste.
func (c *ctx) readStdin(limit int, what string) (string, error) {
	if c.stdinUsed {
		return "", usageErrorf("standard input can be read only once: give - once")
	}
	c.stdinUsed = true
	if c.Stdin == nil {
		return "", errors.New("no standard input to read URIs from")
	}
	if isTerminal(c.Stdin) {
		fmt.Fprintf(c.Stderr, "paste %s, then press Ctrl-D:\n", what)
	}
	b, err := io.ReadAll(io.LimitReader(c.Stdin, int64(limit)+1))
	if err != nil {
		return "", fmt.Errorf("reading standard input: %w", err)
	}
	if len(b) > limit {
		return "", fmt.Errorf("standard input holds more than %d bytes", limit)
	}
	return string(b), nil
}

// uriLines returns the URIs of text, one per line; blank lines and
// # comments are skipped. It reports each line that is no URI by number.
func (c *ctx) uriLines(text string) (uris []string, ok bool) {
	ok = true
	for n, line := range otp.URILines(text) {
		if readableURI(line) {
			uris = append(uris, line)
			continue
		}
		fmt.Fprintf(c.Stderr, "latchkey: standard input, line %d: %v\n", n, uriError(line))
		ok = false
	}
	return uris, ok
}

// stdinURI reads the one URI of "code -".
func (c *ctx) stdinURI() (otp.Key, error) {
	text, err := c.readStdin(otp.MaxURILen, "the otpauth:// URI")
	if err != nil {
		return otp.Key{}, err
	}
	var lines []string
	for _, l := range strings.Split(text, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	switch len(lines) {
	case 0:
		return otp.Key{}, errors.New("standard input holds no URI")
	case 1:
		return otp.ParseURI(lines[0])
	}
	return otp.Key{}, fmt.Errorf("code - reads one URI, and standard input holds %d lines", len(lines))
}
