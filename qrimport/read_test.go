package qrimport

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/png"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"

	"latchkey/internal/deptest"
	"latchkey/internal/testtool"
	"latchkey/otp"
)

const canonical = "otpauth://totp/Example:alice@google.com?secret=JBSWY3DPEHPK3PXP&issuer=Example"

func TestReadText(t *testing.T) {
	r, err := ReadText("  " + canonical + "\n\nsteam://JBSWY3DPEHPK3PXP\nhttps://example.com/login\n")
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Keys) != 2 {
		t.Fatalf("got %d keys, want 2", len(r.Keys))
	}
	want := otp.Key{Type: otp.TOTP, Issuer: "Example", Name: "alice@google.com",
		Secret: []byte("Hello!\xde\xad\xbe\xef"), Algorithm: otp.SHA1, Digits: 6, Period: 30}
	if !r.Keys[0].Equal(want) {
		t.Errorf("got %+v, want %+v", r.Keys[0], want)
	}
	if r.Keys[1].Type != otp.Steam {
		t.Errorf("got type %v, want steam", r.Keys[1].Type)
	}
	if len(r.Raw) != 3 || r.Raw[0] != canonical {
		t.Errorf("got raw %q, want the three lines trimmed", r.Raw)
	}
	if len(r.Problems) != 1 {
		t.Fatalf("got problems %v, want one", r.Problems)
	}
	if got, want := r.Problems[0].Error(), "this QR code holds a web link, not an authenticator key"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if !errors.Is(r.Problems[0], ErrNotKey) {
		t.Errorf("got %v, want it to wrap ErrNotKey", r.Problems[0])
	}
}

func TestReadTextRefuses(t *testing.T) {
	if _, err := ReadText(" \n "); !errors.Is(err, ErrEmpty) {
		t.Errorf("blank text: got %v, want ErrEmpty", err)
	}
	if _, err := ReadText(strings.Repeat("a", MaxTextSize+1)); !errors.Is(err, ErrTooLarge) {
		t.Errorf("huge text: got %v, want ErrTooLarge", err)
	}
}

func TestBadKeyProblemHidesSecret(t *testing.T) {
	r, err := ReadText("otpauth://totp/Bank:carol?secret=SECRETSECRET2&digits=99")
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Problems) != 1 {
		t.Fatalf("got problems %v, want one", r.Problems)
	}
	msg := r.Problems[0].Error()
	if !strings.Contains(msg, "Bank:carol") || strings.Contains(msg, "SECRETSECRET2") {
		t.Errorf("got %q, want the label and not the secret", msg)
	}
	var pe *otp.ParseError
	if !errors.As(r.Problems[0], &pe) || pe.Part != "digits" {
		t.Errorf("got %v, want an otp.ParseError about digits", r.Problems[0])
	}
}

func TestClassify(t *testing.T) {
	for text, want := range map[string]Content{
		"":                               ContentEmpty,
		canonical:                        ContentKey,
		"OTPAUTH://TOTP/x?secret=AA":     ContentKey,
		"steam://AAAA":                   ContentKey,
		"otpauth-migration://offline?d":  ContentMigration,
		"HTTPS://example.com":            ContentWebLink,
		"WIFI:S:home;T:WPA;P:pw;;":       ContentWiFi,
		"BEGIN:VCARD\nVERSION:3.0":       ContentContact,
		"mailto:a@example.com":           ContentEmail,
		"tel:+1555":                      ContentPhone,
		"SMSTO:+1555:hi":                 ContentSMS,
		"geo:1,2":                        ContentLocation,
		"BEGIN:VEVENT":                   ContentCalendar,
		"bitcoin://1abc":                 ContentOtherURI,
		"just some words":                ContentText,
		"JBSWY3DPEHPK3PXP":               ContentText,
		"otpauth-migration:/offline?x=1": ContentText,
	} {
		if got := Classify(text); got != want {
			t.Errorf("Classify(%q) = %v, want %v", text, got, want)
		}
	}
}

func writeFile(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// pngHeader is a PNG signature and IHDR chunk declaring w x h pixels, with
// no image data: what a decompression bomb shows before its pixels.
func pngHeader(w, h uint32) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 0 // 8-bit greyscale
	binary.Write(&b, binary.BigEndian, uint32(len(ihdr)))
	chunk := append([]byte("IHDR"), ihdr...)
	b.Write(chunk)
	binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(chunk))
	return b.Bytes()
}

