package core

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"latchkey/core/coretest"
	"latchkey/internal/testtool"
	"latchkey/interop"
	"latchkey/qrimport"
	"latchkey/vault"
)

// passwords answers FilePassword from a list, one a call, and records the
// questions.
type passwords struct {
	answers []string
	asked   []FileAsk
	err     error // returned once the answers run out
}

func (p *passwords) FilePassword(a FileAsk) ([]byte, error) {
	p.asked = append(p.asked, a)
	if len(p.answers) == 0 {
		if p.err == nil {
			return nil, a.Wrong
		}
		return nil, p.err
	}
	pw := p.answers[0]
	p.answers = p.answers[1:]
	return []byte(pw), nil
}

// always gives the same password every time.
type always string

func (a always) FilePassword(FileAsk) ([]byte, error) { return []byte(a), nil }

func testReader(pw string) Reader {
	return Reader{Password: always(pw), Backups: coretest.Options}
}

func plainSecrets(t *testing.T) map[string]bool {
	have := map[string]bool{}
	for _, k := range coretest.PlainKeys(t) {
		have[string(k.Secret)] = true
	}
	return have
}

// TestImportEveryKind reads one file of every kind: its format, its
// accounts, the Google links in it joined, a backup told apart.
func TestImportEveryKind(t *testing.T) {
	plain := plainSecrets(t)
	for _, c := range coretest.ImportCases(t, t.TempDir()) {
		t.Run(c.Name(), func(t *testing.T) {
			data, err := ReadFile(c.Path)
			if err != nil {
				t.Fatal(err)
			}
			f, err := testReader(c.Password).File(c.Name(), data)
			if err != nil {
				t.Fatalf("got %v, want the file read", err)
			}
			if f.Format != c.Format || f.Backup != c.Backup {
				t.Errorf("got format %q (backup %v), want %q (backup %v)", f.Format, f.Backup, c.Format, c.Backup)
			}
			if len(f.Accounts) != c.Accounts || f.Linked != c.Linked || len(f.Skipped) != c.Skipped {
				t.Errorf("got %d accounts (%d linked, %d skipped), want %d (%d, %d)", len(f.Accounts), f.Linked, len(f.Skipped), c.Accounts, c.Linked, c.Skipped)
			}
			if len(f.Problems) != c.Problems {
				t.Errorf("got problems %v, want %d", f.Problems, c.Problems)
			}
			for _, a := range f.Accounts {
				if err := a.Key.Validate(); err != nil {
					t.Errorf("%s: %v", a.Key.Label(), err)
				}
				if c.Plain && !plain[string(a.Key.Secret)] {
					t.Errorf("%s: secret not in plain.txt", a.Key.Label())
				}
			}
		})
	}
}

// TestImportKeepsWhatTheVaultKeeps: tags, notes, pins and icons come along
// from an export (the one conversion from other apps' entries).
func TestImportKeepsWhatTheVaultKeeps(t *testing.T) {
	data, err := ReadFile(filepath.Join("..", "interop", "testdata", "aegis_rich.json"))
	if err != nil {
		t.Fatal(err)
	}
	f, err := testReader("").File("aegis_rich.json", data)
	if err != nil {
		t.Fatal(err)
	}
	var tags, notes, pins, icons int
	for _, a := range f.Accounts {
		tags += len(a.Tags)
		notes += len(a.Note)
		if a.Pinned {
			pins++
		}
		icons += len(a.Icon)
	}
	if tags == 0 || notes == 0 || pins == 0 || icons == 0 {
		t.Errorf("got %d tags, %d bytes of notes, %d pinned, %d bytes of icons; want some of each", tags, notes, pins, icons)
	}
}

