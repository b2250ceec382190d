package otp

import (
	"iter"
	"strings"
)

// URILines yields the lines of a URI list that hold something, with their
// numbers from 1 and their white space trimmed: one URI a line, as apps
// export them and people paste them, where blank lines and lines starting
// with # (comments) hold nothing. Every reader of such a list (an import,
// a paste, the command line's standard input) skips the same lines.
func URILines(text string) iter.Seq2[int, string] {
	return func(yield func(int, string) bool) {
		// Line by line over text itself: splitting a list of millions of
		// blank lines or comments would cost many times its size.
		for n := 1; text != ""; n++ {
			var line string
			line, text, _ = strings.Cut(text, "\n")
			line = strings.TrimSpace(line)
			if line == "" || line[0] == '#' {
				continue
			}
			if !yield(n, line) {
				return
			}
		}
	}
}
