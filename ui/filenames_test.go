package ui

import (
	"bytes"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"

	"latchkey/vault"
)

// TestFileNamesEscaped: a dropped file's name is untrusted text. An image
// without a QR code, or a file that is no export, is named escaped in the
// dialog saying so: a line break in the name does not show as a line of
// its own.
func TestFileNamesEscaped(t *testing.T) {
	const hostile = "codes\n\x1b[31mred"
	const escaped = `codes\x0a\x1b[31mred`
	var blank bytes.Buffer
	must(t, png.Encode(&blank, image.NewGray(image.Rect(0, 0, 300, 200))))
	dir := t.TempDir()
	for name, content := range map[string][]byte{hostile + ".png": blank.Bytes(), hostile + ".txt": []byte("hello"), hostile + "-empty.txt": nil} {
		path := filepath.Join(dir, name)
		must(t, os.WriteFile(path, content, 0o600))
		h := newHarness(t, []vault.Account{})
		h.unlock()
		h.app.onDropped(fyne.NewPos(10, 10), []fyne.URI{storage.NewFileURI(path)})
		got := shown(h)
		if !strings.Contains(got, escaped) || strings.Contains(got, "codes\n") || strings.Contains(got, "\x1b") {
			t.Errorf("%q dropped: got the window showing\n%s\nwant the name shown as %s", name, got, escaped)
		}
	}
}
