package qrimport

import (
	"bytes"
	"errors"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"latchkey/otp"
)

func roundTripKeys() []otp.Key {
	keys := []otp.Key{
		{Type: otp.TOTP, Issuer: "Example", Name: "alice@google.com", Secret: []byte("Hello!\xde\xad\xbe\xef"), Algorithm: otp.SHA1, Digits: 6, Period: 30},
		{Type: otp.TOTP, Issuer: "Café Ünïcode", Name: "josé & co/x?y=1", Secret: []byte("12345678901234567890123456789012"), Algorithm: otp.SHA256, Digits: 8, Period: 60},
		{Type: otp.HOTP, Issuer: "Bank", Name: "bob", Secret: []byte("1234567890"), Algorithm: otp.SHA512, Digits: 7, Counter: 1 << 40},
		{Type: otp.Steam, Issuer: "Steam", Name: "gaben", Secret: []byte("steam-secret-bytes!!"), Algorithm: otp.SHA1, Digits: 5, Period: 30},
		{Type: otp.TOTP, Name: "no issuer: colon in name", Secret: []byte("x"), Algorithm: otp.SHA1, Digits: 6, Period: 30},
	}
	return append(keys, testKeys()[:6]...)
}

// TestKeyPNGRoundTrip: every account drawn as a QR code reads back to an
// equal key.
func TestKeyPNGRoundTrip(t *testing.T) {
	for _, k := range roundTripKeys() {
		data, err := KeyPNG(k, 300)
		if err != nil {
			t.Fatalf("%s: %v", k.Label(), err)
		}
		img, err := png.Decode(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%s: %v", k.Label(), err)
		}
		r, err := ReadImage(img)
		if err != nil {
			t.Fatalf("%s: %v", k.Label(), err)
		}
		if len(r.Keys) != 1 || !r.Keys[0].Equal(k) {
			t.Errorf("%s: got %+v, want %+v", k.Label(), r.Keys, k)
		}
	}
}

