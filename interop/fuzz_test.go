package interop

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

var errNoPassword = errors.New("no password in fuzzing")

// addSeeds adds every file in testdata and, where present, the real
// fixtures of other apps.
func addSeeds(f *testing.F) {
	paths, _ := filepath.Glob("testdata/*")
	_, file, _, _ := runtime.Caller(0)
	real, _ := filepath.Glob(filepath.Join(filepath.Dir(file), "..", "..", "shared", "fixtures", "aegis-importers", "*"))
	for _, p := range append(paths, real...) {
		if data, err := os.ReadFile(p); err == nil && len(data) < 1<<16 {
			f.Add(data)
		}
	}
	f.Add([]byte(oneAegisDB))
	f.Add([]byte(oneAndOTP))
	f.Add([]byte(oneStratum))
}

// FuzzRead: no input makes Read panic, whatever it returns is a valid key
// within the limits, and it survives the Aegis export unchanged. No
// password is given, so no key derivation runs: the plain parsers and the
// headers of the encrypted ones are what is fuzzed.
func FuzzRead(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := Read(data, func() ([]byte, error) { return nil, errNoPassword })
		if err != nil {
			if len(res.Entries) != 0 {
				t.Fatalf("error %v with %d entries", err, len(res.Entries))
			}
			return
		}
		if len(res.Entries)+len(res.Skipped) > MaxEntries+1 {
			t.Fatalf("%d entries and %d skipped, over the cap", len(res.Entries), len(res.Skipped))
		}
		for _, e := range res.Entries {
			if err := e.Key.Validate(); err != nil {
				t.Fatalf("invalid key returned: %v", err)
			}
			if len(e.Icon) > MaxIconSize || len(e.Note) > maxText || len(e.Tags) > maxTags {
				t.Fatalf("entry over the limits: icon %d, note %d, tags %d", len(e.Icon), len(e.Note), len(e.Tags))
			}
		}
		if len(res.Entries) == 0 {
			return
		}
		var buf bytes.Buffer
		if err := WriteAegis(&buf, res.Entries); err != nil {
			t.Fatalf("WriteAegis of read entries: %v", err)
		}
		back, err := Read(buf.Bytes(), nil)
		if err != nil {
			t.Fatalf("reading our own export: %v", err)
		}
		if len(back.Entries) != len(res.Entries) {
			t.Fatalf("export round trip: got %d entries, want %d (skipped %v)", len(back.Entries), len(res.Entries), back.Skipped)
		}
		for i, e := range res.Entries {
			g := back.Entries[i]
			if !g.Key.Equal(e.Key) || !equalStrings(g.Tags, e.Tags) || g.Note != e.Note || g.Pinned != e.Pinned {
				t.Fatalf("export round trip changed entry %d: got %s, want %s", i, describe(g.Key), describe(e.Key))
			}
			if iconMime(e.Icon) != "" && !bytes.Equal(g.Icon, e.Icon) {
				t.Fatalf("export round trip lost the icon of entry %d", i)
			}
		}
	})
}

// FuzzSecretstreamPull: arbitrary ciphertexts never panic and never open.
func FuzzSecretstreamPull(f *testing.F) {
	f.Add([]byte{}, []byte{})
	f.Add(bytes.Repeat([]byte{0}, 17), bytes.Repeat([]byte{1}, 40))
	key := bytes.Repeat([]byte{7}, 32)
	header := bytes.Repeat([]byte{9}, streamHeaderSize)
	f.Fuzz(func(t *testing.T, a, b []byte) {
		s, err := newStreamPull(key, header)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.pull(a); err == nil {
			t.Fatalf("forged message of %d bytes opened", len(a))
		}
		if _, _, err := s.pull(b); err == nil {
			t.Fatalf("forged message of %d bytes opened", len(b))
		}
	})
}
