//go:build windows || darwin

package capture

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"runtime"

	"github.com/ncruces/zenity"
)

// HasFileChooser reports whether ChooseFile may find a chooser: Windows
// and macOS always have one.
func (d Desktop) HasFileChooser() bool { return true }

// ChooseFile shows the system's own file dialog through
// github.com/ncruces/zenity: the common item dialog on Windows (through
// syscalls, no cgo), the Finder's through osascript on macOS.
func (d Desktop) ChooseFile(ctx context.Context, q FileQuestion) (string, error) {
	opts := []zenity.Option{zenity.Context(ctx), zenity.Title(q.Title)}
	if q.Window != 0 && runtime.GOOS == "windows" {
		opts = append(opts, zenity.Attach(q.Window))
	}
	if q.Folder != "" {
		// A trailing separator: start in the folder, choose no file in it.
		opts = append(opts, zenity.Filename(q.Folder+string(filepath.Separator)))
	}
	switch q.Kind {
	case Folder:
		opts = append(opts, zenity.Directory())
	case ImageFile:
		opts = append(opts, zenity.FileFilters{
			{Name: "Images", Patterns: imagePatterns, CaseFold: true},
			{Name: "All files", Patterns: []string{"*"}},
		})
	}
	path, err := zenity.SelectFile(opts...)
	switch {
	case errors.Is(err, zenity.ErrCanceled):
		return "", ErrChoiceCancelled
	case err != nil:
		return "", fmt.Errorf("%w: %v", ErrChooserFailed, err)
	case path == "":
		return "", fmt.Errorf("%w: it named no file", ErrChooserFailed)
	}
	return filepath.Clean(path), nil
}
