package interop

import (
	"encoding/json"
	"fmt"
)

// Proton Authenticator's export: {"version": 1, "entries": [{"content":
// {"uri": "otpauth://...", "name": ...}, "note": ...}]}.

func readProton(c *collector, data, _ []byte) error {
	var f struct {
		Entries []json.RawMessage `json:"entries"`
	}
	if err := json.Unmarshal(data, &f); err != nil {
		return fmt.Errorf("bad JSON: %w", err)
	}
	for i, raw := range f.Entries {
		if c.checkFull() {
			break
		}
		var e struct {
			Content struct {
				URI  string `json:"uri"`
				Name string `json:"name"`
			} `json:"content"`
			Note *string `json:"note"`
		}
		if err := json.Unmarshal(raw, &e); err != nil {
			c.skipAt(i, "", "entry is not a Proton Authenticator entry")
			continue
		}
		readTOTPField(c, i, e.Content.URI, "", e.Content.Name, Entry{Note: deref(e.Note)})
	}
	return nil
}
