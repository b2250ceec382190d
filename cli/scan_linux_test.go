package cli

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

// openPTY opens a pseudo-terminal: what a program writes to tty, the test
// reads from master.
func openPTY(t *testing.T) (master, tty *os.File) {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := unix.IoctlSetPointerInt(int(m.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Fatal(err)
	}
	n, err := unix.IoctlGetInt(int(m.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Fatal(err)
	}
	s, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	return m, s
}

// scan --raw prints a code's text exactly into a pipe, and escaped on a
// terminal, where a hostile code could otherwise retitle or clear it.
func TestScanRawEscapesOnATerminal(t *testing.T) {
	t.Parallel()
	text := "hello \x1b]0;pwned\x07\x1b[2J\u202eevil"
	img := filepath.Join(t.TempDir(), "code.png")
	writeQR(t, img, text)

	r := runCLI(t, "", nil, "scan", "--raw", img)
	if r.stdout != text+"\n" {
		t.Errorf("scan --raw into a pipe: got %q, want %q exactly", r.stdout, text+"\n")
	}

	master, tty := openPTY(t)
	defer master.Close()
	var errb bytes.Buffer
	status := Main([]string{"scan", "--raw", img}, Env{Stdin: strings.NewReader(""), Stdout: tty, Stderr: &errb})
	tty.Close()
	out, _ := io.ReadAll(master) // ends with EIO once tty is closed
	got := strings.ReplaceAll(string(out), "\r\n", "\n")
	want := `hello \x1b]0;pwned\x07\x1b[2J\u202eevil` + "\n"
	if status != 0 || got != want {
		t.Errorf("scan --raw on a terminal: got status %d, output %q; want 0, %q (stderr %q)", status, got, want, errb.String())
	}
}
