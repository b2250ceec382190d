package cli

import (
	"errors"
	"io"
	"os"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/term"

	"latchkey/internal/safetext"
)

// messageWriter is standard error as every command sees it: whatever a
// message quotes (a name from a hostile QR code, a file name) reaches the
// terminal with its control characters escaped. Fields are escaped where
// they are printed; this is the net under that.
type messageWriter struct{ w io.Writer }

func (m messageWriter) Write(p []byte) (int, error) {
	if _, err := io.WriteString(m.w, safetext.Message(string(p))); err != nil {
		return 0, err
	}
	return len(p), nil
}

// isTerminal reports whether w is a terminal.
func isTerminal(w any) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// screenSafeJSON writes the characters safetext escapes as \uXXXX, which
// encoding/json leaves raw (DEL, C1 controls, bidirectional controls): the
// JSON means the same and cannot act on a terminal. Outside strings
// encoding/json writes only ASCII, so every such rune is inside a string.
func screenSafeJSON(b []byte) []byte {
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if n > 0 && r != utf8.RuneError && r >= 0x7f && safetext.Unsafe(r) {
			const hex = "0123456789abcdef"
			out = append(out, '\\', 'u', hex[r>>12&0xf], hex[r>>8&0xf], hex[r>>4&0xf], hex[r&0xf])
		} else {
			out = append(out, b[i:i+n]...)
		}
		i += n
	}
	return out
}

// quoteArg quotes an argument in a message, unless it may hold a secret
// (a URI given where a command or query was expected).
func quoteArg(s string) string {
	if mayHoldSecret(s) {
		return "that argument (it looks like a URI or a secret, so it is not repeated)"
	}
	return strconv.Quote(s)
}

// errNotAFile is said of a file argument that names no file and looks like
// a URI or a secret: repeating it (as "open PATH: no such file" would) could
// show the secret.
var errNotAFile = errors.New("no such file, and it looks like a URI or a secret: give URIs to \"latchkey add -\" on standard input")

// missingSecret reports whether a file argument is no file and may hold a
// secret.
func missingSecret(path string) bool { return !fileExists(path) && mayHoldSecret(path) }

// mayHoldSecret reports whether text someone typed as a query could be a
// secret or a mangled URI, which no message may repeat.
func mayHoldSecret(s string) bool {
	l := strings.ToLower(s)
	if strings.ContainsAny(l, "=?&") || strings.Contains(l, "secret") || uriLike(l) {
		return true
	}
	// A bare base32 secret: 16 or more letters and digits 2-7.
	n := 0
	for _, c := range l {
		switch {
		case c >= 'a' && c <= 'z', c >= '2' && c <= '7':
			n++
		case c == ' ' || c == '-':
		default:
			return false
		}
	}
	return n >= 16
}
