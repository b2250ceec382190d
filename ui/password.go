package ui

import (
	"errors"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"latchkey/vault"
)

// passwordDialog changes the vault's password after checking the current
// one: an unlocked window left alone must not let anyone lock its owner out.
type passwordDialog struct {
	app     *app
	current *widget.Entry
	pw      *passwordPair
	set     *widget.Button
	working *workIndicator
	problem *widget.Label
	dialog  dialog.Dialog
}

func (a *app) onChangePassword() {
	if a.v == nil {
		return
	}
	a.touch()
	newPasswordDialog(a).show()
}

func newPasswordDialog(a *app) *passwordDialog {
	d := &passwordDialog{app: a}
	d.set = widget.NewButton("Change password", d.onSet)
	d.set.Importance = widget.HighImportance
	d.pw = newPasswordPair(d.set, d.onSet)
	d.current = widget.NewPasswordEntry()
	d.current.SetPlaceHolder("Current password")
	d.current.OnSubmitted = func(string) { a.win.Canvas().Focus(d.pw.first) }
	d.working = newWorkIndicator()
	d.problem = widget.NewLabel("")
	d.problem.Importance = widget.DangerImportance
	d.problem.Wrapping = fyne.TextWrapWord
	d.problem.Hide()
	return d
}

func (d *passwordDialog) show() {
	cancel := widget.NewButton("Cancel", d.onCancel)
	body := container.NewVBox(d.current, d.pw.first, d.pw.second, d.pw.hint, d.problem, d.working.box, container.NewHBox(layoutSpacer(), cancel, d.set))
	d.dialog = dialog.NewCustomWithoutButtons("Change password", container.New(&columnLayout{width: 360}, body), d.app.win)
	d.dialog.Show()
	d.app.win.Canvas().Focus(d.current)
}

func (d *passwordDialog) onCancel() {
	d.current.SetText("")
	d.pw.reset()
	d.dialog.Hide()
}

func (d *passwordDialog) onSet() {
	if !d.pw.ok() || d.app.v == nil || d.working.bar != nil { // bar: a change is running
		return
	}
	if d.current.Text == "" {
		d.fail("Type the current password first.")
		return
	}
	d.problem.Hide()
	d.set.Disable()
	d.working.start()
	cur, pw := []byte(d.current.Text), d.pw.bytes()
	v, vaults := d.app.v, d.app.vaults
	d.app.background(func() {
		// The saved file holds the current password's slot: opening it
		// proves the password without taking the vault's lock.
		err := checkPassword(vaults, v.Path(), cur)
		clear(cur)
		var codes []string
		if err == nil {
			codes, err = v.SetPassword(pw)
		}
		clear(pw)
		releaseKDFMemory()
		fyne.Do(func() { d.done(v, codes, err) })
	})
}

func (d *passwordDialog) fail(msg string) {
	d.problem.SetText(msg)
	d.problem.Show()
	d.app.win.Canvas().Focus(d.current)
}

func (d *passwordDialog) done(v *vault.Vault, codes []string, err error) {
	d.working.stop()
	d.pw.refresh()
	if errors.Is(err, vault.ErrWrongPassword) {
		d.current.SetText("")
		d.fail("That is not the current password. The password was not changed.")
		return
	}
	d.current.SetText("")
	d.dialog.Hide()
	d.pw.reset()
	if err != nil && !errors.Is(err, vault.ErrBackupFailed) && codes == nil {
		d.app.showError("Could not change the password", err)
		return
	}
	d.app.say("Password changed.")
	d.app.keyChanged(v, "Password changed", "The new password opens the vault; the old one no longer does.", codes, "the old password")
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
		fyne.Do(func() {
			a.idleAgain()
			if codes == nil {
				a.showError("Could not make new backup codes", err)
				return
			}
			// Codes the file holds are shown even after an error: they are
			// the only ones that open the vault now.
			s := newBackupCodesScreen(a, codes, func() {
				a.backToList()
				a.keyChanged(v, "New backup codes", "The old backup codes no longer open the vault.", nil, "the old backup codes")
			})
			a.setContent(s.content())
			if err != nil {
				a.showError("The new codes are saved, but", err)
			}
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

// checkPassword reports whether pw opens the saved vault file at path
// (vault.ErrWrongPassword if not), without taking the vault's lock: the
// file holds the current password's slot.
func checkPassword(o vault.Options, path string, pw []byte) error {
	b, err := o.OpenBackup(path, pw)
	if err != nil {
		return err
	}
	b.Wipe()
	return nil
}
