package interop

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"latchkey/internal/deptest"
	"latchkey/otp"
)

func TestDetectUnknown(t *testing.T) {
	for name, data := range map[string][]byte{
		"empty":         nil,
		"white space":   []byte(" \n\t\n"),
		"prose":         []byte("Dear diary,\notpauth://totp/A:b?secret=JBSWY3DPEHPK3PXP\n"),
		"PNG":           []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + strings.Repeat("\x00", 64)),
		"KeePass":       append([]byte{0x03, 0xd9, 0xa2, 0x9a, 0x67, 0xfb, 0x4b, 0xb5}, make([]byte, 64)...),
		"JSON of other": []byte(`{"hello": "world"}`),
		"JSON array":    []byte(`[1, 2, 3]`),
		"short binary":  {0xff, 0xfe, 0x00},
		"plain CSV":     []byte("a,b,c\n1,2,3\n"),
	} {
		f, enc, err := Detect(data)
		if !errors.Is(err, ErrUnknownFormat) || f != Unknown || enc {
			t.Errorf("%s: got %v, %v, %v; want Unknown, false, ErrUnknownFormat", name, f, enc, err)
		}
		if _, err := Read(data, nil); !errors.Is(err, ErrUnknownFormat) {
			t.Errorf("%s: Read got %v, want ErrUnknownFormat", name, err)
		}
	}
}

func TestByteOrderMark(t *testing.T) {
	for _, file := range []string{"aegis_rich.json", "keepassxc.csv", "urilist.txt", "stratum_rich.json"} {
		data, err := os.ReadFile("testdata/" + file)
		if err != nil {
			t.Fatal(err)
		}
		plain, err := Read(data, nil)
		if err != nil {
			t.Fatal(err)
		}
		withBOM, err := Read(append([]byte("\xef\xbb\xbf"), data...), nil)
		if err != nil || len(withBOM.Entries) != len(plain.Entries) {
			t.Errorf("%s with a byte order mark: got %d entries, %v; want %d", file, len(withBOM.Entries), err, len(plain.Entries))
		}
	}
}

