package otp

import (
	"errors"
	"math"
	"strings"
	"testing"
)

// exampleSecret is the key behind JBSWY3DPEHPK3PXP: "Hello!" then DE AD BE EF.
var exampleSecret = append([]byte("Hello!"), 0xde, 0xad, 0xbe, 0xef)

// equivalentURIs maps each key to spellings of it seen in the wild or allowed
// by the format; every one must parse to exactly that key. In the spirit of
// hectorm/otpauth's table: canonical first, then the variants.
var equivalentURIs = []struct {
	want Key
	uris []string
}{
	{
		want: Key{Type: TOTP, Issuer: "Example", Name: "alice@google.com", Secret: exampleSecret, Algorithm: SHA1, Digits: 6, Period: 30},
		uris: []string{
			"otpauth://totp/Example:alice@google.com?secret=JBSWY3DPEHPK3PXP&issuer=Example",
			"otpauth://totp/Example:alice@google.com?secret=JBSWY3DPEHPK3PXP&issuer=Example&algorithm=SHA1&digits=6&period=30",
			"otpauth://totp/Example%3Aalice@google.com?secret=JBSWY3DPEHPK3PXP&issuer=Example",
			"otpauth://totp/Example%3aalice%40google.com?secret=JBSWY3DPEHPK3PXP&issuer=Example",
			"otpauth://totp/Example: alice@google.com?secret=JBSWY3DPEHPK3PXP&issuer=Example",
			"otpauth://totp/Example:%20%20alice@google.com?secret=JBSWY3DPEHPK3PXP&issuer=Example",
			"otpauth://totp/Example%3A%20alice@google.com?secret=JBSWY3DPEHPK3PXP",
			// Issuer only in the label, only as a parameter, or both disagreeing
			// (the parameter wins), or an empty parameter (the label counts).
			"otpauth://totp/Example:alice@google.com?secret=JBSWY3DPEHPK3PXP",
			"otpauth://totp/alice@google.com?secret=JBSWY3DPEHPK3PXP&issuer=Example",
			"otpauth://totp/Other:alice@google.com?secret=JBSWY3DPEHPK3PXP&issuer=Example",
			"otpauth://totp/Example:alice@google.com?secret=JBSWY3DPEHPK3PXP&issuer=",
			// Secrets as services and people write them.
			"otpauth://totp/Example:alice@google.com?secret=jbswy3dpehpk3pxp&issuer=Example",
			"otpauth://totp/Example:alice@google.com?secret=JBSW%20Y3DP%20EHPK%203PXP&issuer=Example",
			"otpauth://totp/Example:alice@google.com?secret=JBSW Y3DP EHPK 3PXP&issuer=Example",
			"otpauth://totp/Example:alice@google.com?secret=jbsw-y3dp-ehpk-3pxp&issuer=Example",
			"otpauth://totp/Example:alice@google.com?secret=JBSWY3DPEHPK3PXP%3D%3D%3D%3D&issuer=Example",
			"otpauth://totp/Example:alice@google.com?secret=JBSWY3DPEHPK3PXP====&issuer=Example",
			// Parameters in any order and case, unknown ones ignored.
			"otpauth://totp/Example:alice@google.com?period=30&digits=6&algorithm=SHA1&issuer=Example&secret=JBSWY3DPEHPK3PXP",
			"OTPAUTH://TOTP/Example:alice@google.com?SECRET=JBSWY3DPEHPK3PXP&ISSUER=Example&ALGORITHM=sha1&DIGITS=6&PERIOD=30",
			"otpauth://totp/Example:alice@google.com?secret=JBSWY3DPEHPK3PXP&issuer=Example&algorithm=sha-1",
			"otpauth://totp/Example:alice@google.com?secret=JBSWY3DPEHPK3PXP&issuer=Example&image=https%3A%2F%2Fexample.com%2Flogo.png",
			"otpauth://totp/Example:alice@google.com?secret=JBSWY3DPEHPK3PXP&issuer=Example&extra=1&extra=2&broken=%zz",
			"otpauth://totp/Example:alice@google.com?&secret=JBSWY3DPEHPK3PXP&&issuer=Example&",
			"otpauth://totp/Example:alice@google.com?secret=JBSWY3DPEHPK3PXP&issuer=Example#fragment",
			// Pasted with surrounding whitespace.
			"  otpauth://totp/Example:alice@google.com?secret=JBSWY3DPEHPK3PXP&issuer=Example\n",
		},
	},
	{
		want: Key{Type: TOTP, Issuer: "ACME Co", Name: "bob smith", Secret: exampleSecret, Algorithm: SHA256, Digits: 8, Period: 60},
		uris: []string{
			"otpauth://totp/ACME%20Co:bob%20smith?secret=JBSWY3DPEHPK3PXP&issuer=ACME%20Co&algorithm=SHA256&digits=8&period=60",
			"otpauth://totp/ACME%20Co:bob%20smith?secret=JBSWY3DPEHPK3PXP&issuer=ACME+Co&algorithm=SHA256&digits=8&period=60",
			"otpauth://totp/ACME Co: bob smith?secret=JBSWY3DPEHPK3PXP&algorithm=sha256&digits=8&period=60",
			"otpauth://totp/bob%20smith?digits=8&period=60&algorithm=SHA-256&secret=JBSWY3DPEHPK3PXP&issuer=ACME%20Co",
		},
	},
	{
		want: Key{Type: HOTP, Issuer: "100% Bank", Name: "carol", Secret: exampleSecret, Algorithm: SHA512, Digits: 7, Counter: 42},
		uris: []string{
			"otpauth://hotp/100%25%20Bank:carol?secret=JBSWY3DPEHPK3PXP&issuer=100%25%20Bank&algorithm=SHA512&digits=7&counter=42",
			// A stray '%' that some services forget to encode.
			"otpauth://hotp/100% Bank:carol?secret=JBSWY3DPEHPK3PXP&issuer=100% Bank&algorithm=SHA512&digits=7&counter=42",
			"otpauth://HOTP/carol?counter=42&digits=7&algorithm=sha512&secret=JBSWY3DPEHPK3PXP&issuer=100%25+Bank&period=15",
		},
	},
	{
		want: Key{Type: Steam, Issuer: "Steam", Name: "gabe", Secret: exampleSecret, Algorithm: SHA1, Digits: 5, Period: 30},
		uris: []string{
			"otpauth://steam/Steam:gabe?secret=JBSWY3DPEHPK3PXP&issuer=Steam&algorithm=SHA1&digits=5&period=30",
			"otpauth://totp/Steam:gabe?secret=JBSWY3DPEHPK3PXP&issuer=Steam&encoder=steam",
			"otpauth://totp/Steam:gabe?secret=JBSWY3DPEHPK3PXP&issuer=Steam&digits=6&encoder=Steam",
		},
	},
	{
		want: Key{Type: Steam, Issuer: "Steam", Secret: exampleSecret, Algorithm: SHA1, Digits: 5, Period: 30},
		uris: []string{
			"steam://JBSWY3DPEHPK3PXP",
			"STEAM://jbswy3dpehpk3pxp/",
		},
	},
	{
		// Names may hold what the label syntax uses; the empty issuer keeps
		// a colon inside the name from being read as the separator.
		want: Key{Type: TOTP, Name: "a:b/c?d#e", Secret: exampleSecret, Algorithm: SHA1, Digits: 10, Period: 86400},
		uris: []string{
			"otpauth://totp/:a%3Ab%2Fc%3Fd%23e?secret=JBSWY3DPEHPK3PXP&algorithm=SHA1&digits=10&period=86400",
			"otpauth://totp/:a:b%2Fc%3Fd%23e?secret=JBSWY3DPEHPK3PXP&digits=10&period=86400",
		},
	},
}

