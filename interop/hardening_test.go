package interop

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf16"
)

// latin1 encodes s, whose runes are all below 256, one byte per rune.
func latin1(s string) []byte {
	var b []byte
	for _, r := range s {
		b = append(b, byte(r))
	}
	return b
}

// A text file saved in an 8-bit encoding is not valid UTF-8. It was taken
// for an encrypted andOTP backup, which has no magic number, and the user
// was asked for a password. It must be refused as an unknown format, with
// no password asked.
func TestEightBitTextIsNotAndOTP(t *testing.T) {
	utf16le := []byte{0xff, 0xfe}
	for _, u := range utf16.Encode([]rune("otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXP\r\n")) {
		utf16le = append(utf16le, byte(u), byte(u>>8))
	}
	for name, data := range map[string][]byte{
		"Latin-1 notes": latin1("Comptes à importer\r\nBanque: José Müller, clé de récupération\r\n\tÀ faire: la sécurité à deux facteurs\r\n"),
		"Windows-1252":  append(latin1("The bank\x92s codes cost \x80 5 \x96 don\x92t lose them.\n"), latin1(strings.Repeat("Fußnote ½ ¾\n", 20))...),
		"Latin-1 URIs":  latin1("otpauth://totp/Caf\u00e9:jos\u00e9?secret=JBSWY3DPEHPK3PXP\n"),
		"UTF-16 text":   utf16le,
	} {
		f, enc, err := Detect(data)
		if !errors.Is(err, ErrUnknownFormat) || f != Unknown || enc {
			t.Errorf("%s: got %v, encrypted %v, %v; want an unknown format", name, f, enc, err)
		}
		if err != nil && !strings.Contains(err.Error(), "UTF-") {
			t.Errorf("%s: got %q, want it to say the text is not UTF-8", name, err)
		}
		asked := false
		_, err = Read(data, func() ([]byte, error) { asked = true; return []byte("pw"), nil })
		if !errors.Is(err, ErrUnknownFormat) || asked {
			t.Errorf("%s: Read got %v, password asked %v; want ErrUnknownFormat and no password asked", name, err, asked)
		}
	}
	// Real andOTP backups of both layouts, and random bytes (an old-layout
	// backup is nothing else), are still taken for andOTP.
	pw := []byte("pw")
	for name, data := range map[string][]byte{
		"current layout": buildAndOTP(pw, []byte(oneAndOTP), 150000),
		"old layout":     buildAndOTPOld(pw, []byte(oneAndOTP)),
	} {
		if f, enc, err := Detect(data); f != AndOTPEncrypted || !enc || err != nil {
			t.Errorf("%s: got %v, %v, %v; want andOTP (encrypted)", name, f, enc, err)
		}
	}
	for i := range 2000 {
		data := random(andOTPMinSize + i%200)
		if i%2 == 0 {
			data[0], data[1] = 0xff, 0xfe // a byte order mark by chance is no text
		}
		if foreignFile(data) != "" {
			continue // starts with gzip's or an image's magic, 1 in 65536: named as that
		}
		if f, _, err := Detect(data); f != AndOTPEncrypted {
			t.Fatalf("%d random bytes: got %v, %v; want andOTP (encrypted)", len(data), f, err)
		}
	}
}

