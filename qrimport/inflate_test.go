package qrimport

import (
	"bytes"
	"compress/flate"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

// inflateBoth inflates raw DEFLATE data split in pieces of at most piece
// bytes (IDAT chunks), through inflater and through compress/flate. taken
// is false when inflater left the stream to compress/flate.
func inflateBoth(data []byte, piece int) (got, want []byte, taken bool, wantErr error) {
	want, wantErr = io.ReadAll(flate.NewReader(bytes.NewReader(data)))
	rest := data
	f := newInflater(func() ([]byte, error) {
		if len(rest) == 0 {
			return nil, io.EOF
		}
		n := min(piece, len(rest))
		b := rest[:n]
		rest = rest[n:]
		return b, nil
	})
	got, err := io.ReadAll(f)
	return got, want, err != errInflate, wantErr
}

// pngGrayInflate is pngGray through inflater only when fast, else through
// compress/flate only.
func pngGrayInflate(data []byte, fast bool, pix *[]byte) (*gray, error) {
	p, start, err := parsePNGHead(data)
	if err != nil {
		return nil, err
	}
	return p.decode(data, start, fast, pix)
}

func deflated(t testing.TB, data []byte, level int) []byte {
	var b bytes.Buffer
	w, err := flate.NewWriter(&b, level)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(data)
	w.Close()
	return b.Bytes()
}

// TestInflate: every stream compress/flate writes, at every level, in
// pieces of every size, comes out of inflater byte for byte, and
// inflater takes it (it is the fast path, not a detour).
func TestInflate(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	noise := make([]byte, 300<<10)
	for i := range noise {
		noise[i] = byte(rng.IntN(40) + 100) // grain: mostly literals
	}
	screen := make([]byte, 300<<10)
	for i := range screen {
		screen[i] = byte(i / 5000 % 7 * 30) // long runs: mostly matches
	}
	text := bytes.Repeat([]byte("otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXP&issuer=Example\n"), 3000)
	for name, data := range map[string][]byte{"noise": noise, "screen": screen, "text": text, "empty": nil, "one": {7}} {
		for _, level := range []int{flate.NoCompression, flate.BestSpeed, flate.DefaultCompression, flate.BestCompression, flate.HuffmanOnly} {
			for _, piece := range []int{1, 7, 8192, 1 << 30} {
				got, want, taken, werr := inflateBoth(deflated(t, data, level), piece)
				if werr != nil {
					t.Fatalf("%s level %d: compress/flate: %v", name, level, werr)
				}
				if !taken {
					t.Errorf("%s level %d pieces of %d: got the stream left to compress/flate, want it inflated", name, level, piece)
					continue
				}
				if !bytes.Equal(got, want) {
					t.Errorf("%s level %d pieces of %d: got %d bytes differing from compress/flate's %d", name, level, piece, len(got), len(want))
				}
			}
		}
	}
}

// TestInflateScenes: the scene PNGs (zlib's encoder, through ImageMagick)
// decode the same with inflater as with compress/flate, and inflater
// takes every one.
func TestInflateScenes(t *testing.T) {
	dir := scenes(t)
	files, err := filepath.Glob(filepath.Join(dir, "*.png"))
	if err != nil || len(files) < 50 {
		t.Fatalf("got %d scene PNGs (%v), want 50 or more", len(files), err)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		got, err := pngGrayInflate(data, true, new([]byte))
		if err == errInflate {
			t.Errorf("%s: got the stream left to compress/flate, want it inflated", filepath.Base(f))
			continue
		}
		want, werr := pngGrayInflate(data, false, new([]byte))
		if (err == nil) != (werr == nil) {
			t.Errorf("%s: got error %v, want %v", filepath.Base(f), err, werr)
			continue
		}
		if err == nil {
			sameGray(t, filepath.Base(f), got, want)
		}
	}
}

// FuzzInflate: on any input, inflater gives exactly what compress/flate
// gives, and leaves the stream to compress/flate only where compress/flate
// fails too.
func FuzzInflate(f *testing.F) {
	f.Add(deflated(f, []byte("hello, hello, hello"), flate.BestCompression), 3)
	f.Add(deflated(f, []byte("stored"), flate.NoCompression), 2)
	f.Add([]byte{0x03, 0x00}, 1)
	for _, s := range hostileStreams() {
		if len(s) <= 4<<10 {
			f.Add(s, 1)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte, piece int) {
		if len(data) > 4<<10 { // at most 4 MB out: fast to compare
			return
		}
		piece = max(1, piece%64)
		got, want, taken, werr := inflateBoth(data, piece)
		// pngGray reads exactly the rows it needs: any byte inflater
		// gives, even before it leaves the stream to compress/flate,
		// must be one compress/flate gives, or a row reads that
		// compress/flate refuses.
		if !bytes.HasPrefix(want, got) {
			t.Fatalf("got %d bytes, want a prefix of compress/flate's %d (%v)", len(got), len(want), werr)
		}
		if taken && (len(got) != len(want) || werr != nil) {
			t.Fatalf("taken with %d bytes and no error, want compress/flate's %d bytes, %v", len(got), len(want), werr)
		}
		// Left: compress/flate fails too, after the same bytes (else
		// pngGray decodes twice what it could have once).
		if !taken && (len(got) != len(want) || werr == nil) {
			t.Fatalf("left to compress/flate after %d bytes, which gives %d and %v", len(got), len(want), werr)
		}
	})
}
