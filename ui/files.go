package ui

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	_ "image/gif"  // image formats people drop or paste
	_ "image/jpeg" //
	_ "image/png"  //
	"io"
	"os"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"

	"latchkey/qrimport"
)

// openFile asks for a file, starting in dir when it is set, and hands its
// name and contents (at most maxImportFile bytes) to then.
func (a *app) openFile(dir string, then func(name string, data []byte)) {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			a.showError("Could not open the file", err)
			return
		}
		if r == nil {
			return
		}
		data, err := readCapped(r, maxImportFile)
		r.Close()
		if err != nil {
			a.showError("Could not read "+r.URI().Name(), err)
			return
		}
		then(r.URI().Name(), data)
	}, a.win)
	if dir != "" {
		if l, err := storage.ListerForURI(storage.NewFileURI(dir)); err == nil {
			d.SetLocation(l)
		}
	}
	d.Show()
}

// readCapped reads at most limit bytes; more is an error, found before the
// whole input is read.
func readCapped(r io.Reader, limit int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("larger than %d MiB: %w", limit>>20, errTooLarge)
	}
	return data, nil
}

var errTooLarge = errors.New("too large")

func homeDir() string {
	if h, err := os.UserHomeDir(); err == nil {
		return h
	}
	return "/"
}

// maxImagePixels caps a decoded image, as qrimport does for files.
const maxImagePixels = qrimport.MaxPixels

// decodeImage decodes an image after checking its size, so a hostile
// header cannot make us allocate gigabytes.
func decodeImage(data []byte) (image.Image, error) {
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("not an image we can read: %w", err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width*cfg.Height > maxImagePixels {
		return nil, fmt.Errorf("image of %d×%d pixels: %w", cfg.Width, cfg.Height, errTooLarge)
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("decoding the image: %w", err)
	}
	return img, nil
}
