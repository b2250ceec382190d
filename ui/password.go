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
	session *session
	current *formEntry
	pw      *passwordPair
	set     *widget.Button
	working *workIndicator
	problem *widget.Label
	dialog  dialog.Dialog
}

// showPasswordDialog asks for the current password and a new one.
func showPasswordDialog(s *session) {
	if !s.act() {
		return
	}
	newPasswordDialog(s).show()
}

func newPasswordDialog(s *session) *passwordDialog {
	d := &passwordDialog{session: s}
	d.set = widget.NewButton("Change password", d.onSet)
	d.set.Importance = widget.HighImportance
	d.pw = newPasswordPair(d.set, d.onSet)
	d.current = newFormPasswordEntry()
	d.current.SetPlaceHolder("Current password")
	d.current.OnSubmitted = func(string) { d.onSet() }
	d.working = newWorkIndicator()
	d.problem = problemLabel()
	return d
}

func (d *passwordDialog) show() {
	cancel := widget.NewButton("Cancel", d.onCancel)
	body := container.NewVBox(d.current, d.pw.first, d.pw.second, d.pw.hint, d.problem, d.working.box, container.NewHBox(layoutSpacer(), cancel, d.set))
	d.dialog = dialog.NewCustomWithoutButtons("Change password", container.New(&columnLayout{width: 360}, body), d.session.w.win)
	d.session.w.present(d.dialog, d.onSet)
	d.dialog.SetOnClosed(func() {
		d.current.SetText("")
		d.pw.reset()
	})
	d.session.w.focus(d.current)
}

func (d *passwordDialog) onCancel() {
	d.current.SetText("")
	d.pw.reset()
	d.dialog.Hide()
}

func (d *passwordDialog) onSet() {
	if d.session.ended() || d.working.bar != nil { // bar: a change is running
		return
	}
	if d.current.Text == "" {
		d.fail("Type the current password first.")
		return
	}
	if why := d.pw.why(); why != "" {
		d.fail(why)
		d.session.w.focus(d.pw.first)
		return
	}
	d.problem.Hide()
	d.set.Disable()
	d.working.start()
	cur, pw := []byte(d.current.Text), d.pw.bytes()
	v, vaults := d.session.v, d.session.vaults
	d.session.w.background(func() {
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
	d.session.w.focus(d.current)
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
		d.session.w.showError("Could not change the password", err)
		return
	}
	d.session.say("Password changed.")
	keyChange{session: d.session, v: v, title: "Password changed", lead: "The new password opens the vault; the old one no longer does.", before: "the old password"}.show(codes)
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