func TestParseURIEquivalents(t *testing.T) {
	for _, group := range equivalentURIs {
		for _, uri := range group.uris {
			got, err := ParseURI(uri)
			if err != nil {
				t.Errorf("ParseURI(%q): got error %v, want %+v", uri, err, group.want)
				continue
			}
			if !got.Equal(group.want) {
				t.Errorf("ParseURI(%q):\ngot  %+v\nwant %+v", uri, got, group.want)
			}
		}
	}
}

// The canonical form is written out by hand here, not produced by URI.
func TestURICanonical(t *testing.T) {
	tests := []struct {
		key  Key
		want string
	}{
		{equivalentURIs[0].want, "otpauth://totp/Example:alice@google.com?secret=JBSWY3DPEHPK3PXP&issuer=Example&algorithm=SHA1&digits=6&period=30"},
		{equivalentURIs[1].want, "otpauth://totp/ACME%20Co:bob%20smith?secret=JBSWY3DPEHPK3PXP&issuer=ACME+Co&algorithm=SHA256&digits=8&period=60"},
		{equivalentURIs[2].want, "otpauth://hotp/100%25%20Bank:carol?secret=JBSWY3DPEHPK3PXP&issuer=100%25+Bank&algorithm=SHA512&digits=7&counter=42"},
		{equivalentURIs[3].want, "otpauth://steam/Steam:gabe?secret=JBSWY3DPEHPK3PXP&issuer=Steam&algorithm=SHA1&digits=5&period=30"},
		{equivalentURIs[5].want, "otpauth://totp/:a%3Ab%2Fc%3Fd%23e?secret=JBSWY3DPEHPK3PXP&algorithm=SHA1&digits=10&period=86400"},
	}
	for _, tt := range tests {
		if got := tt.key.URI(); got != tt.want {
			t.Errorf("URI of %+v:\ngot  %s\nwant %s", tt.key, got, tt.want)
		}
	}
	for _, group := range equivalentURIs {
		u := group.want.URI()
		back, err := ParseURI(u)
		if err != nil {
			t.Errorf("ParseURI(%q): got error %v, want the key back", u, err)
			continue
		}
		if !back.Equal(group.want) {
			t.Errorf("ParseURI(%q):\ngot  %+v\nwant %+v", u, back, group.want)
		}
	}
}