func TestLineNumbers(t *testing.T) {
	res, err := Read([]byte("\n\n  \notpauth://totp/A:b?secret=JBSWY3DPEHPK3PXP\r\n\r\nnot a uri\n"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Skipped) != 1 || res.Skipped[0].Label != "line 6" {
		t.Errorf("got skipped %v, want line 6", res.Skipped)
	}
}

func TestLimits(t *testing.T) {
	big := make([]byte, MaxFileSize+1)
	if _, err := Read(big, nil); !errors.Is(err, ErrTooLarge) {
		t.Errorf("file of %d bytes: got %v, want ErrTooLarge", len(big), err)
	}

	// More entries than MaxEntries: the first ones are read, the rest noted.
	var b strings.Builder
	for i := 0; i < MaxEntries+50; i++ {
		fmt.Fprintf(&b, "otpauth://hotp/Many:%d?secret=JBSWY3DPEHPK3PXP&counter=%d\n", i, i)
	}
	res, err := Read([]byte(b.String()), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Entries) != MaxEntries || len(res.Skipped) != 1 || !strings.Contains(res.Skipped[0].Reason, "more than") {
		t.Errorf("got %d entries and %d skipped, want %d and one note", len(res.Entries), len(res.Skipped), MaxEntries)
	}

	// An icon over MaxIconSize is dropped; the account is kept.
	huge := bytes.Repeat([]byte{0x89}, MaxIconSize+1)
	copy(huge, "\x89PNG\r\n\x1a\n")
	var buf bytes.Buffer
	k, _ := otp.ParseURI("otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXP")
	if err := WriteAegis(&buf, []Entry{{Key: k, Icon: huge}}); err != nil {
		t.Fatal(err)
	}
	withIcon := strings.Replace(buf.String(), `"icon": null`, `"icon": "`+strings.Repeat("iVBO", MaxIconSize/3+8)+`"`, 1)
	res, err = Read([]byte(withIcon), nil)
	if err != nil || len(res.Entries) != 1 || res.Entries[0].Icon != nil {
		t.Fatalf("huge icon: got %d entries, %v; want 1 entry without icon", len(res.Entries), err)
	}

	// Overlong names and notes are cut on a rune boundary; a flood of tags is capped.
	long := strings.Repeat("é", maxText)
	tags := make([]string, 3*maxTags)
	for i := range tags {
		tags[i] = fmt.Sprint("tag", i)
	}
	c := &collector{}
	k.Name = long
	c.add(Entry{Key: k, Note: long, Tags: tags})
	if len(c.res.Entries) != 1 {
		t.Fatalf("overlong fields: got %d entries (skipped %v), want 1", len(c.res.Entries), c.res.Skipped)
	}
	e := c.res.Entries[0]
	if len(e.Key.Name) > otp.MaxNameLen || !strings.HasPrefix(long, e.Key.Name) || len(e.Note) > maxText || !strings.HasPrefix(long, e.Note) || len(e.Tags) != maxTags {
		t.Errorf("got name %d bytes, note %d bytes, %d tags; want at most %d, %d, and %d tags", len(e.Key.Name), len(e.Note), len(e.Tags), otp.MaxNameLen, maxText, maxTags)
	}
}

// TestNoSecretInMessages reads broken and valid files built around known
// secrets and checks that no error or skip reason quotes one.
func TestNoSecretInMessages(t *testing.T) {
	const s1, s2 = "JBSWY3DPEHPK3PXP", "NOTBASE32!!SECRETVALUE"
	files := map[string]string{
		"uri list":  "otpauth://totp/A:b?secret=" + s2 + "\notpauth://totp/?secret=" + s1 + "&digits=" + s1 + "\n" + s1 + "\n",
		"aegis":     `{"version":1,"header":{"slots":null,"params":null},"db":{"version":2,"entries":[{"type":"` + s1 + `","info":{"secret":"` + s2 + `"}},{"type":"totp","info":{"secret":"` + s2 + `","algo":"` + s1 + `"}},{"type":"totp","info":{"secret":"` + s1 + `","algo":"` + s1 + `"}}]}}`,
		"andotp":    `[{"secret":"` + s2 + `","type":"TOTP","algorithm":"SHA1"},{"secret":"` + s1 + `","type":"TOTP","algorithm":"` + s1 + `"},{"secret":"` + s1 + `","type":"` + s1 + `"}]`,
		"bitwarden": `{"encrypted":false,"items":[{"name":"x","login":{"totp":"` + s2 + `"}},{"name":"y","login":{"totp":"key=` + s1 + `&step=` + s1 + `"}}]}`,
		"keepassxc": "\"Group\",\"Title\",\"Username\",\"TOTP\"\n\"Root\",\"t\",\"u\",\"otpauth://totp/x?secret=" + s2 + "\"\n\"Root\",\"t\",\"u\",\"key=" + s1 + "&size=" + s1 + "\"\n",
		"stratum":   `{"Authenticators":[{"Type":2,"Issuer":"i","Secret":"` + s2 + `","Algorithm":0,"Digits":6,"Period":30}]}`,
		"2fas":      `{"schemaVersion":4,"services":[{"name":"n","secret":"` + s2 + `","otp":{"tokenType":"TOTP","algorithm":"` + s1 + `"}},{"name":"n","secret":"` + s1 + `","otp":{"tokenType":"TOTP","algorithm":"` + s1 + `"}}]}`,
		"steam":     `{"shared_secret":"` + s2 + `","account_name":"a"}`,
		"freeotp":   `{"tokens":[{"type":"TOTP","algo":"` + s1 + `","secret":[1,2,3]}]}`,
	}
	for name, file := range files {
		res, err := Read([]byte(file), password(s1))
		msgs := []string{}
		if err != nil {
			msgs = append(msgs, err.Error())
		}
		for _, s := range res.Skipped {
			msgs = append(msgs, s.Label+" "+s.Reason)
		}
		if len(msgs) == 0 {
			t.Errorf("%s: nothing was refused; the test needs broken entries", name)
		}
		for _, m := range msgs {
			if strings.Contains(m, s1) || strings.Contains(m, s2) || strings.Contains(m, "NOTBASE32") {
				t.Errorf("%s: message quotes a secret: %q", name, m)
			}
		}
	}
}

// TestOnlyStandardAndCrypto keeps Fyne and the rest of the app out of interop.
func TestOnlyStandardAndCrypto(t *testing.T) {
	deps := deptest.Deps(t, ".")
	for _, dep := range deps {
		if !strings.Contains(strings.SplitN(dep, "/", 2)[0], ".") {
			continue // standard library
		}
		if !strings.HasPrefix(dep, "golang.org/x/crypto/") && !strings.HasPrefix(dep, "golang.org/x/sys/") {
			t.Errorf("interop depends on %s", dep)
		}
	}
	if !slices.Contains(deps, "latchkey/otp") {
		t.Error("go list -deps does not list latchkey/otp: the check would miss other app packages")
	}
	for _, dep := range deps {
		if strings.HasPrefix(dep, "latchkey/") && dep != "latchkey/otp" && dep != "latchkey/interop" {
			t.Errorf("interop depends on %s", dep)
		}
	}
}

// TestTestdataWritable is a guard: fixtures in testdata must stay small text.
func TestTestdataSmall(t *testing.T) {
	entries, err := os.ReadDir("testdata")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		info, err := e.Info()
		if err != nil {
			t.Fatal(err)
		}
		if info.Size() > 64<<10 {
			t.Errorf("%s is %d bytes; testdata holds small hand-made files", filepath.Join("testdata", e.Name()), info.Size())
		}
	}
}

// A file whose entries are not a list is refused, not read as empty:
// each format's entry loop says which list is wrong.
func TestEntriesNotAList(t *testing.T) {
	for _, tc := range []struct{ data, want string }{
		{`{"encrypted":false,"folders":[],"items":{"a":1}}`, "items are not a list"},
		{`{"version":1,"header":{"slots":null,"params":null},"db":{"version":2,"entries":"x"}}`, "bad entries: not a list"},
	} {
		_, err := Read([]byte(tc.data), nil)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want an error saying %q", tc.data, err, tc.want)
		}
	}
}
