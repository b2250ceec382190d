package interop

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"latchkey/internal/testtool"
	"latchkey/otp"
)

// richEntries are entries with everything the export can carry.
func richEntries(t *testing.T) []Entry {
	t.Helper()
	mustKey := func(uri string) otp.Key {
		k, err := otp.ParseURI(uri)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	return []Entry{
		{Key: mustKey("otpauth://totp/Example:alice@example.com?secret=JBSWY3DPEHPK3PXP"), Tags: []string{"Personal", "Work"}, Note: "codes in the drawer\nsecond line", Pinned: true, Icon: tinyPNG},
		{Key: mustKey("otpauth://hotp/Bank:bob?secret=GEZDGNBVGY3TQOJQ&algorithm=SHA512&digits=8&counter=10300"), Tags: []string{"Work"}, Icon: tinySVG},
		{Key: mustKey("otpauth://steam/Steam:carol?secret=ONSWG4TFOQYTEMZU")},
		{Key: mustKey("otpauth://totp/:a%3Acolon%20name?secret=MFRGGZDFMZTWQ2LK&algorithm=SHA256&digits=10&period=86400"), Note: `quotes " and <html> & unicode é 漢字`},
		{Key: mustKey("otpauth://totp/NoIcon:dave?secret=KRUGS4ZANFZSAYJA"), Icon: []byte("GIF89a not an Aegis icon type")},
	}
}

// TestAegisRoundTrip writes entries as an Aegis export and reads them back.
func TestAegisRoundTrip(t *testing.T) {
	in := richEntries(t)
	var buf bytes.Buffer
	if err := WriteAegis(&buf, in); err != nil {
		t.Fatal(err)
	}
	res, err := Read(buf.Bytes(), nil)
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	if res.Format != Aegis || len(res.Skipped) != 0 {
		t.Fatalf("got format %v, skipped %v; want Aegis and none", res.Format, res.Skipped)
	}
	if len(res.Entries) != len(in) {
		t.Fatalf("got %d entries back, want %d", len(res.Entries), len(in))
	}
	for i, w := range in {
		g := res.Entries[i]
		wantIcon := w.Icon
		if i == 4 {
			wantIcon = nil // GIF is not a type Aegis shows: not written
		}
		if !g.Key.Equal(w.Key) || !equalStrings(g.Tags, w.Tags) || g.Note != w.Note || g.Pinned != w.Pinned || !bytes.Equal(g.Icon, wantIcon) {
			t.Errorf("entry %d: got %s %q %q %v icon %d bytes, want %s %q %q %v icon %d bytes", i,
				describe(g.Key), g.Tags, g.Note, g.Pinned, len(g.Icon), describe(w.Key), w.Tags, w.Note, w.Pinned, len(wantIcon))
		}
	}
}

// TestAegisExportShape checks the export field by field against what Aegis
// expects (docs/vault.md, VaultEntry.toJson), not through our own reader.
func TestAegisExportShape(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteAegis(&buf, richEntries(t)); err != nil {
		t.Fatal(err)
	}
	var f struct {
		Version int `json:"version"`
		Header  struct {
			Slots  any `json:"slots"`
			Params any `json:"params"`
		} `json:"header"`
		DB struct {
			Version int              `json:"version"`
			Entries []map[string]any `json:"entries"`
			Groups  []struct {
				UUID string `json:"uuid"`
				Name string `json:"name"`
			} `json:"groups"`
		} `json:"db"`
	}
	if err := json.Unmarshal(buf.Bytes(), &f); err != nil {
		t.Fatal(err)
	}
	if f.Version != 1 || f.Header.Slots != nil || f.Header.Params != nil || f.DB.Version != 3 {
		t.Errorf("got version %d, slots %v, params %v, db version %d; want 1, null, null, 3", f.Version, f.Header.Slots, f.Header.Params, f.DB.Version)
	}
	uuid4 := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	if len(f.DB.Groups) != 2 || f.DB.Groups[0].Name != "Personal" || f.DB.Groups[1].Name != "Work" {
		t.Errorf("got groups %+v, want Personal and Work", f.DB.Groups)
	}
	seen := map[string]bool{}
	for _, g := range f.DB.Groups {
		if !uuid4.MatchString(g.UUID) || seen[g.UUID] {
			t.Errorf("group uuid %q: not a fresh version 4 UUID", g.UUID)
		}
		seen[g.UUID] = true
	}
	e0 := f.DB.Entries[0]
	info := e0["info"].(map[string]any)
	if e0["type"] != "totp" || e0["name"] != "alice@example.com" || e0["issuer"] != "Example" || e0["favorite"] != true ||
		info["secret"] != "JBSWY3DPEHPK3PXP" || info["algo"] != "SHA1" || info["digits"] != 6.0 || info["period"] != 30.0 {
		t.Errorf("entry 0: got %v", e0)
	}
	if _, ok := info["counter"]; ok {
		t.Error("totp entry has a counter")
	}
	sum := sha256.Sum256(tinyPNG)
	if e0["icon"] != base64.StdEncoding.EncodeToString(tinyPNG) || e0["icon_mime"] != "image/png" || e0["icon_hash"] != hex.EncodeToString(sum[:]) {
		t.Errorf("entry 0 icon: got %v %v %v", e0["icon"], e0["icon_mime"], e0["icon_hash"])
	}
	if g := e0["groups"].([]any); len(g) != 2 || g[0] != f.DB.Groups[0].UUID || g[1] != f.DB.Groups[1].UUID {
		t.Errorf("entry 0 groups: got %v", g)
	}
	e1 := f.DB.Entries[1]
	if info := e1["info"].(map[string]any); e1["type"] != "hotp" || info["counter"] != 10300.0 || e1["icon_mime"] != "image/svg+xml" {
		t.Errorf("entry 1: got %v", e1)
	}
	if e2 := f.DB.Entries[2]; e2["type"] != "steam" || e2["icon"] != nil || e2["info"].(map[string]any)["digits"] != 5.0 {
		t.Errorf("entry 2: got %v", e2)
	}
	for i, e := range f.DB.Entries {
		if !uuid4.MatchString(e["uuid"].(string)) || seen[e["uuid"].(string)] {
			t.Errorf("entry %d uuid %q: not a fresh version 4 UUID", i, e["uuid"])
		}
		seen[e["uuid"].(string)] = true
	}
}

// TestAegisExportMatchesAegis exports what was read from Aegis's own file
// and compares each entry with the original, UUIDs aside.
func TestAegisExportMatchesAegis(t *testing.T) {
	dir := testtool.Fixtures(t)
	orig, err := os.ReadFile(filepath.Join(dir, "aegis_plain.json"))
	if err != nil {
		t.Fatal(err)
	}
	res, err := Read(orig, nil)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := WriteAegis(&buf, res.Entries); err != nil {
		t.Fatal(err)
	}
	entries := func(data []byte) []map[string]any {
		var f struct {
			DB struct {
				Entries []map[string]any `json:"entries"`
			} `json:"db"`
		}
		if err := json.Unmarshal(data, &f); err != nil {
			t.Fatal(err)
		}
		return f.DB.Entries
	}
	want, got := entries(orig), entries(buf.Bytes())
	if len(got) != len(want) {
		t.Fatalf("got %d entries, want %d", len(got), len(want))
	}
	for i := range want {
		for _, field := range []string{"type", "name", "issuer", "icon"} {
			if got[i][field] != want[i][field] {
				t.Errorf("entry %d %s: got %v, want %v", i, field, got[i][field], want[i][field])
			}
		}
		gi, wi := got[i]["info"].(map[string]any), want[i]["info"].(map[string]any)
		if len(gi) != len(wi) {
			t.Errorf("entry %d info: got %v, want %v", i, gi, wi)
		}
		for k, v := range wi {
			if gi[k] != v {
				t.Errorf("entry %d info.%s: got %v, want %v", i, k, gi[k], v)
			}
		}
	}
}

func TestWriteAegisRefusesInvalidKeys(t *testing.T) {
	bad := []Entry{{Key: otp.Key{Type: otp.TOTP, Issuer: "Example", Name: "alice", Algorithm: otp.SHA1, Digits: 6, Period: 30}}}
	var buf bytes.Buffer
	err := WriteAegis(&buf, bad)
	if err == nil || !strings.Contains(err.Error(), "Example: alice") {
		t.Errorf("got %v, want an error naming Example: alice", err)
	}
	if buf.Len() != 0 {
		t.Errorf("wrote %d bytes before failing, want none", buf.Len())
	}
}