func TestReadFileRefuses(t *testing.T) {
	dir := t.TempDir()
	if _, err := ReadFile(filepath.Join(dir, "missing.png")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: got %v, want fs.ErrNotExist", err)
	}
	if _, err := ReadFile(writeFile(t, "notes.txt", []byte("hello, world"))); !errors.Is(err, ErrNotImage) {
		t.Errorf("text file: got %v, want ErrNotImage", err)
	}
	if _, err := ReadFile(writeFile(t, "empty.png", nil)); !errors.Is(err, ErrEmpty) {
		t.Errorf("empty file: got %v, want ErrEmpty", err)
	}
	// 50000 x 50000 declared in a 33-byte file: refused before decoding.
	if _, err := ReadFile(writeFile(t, "bomb.png", pngHeader(50000, 50000))); !errors.Is(err, ErrTooLarge) {
		t.Errorf("decompression bomb: got %v, want ErrTooLarge", err)
	}
	if _, err := ReadFile(writeFile(t, "tall.png", pngHeader(1, MaxSide+1))); !errors.Is(err, ErrTooLarge) {
		t.Errorf("too tall: got %v, want ErrTooLarge", err)
	}
	big := testtool.SparseFile(t, filepath.Join(dir, "big.png"), nil, MaxFileSize+1)
	if _, err := ReadFile(big); !errors.Is(err, ErrTooLarge) {
		t.Errorf("huge file: got %v, want ErrTooLarge", err)
	}
	// Damaged after a valid header.
	hdr := pngHeader(100, 100)
	if _, err := ReadFile(writeFile(t, "cut.png", hdr)); !errors.Is(err, ErrNotImage) {
		t.Errorf("cut-off PNG: got %v, want ErrNotImage", err)
	}
	var buf bytes.Buffer
	png.Encode(&buf, image.NewGray(image.Rect(0, 0, 300, 200)))
	if _, err := ReadFile(writeFile(t, "blank.png", buf.Bytes())); !errors.Is(err, ErrNoQRCode) {
		t.Errorf("blank image: got %v, want ErrNoQRCode", err)
	}
}

// TestFileNamesEscaped: a file name is untrusted text. A line break in it
// must not make an error read as more lines (a window's dialog keeps them),
// nor a terminal escape act where the error is printed; the errors stay
// what errors.Is finds.
func TestFileNamesEscaped(t *testing.T) {
	hostile := "codes\n\x1b[31mred.png"
	shown := `codes\x0a\x1b[31mred.png`
	var blank bytes.Buffer
	png.Encode(&blank, image.NewGray(image.Rect(0, 0, 300, 200)))
	folder := filepath.Join(t.TempDir(), hostile)
	if err := os.Mkdir(folder, 0o700); err != nil {
		t.Fatal(err)
	}
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	for _, tc := range []struct {
		what string
		read func() error
		want error
	}{
		{"a text file", func() error { _, err := ReadFile(writeFile(t, hostile, []byte("hello"))); return err }, ErrNotImage},
		{"an empty file", func() error { _, err := ReadFile(writeFile(t, hostile, nil)); return err }, ErrEmpty},
		{"a blank image", func() error { _, err := ReadFile(writeFile(t, hostile, blank.Bytes())); return err }, ErrNoQRCode},
		{"a missing file", func() error { _, err := ReadFile(filepath.Join(t.TempDir(), hostile)); return err }, fs.ErrNotExist},
		{"a folder", func() error { _, err := ReadFile(folder); return err }, nil},
		{"a read cut short", func() error {
			var c Collector
			err := c.AddFileContext(cancelled, writeFile(t, hostile, testtool.QREncode(t, canonical, 4, 4)))
			if err == nil && len(c.Result().Problems) > 0 {
				err = c.Result().Problems[0]
			}
			return err
		}, ErrStopped},
	} {
		err := tc.read()
		if err == nil {
			t.Errorf("%s: got no error, want one", tc.what)
			continue
		}
		if tc.want != nil && !errors.Is(err, tc.want) {
			t.Errorf("%s: got %v, want %v", tc.what, err, tc.want)
		}
		if msg := err.Error(); strings.ContainsAny(msg, "\n\x1b") || !strings.Contains(msg, shown) {
			t.Errorf("%s: got %q, want the name shown as %s", tc.what, msg, shown)
		}
	}
}

func TestReadFileText(t *testing.T) {
	// A text file holding a URI reads like a paste.
	r, err := ReadFile(writeFile(t, "key.txt", []byte(canonical+"\n")))
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Keys) != 1 || r.Keys[0].Issuer != "Example" {
		t.Errorf("got %+v, want the Example key", r.Keys)
	}
}

// panicky is an image whose pixels cannot be read. (It must not embed
// image.Rectangle, whose own RGBA64At the standard library would call.)
type panicky struct{ r image.Rectangle }