// brokenURIs must each fail, naming the part that is wrong.
var brokenURIs = []struct {
	uri, part, msg string
}{
	{"", "uri", "not an otpauth:// URI"},
	{"JBSWY3DPEHPK3PXP", "uri", "not an otpauth:// URI"},
	{"otpauth:totp/x?secret=JBSWY3DPEHPK3PXP", "uri", `"://" is missing after the scheme`},
	{"otpauth//totp/x?secret=JBSWY3DPEHPK3PXP", "uri", `"://" is missing after the scheme`},
	{"OTPAUTH:/totp/x?secret=JBSWY3DPEHPK3PXP", "uri", `"://" is missing after the scheme`},
	{"https://totp/x?secret=JBSWY3DPEHPK3PXP", "uri", "scheme is not otpauth"},
	{"otpauth://" + strings.Repeat("a", MaxURILen), "uri", "longer than"},
	{"otpauth:///x?secret=JBSWY3DPEHPK3PXP", "type", "missing type"},
	{"otpauth://yubikey/x?secret=JBSWY3DPEHPK3PXP", "type", `unknown type "yubikey"`},
	{"otpauth://totp/x", "secret", "missing secret"},
	{"otpauth://totp/x?issuer=Example", "secret", "missing secret"},
	{"otpauth://totp/x?secret=", "secret", "missing secret"},
	{"otpauth://totp/x?secret=%20-%20", "secret", "missing secret"},
	{"otpauth://totp/x?secret====", "secret", "missing secret"},
	{"otpauth://totp/x?secret=JBSWY3DPEHPK3PX1", "secret", "not valid base32"},
	{"otpauth://totp/x?secret=JBSWY3DPEHPK3PXPB", "secret", "not valid base32"},
	// encoding/base32 alone would silently drop these tails.
	{"otpauth://totp/x?secret=JBSWY3DPEHPK3PXPMZX", "secret", "wrong length"},
	{"otpauth://totp/x?secret=JBSWY3DPEHPK3PXPMZXW6Y", "secret", "wrong length"},
	{"otpauth://totp/x?secret=JBSWY3DP+EHPK3PXP", "secret", "not valid base32"},
	{"otpauth://totp/x?secret=" + strings.Repeat("A", 2*MaxSecretLen+1), "secret", "too long"},
	{"otpauth://totp/x?secret=" + strings.Repeat("A", 1640), "secret", "longer than 1024 bytes"},
	{"otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&secret=JBSWY3DPEHPK3PXP", "secret", "given twice"},
	{"otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&algorithm=MD5", "algorithm", "MD5"},
	{"otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&algorithm=SHA3", "algorithm", `unknown algorithm "SHA3"`},
	{"otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&algorithm=", "algorithm", "unknown algorithm"},
	{"otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&digits=5", "digits", "out of range 6-10"},
	{"otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&digits=11", "digits", "out of range 6-10"},
	{"otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&digits=six", "digits", `"six" is not a number`},
	{"otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&digits=", "digits", "not a number"},
	{"otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&digits=6&digits=8", "digits", "given twice"},
	{"otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&period=0", "period", "out of range 1-86400"},
	{"otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&period=86401", "period", "out of range 1-86400"},
	{"otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&period=-30", "period", "not a number of seconds"},
	{"otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&period=4294967296", "period", "not a number of seconds"},
	{"otpauth://hotp/x?secret=JBSWY3DPEHPK3PXP", "counter", "hotp key without a counter"},
	{"otpauth://hotp/x?secret=JBSWY3DPEHPK3PXP&counter=1&encoder=steam", "type", "encoder=steam"},
	{"otpauth://hotp/x?secret=JBSWY3DPEHPK3PXP&counter=", "counter", "not a counter value"},
	{"otpauth://hotp/x?secret=JBSWY3DPEHPK3PXP&counter=-1", "counter", "not a counter value"},
	{"otpauth://hotp/x?secret=JBSWY3DPEHPK3PXP&counter=18446744073709551616", "counter", "not a counter value"},
	{"otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&issuer=A:B", "issuer", "colon"},
	{"otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&issuer=" + strings.Repeat("i", MaxNameLen+1), "issuer", "longer than 512 bytes"},
	{"otpauth://totp/" + strings.Repeat("n", MaxNameLen+1) + "?secret=JBSWY3DPEHPK3PXP", "name", "longer than 512 bytes"},
	{"steam://", "secret", "missing secret"},
	{"steam://JBSWY3DPEHPK3PX1", "secret", "not valid base32"},
}

