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
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"latchkey/vault"
)

// saveFileForm asks where a private file goes: a folder and a name. Fyne's
// save dialog opens (and so empties) the chosen file before the app sees
// it: choosing the vault by mistake would wipe it. This form refuses what
// vault.WriteFile refuses (the vault, its lock, backups, links, folders),
// asks before replacing a file, and the file is written through
// vault.WriteFile: whole or not at all, mode 0600.
type saveFileForm struct {
	w         *window
	vaultPath string
	folder    *formEntry
	name      *formEntry
	problem   *widget.Label
	save      *widget.Button
	then      func(path string, replace bool)
	dialog    dialog.Dialog
}

// chooseSaveFile shows the form; then gets the checked path, and replace
// is true when the person agreed to replace a file that is there.
func chooseSaveFile(w *window, vaultPath, title, intro, name string, then func(path string, replace bool)) *saveFileForm {
	f := &saveFileForm{w: w, vaultPath: vaultPath, then: then}
	f.folder, f.name = newPlaceEntries(name)
	f.problem = problemLabel()
	f.save = widget.NewButtonWithIcon("Save", theme.DocumentSaveIcon(), f.onSave)
	f.save.Importance = widget.HighImportance
	f.name.OnSubmitted = func(string) { f.onSave() }
	text := widget.NewLabel(intro)
	text.Wrapping = fyne.TextWrapWord
	cancel := widget.NewButton("Cancel", func() { f.dialog.Hide() })
	body := container.NewVBox(text, placeForm(w, f.folder, f.name), f.problem, container.NewHBox(layoutSpacer(), cancel, f.save))
	f.dialog = dialog.NewCustomWithoutButtons(title, container.New(&columnLayout{width: 400}, body), w.win)
	w.present(f.dialog, f.onSave)
	w.focus(f.name)
	return f
}

func (f *saveFileForm) onSave() {
	choosePlace(f.w, f.folder.Text, f.name.Text, f.vaultPath, false, f.problem, f.chosen)
}

func (f *saveFileForm) chosen(path string, replace bool) {
	f.dialog.Hide()
	f.then(path, replace)
}

func newPlaceEntries(name string) (folder, file *formEntry) {
	folder = newFormEntry()
	folder.SetText(homeDir())
	file = newFormEntry()
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
func placeForm(w *window, folder, name *formEntry) *widget.Form {
	browse := widget.NewButton("Choose…", func() {
		start := folder.Text
		if start == homeDir() {
			start = "" // the default: the last folder chosen instead
		}
		w.chooseFile(pickSaveFolder, start, folder.SetText)
	})
	return widget.NewForm(
		widget.NewFormItem("Folder", container.NewBorder(nil, nil, nil, browse, folder)),
		widget.NewFormItem("File name", name),
	)
}

// placeError says why a file cannot be saved where the person asked.
type placeError struct{ reason string }

func (e *placeError) Error() string { return e.reason }

// savePath checks a folder and file name typed by the person against
// vault.WriteFile's rules: the vault, its lock, backups, links and
// anything but a regular file are refused here, before any question. An
// existing file is left to choosePlace's question. backup says an encrypted backup
// is to be saved, which may replace an earlier one.
func savePath(folder, name, vaultPath string, backup bool) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" || name != filepath.Base(name) || name == "." || name == ".." {
		return "", &placeError{"type a file name without a folder"}
	}
	if st, err := os.Stat(folder); err != nil || !st.IsDir() {
		return "", &placeError{"the folder " + folder + " does not exist; choose another one"}
	}
	path := filepath.Join(folder, name)
	err := vault.CheckWrite(path, vault.WriteOptions{Replace: true, Vault: vaultPath, Backup: backup})
	switch {
	case errors.Is(err, vault.ErrProtected):
		return "", &placeError{"that is the vault itself, its lock or a backup, which Latchkey never writes over; choose another name or folder"}
	case errors.Is(err, vault.ErrNotRegular):
		return "", &placeError{"that is a folder, a link or a device, not a file; choose another name"}
	case err != nil:
		return "", &placeError{"that file cannot be written (" + withoutPackage(err.Error()) + "); choose another name or folder"}
	}
	return path, nil
}

// choosePlace checks the folder and name the person typed off the UI
// goroutine (the checks read the disk, maybe a slow stick), then, on it,
// says what is wrong in problem, or hands the path to then: at once when
// nothing is there, or after asking, with replace set when the person
// agreed to replace the file there.
func choosePlace(w *window, folder, name, vaultPath string, backup bool, problem *widget.Label, then func(path string, replace bool)) {
	w.background(func() {
		path, err := savePath(folder, name, vaultPath, backup)
		there := false
		if err == nil {
			_, e := os.Lstat(path)
			there = e == nil
		}
		fyne.Do(func() {
			if err != nil {
				problem.SetText(advice(err))
				problem.Show()
				return
			}
			problem.Hide()
			if !there {
				then(path, false)
				return
			}
			confirmReplace(w, path, then)
		})
	})
}

// confirmReplace asks before replacing the file at path.
func confirmReplace(w *window, path string, then func(path string, replace bool)) {
	w.confirm(func(answer func(bool)) *dialog.ConfirmDialog {
		d := dialog.NewConfirm("Replace "+filepath.Base(path)+"?", "A file with that name is already there. Saving replaces it.", answer, w.win)
		d.SetConfirmText("Replace")
		d.SetDismissText("Cancel")
		return d
	}, func(ok bool) {
		if ok {
			then(path, true)
		}
	})
}

// writePrivate writes data to path through vault.WriteFile: mode 0600,
// whole or not at all, never over the vault, its lock or its backups, and
// over an existing file only when the person agreed (replace).
func writePrivate(vaultPath, path string, data []byte, replace bool) error {
	if err := vault.WriteFile(path, data, privateOptions(vaultPath, replace)); err != nil {
		return fmt.Errorf("saving %s: %w", filepath.Base(path), err)
	}
	return nil
}

// privateOptions are the writer's rules for a file the window saves: never
// the open vault, its lock or backups; over a file only when replace.
func privateOptions(vaultPath string, replace bool) vault.WriteOptions {
	return vault.WriteOptions{Replace: replace, Vault: vaultPath}
}

func homeDir() string {
	if h, err := os.UserHomeDir(); err == nil {
		return h
	}
	return "/"
}