// TestPasswordQuestions: how an encrypted file asks for its password, for
// another app's export and for a Latchkey backup alike.
func TestPasswordQuestions(t *testing.T) {
	fx := testtool.Fixtures(t)
	export := filepath.Join(fx, "aegis_encrypted.json")
	backup := coretest.Backup(t, t.TempDir(), "b.latchkey", coretest.PlainKeys(t)[:2]...)
	cancelled := errors.New("cancelled")
	for _, file := range []struct {
		path   string
		backup bool
		wrong  error
	}{
		{export, false, ErrWrongPassword},
		{backup, true, vault.ErrWrongPassword},
	} {
		data, err := ReadFile(file.path)
		if err != nil {
			t.Fatal(err)
		}
		// What one wrong try says, read without core: a reading stopped
		// after it must say exactly that.
		var first error
		if file.backup {
			_, err := coretest.Options.ReadBackup(data, []byte("wrong"))
			first = fmt.Errorf("latchkey backup: %w", err)
		} else {
			_, first = interop.Read(data, func() ([]byte, error) { return []byte("wrong"), nil })
		}
		if first == nil {
			t.Fatalf("%s: a wrong password opened it", file.path)
		}
		for _, c := range []struct {
			name      string
			p         *passwords
			wantAsked int
			wantErr   error
			wantText  string // the error's text, when it must be exact
		}{
			{"right at once", &passwords{answers: []string{coretest.Password}}, 1, nil, ""},
			{"wrong then right", &passwords{answers: []string{"wrong", coretest.Password}}, 2, nil, ""},
			{"wrong every time", &passwords{answers: []string{"a", "b", "c", "d"}}, PasswordTries, file.wrong, ""},
			{"no second try", &passwords{answers: []string{"wrong"}}, 2, file.wrong, first.Error()},
			{"cancelled", &passwords{err: cancelled}, 1, cancelled, ""},
		} {
			t.Run(filepath.Base(file.path)+"/"+c.name, func(t *testing.T) {
				f, err := (Reader{Password: c.p, Backups: coretest.Options}).File("f", data)
				if len(c.p.asked) != c.wantAsked {
					t.Errorf("got %d questions, want %d", len(c.p.asked), c.wantAsked)
				}
				for i, a := range c.p.asked {
					if a.Backup != file.backup || a.Name != "f" || (i == 0) != (a.Wrong == nil) {
						t.Errorf("question %d: got %+v, want name f, backup %v and Wrong set from the second on", i, a, file.backup)
					}
				}
				if !errors.Is(err, c.wantErr) || (c.wantErr == nil) != (err == nil) {
					t.Fatalf("got error %v, want %v", err, c.wantErr)
				}
				if c.wantText != "" && err.Error() != c.wantText {
					t.Errorf("got %q, want the first try's error %q", err, c.wantText)
				}
				if err == nil && len(f.Accounts) == 0 {
					t.Error("got no accounts from the right password")
				}
			})
		}
	}
}

func TestReadAllCaps(t *testing.T) {
	for _, c := range []struct {
		name string
		data []byte
		want error
	}{
		{"export at its cap", append([]byte("otpauth://"), make([]byte, 16<<20-10)...), nil},
		{"export over its cap", make([]byte, 16<<20+1), ErrTooLarge},
		{"backup over the export cap", append([]byte("LATCHKEY"), make([]byte, 16<<20)...), nil},
		{"backup over its cap", append([]byte("LATCHKEY"), make([]byte, vault.MaxFileSize)...), vault.ErrTooLarge},
	} {
		got, err := ReadAll(bytes.NewReader(c.data))
		if !errors.Is(err, c.want) || (c.want == nil) != (err == nil) {
			t.Errorf("%s: got %v, want %v", c.name, err, c.want)
		}
		if err == nil && len(got) != len(c.data) {
			t.Errorf("%s: got %d bytes, want %d", c.name, len(got), len(c.data))
		}
	}
}

// TestReadFileEscapesNames: a file name is untrusted text (a folder dropped
// on the window, a path given to import). In ReadFile's errors a line break
// in it does not start a line and a terminal escape does not act; the
// errors still wrap their cause.
func TestReadFileEscapesNames(t *testing.T) {
	const hostile = "codes\n\x1b[31mred"
	const shown = `codes\x0a\x1b[31mred`
	dir := t.TempDir()
	folder := filepath.Join(dir, hostile+"-folder")
	if err := os.Mkdir(folder, 0o700); err != nil {
		t.Fatal(err)
	}
	large := filepath.Join(dir, hostile+"-large")
	if err := os.WriteFile(large, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(large, interop.MaxFileSize+1); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		what, path string
		want       error // nil: any error
		named      bool  // the error's text names the file
	}{
		{"a missing file", filepath.Join(dir, hostile+"-missing"), fs.ErrNotExist, true},
		{"a folder", folder, nil, true},
		{"a file over the cap", large, ErrTooLarge, false},
	} {
		_, err := ReadFile(c.path)
		if err == nil {
			t.Errorf("%s: got no error, want one", c.what)
			continue
		}
		if c.want != nil && !errors.Is(err, c.want) {
			t.Errorf("%s: got %v, want %v", c.what, err, c.want)
		}
		msg := err.Error()
		if strings.ContainsAny(msg, "\n\x1b") || c.named && !strings.Contains(msg, shown) {
			t.Errorf("%s: got %q, want the name shown as %s", c.what, msg, shown)
		}
	}
}

