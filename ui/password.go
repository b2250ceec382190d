package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
)

// passwordDialog changes the vault's password.
type passwordDialog struct {
	app     *app
	pw      *passwordPair
	set     *widget.Button
	working *workIndicator
	dialog  dialog.Dialog
}

func (a *app) onChangePassword() {
	if a.v == nil {
		return
	}
	a.touch()
	d := &passwordDialog{app: a}
	d.set = widget.NewButton("Change password", d.onSet)
	d.set.Importance = widget.HighImportance
	d.pw = newPasswordPair(d.set, d.onSet)
	d.working = newWorkIndicator()
	cancel := widget.NewButton("Cancel", func() { d.dialog.Hide() })
	body := container.NewVBox(d.pw.first, d.pw.second, d.pw.hint, d.working.box, container.NewHBox(layoutSpacer(), cancel, d.set))
	d.dialog = dialog.NewCustomWithoutButtons("Change password", container.New(&columnLayout{width: 360}, body), a.win)
	d.dialog.Show()
	a.win.Canvas().Focus(d.pw.first)
}

func (d *passwordDialog) onSet() {
	if !d.pw.ok() || d.app.v == nil {
		return
	}
	d.set.Disable()
	d.working.start()
	pw := d.pw.bytes()
	v := d.app.v
	d.app.background(func() {
		err := v.SetPassword(pw)
		clear(pw)
		releaseKDFMemory()
		if err == nil {
			err = v.Save()
		}
		fyne.Do(func() { d.done(err) })
	})
}

func (d *passwordDialog) done(err error) {
	d.working.stop()
	d.dialog.Hide()
	d.pw.reset()
	if err != nil {
		d.app.showError("Could not change the password", err)
		return
	}
	d.app.say("Password changed.")
}

// onNewBackupCodes replaces the vault's backup codes after asking.
func (a *app) onNewBackupCodes() {
	if a.v == nil {
		return
	}
	a.touch()
	msg := "New codes replace all the old ones, used or not. " + backupCodesLeftText(a.v.BackupCodesLeft())
	dialog.ShowConfirm("Make new backup codes?", msg, a.onNewBackupCodesConfirmed, a.win)
}

func (a *app) onNewBackupCodesConfirmed(ok bool) {
	if !ok || a.v == nil {
		return
	}
	v := a.v
	a.busy("Making new backup codes…")
	a.background(func() {
		codes, err := v.RegenerateBackupCodes()
		if err == nil {
			err = v.Save()
		}
		fyne.Do(func() {
			a.idleAgain()
			if err != nil {
				a.showError("Could not make new backup codes", err)
				return
			}
			a.showBackupCodes(codes)
		})
	})
}

// showBackupCodes shows new codes in place of the list until the person
// says they are stored.
func (a *app) showBackupCodes(codes []string) {
	s := newBackupCodesScreen(a, codes, a.backToList)
	a.setContent(s.content())
}

func (a *app) backToList() {
	if a.accounts != nil {
		a.setContent(a.accounts.content())
		a.accounts.focus()
	}
}

// say shows a short note under the list, if it is showing.
func (a *app) say(msg string) {
	if a.accounts != nil {
		a.accounts.say(msg)
	}
}
