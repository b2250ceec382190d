package ui

import (
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"latchkey/core"
	"latchkey/internal/safetext"
)

// backupFileForm writes an encrypted backup to a file the person names.
// It asks for a folder and a name rather than using Fyne's save dialog,
// which opens (and so empties) the chosen file before we see it: picking
// the vault itself by mistake would wipe it.
type backupFileForm struct {
	session   *session
	which     *widget.RadioGroup
	pw        *passwordPair
	withCodes *widget.Check
	folder    *formEntry
	name      *formEntry
	problem   *widget.Label
	next      *widget.Button
	dialog    dialog.Dialog
}

// backupPasswords is what opens a backup written to a file: the vault's
// password (false) or a separate one (true).
var backupPasswords = newChoices(func(own bool) string {
	if own {
		return "A separate password"
	}
	return "The vault's password"
}, false, true)

// showBackupFileForm asks where the backup goes and what opens it.
func showBackupFileForm(s *session) {
	if !s.act() {
		return
	}
	newBackupFileForm(s).show()
}

func newBackupFileForm(s *session) *backupFileForm {
	f := &backupFileForm{session: s}
	f.next = widget.NewButtonWithIcon("Save backup", theme.DocumentSaveIcon(), f.onNext)
	f.next.Importance = widget.HighImportance
	f.pw = newPasswordPair(f.next, f.onNext)
	f.which = widget.NewRadioGroup(backupPasswords.labels, f.onWhich)
	f.which.Required = true
	f.withCodes = widget.NewCheck("The vault's backup codes open it too", nil)
	f.folder, f.name = newPlaceEntries("latchkey-backup-" + s.w.now().Format("2006-01-02") + ".latchkey")
	f.problem = problemLabel()
	f.which.SetSelected(backupPasswords.label(false))
	return f
}

func (f *backupFileForm) show() {
	intro := widget.NewLabel("The backup file is encrypted and holds every account and setting. Keep it on another disk or computer.")
	intro.Wrapping = fyne.TextWrapWord
	cancel := widget.NewButton("Cancel", func() { f.dialog.Hide() })
	where := placeForm(f.session.w, f.folder, f.name)
	body := container.NewVBox(intro, widget.NewLabel("Protected by"), f.which, f.pw.first, f.pw.second, f.pw.hint, f.withCodes,
		where, f.problem, container.NewHBox(layoutSpacer(), cancel, f.next))
	f.dialog = dialog.NewCustomWithoutButtons("Back up to a file", container.New(&columnLayout{width: 400}, body), f.session.w.win)
	f.session.w.present(f.dialog, f.onNext)
}

func (f *backupFileForm) ownPassword() bool {
	own, _ := backupPasswords.of(f.which.Selected)
	return own
}

func (f *backupFileForm) onWhich(string) {
	if f.ownPassword() {
		f.pw.first.Show()
		f.pw.second.Show()
		f.pw.hint.Show()
		f.pw.refresh()
		f.session.w.focus(f.pw.first)
		return
	}
	f.pw.first.Hide()
	f.pw.second.Hide()
	f.pw.hint.Hide()
	f.next.Enable()
}

// onNext checks where the backup goes, asks before replacing a file, and
// writes it.
func (f *backupFileForm) onNext() {
	if f.session.ended() {
		return
	}
	if f.ownPassword() {
		if why := f.pw.why(); why != "" {
			f.problem.SetText(why)
			f.problem.Show()
			f.session.w.focus(f.pw.first)
			return
		}
	}
	choosePlace(f.session.w, f.folder.Text, f.name.Text, f.session.v.Path(), true, f.problem, f.write)
}

// write writes the backup to path in the background, through core;
// replace says the person agreed to replace the file there.
func (f *backupFileForm) write(path string, replace bool) {
	s := f.session
	v := s.v
	if v == nil {
		return
	}
	r := core.BackupRequest{Path: path, Replace: replace, WithBackupCodes: f.withCodes.Checked}
	var pw typedPassword
	if f.ownPassword() {
		pw = f.pw.bytes()
	}
	f.pw.reset()
	f.dialog.Hide()
	j := s.w.busy("Writing the backup…")
	j.background(func() {
		err := core.WriteBackup(v, r, pw)
		releaseKDFMemory()
		name := safetext.Escape(filepath.Base(path))
		fyne.Do(func() {
			j.done()
			if j.endedByLock(err != nil, "The backup to "+name+", asked before the lock, could not be written: back up to a file again.",
				"The backup asked before the lock was written to "+name+".") {
				return
			}
			if err != nil {
				s.w.showError("Could not write the backup", err)
				return
			}
			s.say("Backup written to " + name + ".")
		})
	})
}

// typedPassword is a backup's own password as typed in the form; nil
// means the vault's password. core clears it after writing.
type typedPassword []byte

var _ core.BackupPassworder = typedPassword(nil)

func (p typedPassword) BackupPassword() ([]byte, error) { return p, nil }
