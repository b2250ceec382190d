package ui

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"latchkey/core"
	"latchkey/internal/safetext"
	"latchkey/otp"
	"latchkey/vault"
)

// review adds what an import route found. One new account is added at
// once; several, or any duplicate, go through a list with checkboxes first.
// Problems are listed with what to do about them.
func review(s *session, found []vault.Account, problems []string) {
	if s.ended() {
		return
	}
	if len(found) == 0 {
		s.w.showProblems(problems)
		return
	}
	status := core.Duplicates(s.v.Accounts(), found)
	if len(found) == 1 && status[0] == core.New && len(problems) == 0 {
		addAccounts(s, found)
		return
	}
	r := newReviewDialog(s, found, status, problems)
	r.show()
}

// inVault reports whether the vault already has k's credential.
func inVault(s *session, k otp.Key) bool {
	return core.Duplicates(s.v.Accounts(), []vault.Account{{Key: k}})[0] != core.New
}

// addAccounts adds the accounts the person chose (duplicates included, if
// ticked) to the vault and says so.
func addAccounts(s *session, found []vault.Account) {
	if s.ended() {
		return
	}
	now := s.w.now()
	accounts := make([]vault.Account, len(found))
	for i, f := range found {
		f.Created, f.Modified = now, now
		accounts[i] = f
	}
	rep, err := core.AddAll(s.v, accounts)
	if err != nil {
		s.w.showError("Could not add the accounts", err)
		return
	}
	s.save()
	trace("added")
	if len(rep.Added) == 1 {
		s.refresh("Added " + safetext.Escape(rep.Added[0]) + ".")
	} else {
		s.refresh(fmt.Sprintf("Added %d accounts.", len(rep.Added)))
	}
}

// reviewDialog lists found accounts with a checkbox each.
type reviewDialog struct {
	session  *session
	found    []vault.Account
	checks   []*widget.Check
	rows     []fyne.CanvasObject
	problems []string
	add      *widget.Button
	dialog   dialog.Dialog
}

func newReviewDialog(s *session, found []vault.Account, status []core.Status, problems []string) *reviewDialog {
	r := &reviewDialog{session: s, found: found, problems: problems}
	for i, f := range found {
		label := safetext.Escape(f.Key.Label())
		if label == "" {
			label = "(unnamed account)"
		}
		c := widget.NewCheck("", r.onCheck)
		c.SetChecked(status[i] == core.New)
		r.checks = append(r.checks, c)
		r.rows = append(r.rows, reviewRow(c, label, status[i]))
	}
	return r
}

// reviewRow is a found account's line: its checkbox, its name cut with
// "…" when long, and the duplicate note, which stays in view.
func reviewRow(c *widget.Check, label string, st core.Status) fyne.CanvasObject {
	name := widget.NewLabel(label)
	name.Truncation = fyne.TextTruncateEllipsis
	var note fyne.CanvasObject
	switch st {
	case core.InVault:
		note = noteLabel("already in the vault")
	case core.Repeated:
		note = noteLabel("already in this list")
	}
	return container.NewBorder(nil, nil, c, note, name)
}

func noteLabel(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Importance = widget.WarningImportance
	l.SizeName = theme.SizeNameCaptionText
	return l
}

func (r *reviewDialog) show() {
	rows := container.NewVBox(r.rows...)
	all := widget.NewButton("Select all", func() { r.setAll(true) })
	none := widget.NewButton("Select none", func() { r.setAll(false) })
	r.add = widget.NewButton("", r.onAdd)
	r.add.Importance = widget.HighImportance
	cancel := widget.NewButton("Cancel", func() { r.dialog.Hide() })
	body := container.NewBorder(
		widget.NewLabel(fmt.Sprintf("Found %d accounts. Choose the ones to add.", len(r.found))),
		r.problemsBox(),
		nil, nil,
		container.NewVScroll(rows),
	)
	buttons := container.NewHBox(all, none, layoutSpacer(), cancel, r.add)
	content := container.NewBorder(nil, buttons, nil, nil, body)
	r.dialog = dialog.NewCustomWithoutButtons("Add accounts", container.New(&minSizeLayout{size: fyne.NewSize(440, 380)}, content), r.session.w.win)
	r.onCheck(false)
	r.session.w.present(r.dialog, r.onAdd)
}

func (r *reviewDialog) problemsBox() fyne.CanvasObject {
	if len(r.problems) == 0 {
		return container.NewVBox()
	}
	l := widget.NewLabel(safetext.Message(strings.Join(r.problems, "\n")))
	l.Wrapping = fyne.TextWrapWord
	l.Importance = widget.WarningImportance
	return l
}

func (r *reviewDialog) setAll(on bool) {
	for _, c := range r.checks {
		c.SetChecked(on)
	}
}

func (r *reviewDialog) selected() []vault.Account {
	var out []vault.Account
	for i, c := range r.checks {
		if c.Checked {
			out = append(out, r.found[i])
		}
	}
	return out
}

func (r *reviewDialog) onCheck(bool) {
	if r.add == nil {
		return
	}
	n := len(r.selected())
	r.add.SetText(fmt.Sprintf("Add %d", n))
	if n == 0 {
		r.add.Disable()
	} else {
		r.add.Enable()
	}
}

func (r *reviewDialog) onAdd() {
	sel := r.selected()
	r.dialog.Hide()
	if len(sel) > 0 {
		addAccounts(r.session, sel)
	}
}
