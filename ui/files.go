package ui

import (
	"errors"
	"os"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"

	"latchkey/core"
)

// openFile asks for a file, starting in dir when it is set, and hands its
// name and contents (capped as core.ReadAll caps imports) to then.
func (a *app) openFile(dir string, then func(name string, data []byte)) {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			a.showError("Could not open the file", err)
			return
		}
		if r == nil {
			return
		}
		data, err := core.ReadAll(r)
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

var errTooLarge = errors.New("too large")

func homeDir() string {
	if h, err := os.UserHomeDir(); err == nil {
		return h
	}
	return "/"
}
