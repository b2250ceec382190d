package ui

import (
	"errors"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"latchkey/internal/safetext"
	"latchkey/vault"
)

// editForm changes what a person sees of an account: names, tags, note, pin.
// The key itself is not editable: a changed key is a new account.
type editForm struct {
	session *session
	id      string
	issuer  *formEntry
	name    *formEntry
	tags    *formEntry
	note    *formEntry
	pinned  *widget.Check
	dialog  *dialog.FormDialog
	// The entries start with the stored texts escaped, so that no control
	// character acts in the window; a field left as shown keeps its stored
	// value exactly.
	shown, stored editTexts
}

// editTexts are the fields of an account the form edits.
type editTexts struct {
	issuer, name, note string
	tags               []string
}

func newEditForm(s *session, acct vault.Account) *editForm {
	f := &editForm{session: s, id: acct.ID}
	f.stored = editTexts{issuer: acct.Key.Issuer, name: acct.Key.Name, note: acct.Note, tags: acct.Tags}
	f.shown = editTexts{issuer: safetext.Escape(acct.Key.Issuer), name: safetext.Escape(acct.Key.Name), note: safetext.Message(acct.Note)}
	for _, t := range acct.Tags {
		f.shown.tags = append(f.shown.tags, safetext.Escape(t))
	}
	f.issuer = newFormEntry()
	f.issuer.SetText(f.shown.issuer)
	f.issuer.Validator = validIssuer
	f.name = newFormEntry()
	f.name.SetText(f.shown.name)
	f.tags = newFormEntry()
	f.tags.SetPlaceHolder("work, personal")
	f.tags.SetText(strings.Join(f.shown.tags, ", "))
	f.note = newFormMultiLineEntry()
	f.note.SetMinRowsVisible(3)
	f.note.SetText(f.shown.note)
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
	f.dialog = dialog.NewForm("Edit account", "Save", "Cancel", items, f.onDone, f.session.w.win)
	f.dialog.Resize(fyne.NewSize(420, 380))
	f.session.w.present(f.dialog, f.dialog.Submit)
	f.session.w.focus(f.issuer)
}

func (f *editForm) onDone(save bool) {
	if !save {
		return
	}
	acct, ok := f.session.account(f.id)
	if !ok {
		return
	}
	acct.Key.Issuer = fromEntry(f.issuer.Text, f.shown.issuer, f.stored.issuer)
	acct.Key.Name = fromEntry(f.name.Text, f.shown.name, f.stored.name)
	acct.Tags = f.stored.tags
	if f.tags.Text != strings.Join(f.shown.tags, ", ") {
		acct.Tags = splitTags(f.tags.Text)
	}
	acct.Note = f.stored.note
	if f.note.Text != f.shown.note {
		acct.Note = f.note.Text
	}
	acct.Pinned = f.pinned.Checked
	acct.Modified = f.session.w.now()
	if f.session.update(acct, "Could not save the changes") {
		f.session.say("Saved the changes to " + safetext.Escape(acct.Key.Label()) + ".")
	}
}

// fromEntry is what a name field saves: the stored value, exactly, while
// the entry still shows it as it was opened (escaped); else what was typed.
func fromEntry(text, shown, stored string) string {
	if text == shown {
		return stored
	}
	return strings.TrimSpace(text)
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

var errIssuerColon = errors.New("an issuer cannot contain a colon")
