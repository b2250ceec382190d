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
	for _, m := range htmlLink.FindAll(data, -1) {
		if c.checkFull() {
			break
		}
		uri := html.UnescapeString(string(m))
		if seen[uri] {
			continue
		}
		seen[uri] = true
		readURILine(c, fmt.Sprintf("link %d", len(seen)), uri)
	}
	return nil
}