func TestParseURIBroken(t *testing.T) {
	for _, tt := range brokenURIs {
		k, err := ParseURI(tt.uri)
		if err == nil {
			t.Errorf("ParseURI(%.60q): got %+v, want a %s error", tt.uri, k, tt.part)
			continue
		}
		var pe *ParseError
		if !errors.As(err, &pe) {
			t.Errorf("ParseURI(%.60q): got %T %v, want a *ParseError", tt.uri, err, err)
			continue
		}
		if pe.Part != tt.part || !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("ParseURI(%.60q): got part %q error %q, want part %q containing %q", tt.uri, pe.Part, err, tt.part, tt.msg)
		}
		if msg := err.Error(); msg != strings.ToLower(msg[:1])+msg[1:] {
			t.Errorf("ParseURI(%.60q): got error %q, want it to start lowercase", tt.uri, msg)
		}
	}
}

// leakSecret is easy to spot: whatever error path a URI holding it takes, the
// error must not quote it, nor the whole URI.
const leakSecret = "LEAKMELEAKMELEAKMELEAKME"

func TestErrorsNeverHoldTheSecret(t *testing.T) {
	uris := []string{
		// Each broken URI with the recognisable secret put in place.
		"otpauth:totp/x?secret=S",
		"otpauth//totp/x?secret=S",
		"otpauth:/totp/x?secret=S://",
		"S://totp/x",
		"https://totp/x?secret=S",
		"otpauth:///x?secret=S",
		"otpauth://S/x?secret=S",
		"otpauth://totp/x?secret=S1",
		"otpauth://totp/x?secret=S!",
		"otpauth://totp/x?secret=SA%zz",
		"otpauth://totp/x?secret=S&secret=S",
		"otpauth://totp/x?secret=S&algorithm=MD5",
		"otpauth://totp/x?secret=S&algorithm=S",
		"otpauth://totp/x?secret=S&digits=5",
		"otpauth://totp/x?secret=S&digits=S",
		"otpauth://totp/x?secret=S&period=0",
		"otpauth://totp/x?secret=S&period=S",
		"otpauth://hotp/x?secret=S",
		"otpauth://hotp/x?secret=S&counter=S",
		"otpauth://totp/x?secret=S&issuer=A:B",
		"otpauth://totp/x?secret=S&issuer=S:S",
		"otpauth://totp/x?secret=S&S=1&S=2&issuer=a:b",
		"otpauth://totp/x?secret=S&" + strings.Repeat("x", MaxURILen),
		"steam://S1",
		"steam://S!",
	}
	for _, tmpl := range uris {
		for _, secret := range []string{leakSecret, strings.ToLower(leakSecret)} {
			uri := strings.ReplaceAll(tmpl, "S", secret)
			_, err := ParseURI(uri)
			if err == nil {
				t.Errorf("ParseURI(%.70q): got no error, want one", uri)
				continue
			}
			msg := strings.ToUpper(err.Error())
			// Any 8 characters of the secret in a row would be a leak.
			for i := 0; i+8 <= len(leakSecret); i++ {
				if strings.Contains(msg, leakSecret[i:i+8]) {
					t.Errorf("ParseURI(%.70q): got error %q, want no part of the secret in it", uri, err)
					break
				}
			}
			if strings.Contains(err.Error(), uri) {
				t.Errorf("ParseURI(%.70q): error holds the whole URI", uri)
			}
		}
	}
	// ParseSecret and Validate take the same care.
	for _, s := range []string{leakSecret + "1", leakSecret + "!", strings.Repeat(leakSecret, 200)} {
		_, err := ParseSecret(s)
		if err == nil || strings.Contains(strings.ToUpper(err.Error()), leakSecret[:8]) {
			t.Errorf("ParseSecret(%.40q): got error %v, want one without the secret", s, err)
		}
	}
}