func TestDecodeImageRefusesHugeHeaders(t *testing.T) {
	// A valid PNG header declaring 100000×100000 pixels, and nothing else.
	data := testtool.PNG(t, image.NewGray(image.Rect(0, 0, 1, 1)))
	// Patch the IHDR width and height (bytes 16-23); the CRC no longer
	// matches, but DecodeConfig reads the size before checking it.
	copy(data[16:24], []byte{0, 1, 0x86, 0xa0, 0, 1, 0x86, 0xa0})
	if _, err := decodeImage(data); err == nil {
		t.Error("got no error for a 100000×100000 image")
	}
}

func FuzzDecodeImage(f *testing.F) {
	f.Add(testtool.PNG(f, image.NewGray(image.Rect(0, 0, 4, 4))))
	f.Add([]byte("GIF89a"))
	f.Fuzz(func(t *testing.T, data []byte) {
		img, err := decodeImage(data)
		if err == nil && img.Bounds().Dx()*img.Bounds().Dy() > qrimport.MaxPixels {
			t.Errorf("decoded %v, over the cap", img.Bounds())
		}
	})
}

func TestReadImagesJoinsABatch(t *testing.T) {
	dir := t.TempDir()
	keys := coretest.Keys(t)
	// Twelve accounts make two Google export codes: one batch in two images.
	many := coretest.ManyKeys(t, 12)
	pngs, _, err := qrimport.MigrationPNGs(many, 600)
	if err != nil || len(pngs) != 2 {
		t.Fatalf("got %d codes, %v; want 2", len(pngs), err)
	}
	first := filepath.Join(dir, "first.png")
	if err := os.WriteFile(first, pngs[0], 0o600); err != nil {
		t.Fatal(err)
	}
	f, unread := ReadImages([]Image{{Name: "first", Path: first}, {Name: "second", Data: pngs[1]}, {Name: "junk", Data: []byte("not an image")}})
	if len(f.Accounts) != 12 || len(f.Problems) != 0 {
		t.Errorf("got %d accounts and problems %v, want 12 and none", len(f.Accounts), f.Problems)
	}
	if len(unread) != 1 || unread[0].Name != "junk" || !strings.HasPrefix(unread[0].Error(), "junk: ") {
		t.Errorf("got unread %v, want the junk image named", unread)
	}
	// One half alone is an incomplete batch, said as a problem.
	f, _ = ReadImages([]Image{{Name: "first", Path: first}})
	if len(f.Problems) == 0 || !errors.Is(f.Problems[0], qrimport.ErrIncompleteBatch) {
		t.Errorf("got problems %v for half a batch, want ErrIncompleteBatch", f.Problems)
	}
	f, err = ReadText(keys[1].URI() + "\n" + keys[2].URI())
	if err != nil || len(f.Accounts) != 2 || !f.Accounts[0].Key.Equal(keys[1]) {
		t.Errorf("got %d accounts, %v from text, want the two keys", len(f.Accounts), err)
	}
}

// TestReadTextSkipsComments: text pasted from a URI list file reads as the
// file does, and as the command line's standard input: comments and blank
// lines are no problem.
func TestReadTextSkipsComments(t *testing.T) {
	keys := coretest.Keys(t)
	f, err := ReadText("# from my old phone\n\n  # indented\n" + keys[1].URI() + "\n\n")
	if err != nil || len(f.Accounts) != 1 || len(f.Problems) != 0 {
		t.Fatalf("got %d accounts, problems %v, %v; want 1 and none", len(f.Accounts), f.Problems, err)
	}
	if _, err := ReadText("# nothing but a comment\n"); !errors.Is(err, qrimport.ErrEmpty) {
		t.Errorf("got %v for a comment alone, want ErrEmpty", err)
	}
	if _, err := ReadText("#" + strings.Repeat("x", qrimport.MaxTextSize)); !errors.Is(err, qrimport.ErrTooLarge) {
		t.Errorf("got %v for a comment over the cap, want ErrTooLarge", err)
	}
}