// TestKeyPNGIsOneBit: a code is written as a 1-bit PNG, eight times less
// to compress than grey levels, which made big recovery kits slow.
func TestKeyPNGIsOneBit(t *testing.T) {
	data, err := KeyPNG(roundTripKeys()[0], 320)
	if err != nil {
		t.Fatal(err)
	}
	// IHDR: 8-byte signature, length, "IHDR", width, height, then bit
	// depth and colour type (3: paletted).
	if len(data) < 26 || string(data[12:16]) != "IHDR" {
		t.Fatalf("got %d bytes without an IHDR chunk first, want a PNG", len(data))
	}
	if depth, ctype := data[24], data[25]; depth != 1 || ctype != 3 {
		t.Errorf("got bit depth %d, colour type %d; want 1 and 3", depth, ctype)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	// The quiet zone's corner is white, the top-left finder's corner black.
	b := img.Bounds()
	corner := color.GrayModel.Convert(img.At(b.Min.X, b.Min.Y)).(color.Gray).Y
	if corner != 0xff {
		t.Errorf("got corner shade %d, want 255", corner)
	}
	var finder uint8 = 0xff
	for i := b.Min.X; i < b.Max.X/2 && finder == 0xff; i++ {
		finder = color.GrayModel.Convert(img.At(i, i)).(color.Gray).Y
	}
	if finder != 0 {
		t.Errorf("got shade %d on the diagonal's first module, want 0", finder)
	}
}

func TestKeyPNGRefuses(t *testing.T) {
	k := roundTripKeys()[0]
	for _, size := range []int{0, MinPNGSize - 1, MaxPNGSize + 1} {
		if _, err := KeyPNG(k, size); err == nil {
			t.Errorf("size %d: got no error, want one", size)
		}
	}
	bad := k
	bad.Digits = 99
	if _, err := KeyPNG(bad, 300); err == nil {
		t.Error("invalid key: got no error, want one")
	}
	huge := k
	huge.Secret = bytes.Repeat([]byte{1}, otp.MaxSecretLen)
	huge.Name = strings.Repeat("n", 3000)
	_, err := KeyPNG(huge, 300)
	if err == nil {
		t.Fatal("key too big for a QR code: got no error, want one")
	}
	if strings.Contains(err.Error(), otp.EncodeSecret(huge.Secret)[:16]) {
		t.Errorf("error %q quotes the secret", err)
	}
}

func TestMigrationPNGRoundTrip(t *testing.T) {
	keys := testKeys()
	pngs, skipped, err := MigrationPNGs(keys, 600)
	if err != nil {
		t.Fatal(err)
	}
	if len(skipped) != 0 || len(pngs) != 3 {
		t.Fatalf("got %d codes and %d skipped, want 3 and 0", len(pngs), len(skipped))
	}
	var c Collector
	// Out of order, as screenshots come.
	for _, i := range []int{2, 0, 1} {
		img, err := png.Decode(bytes.NewReader(pngs[i]))
		if err != nil {
			t.Fatal(err)
		}
		if err := c.AddImage(img); err != nil {
			t.Fatal(err)
		}
	}
	r := c.Result()
	if len(r.Problems) != 0 {
		t.Errorf("got problems %v, want none", r.Problems)
	}
	if len(r.Keys) != len(keys) {
		t.Fatalf("got %d keys, want %d", len(r.Keys), len(keys))
	}
	for _, k := range keys {
		if !slices.ContainsFunc(r.Keys, k.Equal) {
			t.Errorf("%s did not come back", k.Label())
		}
	}
	if _, _, err := MigrationURIs(make([]otp.Key, 0)); err != nil {
		t.Errorf("no keys: got %v, want no error", err)
	}
}

func TestMigrationTooMany(t *testing.T) {
	k := testKeys()[0]
	keys := make([]otp.Key, (maxBatchSize+1)*MaxBatchKeys)
	for i := range keys {
		keys[i] = k
	}
	if _, _, err := MigrationURIs(keys); !errors.Is(err, ErrTooManyKeys) {
		t.Errorf("got %v, want ErrTooManyKeys", err)
	}
}

// TestPeersReadOurCodes checks that zbarimg and ZXingReader, the decoders
// other authenticators use, read every code Latchkey writes.
func TestPeersReadOurCodes(t *testing.T) {
	peers := map[string][]string{
		"zbarimg":     {"-q", "--raw", "--nodbus"},
		"ZXingReader": {"-format", "QRCode", "-bytes"},
	}
	var texts []string
	var files []string
	dir := t.TempDir()
	for i, k := range roundTripKeys() {
		data, err := KeyPNG(k, 400)
		if err != nil {
			t.Fatal(err)
		}
		texts = append(texts, k.URI())
		files = append(files, filepath.Join(dir, "key"+string(rune('a'+i))+".png"))
		if err := os.WriteFile(files[i], data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	uris, _, err := MigrationURIs(testKeys())
	if err != nil {
		t.Fatal(err)
	}
	pngs, _, err := MigrationPNGs(testKeys(), 800)
	if err != nil {
		t.Fatal(err)
	}
	// Batch ids are random: compare the account payload, not the id.
	for i, p := range pngs {
		f := filepath.Join(dir, "export"+string(rune('a'+i))+".png")
		if err := os.WriteFile(f, p, 0o600); err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
		texts = append(texts, "")
	}
	for name, args := range peers {
		bin, err := exec.LookPath(name)
		if err != nil {
			t.Errorf("%s is not installed (./test.sh installs zbar-tools and zxing-cpp-tools): %v", name, err)
			continue
		}
		for i, f := range files {
			out, err := exec.Command(bin, append(args, f)...).Output()
			if err != nil {
				t.Errorf("%s %s: %v", name, filepath.Base(f), err)
				continue
			}
			got := strings.TrimSpace(string(out))
			if texts[i] == "" {
				// An export code: it must read back to that batch's accounts.
				r, err := ReadText(got)
				if err != nil || !strings.HasPrefix(got, "otpauth-migration://") {
					t.Errorf("%s %s: got %.40q, want an export link", name, filepath.Base(f), got)
					continue
				}
				want, _ := ReadText(uris[i-len(roundTripKeys())])
				if len(r.Keys) != len(want.Keys) {
					t.Errorf("%s %s: got %d accounts, want %d", name, filepath.Base(f), len(r.Keys), len(want.Keys))
					continue
				}
				for j := range want.Keys {
					if !r.Keys[j].Equal(want.Keys[j]) {
						t.Errorf("%s %s: account %d (%q) reads back different from what was written", name, filepath.Base(f), j, want.Keys[j].Label())
					}
				}
				continue
			}
			if got != texts[i] {
				t.Errorf("%s %s: got %q, want %q", name, filepath.Base(f), got, texts[i])
			}
		}
	}
}

// BenchmarkKeyPNG draws one account as the recovery kit does: a kit of
// 1,000 accounts draws 1,000 of these.
func BenchmarkKeyPNG(b *testing.B) {
	k := roundTripKeys()[1]
	n := 0
	for i := 0; i < b.N; i++ {
		p, err := KeyPNG(k, 320)
		if err != nil {
			b.Fatal(err)
		}
		n = len(p)
	}
	b.ReportMetric(float64(n), "png-bytes")
}
