package ui

import (
	"fmt"
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"latchkey/vault"
)

// createScreen makes a new vault: a password typed twice, with a hint of
// its strength.
type createScreen struct {
	opening
	onCreated func(v *vault.Vault, codes []string)
	onRestore func()

	pw      *passwordPair
	create  *widget.Button
	working *workIndicator
	problem *widget.Label
	restore *widget.Button
}

func newCreateScreen(o opening, onCreated func(*vault.Vault, []string), onRestore func()) *createScreen {
	s := &createScreen{opening: o, onCreated: onCreated, onRestore: onRestore}
	s.create = widget.NewButtonWithIcon("Create vault", theme.ConfirmIcon(), s.onCreate)
	s.create.Importance = widget.HighImportance
	s.pw = newPasswordPair(s.create, s.onCreate)
	s.working = newWorkIndicator()
	s.problem = problemLabel()
	s.restore = widget.NewButtonWithIcon("Restore from a backup…", theme.HistoryIcon(), s.onRestoreTapped)
	s.restore.Importance = widget.LowImportance
	return s
}

func (s *createScreen) content() fyne.CanvasObject {
	intro := widget.NewLabel("Your codes are kept in an encrypted vault. Choose its password: there is no way to recover it without the backup codes shown next.")
	intro.Wrapping = fyne.TextWrapWord
	return centredForm(
		heading("Welcome to Latchkey"),
		intro,
		s.pw.first, s.pw.second, s.pw.hint,
		s.working.box, s.problem,
		s.create,
		s.restore,
		caption(s.path),
	)
}

func (s *createScreen) onRestoreTapped() { s.onRestore() }

func (s *createScreen) focus() { s.w.focus(s.pw.first) }

func (s *createScreen) onCreate() {
	if !s.pw.ok() {
		return
	}
	s.busy(true)
	pw := s.pw.bytes()
	s.w.background(func() {
		v, codes, err := s.vaults.Create(s.path, pw)
		clear(pw)
		releaseKDFMemory()
		fyne.Do(func() { s.created(v, codes, err) })
	})
}

func (s *createScreen) created(v *vault.Vault, codes []string, err error) {
	s.busy(false)
	if err != nil {
		s.problem.SetText("Could not create the vault. " + advice(err))
		s.problem.Show()
		return
	}
	s.pw.reset()
	s.onCreated(v, codes)
}

func (s *createScreen) busy(on bool) {
	showWorking(on, s.working, s.problem, s.create)
	relabel(s.create, on, "Creating…", "Create vault")
	if !on {
		s.pw.refresh()
	}
}

// passwordPair is a new password typed twice with a live strength hint. It
// enables its submit button only when both match and are long enough.
type passwordPair struct {
	first, second *formEntry
	hint          *widget.Label
	submit        *widget.Button
}

func newPasswordPair(submit *widget.Button, onSubmit func()) *passwordPair {
	p := &passwordPair{submit: submit}
	p.first = newFormPasswordEntry()
	p.first.SetPlaceHolder("New password")
	p.second = newFormPasswordEntry()
	p.second.SetPlaceHolder("Repeat the password")
	p.hint = widget.NewLabel(strengthNone.hint())
	p.hint.Wrapping = fyne.TextWrapWord
	p.hint.SizeName = theme.SizeNameCaptionText
	p.first.OnChanged = p.onChanged
	p.second.OnChanged = p.onChanged
	p.first.OnSubmitted = func(string) { fyne.CurrentApp().Driver().CanvasForObject(p.first).Focus(p.second) }
	p.second.OnSubmitted = func(string) { onSubmit() }
	p.refresh()
	return p
}

func (p *passwordPair) onChanged(string) { p.refresh() }

// refresh updates the hint and the submit button.
func (p *passwordPair) refresh() {
	st, _ := passwordStrength(p.first.Text)
	msg := st.hint()
	p.hint.Importance = widget.MediumImportance
	switch {
	case st == strengthWeak:
		p.hint.Importance = widget.WarningImportance
	case st >= strengthGood:
		p.hint.Importance = widget.SuccessImportance
	}
	if p.second.Text != "" && p.second.Text != p.first.Text {
		msg = "The two passwords differ."
		p.hint.Importance = widget.DangerImportance
	}
	p.hint.SetText(msg)
	if p.ok() {
		p.submit.Enable()
	} else {
		p.submit.Disable()
	}
}

func (p *passwordPair) ok() bool {
	return len([]rune(p.first.Text)) >= minPasswordLen && p.first.Text == p.second.Text
}

// why says what keeps the pair from being accepted; "" when it is ok.
func (p *passwordPair) why() string {
	switch {
	case p.first.Text == "":
		return "Type the new password, then type it again below."
	case len([]rune(p.first.Text)) < minPasswordLen:
		return fmt.Sprintf("The new password is too short: use at least %d characters.", minPasswordLen)
	case p.first.Text != p.second.Text:
		return "The two passwords differ: type the new password again below."
	}
	return ""
}

func (p *passwordPair) bytes() []byte { return []byte(p.first.Text) }

func (p *passwordPair) reset() {
	p.first.SetText("")
	p.second.SetText("")
}
