package e2e

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"latchkey/internal/testtool"
)

// TestTypedPathInFileChooser: with no desktop file chooser (no session
// bus, so Fyne's dialog stands in), Ctrl+O, a full path typed and Return
// open the image: its account is added to the vault.
func TestTypedPathInFileChooser(t *testing.T) {
	w, cli := unlockedWindow(t, binary(t))
	// A name with a space, as screenshots have.
	img := testtool.QRFile(t, filepath.Join(t.TempDir(), "Screenshot from today.png"), gitlabURI)
	key(t, "ctrl+o")
	w.await("dialog shown", 1, 10*time.Second)
	time.Sleep(300 * time.Millisecond) // the dialog's first frame
	typeText(t, img)
	key(t, "Return")
	w.await("added", 1, 20*time.Second)
	if n := w.has("dialog shown"); n != 1 {
		t.Errorf("got %d dialogs shown, want the chooser only (the one account is added at once)", n)
	}
	w.quit()
	if got := cli("list"); !strings.Contains(got, "GitLab") {
		t.Fatalf("after opening the typed path the vault lists %q, want GitLab", got)
	}
}
