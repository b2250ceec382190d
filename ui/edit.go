package ui

import (
	"errors"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"latchkey/vault"
)

// editForm changes what a person sees of an account: names, tags, note, pin.
// The key itself is not editable: a changed key is a new account.
type editForm struct {
	app    *app
	id     string
	issuer *widget.Entry
	name   *widget.Entry
	tags   *widget.Entry
	note   *widget.Entry
	pinned *widget.Check
	dialog *dialog.FormDialog
}

func newEditForm(a *app, acct vault.Account) *editForm {
	f := &editForm{app: a, id: acct.ID}
	f.issuer = widget.NewEntry()
	f.issuer.SetText(acct.Key.Issuer)
	f.issuer.Validator = validIssuer
	f.name = widget.NewEntry()
	f.name.SetText(acct.Key.Name)
	f.tags = widget.NewEntry()
	f.tags.SetPlaceHolder("work, personal")
	f.tags.SetText(strings.Join(acct.Tags, ", "))
	f.note = widget.NewMultiLineEntry()
	f.note.SetMinRowsVisible(3)
	f.note.SetText(acct.Note)
	f.pinned = widget.NewCheck("Keep at the top of the list", nil)
	f.pinned.SetChecked(acct.Pinned)
	return f
}

func validIssuer(s string) error {
	if strings.Contains(s, ":") {
		return errIssuerColon
	}
	return nil
}

func (f *editForm) show() {
	items := []*widget.FormItem{
		widget.NewFormItem("Issuer", f.issuer),
		widget.NewFormItem("Account", f.name),
		widget.NewFormItem("Tags", f.tags),
		widget.NewFormItem("Note", f.note),
		widget.NewFormItem("", f.pinned),
	}
	f.dialog = dialog.NewForm("Edit account", "Save", "Cancel", items, f.onDone, f.app.win)
	f.dialog.Resize(fyne.NewSize(420, 380))
	f.dialog.Show()
	f.app.win.Canvas().Focus(f.issuer)
}

func (f *editForm) onDone(save bool) {
	if !save {
		return
	}
	acct, ok := f.app.v.Account(f.id)
	if !ok {
		return
	}
	acct.Key.Issuer = strings.TrimSpace(f.issuer.Text)
	acct.Key.Name = strings.TrimSpace(f.name.Text)
	acct.Tags = splitTags(f.tags.Text)
	acct.Note = f.note.Text
	acct.Pinned = f.pinned.Checked
	acct.Modified = f.app.now()
	f.app.updateAccount(acct, "Could not save the changes")
}

// splitTags reads "a, b,c" as three tags, dropping empty and repeated ones.
func splitTags(s string) []string {
	var out []string
	seen := map[string]bool{}
	for _, t := range strings.Split(s, ",") {
		t = strings.TrimSpace(t)
		if t != "" && !seen[strings.ToLower(t)] {
			seen[strings.ToLower(t)] = true
			out = append(out, t)
		}
	}
	return out
}

// updateAccount stores a changed account and shows the list again.
func (a *app) updateAccount(acct vault.Account, failure string) bool {
	if a.v == nil {
		return false
	}
	if err := a.v.Update(acct); err != nil {
		a.showError(failure, err)
		return false
	}
	a.save()
	if a.accounts != nil {
		a.accounts.reload()
	}
	return true
}

func (a *app) editAccount(id string) {
	acct, ok := a.v.Account(id)
	if !ok {
		return
	}
	newEditForm(a, acct).show()
}

var errIssuerColon = errors.New("an issuer cannot contain a colon")
