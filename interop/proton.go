package interop

import "errors"

// Proton Authenticator's export: {"version": 1, "entries": [{"content":
// {"uri": "otpauth://...", "name": ...}, "note": ...}]}.

// readProton reads a Proton Authenticator export; data is valid JSON
// (Detect checked).
func readProton(c *collector, data, _ []byte) error {
	entries := member(data, "entries")
	if k := kindOf(trimJSON(entries)); entries != nil && k != jsonArray && k != jsonNull {
		return errors.New("bad JSON: entries are not a list")
	}
	var e protonEntry
	eachElement(entries, func(i int, raw []byte) bool {
		if c.checkFull() {
			return false
		}
		if err := decodeEntry(raw, &e); err != nil {
			c.skipAt(i, "", "entry is not a Proton Authenticator entry")
			return true
		}
		readTOTPField(c, i, e.Content.URI, "", e.Content.Name, Entry{Note: deref(e.Note)})
		return true
	})
	return nil
}

type protonEntry struct {
	Content struct {
		URI  string `json:"uri"`
		Name string `json:"name"`
	} `json:"content"`
	Note *string `json:"note"`
}
