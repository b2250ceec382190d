package ui

import (
	"os"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"latchkey/vault"
)

// backupFileForm writes an encrypted backup to a file the person picks.
type backupFileForm struct {
	app       *app
	which     *widget.RadioGroup
	pw        *passwordPair
	withCodes *widget.Check
	next      *widget.Button
	dialog    dialog.Dialog
}

const (
	backupWithVaultPassword = "The vault's password"
	backupWithOwnPassword   = "A separate password"
)

func (a *app) onBackupFile() {
	if a.v == nil {
		return
	}
	a.touch()
	newBackupFileForm(a).show()
}

func newBackupFileForm(a *app) *backupFileForm {
	f := &backupFileForm{app: a}
	f.next = widget.NewButtonWithIcon("Choose where to save…", theme.DocumentSaveIcon(), f.onNext)
	f.next.Importance = widget.HighImportance
	f.pw = newPasswordPair(f.next, f.onNext)
	f.which = widget.NewRadioGroup([]string{backupWithVaultPassword, backupWithOwnPassword}, f.onWhich)
	f.which.Required = true
	f.withCodes = widget.NewCheck("The vault's backup codes open it too", nil)
	f.which.SetSelected(backupWithVaultPassword)
	return f
}

func (f *backupFileForm) show() {
	intro := widget.NewLabel("The backup file is encrypted and holds every account and setting. Keep it on another disk or computer.")
	intro.Wrapping = fyne.TextWrapWord
	cancel := widget.NewButton("Cancel", func() { f.dialog.Hide() })
	body := container.NewVBox(intro, widget.NewLabel("Protected by"), f.which, f.pw.first, f.pw.second, f.pw.hint, f.withCodes,
		container.NewHBox(layoutSpacer(), cancel, f.next))
	f.dialog = dialog.NewCustomWithoutButtons("Back up to a file", container.New(&columnLayout{width: 400}, body), f.app.win)
	f.dialog.Show()
}

func (f *backupFileForm) ownPassword() bool { return f.which.Selected == backupWithOwnPassword }

func (f *backupFileForm) onWhich(string) {
	if f.ownPassword() {
		f.pw.first.Show()
		f.pw.second.Show()
		f.pw.hint.Show()
		f.pw.refresh()
		f.app.win.Canvas().Focus(f.pw.first)
		return
	}
	f.pw.first.Hide()
	f.pw.second.Hide()
	f.pw.hint.Hide()
	f.next.Enable()
}

func (f *backupFileForm) onNext() {
	if f.ownPassword() && !f.pw.ok() {
		return
	}
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil {
			f.app.showError("Could not save the backup", err)
			return
		}
		if w == nil {
			return
		}
		w.Close()
		f.write(w.URI().Path())
	}, f.app.win)
	d.SetFileName("latchkey-backup-" + f.app.now().Format("2006-01-02") + ".latchkey")
	if home, err := storage.ListerForURI(storage.NewFileURI(homeDir())); err == nil {
		d.SetLocation(home)
	}
	d.Show()
}

// write writes the backup to path in the background.
func (f *backupFileForm) write(path string) {
	v := f.app.v
	if v == nil {
		return
	}
	o := vault.BackupOptions{WithBackupCodes: f.withCodes.Checked}
	if f.ownPassword() {
		o.Password = f.pw.bytes()
	}
	f.pw.reset()
	f.dialog.Hide()
	f.app.busy("Writing the backup…")
	f.app.background(func() {
		err := v.WriteBackup(path, o)
		clear(o.Password)
		releaseKDFMemory()
		if err != nil {
			// The save dialog made an empty file; do not leave it behind.
			if st, e := os.Stat(path); e == nil && st.Size() == 0 {
				os.Remove(path)
			}
		}
		fyne.Do(func() {
			f.app.idleAgain()
			if err != nil {
				f.app.showError("Could not write the backup", err)
				return
			}
			f.app.say("Backup written to " + filepath.Base(path) + ".")
		})
	})
}
