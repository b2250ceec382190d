package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"latchkey/core"
	"latchkey/vault"
)

// restoreScreen makes this computer's vault from a backup: the first-run
// way to carry a vault to a new machine. The backup opens with its password,
// or with one of its backup codes and a new password.
type restoreScreen struct {
	opening
	onBack     func()
	onRestored func(v *vault.Vault, codes []string)

	backup   string // the chosen backup file
	file     *widget.Label
	choose   *widget.Button
	how      *widget.RadioGroup
	password *widget.Entry
	code     *widget.Entry
	pw       *passwordPair
	restore  *widget.Button
	back     *widget.Button
	working  *workIndicator
	problem  *widget.Label
}

// restoreWays is how the backup opens: with its password (false) or one
// of its backup codes (true).
var restoreWays = newChoices(func(code bool) string {
	if code {
		return "I have one of its backup codes"
	}
	return "I know its password"
}, false, true)

func newRestoreScreen(o opening, onBack func(), onRestored func(*vault.Vault, []string)) *restoreScreen {
	s := &restoreScreen{opening: o, onBack: onBack, onRestored: onRestored}
	s.file = widget.NewLabel("No file chosen")
	s.file.Truncation = fyne.TextTruncateEllipsis
	s.file.Importance = widget.LowImportance
	s.choose = widget.NewButtonWithIcon("Choose the backup file…", theme.FolderOpenIcon(), s.onChoose)
	s.restore = widget.NewButtonWithIcon("Restore", theme.ConfirmIcon(), s.onRestore)
	s.restore.Importance = widget.HighImportance
	s.password = widget.NewPasswordEntry()
	s.password.SetPlaceHolder("The backup's password")
	s.password.OnSubmitted = func(string) { s.onRestore() }
	s.code = widget.NewEntry()
	s.code.SetPlaceHolder("Backup code")
	s.code.TextStyle.Monospace = true
	s.pw = newPasswordPair(s.restore, s.onRestore)
	s.how = widget.NewRadioGroup(restoreWays.labels, s.onHow)
	s.how.Required = true
	s.back = widget.NewButtonWithIcon("Back", theme.NavigateBackIcon(), s.onBackTapped)
	s.back.Importance = widget.LowImportance
	s.working = newWorkIndicator()
	s.problem = problemLabel()
	s.how.SetSelected(restoreWays.label(false))
	return s
}

func (s *restoreScreen) content() fyne.CanvasObject {
	intro := widget.NewLabel("Open a Latchkey backup: a file from the backup folder, or one written with Back up to a file. It becomes the vault on this computer.")
	intro.Wrapping = fyne.TextWrapWord
	return centredForm(heading("Restore from a backup"), intro, s.choose, s.file, s.how,
		s.password, s.code, s.pw.first, s.pw.second, s.pw.hint,
		s.working.box, s.problem, s.restore, s.back, caption(s.path))
}

func (s *restoreScreen) withCode() bool {
	code, _ := restoreWays.of(s.how.Selected)
	return code
}

func (s *restoreScreen) onHow(string) {
	code := s.withCode()
	for _, o := range []fyne.CanvasObject{s.code, s.pw.first, s.pw.second, s.pw.hint} {
		if code {
			o.Show()
		} else {
			o.Hide()
		}
	}
	if code {
		s.password.Hide()
		s.pw.refresh()
	} else {
		s.password.Show()
		s.restore.Enable()
	}
}

func (s *restoreScreen) focus() { s.w.focus(s.choose) }

func (s *restoreScreen) onBackTapped() { s.onBack() }

func (s *restoreScreen) onChoose() {
	s.w.chooseFile(pickBackup, "", s.chose)
}

// chose takes the backup file at path.
func (s *restoreScreen) chose(path string) {
	s.backup = path
	s.file.SetText(path)
	s.file.Importance = widget.MediumImportance
	s.file.Refresh()
	s.problem.Hide()
	if s.withCode() {
		s.w.focus(s.code)
	} else {
		s.w.focus(s.password)
	}
}

func (s *restoreScreen) fail(msg string) {
	s.problem.SetText(msg)
	s.problem.Show()
}

func (s *restoreScreen) onRestore() {
	switch {
	case s.working.bar != nil:
		return // a restore is running
	case s.backup == "":
		s.fail("Choose the backup file first.")
		return
	case !s.withCode() && s.password.Text == "":
		s.fail("Type the backup's password.")
		return
	case s.withCode() && (s.code.Text == "" || !s.pw.ok()):
		s.fail("Type a backup code, and a new password twice.")
		return
	}
	s.busy(true)
	path, vaultPath, vaults := s.backup, s.path, s.vaults
	withCode, code := s.withCode(), s.code.Text
	pw := []byte(s.password.Text)
	if withCode {
		pw = s.pw.bytes()
	}
	s.w.background(func() {
		var v *vault.Vault
		var codes []string
		var err error
		if withCode {
			v, codes, err = core.Restore(vaults, path, vaultPath, core.Unlock{Code: code, NewPassword: pw})
		} else {
			v, codes, err = core.Restore(vaults, path, vaultPath, core.Unlock{Password: pw})
		}
		clear(pw)
		releaseKDFMemory()
		fyne.Do(func() { s.restored(v, codes, err) })
	})
}

func (s *restoreScreen) restored(v *vault.Vault, codes []string, err error) {
	s.busy(false)
	if err != nil {
		s.fail("Could not restore: " + backupAdvice(err))
		return
	}
	s.password.SetText("")
	s.code.SetText("")
	s.pw.reset()
	s.onRestored(v, codes)
}

func (s *restoreScreen) busy(on bool) {
	showWorking(on, s.working, s.problem, s.restore, s.choose)
	relabel(s.restore, on, "Restoring…", "Restore")
}