func TestParseSecret(t *testing.T) {
	tests := []struct {
		in   string
		want []byte
	}{
		{"JBSWY3DPEHPK3PXP", exampleSecret},
		{"jbsw y3dp ehpk 3pxp", exampleSecret},
		{"JBSW-Y3DP-EHPK-3PXP", exampleSecret},
		{"JBSWY3DPEHPK3PXP\t", exampleSecret},
		{"MZXW6===", []byte("foo")},
		{"MZXW6", []byte("foo")},
		{"mzxw6yq", []byte("foob")},
		{"MZXW6YTB", []byte("fooba")},
		// A dangling zero character that completes no byte is forgiven.
		{"MZXW6YTBA", []byte("fooba")},
		{"MZXW6A", []byte("foo")},
		{"GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", []byte("12345678901234567890")},
	}
	for _, tt := range tests {
		got, err := ParseSecret(tt.in)
		if err != nil || string(got) != string(tt.want) {
			t.Errorf("ParseSecret(%q): got %x, %v; want %x", tt.in, got, err, tt.want)
		}
	}
	for _, bad := range []string{"", "   ", "====", "MZXW6YTB1", "MZXW6YTBB", "MZXW6Y", "M", "Ä"} {
		if got, err := ParseSecret(bad); err == nil {
			t.Errorf("ParseSecret(%q): got %x, want an error", bad, got)
		}
	}
}

