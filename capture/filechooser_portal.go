//go:build unix && !darwin

package capture

import (
	"context"
	"fmt"
	"strings"

	"github.com/godbus/dbus/v5"
)

// The xdg-desktop-portal FileChooser: the desktop's own dialog (GTK's,
// KDE's), the same one every other program shows.
const openFileMethod = "org.freedesktop.portal.FileChooser.OpenFile"

var chooserErrors = portalErrors{"the file chooser", ErrNoChooser, ErrChooserFailed, ErrChoiceCancelled}

// portalFilter is a FileChooser filter, (sa(us)): a name and its rules,
// 0 for a glob pattern, 1 for a MIME type.
type portalFilter struct {
	Name  string
	Rules []portalRule
}

type portalRule struct {
	Kind    uint32
	Pattern string
}

// HasFileChooser reports whether ChooseFile may find a chooser: here,
// whether there is a session bus to ask the portal on.
func (d Desktop) HasFileChooser() bool { return d.SessionBus != "" }

// ChooseFile asks the desktop's file chooser (the portal) for one file or
// folder and returns its path.
func (d Desktop) ChooseFile(ctx context.Context, q FileQuestion) (string, error) {
	options := map[string]dbus.Variant{
		"modal":    dbus.MakeVariant(true),
		"multiple": dbus.MakeVariant(false),
	}
	switch q.Kind {
	case Folder:
		options["directory"] = dbus.MakeVariant(true)
	case ImageFile:
		images := portalFilter{Name: "Images"}
		for _, p := range imagePatterns {
			images.Rules = append(images.Rules, portalRule{0, p}, portalRule{0, strings.ToUpper(p)})
		}
		for _, t := range []string{"image/png", "image/jpeg", "image/gif", "image/bmp", "image/webp"} {
			images.Rules = append(images.Rules, portalRule{1, t})
		}
		all := portalFilter{Name: "All files", Rules: []portalRule{{0, "*"}}}
		options["filters"] = dbus.MakeVariant([]portalFilter{images, all})
		options["current_filter"] = dbus.MakeVariant(images)
	}
	if q.Folder != "" {
		// A byte string ending in NUL, as the portal takes paths.
		options["current_folder"] = dbus.MakeVariant(append([]byte(q.Folder), 0))
	}
	parent := ""
	if q.Window != 0 {
		parent = fmt.Sprintf("x11:%x", q.Window)
	}
	results, err := d.portalRequest(ctx, chooserErrors, openFileMethod, options, parent, q.Title)
	if err != nil {
		return "", err
	}
	uris, ok := results["uris"].Value().([]string)
	switch {
	case !ok || len(uris) == 0:
		return "", fmt.Errorf("%w: the answer names no file", ErrChooserFailed)
	case len(uris) > 1:
		return "", fmt.Errorf("%w: the answer names %d files, not one", ErrChooserFailed, len(uris))
	}
	return localPath(uris[0])
}
