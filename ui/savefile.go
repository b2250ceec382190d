package ui

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"latchkey/vault"
)

// saveFileForm asks where a private file goes: a folder and a name. Fyne's
// save dialog opens (and so empties) the chosen file before the app sees
// it: choosing the vault by mistake would wipe it. This form refuses the
// vault, asks before replacing a file, and the file is written whole or
// not at all, mode 0600.
type saveFileForm struct {
	app     *app
	folder  *widget.Entry
	name    *widget.Entry
	problem *widget.Label
	save    *widget.Button
	then    func(path string)
	dialog  dialog.Dialog
}

// chooseSaveFile shows the form; then gets the checked path.
func (a *app) chooseSaveFile(title, intro, name string, then func(path string)) *saveFileForm {
	f := &saveFileForm{app: a, then: then}
	f.folder, f.name = newPlaceEntries(name)
	f.problem = problemLabel()
	f.save = widget.NewButtonWithIcon("Save", theme.DocumentSaveIcon(), f.onSave)
	f.save.Importance = widget.HighImportance
	f.name.OnSubmitted = func(string) { f.onSave() }
	text := widget.NewLabel(intro)
	text.Wrapping = fyne.TextWrapWord
	cancel := widget.NewButton("Cancel", func() { f.dialog.Hide() })
	body := container.NewVBox(text, placeForm(a, f.folder, f.name), f.problem, container.NewHBox(layoutSpacer(), cancel, f.save))
	f.dialog = dialog.NewCustomWithoutButtons(title, container.New(&columnLayout{width: 400}, body), a.win)
	f.dialog.Show()
	a.win.Canvas().Focus(f.name)
	return f
}

func (f *saveFileForm) onSave() {
	path, err := savePath(f.folder.Text, f.name.Text, f.app.path)
	if err != nil {
		f.problem.SetText(capitalise(err.Error()) + ".")
		f.problem.Show()
		return
	}
	f.problem.Hide()
	confirmReplace(f.app, path, func() {
		f.dialog.Hide()
		f.then(path)
	})
}

func newPlaceEntries(name string) (folder, file *widget.Entry) {
	folder = widget.NewEntry()
	folder.SetText(homeDir())
	file = widget.NewEntry()
	file.SetText(name)
	return folder, file
}

func problemLabel() *widget.Label {
	l := widget.NewLabel("")
	l.Importance = widget.DangerImportance
	l.Wrapping = fyne.TextWrapWord
	l.Hide()
	return l
}

// placeForm is the folder (with a Choose… button) and file name fields.
func placeForm(a *app, folder, name *widget.Entry) *widget.Form {
	browse := widget.NewButton("Choose…", func() {
		d := dialog.NewFolderOpen(func(u fyne.ListableURI, err error) {
			if err == nil && u != nil {
				folder.SetText(u.Path())
			}
		}, a.win)
		if l, err := storage.ListerForURI(storage.NewFileURI(folder.Text)); err == nil {
			d.SetLocation(l)
		}
		d.Show()
	})
	return widget.NewForm(
		widget.NewFormItem("Folder", container.NewBorder(nil, nil, nil, browse, folder)),
		widget.NewFormItem("File name", name),
	)
}

// placeError says why a file cannot be saved where the person asked.
type placeError struct{ reason string }

func (e *placeError) Error() string { return e.reason }

// savePath checks a folder and file name typed by the person. The vault's
// own file is refused.
func savePath(folder, name, vaultPath string) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" || name != filepath.Base(name) || name == "." || name == ".." {
		return "", &placeError{"type a file name without a folder"}
	}
	if st, err := os.Stat(folder); err != nil || !st.IsDir() {
		return "", &placeError{"the folder " + folder + " does not exist; choose another one"}
	}
	path := filepath.Join(folder, name)
	if vault.SameFile(path, vaultPath) {
		return "", &placeError{"that is the vault itself; choose another name or folder"}
	}
	return path, nil
}

// confirmReplace runs then at once, or after asking when path exists.
func confirmReplace(a *app, path string, then func()) {
	if _, err := os.Stat(path); err != nil {
		then()
		return
	}
	d := dialog.NewConfirm("Replace "+filepath.Base(path)+"?", "A file with that name is already there. Saving replaces it.", func(ok bool) {
		if ok {
			then()
		}
	}, a.win)
	d.SetConfirmText("Replace")
	d.SetDismissText("Cancel")
	d.Show()
}

// writeFilePrivate writes data to path, mode 0600, whole or not at all: a
// temporary file beside it is renamed over it once written and synced.
func writeFilePrivate(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp") // mode 0600
	if err != nil {
		return fmt.Errorf("saving %s: %w", filepath.Base(path), err)
	}
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Sync()
	}
	err = errors.Join(err, tmp.Close())
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("saving %s: %w", filepath.Base(path), err)
	}
	return nil
}
