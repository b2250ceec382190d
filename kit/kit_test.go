package kit

import (
	"bytes"
	"encoding/base64"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"latchkey/internal/deptest"
	"latchkey/internal/testtool"
	"latchkey/otp"
	"latchkey/qrimport"
	"latchkey/vault"
)

var update = flag.Bool("update", false, "rewrite the golden file")

func mustKey(t *testing.T, uri string) otp.Key {
	t.Helper()
	k, err := otp.ParseURI(uri)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func sampleKit(t *testing.T) Kit {
	return Kit{
		VaultPath:   "/home/alice/.config/latchkey/vault.latchkey",
		BackupDir:   "/media/usb/latchkey backups",
		BackupCodes: []string{"0A1B-2C3D-4E5F-6G7H-8J9K-AMBN-CPDQ", "ZZZZ-YYYY-XXXX-WWWW-VVVV-TTTT-SSSS"},
		Accounts: []vault.Account{
			{Key: mustKey(t, "otpauth://totp/Example:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Example")},
			{Key: mustKey(t, "otpauth://hotp/%3Cscript%3Ealert(1)%3C%2Fscript%3E:bob%20%26%20co?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&counter=7&digits=8&algorithm=SHA256&issuer=%3Cscript%3Ealert(1)%3C%2Fscript%3E")},
		},
		Created: time.Date(2026, 11, 25, 14, 30, 0, 0, time.UTC),
	}
}

func render(t *testing.T, k Kit) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := Write(&b, k); err != nil {
		t.Fatalf("Write: %v", err)
	}
	return b.Bytes()
}

// The page, byte for byte, at a fixed time. Run with -update after an
// intended change and read the diff.
func TestGolden(t *testing.T) {
	got := render(t, sampleKit(t))
	golden := filepath.Join("testdata", "kit.golden.html")
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./kit -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("the page differs from %s (got %d bytes, want %d); if intended, run with -update", golden, len(got), len(want))
	}
}

// walk calls f on every element node.
func walk(n *html.Node, f func(*html.Node)) {
	if n.Type == html.ElementNode {
		f(n)
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		walk(c, f)
	}
}

func attr(n *html.Node, name string) string {
	for _, a := range n.Attr {
		if a.Key == name {
			return a.Val
		}
	}
	return ""
}

func text(n *html.Node) string {
	var b strings.Builder
	var rec func(*html.Node)
	rec = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			rec(c)
		}
	}
	rec(n)
	return b.String()
}

func TestStructure(t *testing.T) {
	k := sampleKit(t)
	page := render(t, k)
	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	var body, title *html.Node
	var imgs, codes []*html.Node
	walk(doc, func(n *html.Node) {
		switch n.Data {
		case "body":
			body = n
		case "title":
			title = n
		case "img":
			imgs = append(imgs, n)
		case "script", "link", "iframe", "object", "embed":
			t.Errorf("the page has a <%s> element, want none (offline, no active content)", n.Data)
		}
		if attr(n, "class") == "code" && strings.Contains(text(n), "-") {
			codes = append(codes, n)
		}
		for _, a := range []string{"src", "href"} {
			if v := attr(n, a); v != "" && !strings.HasPrefix(v, "data:image/png;base64,") {
				t.Errorf("<%s %s=%.40q>: want only inline data, nothing fetched", n.Data, a, v)
			}
		}
	})
	if title == nil || !strings.HasPrefix(text(title), "SECRET") {
		t.Errorf("title %q, want it to start with SECRET", text(title))
	}
	// SECRET is the first thing on the page, in the element that repeats
	// on every printed page.
	first := body.FirstChild
	for first != nil && first.Type != html.ElementNode {
		first = first.NextSibling
	}
	if first == nil || attr(first, "class") != "mark" || !strings.HasPrefix(text(first), "SECRET") {
		t.Fatalf("first element of the body: got %v, want the SECRET mark", first)
	}
	if !bytes.Contains(page, []byte(".mark { position: fixed;")) || !bytes.Contains(page, []byte("@top-center")) {
		t.Error("the SECRET mark is not set to repeat on every printed page")
	}
	var gotCodes []string
	for _, n := range codes {
		if strings.Count(text(n), "-") == 6 {
			gotCodes = append(gotCodes, text(n))
		}
	}
	if strings.Join(gotCodes, " ") != strings.Join(k.BackupCodes, " ") {
		t.Errorf("backup codes on the page: got %q, want %q", gotCodes, k.BackupCodes)
	}
	for _, s := range []string{k.VaultPath, k.BackupDir, "JBSW Y3DP EHPK 3PXP", "HOTP, 8 digits, counter 7, SHA256"} {
		if !strings.Contains(text(body), s) {
			t.Errorf("the page does not show %q", s)
		}
	}
	// The issuer named <script> is text, not markup.
	if !strings.Contains(text(body), "<script>alert(1)</script>") {
		t.Error("the hostile issuer is not shown as text")
	}
	// Every QR code reads back as its account's key.
	if len(imgs) != len(k.Accounts) {
		t.Fatalf("got %d QR codes, want %d", len(imgs), len(k.Accounts))
	}
	for i, img := range imgs {
		data, _ := strings.CutPrefix(attr(img, "src"), "data:image/png;base64,")
		b, err := base64.StdEncoding.DecodeString(data)
		if err != nil {
			t.Fatal(err)
		}
		res, err := qrimport.ReadImage(testtool.DecodePNG(t, b))
		if err != nil || len(res.Keys) != 1 {
			t.Fatalf("QR code %d: got %d keys, %v; want 1", i, len(res.Keys), err)
		}
		if want := k.Accounts[i].Key; !res.Keys[0].Equal(want) {
			t.Errorf("QR code %d: got %s, want %s", i, res.Keys[0].Label(), want.Label())
		}
	}
}

