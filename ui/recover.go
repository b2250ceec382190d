package ui

import (
	"errors"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"latchkey/vault"
)

// recoverScreen opens the vault with a backup code, then has the person
// choose a new password before showing the accounts.
type recoverScreen struct {
	opening
	onBack      func()
	onRecovered func(v *vault.Vault, codes []string)

	code    *widget.Entry
	open    *widget.Button
	back    *widget.Button
	working *workIndicator
	problem *widget.Label

	opened *vault.Vault // the vault, once the code opened it
	pw     *passwordPair
	set    *widget.Button
}

func newRecoverScreen(o opening, onBack func(), onRecovered func(*vault.Vault, []string)) *recoverScreen {
	s := &recoverScreen{opening: o, onBack: onBack, onRecovered: onRecovered}
	s.code = widget.NewEntry()
	s.code.SetPlaceHolder("Backup code")
	s.code.TextStyle.Monospace = true
	s.code.OnSubmitted = func(string) { s.onOpen() }
	s.open = widget.NewButtonWithIcon("Open with this code", theme.LoginIcon(), s.onOpen)
	s.open.Importance = widget.HighImportance
	s.back = widget.NewButtonWithIcon("Back to the password", theme.NavigateBackIcon(), s.onBackTapped)
	s.back.Importance = widget.LowImportance
	s.working = newWorkIndicator()
	s.problem = problemLabel()
	s.set = widget.NewButtonWithIcon("Set the new password", theme.ConfirmIcon(), s.onSetPassword)
	s.set.Importance = widget.HighImportance
	s.pw = newPasswordPair(s.set, s.onSetPassword)
	return s
}

func (s *recoverScreen) content() fyne.CanvasObject {
	intro := widget.NewLabel("Type one of the backup codes you saved when the vault was created. Each code works once.")
	intro.Wrapping = fyne.TextWrapWord
	return centredForm(heading("Recover with a backup code"), intro, s.code, s.working.box, s.problem, s.open, s.back)
}

func (s *recoverScreen) newPasswordContent() fyne.CanvasObject {
	intro := widget.NewLabel("The vault is open. Choose a new password for it.")
	intro.Wrapping = fyne.TextWrapWord
	return centredForm(heading("Choose a new password"), intro, s.pw.first, s.pw.second, s.pw.hint, s.working.box, s.problem, s.set)
}

func (s *recoverScreen) focus() { s.w.focus(s.code) }

func (s *recoverScreen) onBackTapped() { s.onBack() }

func (s *recoverScreen) onOpen() {
	if s.code.Text == "" || s.code.Disabled() {
		return
	}
	s.busy(true, s.open)
	code := s.code.Text
	s.w.background(func() {
		v, err := s.vaults.OpenWithBackupCode(s.path, code)
		releaseKDFMemory()
		fyne.Do(func() { s.codeChecked(v, err) })
	})
}

func (s *recoverScreen) codeChecked(v *vault.Vault, err error) {
	s.busy(false, s.open)
	if err != nil {
		s.problem.SetText(advice(err))
		s.problem.Show()
		s.focus()
		return
	}
	s.opened = v
	s.code.SetText("")
	s.problem.Hide()
	s.show(s.newPasswordContent())
	s.w.focus(s.pw.first)
}

func (s *recoverScreen) onSetPassword() {
	if !s.pw.ok() || s.opened == nil {
		return
	}
	s.busy(true, s.set)
	pw := s.pw.bytes()
	v := s.opened
	s.w.background(func() {
		codes, err := v.SetPassword(pw)
		clear(pw)
		releaseKDFMemory()
		fyne.Do(func() { s.passwordSet(codes, err) })
	})
}

func (s *recoverScreen) passwordSet(codes []string, err error) {
	s.busy(false, s.set)
	// A failed automatic backup leaves the new password saved; the status
	// line says so.
	if err != nil && !errors.Is(err, vault.ErrBackupFailed) && codes == nil {
		s.problem.SetText("Could not set the new password. " + advice(err))
		s.problem.Show()
		return
	}
	s.pw.reset()
	v := s.opened
	s.opened = nil
	s.onRecovered(v, codes)
}

// recoveredChange is what a recovery changed: the used code and the old
// password no longer open the vault.
func recoveredChange(s *session, codes []string) keyChange {
	lead := "The backup code you used no longer works. " + backupCodesLeftText(s.v.BackupCodesLeft())
	if codes != nil {
		lead = "The backup code you used no longer works."
	}
	return keyChange{session: s, v: s.v, title: "New password set", lead: lead, before: "the old password and the backup code you used"}
}

func backupCodesLeftText(n int) string {
	switch n {
	case 0:
		return "No backup codes are left: make new ones in Settings now."
	case 1:
		return "One backup code is left. Consider making new ones in Settings."
	}
	return "Backup codes left: " + strconv.Itoa(n) + "."
}

func (s *recoverScreen) busy(on bool, b *widget.Button) {
	showWorking(on, s.working, s.problem, b)
	if !on {
		s.pw.refresh()
	}
}
