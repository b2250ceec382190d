// Package testtool is what the tests of several packages need from outside
// Go. Mostly the independent programs they check Latchkey against:
// qrencode draws QR codes, zbarimg reads them, oathtool computes one-time
// codes; each is another project's code, so agreeing with it means
// something. ./test.sh installs them (scripts/deps.sh), so a missing one
// fails the test rather than skips it. Besides: PNG files, FIFOs, folders
// short enough for a socket, files delivered as a sync tool does, and the
// folder of other apps' export files. Only tests import testtool; it stays
// on the standard library.
package testtool

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Path finds a program the tests need and fails t without it.
func Path(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("%s is not installed; ./test.sh installs it (scripts/deps.sh): %v", name, err)
	}
	return p
}

// run runs a program found by Path and gives its standard output; a failure
// fails t with what the program wrote to its standard error.
func run(t testing.TB, name string, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(Path(t, name), args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %s: %v %s", name, strings.Join(args, " "), err, stderr.Bytes())
	}
	return out
}

// QREncode draws text as a QR code, a PNG with size pixels a module and a
// quiet zone of margin modules.
func QREncode(t testing.TB, text string, size, margin int) []byte {
	t.Helper()
	return run(t, "qrencode", "-t", "PNG", "-s", strconv.Itoa(size), "-m", strconv.Itoa(margin), "-o", "-", text)
}

// QRFile writes text as a QR code to a new PNG file at path, as a photo or
// a screenshot would have it: 6 pixels a module and the standard quiet zone
// of 4. It gives path back.
func QRFile(t testing.TB, path, text string) string {
	t.Helper()
	WriteFile(t, path, QREncode(t, text, 6, 4))
	return path
}

// Zbar gives the text of the one code zbarimg finds in the image file at
// path; none or several fail t.
func Zbar(t testing.TB, path string) string {
	t.Helper()
	out := run(t, "zbarimg", "--quiet", "--raw", "--nodbus", path)
	texts := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	if len(texts) != 1 {
		t.Fatalf("zbarimg read %d codes in %s, want 1", len(texts), filepath.Base(path))
	}
	return texts[0]
}

// ZbarPNG is Zbar on a PNG, written to a temporary folder.
func ZbarPNG(t testing.TB, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "zbar.png")
	WriteFile(t, path, data)
	return Zbar(t, path)
}

// ZbarImage is Zbar on img.
func ZbarImage(t testing.TB, img image.Image) string {
	t.Helper()
	return ZbarPNG(t, PNG(t, img))
}

// OATH is a key for oathtool: its defaults are TOTP, SHA-1, 6 digits, 30 s
// and now.
type OATH struct {
	Secret    string // base32
	HOTP      bool
	Algorithm string // "sha1", "sha256" or "sha512"; TOTP only
	Digits    int
	Period    int // seconds; TOTP only
	Counter   uint64
	At        time.Time // TOTP only; the zero time is now
	Window    int       // codes after the first one to give too
}

// Codes are oathtool's codes for k: the first, then Window more. They come
// with an error rather than failing a test, so goroutines can call it; find
// the program with Path first.
func (k OATH) Codes() ([]string, error) {
	args := []string{"--base32"}
	if k.HOTP {
		args = append(args, "--hotp", "--counter="+strconv.FormatUint(k.Counter, 10))
	} else {
		totp := "--totp"
		if k.Algorithm != "" {
			totp += "=" + k.Algorithm
		}
		args = append(args, totp)
		if k.Period != 0 {
			args = append(args, "--time-step-size="+strconv.Itoa(k.Period)+"s")
		}
		if !k.At.IsZero() {
			args = append(args, "--now=@"+strconv.FormatInt(k.At.Unix(), 10))
		}
	}
	if k.Digits != 0 {
		args = append(args, "--digits="+strconv.Itoa(k.Digits))
	}
	if k.Window != 0 {
		args = append(args, "--window="+strconv.Itoa(k.Window))
	}
	// The secret is an argument: these are test keys, never a person's.
	out, err := exec.Command("oathtool", append(args, k.Secret)...).Output()
	if err != nil {
		return nil, fmt.Errorf("oathtool %s: %w", strings.Join(args, " "), err)
	}
	codes := strings.Fields(string(out))
	if len(codes) != k.Window+1 {
		return nil, fmt.Errorf("oathtool %s: got %d codes, want %d", strings.Join(args, " "), len(codes), k.Window+1)
	}
	return codes, nil
}

// Code is oathtool's code for k.
func (k OATH) Code(t testing.TB) string {
	t.Helper()
	Path(t, "oathtool")
	codes, err := k.Codes()
	if err != nil {
		t.Fatal(err)
	}
	return codes[0]
}

// SocketDir is a private folder standing in for $XDG_RUNTIME_DIR, short
// enough for a socket path (t.TempDir's names can pass the 108 bytes a
// socket's path may have).
func SocketDir(t testing.TB) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "lk")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

// SyncDeliver puts data at path the way a sync tool (Syncthing) delivers
// a file another computer changed: a temporary file beside it, renamed
// over it.
func SyncDeliver(t testing.TB, path string, data []byte) {
	t.Helper()
	tmp := filepath.Join(filepath.Dir(path), ".syncthing."+filepath.Base(path)+".tmp")
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

// Fixtures is the folder of other apps' real export files (see its
// README.md), which lives in ../shared beside the repository.
// LATCHKEY_FIXTURES names it for a checkout elsewhere (a git worktree), and
// then it must be there: the test fails without it. Otherwise a test that
// needs it skips, saying where it looked, when a plain clone lacks it.
func Fixtures(t testing.TB) string {
	t.Helper()
	if dir := os.Getenv("LATCHKEY_FIXTURES"); dir != "" {
		if _, err := os.Stat(filepath.Join(dir, "plain.txt")); err != nil {
			t.Fatalf("LATCHKEY_FIXTURES: %v", err)
		}
		return dir
	}
	_, file, _, _ := runtime.Caller(0) // internal/testtool/testtool.go
	dir := filepath.Join(filepath.Dir(file), "..", "..", "..", "shared", "fixtures", "aegis-importers")
	if _, err := os.Stat(filepath.Join(dir, "plain.txt")); err != nil {
		t.Skipf("fixtures of other apps' exports not found at %s (they live in ../shared beside the repository): %v", dir, err)
	}
	return dir
}

// PNG encodes img.
func PNG(t testing.TB, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// DecodePNG decodes a PNG that must be good.
func DecodePNG(t testing.TB, data []byte) image.Image {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("decoding a PNG: %v", err)
	}
	return img
}

// WriteFile writes a new private file for a test.
func WriteFile(t testing.TB, path string, data []byte) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
}

// SparseFile makes a new private file of size bytes that starts with head
// and has nothing written after it, so it takes no disk space: the file a
// size cap must refuse before reading it. It returns path.
func SparseFile(t testing.TB, path string, head []byte, size int64) string {
	t.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.Write(head)
	if err == nil {
		err = f.Truncate(size)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
	return path
}