// An independent decoder (zbarimg) reads the printed QR codes too.
func TestQRWithZbar(t *testing.T) {
	k := sampleKit(t).Accounts[1].Key
	page := string(render(t, Kit{Accounts: []vault.Account{{Key: k}}}))
	_, data, _ := strings.Cut(page, "data:image/png;base64,")
	data, _, _ = strings.Cut(data, `"`)
	b, err := base64.StdEncoding.DecodeString(strings.ReplaceAll(data, "&#43;", "+"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := otp.ParseURI(testtool.ZbarPNG(t, b))
	if err != nil || !got.Equal(k) {
		t.Errorf("zbarimg read %v (%v), want %s", got.Label(), err, k.Label())
	}
}

func TestNoCodesNote(t *testing.T) {
	page := string(render(t, Kit{VaultPath: "/v", Created: time.Unix(0, 0)}))
	for _, s := range []string{"holds no backup codes", "--regenerate-codes", "/v"} {
		if !strings.Contains(page, s) {
			t.Errorf("a kit without codes does not say %q", s)
		}
	}
	if strings.Contains(page, "<img") || strings.Contains(page, "Accounts (") {
		t.Error("a kit without accounts shows an accounts section")
	}
}

// A key whose URI is too long for any QR code still gets its secret printed.
func TestTooLongForQR(t *testing.T) {
	k := mustKey(t, "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP")
	k.Issuer = strings.Repeat("é", 256)
	k.Name = strings.Repeat("ü", 256)
	if err := k.Validate(); err != nil {
		t.Fatal(err)
	}
	page := string(render(t, Kit{Accounts: []vault.Account{{Key: k}}, Created: time.Unix(0, 0)}))
	if strings.Contains(page, "<img") || !strings.Contains(page, "Too long for a QR code") || !strings.Contains(page, "JBSW Y3DP EHPK 3PXP") {
		t.Error("a key too long for a QR code: want the note and the typed secret, no image")
	}
}

func TestNothing(t *testing.T) {
	var b bytes.Buffer
	if err := Write(&b, Kit{}); !errors.Is(err, ErrNothing) {
		t.Errorf("empty kit: got %v, want ErrNothing", err)
	}
	if b.Len() != 0 {
		t.Errorf("empty kit wrote %d bytes, want none", b.Len())
	}
}

func TestNoFyne(t *testing.T) {
	for _, p := range deptest.Deps(t, "latchkey/kit") {
		if strings.HasPrefix(p, "fyne.io/") {
			t.Fatalf("kit depends on %s, want no Fyne", p)
		}
	}
}

func BenchmarkWrite100(b *testing.B) {
	accounts := make([]vault.Account, 100)
	for i := range accounts {
		k, _ := otp.ParseURI("otpauth://totp/Example:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Example")
		k.Name = strings.Repeat("x", i%40)
		accounts[i] = vault.Account{Key: k}
	}
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		if err := Write(&buf, Kit{VaultPath: "/v", Accounts: accounts}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(buf.Len()), "page-bytes")
}
