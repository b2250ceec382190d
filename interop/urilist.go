package interop

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"

	"latchkey/otp"
)

// readURIList reads one otpauth:// (or steam://) URI per line, as most apps
// export and as Ente Auth writes its plain export (with its own codeDisplay
// parameter carrying pins, tags and notes). Blank lines and # comments are
// ignored.
func readURIList(c *collector, data, _ []byte) error {
	for n, line := range otp.URILines(string(bytes.TrimPrefix(data, utf8BOM))) {
		if c.checkFull() {
			break
		}
		readURILine(c, fmt.Sprintf("line %d", n), line)
	}
	return nil
}

// readURILine reads one URI into c; where names it in skip notes.
func readURILine(c *collector, where, line string) {
	if strings.HasPrefix(strings.ToLower(line), "otpauth-migration://") {
		c.res.Migration = append(c.res.Migration, line)
		return
	}
	k, err := otp.ParseURI(line)
	if err != nil {
		if l := uriLabel(line); l != "" {
			where += " (" + l + ")"
		}
		c.skip(where, err.Error())
		return
	}
	e := Entry{Key: k}
	if raw, ok := queryParam(line, "codeDisplay"); ok {
		var d struct {
			Pinned  bool     `json:"pinned"`
			Trashed bool     `json:"trashed"`
			Tags    []string `json:"tags"`
			Note    string   `json:"note"`
		}
		if json.Unmarshal([]byte(raw), &d) == nil {
			if d.Trashed {
				c.skip(k.Label(), "in Ente Auth's trash")
				return
			}
			e.Pinned, e.Tags, e.Note = d.Pinned, d.Tags, d.Note
		}
	}
	c.add(e)
}

// queryParam finds one parameter of a URI without parsing the rest, so a
// malformed secret elsewhere cannot hide it.
func queryParam(uri, name string) (string, bool) {
	_, query, ok := strings.Cut(uri, "?")
	if !ok {
		return "", false
	}
	for _, part := range strings.Split(query, "&") {
		k, v, _ := strings.Cut(part, "=")
		if strings.EqualFold(k, name) {
			v, err := url.QueryUnescape(v)
			return v, err == nil
		}
	}
	return "", false
}

// uriLabel is the unescaped label of a URI that failed to parse, for skip
// notes. Only a label that is followed by a query is trusted not to be the
// secret itself.
func uriLabel(uri string) string {
	_, rest, ok := strings.Cut(uri, "://")
	if !ok {
		return ""
	}
	rest, _, ok = strings.Cut(rest, "?")
	if !ok {
		return ""
	}
	_, l, _ := strings.Cut(rest, "/")
	if u, err := url.PathUnescape(l); err == nil {
		l = u
	}
	if len(l) > 200 {
		return ""
	}
	return strings.TrimSpace(l)
}
