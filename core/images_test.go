package core

import (
	"errors"
	"image"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"latchkey/core/coretest"
	"latchkey/internal/testtool"
	"latchkey/qrimport"
)

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
