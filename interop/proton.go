package interop

// Proton Authenticator's export: {"version": 1, "entries": [{"content":
// {"uri": "otpauth://...", "name": ...}, "note": ...}]}.

// readProton reads a Proton Authenticator export; data is valid JSON
// (Detect checked).
func readProton(c *collector, data, _ []byte) error {
	entries := member(data, "entries")
	return eachEntry(c, entries, "bad JSON: entries are not a list", "entry is not a Proton Authenticator entry", func(i int, e protonEntry) {
		readTOTPField(c, i, e.Content.URI, "", e.Content.Name, Entry{Note: deref(e.Note)})
	})
}

type protonEntry struct {
	Content struct {
		URI  string `json:"uri"`
		Name string `json:"name"`
	} `json:"content"`
	Note *string `json:"note"`
}
