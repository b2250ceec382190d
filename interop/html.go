package interop

import (
	"fmt"
	"html"
	"regexp"
)

// HTML exports (Stratum / Authenticator Pro writes one, as do some other
// apps) list each account as an otpauth:// link; the page around them does
// not matter. A link shown twice (as text and as a link) is read once.

var htmlLink = regexp.MustCompile(`(?i)(?:otpauth|steam)://[^"'<>\s]+`)

func readHTML(c *collector, data, _ []byte) error {
	seen := map[string]bool{}
	// One link at a time: FindAll would list every match of a page of
	// millions before the first is read.
	for off := 0; off < len(data); {
		loc := htmlLink.FindIndex(data[off:])
		if loc == nil || c.checkFull() {
			break
		}
		m := data[off+loc[0] : off+loc[1]]
		off += loc[1]
		uri := html.UnescapeString(string(m))
		if seen[uri] {
			continue
		}
		seen[uri] = true
		readURILine(c, fmt.Sprintf("link %d", len(seen)), uri)
	}
	return nil
}