func (p panicky) ColorModel() color.Model { return color.RGBAModel }
func (p panicky) Bounds() image.Rectangle { return p.r }
func (p panicky) At(x, y int) color.Color { panic("broken image") }

func TestReadImagePanicContained(t *testing.T) {
	_, err := ReadImage(panicky{image.Rect(0, 0, 50, 50)})
	if err == nil || !errors.Is(err, errDecoderPanic) {
		t.Errorf("got %v, want the panic reported as an error", err)
	}
	if _, err := ReadImage(nil); !errors.Is(err, ErrEmpty) {
		t.Errorf("nil image: got %v, want ErrEmpty", err)
	}
	if _, err := ReadImage(panicky{image.Rect(0, 0, 70000, 70000)}); !errors.Is(err, ErrTooLarge) {
		t.Errorf("huge in-memory image: got %v, want ErrTooLarge", err)
	}
}

// TestToGray checks every fast path against the standard library's own
// conversion, with transparency composited onto white.
func TestToGray(t *testing.T) {
	r := image.Rect(3, 5, 3+7, 5+4) // an offset origin, as sub-images have
	src := image.NewNRGBA(r)
	i := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			src.SetNRGBA(x, y, color.NRGBA{uint8(i * 37), uint8(i * 91), uint8(i * 13), uint8([]int{255, 0, 128, 200}[i%4])})
			i++
		}
	}
	want := func(c color.Color) byte {
		// Composite over white with the standard library, then take luma.
		n := color.NRGBAModel.Convert(c).(color.NRGBA)
		a := float64(n.A) / 255
		mix := func(v uint8) float64 { return float64(v)*a + 255*(1-a) }
		return byte((0.299*mix(n.R) + 0.587*mix(n.G) + 0.114*mix(n.B)) + 0.5)
	}
	for name, img := range map[string]image.Image{
		"NRGBA":   src,
		"RGBA":    copyInto(image.NewRGBA(r), src),
		"NRGBA64": copyInto(image.NewNRGBA64(r), src),
		"RGBA64":  copyInto(image.NewRGBA64(r), src),
		"CMYK":    copyInto(image.NewCMYK(r), src),
	} {
		g := toGray(img)
		if g.w != r.Dx() || g.h != r.Dy() {
			t.Fatalf("%s: got %dx%d, want %dx%d", name, g.w, g.h, r.Dx(), r.Dy())
		}
		for y := 0; y < g.h; y++ {
			for x := 0; x < g.w; x++ {
				got, w := g.pix[y*g.w+x], want(img.At(r.Min.X+x, r.Min.Y+y))
				if d := int(got) - int(w); d < -2 || d > 2 {
					t.Errorf("%s (%d,%d): got %d, want %d", name, x, y, got, w)
				}
			}
		}
	}
	// Opaque types carry luminance directly.
	gr := image.NewGray(r)
	yc := image.NewYCbCr(r, image.YCbCrSubsampleRatio420)
	pal := image.NewPaletted(r, color.Palette{color.Black, color.White, color.Gray{100}})
	for i := range gr.Pix {
		gr.Pix[i] = byte(i * 7)
	}
	for i := range yc.Y {
		yc.Y[i] = byte(i * 5)
	}
	for i := range pal.Pix {
		pal.Pix[i] = byte(i % 3)
	}
	for name, img := range map[string]image.Image{"Gray": gr, "YCbCr": yc, "Paletted": pal} {
		g := toGray(img)
		for y := 0; y < g.h; y++ {
			for x := 0; x < g.w; x++ {
				got := g.pix[y*g.w+x]
				w := color.GrayModel.Convert(img.At(r.Min.X+x, r.Min.Y+y)).(color.Gray).Y
				if name == "YCbCr" {
					w = yc.Y[yc.YOffset(r.Min.X+x, r.Min.Y+y)]
				}
				if d := int(got) - int(w); d < -2 || d > 2 {
					t.Errorf("%s (%d,%d): got %d, want %d", name, x, y, got, w)
				}
			}
		}
	}
}

func newHybrid(g *gray) (*gozxing.BitMatrix, error) {
	return gozxing.NewHybridBinarizer(newSource(g)).GetBlackMatrix()
}

