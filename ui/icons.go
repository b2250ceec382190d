package ui

import (
	"bytes"
	"image"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"

	"latchkey/vault"
)

// maxIconSide caps an icon's width and height in pixels.
const maxIconSide = 1024

// accountIcon is an account's icon decoded once, kept until the icon's
// bytes change: rows are rebound on every list refresh.
type accountIcon struct {
	src []byte
	img image.Image   // PNG or JPEG
	svg fyne.Resource // SVG, which Fyne rasterises itself
}

// iconFor returns the account's decoded icon, or nil when it has none or
// it cannot be read.
func (s *accountsScreen) iconFor(a vault.Account) *accountIcon {
	if len(a.Icon) == 0 || len(a.Icon) > vault.MaxIconSize {
		return nil
	}
	if c, ok := s.icons[a.ID]; ok && bytes.Equal(c.src, a.Icon) {
		return c
	}
	c := decodeIcon(a.ID, a.Icon)
	if s.icons == nil {
		s.icons = map[string]*accountIcon{}
	}
	s.icons[a.ID] = c
	return c
}

func decodeIcon(id string, data []byte) *accountIcon {
	c := &accountIcon{src: bytes.Clone(data)}
	if isSVG(data) {
		c.svg = fyne.NewStaticResource("icon-"+id+".svg", c.src)
		return c
	}
	// An icon is small: check its size before decoding, as a tiny file
	// can claim a huge image.
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width > maxIconSide || cfg.Height > maxIconSide {
		return c // remembered as unreadable
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return c
	}
	c.img = img
	return c
}

func isSVG(data []byte) bool {
	head := data[:min(len(data), 512)]
	return bytes.Contains(head, []byte("<svg")) || bytes.HasPrefix(bytes.TrimSpace(head), []byte("<?xml"))
}

// showIn puts the icon in img; false when there is nothing to show.
func (c *accountIcon) showIn(img *canvas.Image) bool {
	switch {
	case c == nil:
		return false
	case c.svg != nil:
		img.Image, img.Resource = nil, c.svg
	case c.img != nil:
		img.Resource, img.Image = nil, c.img
	default:
		return false
	}
	img.Refresh()
	return true
}
