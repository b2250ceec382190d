package testtool

import (
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"latchkey/internal/deptest"
)

// Every package's tests may import testtool: it adds nothing to what they
// may depend on.
func TestStandardLibraryOnly(t *testing.T) {
	deptest.StandardOnly(t, "latchkey/internal/testtool")
}

// What qrencode draws, zbarimg reads back, from a file and from an image.
func TestQRRoundTrip(t *testing.T) {
	const text = "otpauth://totp/A:b?secret=JBSWY3DPEHPK3PXP&issuer=A"
	path := filepath.Join(t.TempDir(), "qr.png")
	QRFile(t, path, text)
	if got := Zbar(t, path); got != text {
		t.Errorf("from the file: got %q, want %q", got, text)
	}
	img := DecodePNG(t, QREncode(t, text, 3, 1))
	// A QR code is 17+4v modules wide; here 3 pixels each, 1 module of margin a side.
	if w := img.Bounds().Dx(); w%3 != 0 || (w/3-2-17)%4 != 0 {
		t.Errorf("got a %d pixel wide code, want 3 pixels a module and a margin of 1", w)
	}
	if got := ZbarImage(t, img); got != text {
		t.Errorf("from the image: got %q, want %q", got, text)
	}
}

// The RFC 6238 and RFC 4226 test vectors, secret "12345678901234567890".
func TestOATHVectors(t *testing.T) {
	const secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
	for _, c := range []struct {
		key  OATH
		want string
	}{
		{OATH{Secret: secret, Digits: 8, At: time.Unix(59, 0)}, "94287082"},
		{OATH{Secret: secret, Digits: 8, At: time.Unix(1111111109, 0), Algorithm: "sha1"}, "07081804"},
		{OATH{Secret: secret, At: time.Unix(59, 0), Period: 60}, "755224"},
		{OATH{Secret: secret, HOTP: true, Counter: 1}, "287082"},
	} {
		if got := c.key.Code(t); got != c.want {
			t.Errorf("%+v: got %s, want %s", c.key, got, c.want)
		}
	}
	codes, err := OATH{Secret: secret, HOTP: true, Window: 2}.Codes()
	if want := []string{"755224", "287082", "359152"}; err != nil || !slices.Equal(codes, want) {
		t.Errorf("a window of 2: got %q, %v; want %q", codes, err, want)
	}
}

// A missing program fails the test that needs it.
func TestMissingProgramFails(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	var rec recorder
	func() {
		defer func() { recover() }()
		Path(&rec, "qrencode")
	}()
	if !rec.failed {
		t.Error("got no failure for qrencode missing from PATH, want one")
	}
	if _, err := (OATH{Secret: "JBSWY3DPEHPK3PXP"}).Codes(); err == nil {
		t.Error("got no error for oathtool missing from PATH, want one")
	}
}

// recorder notes a failure instead of failing.
type recorder struct {
	testing.TB
	failed bool
}

func (r *recorder) Helper() {}
func (r *recorder) Fatalf(string, ...any) {
	r.failed = true
	panic("testtool: fatal")
}

// A sparse file is as large as asked, starts with its head, and is private.
func TestSparseFile(t *testing.T) {
	const size = 1 << 30
	path := SparseFile(t, filepath.Join(t.TempDir(), "big"), []byte("HEAD"), size)
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Size() != size || st.Mode().Perm() != 0o600 {
		t.Errorf("got %d bytes, mode %v; want %d, 0600", st.Size(), st.Mode().Perm(), size)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	head := make([]byte, 5)
	if _, err := io.ReadFull(f, head); err != nil || string(head) != "HEAD\x00" {
		t.Errorf("got head %q (%v), want HEAD and a zero", head, err)
	}
}