// sameAsGozxing reports whether ours, a binarizer of g through lut, gives
// the matrix gozxing's hybrid binarizer gives for g mapped through lut (nil:
// g as it is).
func sameAsGozxing(t *testing.T, g *gray, lut *[256]byte, ours func(*gray, *[256]byte) (*gozxing.BitMatrix, error)) bool {
	t.Helper()
	src := g
	if lut != nil {
		src = g.mapped(lut)
	}
	want, err := newHybrid(src)
	if err != nil {
		t.Fatal(err)
	}
	got, err := ours(g, lut)
	if err != nil {
		t.Fatal(err)
	}
	return got.String() == want.String()
}

func copyInto[T interface {
	image.Image
	Set(x, y int, c color.Color)
}](dst T, src image.Image) image.Image {
	b := src.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			dst.Set(x, y, src.At(x, y))
		}
	}
	return dst
}

// TestHybridBits checks our binarizer against gozxing's on sizes that
// leave partial blocks at the edges.
func TestHybridBits(t *testing.T) {
	for _, sz := range [][2]int{{40, 40}, {41, 47}, {100, 100}, {333, 257}, {39, 200}, {640, 481}} {
		for _, uniform := range []bool{false, true} {
			g := &gray{pix: make([]byte, sz[0]*sz[1]), w: sz[0], h: sz[1]}
			s := uint32(sz[0]*7 + sz[1])
			for i := range g.pix {
				s = s*1664525 + 1013904223
				g.pix[i] = byte(s >> 24)
				switch (i/g.w/11 + i%g.w/13) % 4 {
				case 0:
					g.pix[i] /= 3
				case 1:
					g.pix[i] = 200 + g.pix[i]%10 // flat blocks
				case 2:
					if uniform { // one shade: the binarizer's fast paths
						g.pix[i] = 40
					}
				case 3:
					if uniform {
						g.pix[i] = 250
					}
				}
			}
			if !sameAsGozxing(t, g, nil, hybridBitsLUT) {
				t.Errorf("%dx%d (uniform areas %v): matrix differs from gozxing's", sz[0], sz[1], uniform)
			}
			// Through a table: as gozxing's on the mapped picture.
			for name, lut := range map[string]*[256]byte{"inverted": &invertLUT, "stretched": g.stretchLUT(), "threshold": thresholdLUT(99)} {
				if !sameAsGozxing(t, g, lut, hybridMatrix) {
					t.Errorf("%dx%d (uniform areas %v) %s: matrix differs from gozxing's", sz[0], sz[1], uniform, name)
				}
			}
		}
	}
	// A screenshot: mostly one shade, with a code.
	g := desktopGray(1001, 803)
	drawCode(g, qrModules(t, tinyText), 301, 203, 3)
	if !sameAsGozxing(t, g, nil, hybridBitsLUT) {
		t.Errorf("screenshot: matrix differs from gozxing's")
	}
}

// TestBandedBinarizer checks that binarizing in two bands gives exactly
// gozxing's matrix for the whole image.
func TestBandedBinarizer(t *testing.T) {
	for _, h := range []int{1500, 2160, 2883} {
		g := &gray{pix: make([]byte, 1500*h), w: 1500, h: h}
		s := uint32(h)
		for i := range g.pix {
			s = s*1664525 + 1013904223
			g.pix[i] = byte(s >> 24)
			if (i/g.w/37+i%g.w/53)%3 == 0 {
				g.pix[i] /= 3 // dark patches, so thresholds vary by block
			}
		}
		if g.w*g.h < 1<<21 {
			t.Fatalf("%dx%d is too small to be banded", g.w, g.h)
		}
		if !sameAsGozxing(t, g, nil, hybridMatrix) {
			t.Errorf("height %d: banded matrix differs from gozxing's", h)
		}
		if !sameAsGozxing(t, g, &invertLUT, hybridMatrix) {
			t.Errorf("height %d: banded inverted matrix differs from gozxing's", h)
		}
	}
}

// TestNoFyne keeps the dependency rule: qrimport never pulls in Fyne.
func TestNoFyne(t *testing.T) {
	for _, dep := range deptest.Deps(t, "latchkey/qrimport") {
		// internal/input and internal/safetext are leaves of the standard
		// library: how every front end opens a file a person names, and
		// shows its name.
		if strings.HasPrefix(dep, "fyne.io/") || strings.HasPrefix(dep, "latchkey/") && dep != "latchkey/qrimport" && dep != "latchkey/otp" && dep != "latchkey/internal/input" && dep != "latchkey/internal/safetext" && dep != "latchkey/qrimport/internal/wire" {
			t.Errorf("qrimport depends on %s", dep)
		}
		// Its own wire reader instead: protobuf's init reads the
		// executable at every start.
		if strings.HasPrefix(dep, "google.golang.org/protobuf") {
			t.Errorf("qrimport depends on %s", dep)
		}
	}
}
