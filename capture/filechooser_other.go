//go:build !unix && !windows

package capture

import "context"

// HasFileChooser reports that there is no system file chooser here.
func (d Desktop) HasFileChooser() bool { return false }

// ChooseFile is not supported on this system.
func (d Desktop) ChooseFile(ctx context.Context, q FileQuestion) (string, error) {
	return "", ErrNoChooser
}