// aegisWithSlots rebuilds an encrypted Aegis file with its slots replaced.
func aegisWithSlots(t *testing.T, file []byte, slots func(password, biometric any) []any) []byte {
	t.Helper()
	var f map[string]any
	if err := json.Unmarshal(file, &f); err != nil {
		t.Fatal(err)
	}
	h := f["header"].(map[string]any)
	old := h["slots"].([]any)
	h["slots"] = slots(old[1], old[0])
	b, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func repeatSlot(s any, n int) []any {
	out := make([]any, n)
	for i := range out {
		out[i] = s
	}
	return out
}

// An Aegis file with 10,000 password slots once ran scrypt for each one,
// about 3 s and 550 MB a slot. More slots than Aegis writes, or more scrypt
// work in all than 16 of Aegis's own slots, are refused before any key is
// derived, as a damaged file and not as a wrong password. The time bound is
// a generous regression guard: refusing takes milliseconds, and the file of
// 10,000 slots would take hours.
func TestAegisSlotFlood(t *testing.T) {
	pw := []byte("pw")
	good := buildAegisEncrypted(t, pw, []byte(oneAegisDB), 1<<15, 8, 1)
	// A slot at the per-slot cap (its key no longer fits: it must never
	// be tried).
	heavySlot := map[string]any{}
	aegisWithSlots(t, good, func(p, _ any) []any {
		for k, v := range p.(map[string]any) {
			heavySlot[k] = v
		}
		return nil
	})
	heavySlot["n"] = 1 << 18
	for _, tt := range []struct {
		name  string
		slots func(password, biometric any) []any
	}{
		{"10,000 password slots", func(p, _ any) []any { return repeatSlot(p, 10000) }},
		{"9 password slots", func(p, _ any) []any { return repeatSlot(p, 9) }},
		{"40 fingerprint slots and a password", func(p, b any) []any { return append(repeatSlot(b, 40), p) }},
		{"3 slots at the cap: more work in all than 16 of Aegis's", func(_, _ any) []any { return repeatSlot(heavySlot, 3) }},
	} {
		file := aegisWithSlots(t, good, tt.slots)
		start := time.Now()
		_, err := Read(file, password("wrong"))
		elapsed := time.Since(start)
		if !errors.Is(err, errKDFLimit) || errors.Is(err, ErrWrongPassword) {
			t.Errorf("%s: got %v, want the file refused as damaged (errKDFLimit)", tt.name, err)
		}
		if err != nil && !strings.Contains(err.Error(), "damaged or was made by something else") {
			t.Errorf("%s: got %q, want it to say the file is damaged or made by something else", tt.name, err)
		}
		if elapsed > 2*time.Second {
			t.Errorf("%s: refusing took %v; no key may be derived", tt.name, elapsed)
		}
	}
	// Within the caps the file opens, whichever slot holds the password.
	file := aegisWithSlots(t, good, func(p, b any) []any { return []any{b, p} })
	if res, err := Read(file, password("pw")); err != nil || len(res.Entries) != 1 {
		t.Errorf("one password and one fingerprint slot: got %d entries, %v; want 1", len(res.Entries), err)
	}
}

// The JSON walker must see what encoding/json sees: the same elements, the
// same members (the last of a repeated key), the same text.
func FuzzJSONWalk(f *testing.F) {
	for _, s := range []string{
		`[1, "a", {"b": [2, {"c": "d"}]}, null, true, -1.5e3, ""]`,
		`{"a": 1, "a": "two", "b\u0041": "\ud83d\ude00 \ud800 x\"y\\z\/", "c": {"d": []}}`,
		" \t{ \"k\" : [ ] , \"\" : \"\\u00e9\" }\r\n",
		"[\"\xff\xfe\", \"a\\u0000b\"]",
		oneAegisDB, oneAndOTP, oneStratum,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if !json.Valid(data) {
			return
		}
		var list []json.RawMessage
		if json.Unmarshal(data, &list) == nil {
			n := 0
			eachElement(data, func(i int, v []byte) bool {
				if i != n || i >= len(list) || !json.Valid(v) || string(v) != string(trimJSON(list[i])) {
					t.Fatalf("element %d: got %q, want %q", i, v, list[min(i, len(list)-1)])
				}
				n++
				return true
			})
			if n != len(list) {
				t.Fatalf("got %d elements, want %d", n, len(list))
			}
		}
		var obj map[string]json.RawMessage
		if json.Unmarshal(data, &obj) == nil && obj != nil {
			got := map[string][]byte{}
			eachMember(data, func(k, v []byte) bool {
				key, ok := jsonText(k)
				if !ok || !json.Valid(v) {
					t.Fatalf("member %q: key or value not read", k)
				}
				got[key] = v
				return true
			})
			if len(got) != len(obj) {
				t.Fatalf("got %d members, want %d", len(got), len(obj))
			}
			for k, v := range obj {
				if string(got[k]) != string(trimJSON(v)) || !keyIsExactly(quoteKey(k), k) {
					t.Fatalf("member %q: got %q, want %q", k, got[k], v)
				}
				if string(exactMember(data, k)) != string(trimJSON(v)) {
					t.Fatalf("exactMember %q: got %q, want %q", k, exactMember(data, k), v)
				}
			}
		}
		var s string
		if kindOf(trimJSON(data)) == jsonString && json.Unmarshal(data, &s) == nil {
			if got, ok := jsonText(data); !ok || got != s {
				t.Fatalf("text: got %q, %v; want %q", got, ok, s)
			}
		}
	})
}

func quoteKey(k string) []byte {
	b, _ := json.Marshal(k)
	return b
}
