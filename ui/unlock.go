package ui

import (
	"errors"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"latchkey/vault"
)

// opening is what the screens before the unlock share: the window, the
// vault's path, how vaults open, and a way to put another screen up.
type opening struct {
	w      *window
	path   string
	vaults vault.Options
	show   func(fyne.CanvasObject)
}

// passwordRestAfter is when an untouched password field gives up the
// focus: its blinking cursor redraws the window many times a second, which
// made the locked window the costliest idle state. Typing still goes to
// it (see onTypedRune).
const passwordRestAfter = 10 * time.Second

// unlockScreen asks for the password and opens the vault.
type unlockScreen struct {
	opening
	onOpened  func(*vault.Vault)
	onRecover func()
	// startTick starts the ticker that rests the password field (the
	// app's; tests call the tick themselves).
	startTick func(f func()) *ticker

	password *widget.Entry
	unlock   *widget.Button
	recover  *widget.Button
	working  *workIndicator
	problem  *widget.Label

	root      fyne.CanvasObject // the content, to tell whether it still shows
	ticker    *ticker           // rests the password field; runs while shown
	lastKey   time.Time         // typing in the password field
	focusedAt time.Time         // when it last got the focus
	focused   bool
}

func newUnlockScreen(o opening, onOpened func(*vault.Vault), onRecover func()) *unlockScreen {
	s := &unlockScreen{opening: o, onOpened: onOpened, onRecover: onRecover}
	s.password = widget.NewPasswordEntry()
	s.password.SetPlaceHolder("Password")
	s.password.OnSubmitted = s.onSubmit
	s.password.OnChanged = func(string) { s.lastKey = s.w.now() }
	s.unlock = widget.NewButtonWithIcon("Unlock", theme.LoginIcon(), s.onUnlock)
	s.unlock.Importance = widget.HighImportance
	s.recover = widget.NewButton("Use a backup code", s.onRecoverTapped)
	s.recover.Importance = widget.LowImportance
	s.working = newWorkIndicator()
	s.problem = problemLabel()
	s.problem.Alignment = fyne.TextAlignCenter
	return s
}

func (s *unlockScreen) content() fyne.CanvasObject {
	s.root = centredForm(
		heading("Unlock Latchkey"),
		caption(s.path),
		s.password,
		s.working.box,
		s.problem,
		s.unlock,
		s.recover,
	)
	return s.root
}

// focus gives the password field the keyboard, and keys typed while it
// rests.
func (s *unlockScreen) focus() {
	s.w.setStrayKeys(s.onTypedRune, s.onTypedKey)
	s.w.focus(s.password)
	if s.ticker == nil && s.startTick != nil {
		s.ticker = s.startTick(s.tick)
	}
}

func (s *unlockScreen) showing() bool { return s.root != nil && s.w.win.Content() == s.root }

// onTypedRune takes keys typed while nothing has the focus to the
// password field.
func (s *unlockScreen) onTypedRune(r rune) {
	if !s.showing() || s.password.Disabled() {
		return
	}
	s.focus()
	s.password.TypedRune(r)
}

func (s *unlockScreen) onTypedKey(k *fyne.KeyEvent) {
	if !s.showing() || s.password.Disabled() {
		return
	}
	switch k.Name {
	case fyne.KeyReturn, fyne.KeyEnter, fyne.KeyBackspace:
		s.focus()
		s.password.TypedKey(k)
	}
}

// tick runs once a second while the screen shows: the password field rests
// once it has had the focus for a while without typing.
func (s *unlockScreen) tick() {
	if !s.showing() {
		s.stopTicking()
		return
	}
	now := s.w.now()
	c := s.w.win.Canvas()
	focused := c.Focused() == s.password
	if focused && !s.focused {
		s.focusedAt = now
	}
	s.focused = focused
	if focused && now.Sub(s.focusedAt) >= passwordRestAfter && now.Sub(s.lastKey) >= passwordRestAfter {
		c.Unfocus()
		s.focused = false
	}
}

func (s *unlockScreen) stopTicking() {
	s.ticker.stop()
	s.ticker = nil
}

func (s *unlockScreen) onSubmit(string) { s.onUnlock() }

func (s *unlockScreen) onUnlock() {
	if s.password.Text == "" || s.password.Disabled() {
		return
	}
	s.busy(true)
	trace("unlocking")
	pw := []byte(s.password.Text)
	s.w.background(func() {
		v, err := s.vaults.Open(s.path, pw)
		clear(pw)
		releaseKDFMemory()
		fyne.Do(func() { s.opened(v, err) })
	})
}

func (s *unlockScreen) opened(v *vault.Vault, err error) {
	s.busy(false)
	if err != nil {
		trace("unlock failed")
		s.problem.SetText(unlockProblem(err))
		s.problem.Show()
		s.focus()
		return
	}
	s.password.SetText("")
	s.stopTicking()
	s.w.setStrayKeys(nil, nil)
	s.onOpened(v)
}

func unlockProblem(err error) string {
	if errors.Is(err, vault.ErrWrongPassword) {
		return "Wrong password. Check Caps Lock and try again."
	}
	return "Could not open the vault. " + advice(err)
}

func (s *unlockScreen) onRecoverTapped() {
	s.stopTicking()
	s.w.setStrayKeys(nil, nil)
	s.onRecover()
}

// busy shows that the key derivation is running and blocks a second try.
func (s *unlockScreen) busy(on bool) {
	showWorking(on, s.working, s.problem, s.password, s.unlock)
	relabel(s.unlock, on, "Unlocking…", "Unlock")
}

// centredForm stacks objects in a narrow column in the middle of the window,
// the layout of every screen before the account list.
func centredForm(objs ...fyne.CanvasObject) fyne.CanvasObject {
	logo := canvas.NewImageFromResource(iconResource())
	logo.FillMode = canvas.ImageFillContain
	logo.SetMinSize(fyne.NewSize(72, 72))
	col := container.NewVBox(append([]fyne.CanvasObject{container.NewCenter(logo)}, objs...)...)
	sized := container.New(&columnLayout{width: 340}, col)
	return container.NewVScroll(container.NewVBox(layout.NewSpacer(), container.NewCenter(sized), layout.NewSpacer()))
}

func heading(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.TextStyle.Bold = true
	l.SizeName = theme.SizeNameSubHeadingText
	l.Alignment = fyne.TextAlignCenter
	return l
}

func caption(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Alignment = fyne.TextAlignCenter
	l.Importance = widget.LowImportance
	l.Truncation = fyne.TextTruncateEllipsis
	l.SizeName = theme.SizeNameCaptionText
	return l
}