func TestEncodeSecret(t *testing.T) {
	if got, want := EncodeSecret(exampleSecret), "JBSWY3DPEHPK3PXP"; got != want {
		t.Errorf("EncodeSecret: got %s, want %s", got, want)
	}
	if got, want := EncodeSecret([]byte("foo")), "MZXW6"; got != want {
		t.Errorf("EncodeSecret(foo): got %s, want %s", got, want)
	}
}

func TestParseAlgorithm(t *testing.T) {
	for in, want := range map[string]Algorithm{"SHA1": SHA1, "sha1": SHA1, "SHA-1": SHA1, " sha256 ": SHA256, "Sha-512": SHA512} {
		if got, err := ParseAlgorithm(in); err != nil || got != want {
			t.Errorf("ParseAlgorithm(%q): got %v, %v; want %v", in, got, err, want)
		}
	}
	var pe *ParseError
	if _, err := ParseAlgorithm("MD5"); !errors.As(err, &pe) || pe.Part != "algorithm" {
		t.Errorf("ParseAlgorithm(MD5): got %v, want an algorithm *ParseError", err)
	}
}

func TestValidate(t *testing.T) {
	good := equivalentURIs[0].want
	if err := good.Validate(); err != nil {
		t.Fatalf("Validate(%+v): got %v, want nil", good, err)
	}
	tests := []struct {
		edit func(*Key)
		part string
	}{
		{func(k *Key) { k.Type = 0 }, "type"},
		{func(k *Key) { k.Secret = nil }, "secret"},
		{func(k *Key) { k.Secret = make([]byte, MaxSecretLen+1) }, "secret"},
		{func(k *Key) { k.Algorithm = 9 }, "algorithm"},
		{func(k *Key) { k.Digits = 5 }, "digits"},
		{func(k *Key) { k.Digits = 11 }, "digits"},
		{func(k *Key) { k.Type = Steam; k.Digits = 6 }, "digits"},
		{func(k *Key) { k.Period = 0 }, "period"},
		{func(k *Key) { k.Period = MaxPeriod + 1 }, "period"},
		{func(k *Key) { k.Issuer = "a:b" }, "issuer"},
		{func(k *Key) { k.Issuer = strings.Repeat("i", MaxNameLen+1) }, "issuer"},
		{func(k *Key) { k.Name = strings.Repeat("n", MaxNameLen+1) }, "name"},
	}
	for i, tt := range tests {
		k := good
		tt.edit(&k)
		var pe *ParseError
		if err := k.Validate(); !errors.As(err, &pe) || pe.Part != tt.part {
			t.Errorf("case %d: Validate(%+v): got %v, want a %s error", i, k, err, tt.part)
		}
	}
	// HOTP keys have no period to check.
	h := good
	h.Type, h.Period = HOTP, 0
	if err := h.Validate(); err != nil {
		t.Errorf("Validate(hotp without period): got %v, want nil", err)
	}
}

func TestStringers(t *testing.T) {
	for got, want := range map[string]string{
		TOTP.String(): "totp", HOTP.String(): "hotp", Steam.String(): "steam", Type(9).String(): "Type(9)",
		SHA1.String(): "SHA1", SHA256.String(): "SHA256", SHA512.String(): "SHA512", Algorithm(0).String(): "Algorithm(0)",
	} {
		if got != want {
			t.Errorf("got %s, want %s", got, want)
		}
	}
}

