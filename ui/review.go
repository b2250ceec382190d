package ui

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"latchkey/internal/safetext"
	"latchkey/vault"
)

// review adds what an import route found. One new account is added at
// once; several, or any duplicate, go through a list with checkboxes first.
// Problems are listed with what to do about them.
func (a *app) review(found []imported, problems []string) {
	if a.v == nil {
		return
	}
	if len(found) == 0 {
		a.showProblems(problems)
		return
	}
	dup := a.duplicates(found)
	if len(found) == 1 && !dup[0] && len(problems) == 0 {
		a.addImported(found)
		return
	}
	r := newReviewDialog(a, found, dup, problems)
	r.show()
}

// duplicates marks each found account whose key is already in the vault.
func (a *app) duplicates(found []imported) []bool {
	have := a.v.Accounts()
	dup := make([]bool, len(found))
	for i, f := range found {
		for _, h := range have {
			if h.Key.SameSecret(f.key) {
				dup[i] = true
				break
			}
		}
	}
	return dup
}

func (a *app) showProblems(problems []string) {
	if len(problems) == 0 {
		return
	}
	msg := widget.NewLabel(safetext.Message(strings.Join(problems, "\n\n")))
	msg.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustom("Nothing added", "OK", container.New(&columnLayout{width: 380}, msg), a.win)
	d.Show()
}

// addImported adds accounts to the vault and says so.
func (a *app) addImported(found []imported) {
	now := a.now()
	accounts := make([]vault.Account, 0, len(found))
	for _, f := range found {
		accounts = append(accounts, vault.Account{
			Key: f.key, Tags: f.tags, Note: f.note, Pinned: f.pinned, Icon: f.icon,
			Created: now, Modified: now,
		})
	}
	added, err := a.v.Add(accounts...)
	if err != nil {
		a.showError("Could not add the accounts", err)
		return
	}
	a.save()
	trace("added")
	if a.accounts != nil {
		a.accounts.reload()
		if len(added) == 1 {
			a.accounts.say("Added " + safetext.Escape(added[0].Key.Label()) + ".")
		} else {
			a.accounts.say(fmt.Sprintf("Added %d accounts.", len(added)))
		}
	}
}

// reviewDialog lists found accounts with a checkbox each.
type reviewDialog struct {
	app      *app
	found    []imported
	checks   []*widget.Check
	problems []string
	add      *widget.Button
	dialog   dialog.Dialog
}

func newReviewDialog(a *app, found []imported, dup []bool, problems []string) *reviewDialog {
	r := &reviewDialog{app: a, found: found, problems: problems}
	for i, f := range found {
		label := safetext.Escape(f.key.Label())
		if label == "" {
			label = "(unnamed account)"
		}
		if dup[i] {
			label += "  (already in the vault)"
		}
		c := widget.NewCheck(label, r.onCheck)
		c.SetChecked(!dup[i])
		r.checks = append(r.checks, c)
	}
	return r
}

func (r *reviewDialog) show() {
	rows := container.NewVBox()
	for _, c := range r.checks {
		rows.Add(c)
	}
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
	r.dialog = dialog.NewCustomWithoutButtons("Add accounts", container.New(&minSizeLayout{size: fyne.NewSize(440, 380)}, content), r.app.win)
	r.onCheck(false)
	r.dialog.Show()
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

func (r *reviewDialog) selected() []imported {
	var out []imported
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
		r.app.addImported(sel)
	}
}
