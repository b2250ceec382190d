package capture

import (
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
)

// FileKind is what a file chooser asks for.
type FileKind int

const (
	AnyFile   FileKind = iota + 1 // a file of any kind
	ImageFile                     // an image: image files are listed first
	Folder                        // a folder
)

// FileQuestion is what ChooseFile asks the desktop's own file chooser.
type FileQuestion struct {
	Title  string   // the chooser's title
	Kind   FileKind // a file, an image or a folder
	Folder string   // the folder it starts in; "" leaves it to the desktop
	// Window is the asking window's native handle (an X11 window id, a
	// Windows HWND), so the chooser stays in front of it; 0 when unknown.
	Window uintptr
}

// The ways ChooseFile ends without a file. ErrNoChooser and
// ErrChooserFailed mean the window should offer its own chooser instead;
// ErrChoiceCancelled means the person closed the chooser, so nothing
// happens; ErrNotLocal means the person chose something Latchkey cannot
// read, and should be told.
var (
	ErrNoChooser       = errors.New("the desktop has no file chooser (xdg-desktop-portal)")
	ErrChooserFailed   = errors.New("the desktop's file chooser failed")
	ErrChoiceCancelled = errors.New("no file was chosen")
	ErrNotLocal        = errors.New("the chosen file is not on this computer's disks")
)

// imagePatterns are the image files a chooser lists first: what the
// window reads (PNG, JPEG, GIF, BMP, WebP).
var imagePatterns = []string{"*.png", "*.jpg", "*.jpeg", "*.gif", "*.bmp", "*.webp"}

// localPath turns the file: URI a chooser answered with into a path. A
// chooser may hand over other addresses (a network share as smb:, a phone
// as mtp:), which Latchkey does not read.
func localPath(uri string) (string, error) {
	u, err := url.Parse(uri)
	if err != nil {
		return "", fmt.Errorf("%w: the answer is not an address", ErrChooserFailed)
	}
	if u.Scheme != "file" {
		return "", fmt.Errorf("%w: it is a %s: address. Copy the file to this computer first, then choose the copy", ErrNotLocal, safeScheme(u.Scheme))
	}
	if (u.Host != "" && u.Host != "localhost") || !filepath.IsAbs(u.Path) {
		return "", fmt.Errorf("%w: it is on another computer. Copy the file to this computer first, then choose the copy", ErrNotLocal)
	}
	return filepath.Clean(u.Path), nil
}

// safeScheme keeps a scheme to letters, digits and +-. (what RFC 3986
// allows), so a forged one cannot put words into a message.
func safeScheme(s string) string {
	if len(s) > 16 {
		s = s[:16]
	}
	out := []byte(s)
	for i, c := range out {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.') {
			out[i] = '?'
		}
	}
	if len(out) == 0 {
		return "?"
	}
	return string(out)
}