func TestLabelAndSameSecret(t *testing.T) {
	k := equivalentURIs[0].want
	for _, tt := range []struct{ issuer, name, want string }{
		{"Example", "alice", "Example: alice"}, {"", "alice", "alice"}, {"Example", "", "Example"},
	} {
		k.Issuer, k.Name = tt.issuer, tt.name
		if got := k.Label(); got != tt.want {
			t.Errorf("Label(%q, %q): got %q, want %q", tt.issuer, tt.name, got, tt.want)
		}
	}
	a := equivalentURIs[0].want
	b := a
	b.Issuer, b.Name = "Renamed", "someone"
	if !a.SameSecret(b) || a.Equal(b) {
		t.Errorf("renamed key: got SameSecret %v Equal %v, want true false", a.SameSecret(b), a.Equal(b))
	}
	b = a
	b.Secret = []byte("other")
	if a.SameSecret(b) {
		t.Errorf("other secret: got SameSecret true, want false")
	}
}

// FuzzParseURI: no input panics, and any URI that parses formats to a
// canonical URI that parses back to an equal key and formats identically.
func FuzzParseURI(f *testing.F) {
	for _, g := range equivalentURIs {
		for _, u := range g.uris {
			f.Add(u)
		}
	}
	for _, b := range brokenURIs {
		if len(b.uri) < 200 {
			f.Add(b.uri)
		}
	}
	f.Fuzz(func(t *testing.T, s string) {
		k, err := ParseURI(s)
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("ParseURI(%q): got %T, want a *ParseError", s, err)
			}
			// A secret parameter long enough to be real is never quoted.
			if _, v, ok := strings.Cut(strings.ToLower(s), "secret="); ok {
				v, _, _ = strings.Cut(v, "&")
				if len(v) > 12 && strings.Contains(strings.ToLower(err.Error()), v) {
					t.Fatalf("ParseURI(%q): error %q quotes the secret", s, err)
				}
			}
			return
		}
		if err := k.Validate(); err != nil {
			t.Fatalf("ParseURI(%q) gave an invalid key: %v", s, err)
		}
		u := k.URI()
		back, err := ParseURI(u)
		if err != nil {
			t.Fatalf("ParseURI(%.300q) -> %.300q: got error %v", s, u, err)
		}
		if !back.Equal(k) {
			t.Fatalf("ParseURI(%.300q) -> %.300q:\ngot  %+v\nwant %+v", s, u, back, k)
		}
		if again := back.URI(); again != u {
			t.Fatalf("URI not canonical: got %q, want %q", again, u)
		}
	})
}

// FuzzParseSecret: no input panics; what decodes encodes back and decodes
// to the same bytes.
func FuzzParseSecret(f *testing.F) {
	for _, s := range []string{"JBSWY3DPEHPK3PXP", "jbsw y3dp-ehpk=3pxp", "MZXW6YTBA", "", "=", "1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b, err := ParseSecret(s)
		if err != nil {
			return
		}
		if len(b) == 0 || len(b) > MaxSecretLen {
			t.Fatalf("ParseSecret(%q): got %d bytes, want 1-%d", s, len(b), MaxSecretLen)
		}
		back, err := ParseSecret(EncodeSecret(b))
		if err != nil || string(back) != string(b) {
			t.Fatalf("ParseSecret(EncodeSecret(%x)): got %x, %v", b, back, err)
		}
	})
}

// The largest valid key still formats to a URI ParseURI accepts.
func TestURIOfLargestKey(t *testing.T) {
	k := Key{Type: HOTP, Issuer: strings.Repeat("\xff", MaxNameLen), Name: strings.Repeat("%", MaxNameLen),
		Secret: make([]byte, MaxSecretLen), Algorithm: SHA512, Digits: 10, Counter: math.MaxUint64}
	u := k.URI()
	if len(u) > MaxURILen {
		t.Fatalf("URI of the largest key: got %d bytes, want at most %d", len(u), MaxURILen)
	}
	back, err := ParseURI(u)
	if err != nil || !back.Equal(k) {
		t.Errorf("ParseURI(URI of the largest key): got %v, want the key back", err)
	}
}
