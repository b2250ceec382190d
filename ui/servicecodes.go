package ui

import (
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"latchkey/internal/safetext"
	"latchkey/vault"
)

// serviceCodesDialog keeps the recovery codes a website gave for an
// account: view them, add more, mark them used.
type serviceCodesDialog struct {
	session *session
	id      string
	codes   []vault.ServiceCode
	list    *fyne.Container
	entry   *formEntry
	status  *widget.Label
}

// showServiceCodes shows the codes kept for the account id.
func showServiceCodes(s *session, id string) {
	acct, ok := s.account(id)
	if !ok {
		return
	}
	s.touch()
	d := &serviceCodesDialog{session: s, id: id, codes: append([]vault.ServiceCode(nil), acct.BackupCodes...)}
	d.show(safetext.Escape(acct.Key.Label()))
}

func (d *serviceCodesDialog) show(title string) {
	d.list = container.NewVBox()
	d.status = widget.NewLabel("")
	d.status.Importance = widget.LowImportance
	d.entry = newFormMultiLineEntry()
	d.entry.SetPlaceHolder("Paste the codes the service gave, one per line")
	d.entry.SetMinRowsVisible(3)
	add := widget.NewButtonWithIcon("Add codes", theme.ContentAddIcon(), d.onAdd)
	d.fill()
	body := container.NewBorder(d.status, container.NewVBox(d.entry, add), nil, nil, container.NewVScroll(d.list))
	dlg := dialog.NewCustom("Backup codes: "+title, "Close", container.New(&minSizeLayout{size: fyne.NewSize(400, 420)}, body), d.session.w.win)
	d.session.w.present(dlg, nil)
}

// fill shows the codes, unused first.
func (d *serviceCodesDialog) fill() {
	d.list.RemoveAll()
	unused := 0
	for i, c := range d.codes {
		label := safetext.Escape(c.Code)
		if c.Used && !c.UsedAt.IsZero() {
			label += "  (used " + c.UsedAt.Format("2 Jan 2006") + ")"
		}
		check := widget.NewCheck(label, d.onMarked(i))
		check.Checked = c.Used
		d.list.Add(check)
		if !c.Used {
			unused++
		}
	}
	if len(d.codes) == 0 {
		d.status.SetText("No codes kept for this account yet.")
	} else {
		d.status.SetText(fmt.Sprintf("%d of %d unused. Tick a code once you used it.", unused, len(d.codes)))
	}
}

func (d *serviceCodesDialog) onMarked(i int) func(bool) {
	return func(used bool) {
		if d.codes[i].Used == used {
			return
		}
		d.codes[i].Used = used
		d.codes[i].UsedAt = timeIf(used, d.session.w.now())
		d.store()
	}
}

func (d *serviceCodesDialog) onAdd() {
	for _, line := range strings.FieldsFunc(d.entry.Text, func(r rune) bool { return r == '\n' || r == ',' || r == ';' }) {
		if c := strings.TrimSpace(line); c != "" {
			d.codes = append(d.codes, vault.ServiceCode{Code: c})
		}
	}
	d.entry.SetText("")
	d.store()
}

func (d *serviceCodesDialog) store() {
	acct, ok := d.session.account(d.id)
	if !ok {
		return
	}
	acct.BackupCodes = d.codes
	acct.Modified = d.session.w.now()
	if d.session.update(acct, "Could not save the backup codes") {
		d.fill()
	}
}

func timeIf(on bool, t time.Time) time.Time {
	if on {
		return t
	}
	return time.Time{}
}
