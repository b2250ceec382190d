package ui

import (
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"latchkey/otp"
	"latchkey/vault"
)

// manualForm adds an account from a key typed by hand, checking it as the
// person types.
type manualForm struct {
	session   *session
	issuer    *formEntry
	name      *formEntry
	secret    *formEntry
	kind      *widget.RadioGroup
	algorithm *widget.Select
	digits    *widget.Select
	period    *formEntry
	counter   *formEntry
	problem   *widget.Label
	add       *widget.Button
	dialog    dialog.Dialog
}

// kinds are the key types the form offers.
var kinds = newChoices(kindLabel, otp.TOTP, otp.HOTP, otp.Steam)

func kindLabel(t otp.Type) string {
	switch t {
	case otp.HOTP:
		return "Counter-based (HOTP)"
	case otp.Steam:
		return "Steam"
	}
	return "Time-based (TOTP)"
}

func newManualForm(s *session) *manualForm {
	f := &manualForm{session: s}
	f.issuer = newFormEntry()
	f.issuer.SetPlaceHolder("e.g. GitHub")
	f.name = newFormEntry()
	f.name.SetPlaceHolder("e.g. alice@example.com")
	f.secret = newFormPasswordEntry()
	f.secret.SetPlaceHolder("the key, e.g. JBSW Y3DP EHPK 3PXP")
	f.kind = widget.NewRadioGroup(kinds.labels, f.onChanged)
	f.kind.Horizontal = false
	f.kind.Required = true
	f.algorithm = widget.NewSelect([]string{"SHA1", "SHA256", "SHA512"}, f.onChanged)
	f.digits = widget.NewSelect([]string{"6", "7", "8", "9", "10"}, f.onChanged)
	f.period = newFormEntry()
	f.counter = newFormEntry()
	for _, e := range []*formEntry{f.issuer, f.name, f.secret, f.period, f.counter} {
		e.OnChanged = f.onChanged
	}
	f.problem = widget.NewLabel("")
	f.problem.Wrapping = fyne.TextWrapWord
	f.problem.Importance = widget.DangerImportance
	f.add = widget.NewButton("Add account", f.onAdd)
	f.add.Importance = widget.HighImportance
	f.kind.SetSelected(kinds.label(otp.TOTP))
	f.algorithm.SetSelected("SHA1")
	f.digits.SetSelected("6")
	f.period.SetText(strconv.Itoa(otp.DefaultPeriod))
	f.counter.SetText("0")
	return f
}

func (f *manualForm) show() {
	advanced := widget.NewForm(
		widget.NewFormItem("Type", f.kind),
		widget.NewFormItem("Algorithm", f.algorithm),
		widget.NewFormItem("Digits", f.digits),
		widget.NewFormItem("Period (s)", f.period),
		widget.NewFormItem("Counter", f.counter),
	)
	form := widget.NewForm(
		widget.NewFormItem("Issuer", f.issuer),
		widget.NewFormItem("Account", f.name),
		widget.NewFormItem("Key", f.secret),
	)
	acc := widget.NewAccordion(widget.NewAccordionItem("Advanced options", advanced))
	cancel := widget.NewButton("Cancel", func() { f.dialog.Hide() })
	// The problem line keeps room for three lines whether it shows or not:
	// the dialog keeps its size while the person types.
	problemRoom := container.New(&fixedHeightLayout{height: linesHeight(3)}, f.problem)
	body := container.NewVBox(form, acc, problemRoom, container.NewHBox(layoutSpacer(), cancel, f.add))
	f.dialog = dialog.NewCustomWithoutButtons("Enter a key by hand", container.New(&minSizeLayout{size: fyne.NewSize(420, 0)}, body), f.session.w.win)
	f.onChanged("")
	f.session.w.present(f.dialog, f.onAdd)
	f.session.w.focus(f.issuer)
}

// linesHeight is how tall a label of n lines is in the current theme.
func linesHeight(n int) float32 {
	return widget.NewLabel(strings.Repeat("M\n", n-1) + "M").MinSize().Height
}

// key builds the key from the form, or says what is wrong with it.
func (f *manualForm) key() (otp.Key, string) {
	kind, _ := kinds.of(f.kind.Selected)
	k := otp.Key{
		Type:   kind,
		Issuer: strings.TrimSpace(f.issuer.Text),
		Name:   strings.TrimSpace(f.name.Text),
	}
	if k.Issuer == "" && k.Name == "" {
		return k, "Give an issuer or an account name."
	}
	if strings.TrimSpace(f.secret.Text) == "" {
		return k, "Type the key the service showed (letters A-Z and digits 2-7)."
	}
	secret, err := otp.ParseSecret(f.secret.Text)
	if err != nil {
		return k, advice(err) + " A key uses letters A-Z and digits 2-7: check it against the service's page."
	}
	k.Secret = secret
	alg, err := otp.ParseAlgorithm(f.algorithm.Selected)
	if err != nil {
		return k, advice(err)
	}
	k.Algorithm = alg
	k.Digits, _ = strconv.Atoi(f.digits.Selected)
	if k.Type == otp.Steam {
		k.Digits = otp.SteamDigits
	}
	if k.Type.TimeBased() {
		p, err := strconv.ParseUint(strings.TrimSpace(f.period.Text), 10, 32)
		if err != nil {
			return k, "The period is a whole number of seconds, usually 30."
		}
		k.Period = uint32(p)
	}
	if k.Type == otp.HOTP {
		c, err := strconv.ParseUint(strings.TrimSpace(f.counter.Text), 10, 64)
		if err != nil {
			return k, "The counter is a whole number, usually 0."
		}
		k.Counter = c
	}
	if err := k.Validate(); err != nil {
		return k, advice(err)
	}
	return k, ""
}

func (f *manualForm) onChanged(string) {
	if f.add == nil {
		return
	}
	kind, _ := kinds.of(f.kind.Selected)
	enable(f.period, kind.TimeBased())
	enable(f.counter, kind == otp.HOTP)
	enable(f.digits, kind != otp.Steam)
	_, problem := f.key()
	if problem == "" {
		f.problem.Hide()
		f.add.Enable()
		return
	}
	// Say nothing while the form is still empty.
	if f.issuer.Text == "" && f.name.Text == "" && f.secret.Text == "" {
		f.problem.Hide()
	} else {
		f.problem.SetText(problem)
		f.problem.Show()
	}
	f.add.Disable()
}

func (f *manualForm) onAdd() {
	k, problem := f.key()
	if problem != "" {
		f.problem.SetText(problem)
		f.problem.Show()
		return
	}
	if f.session.ended() {
		return
	}
	if inVault(f.session, k) {
		f.problem.SetText("This key is already in the vault.")
		f.problem.Show()
		return
	}
	f.dialog.Hide()
	addAccounts(f.session, []vault.Account{{Key: k}})
}

func enable(w fyne.Disableable, on bool) {
	if on {
		w.Enable()
	} else {
		w.Disable()
	}
}
