package ui

import (
	"fmt"
	"strconv"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"latchkey/internal/safetext"
	"latchkey/vault"
)

// The choices Settings offers; 0 means never.
var (
	autoLockChoices  = newChoices(durationLabel, time.Minute, 2*time.Minute, 5*time.Minute, 10*time.Minute, 15*time.Minute, 30*time.Minute, time.Hour, 0)
	clipClearChoices = newChoices(durationLabel, 10*time.Second, 20*time.Second, 30*time.Second, 45*time.Second, time.Minute, 2*time.Minute, 0)
	themeLabels      = newChoices(themeChoice.label, themeChoices...)
	sortLabels       = newChoices(sortOrder.label, sortOrders...)
)

// settingsForm edits the vault's settings and the window's look, which the
// app keeps (a preference, not the vault's): theme is the look now, and
// onTheme is told of a new one.
type settingsForm struct {
	session    *session
	theme      themeChoice
	onTheme    func(themeChoice)
	autoLock   *widget.Select
	clipClear  *widget.Select
	themes     *widget.Select
	sort       *widget.Select
	backupDir  *formEntry
	backupKeep *formEntry
	agent      *widget.Check
}

func newSettingsForm(ss *session, theme themeChoice, onTheme func(themeChoice)) *settingsForm {
	s := ss.settings()
	f := &settingsForm{session: ss, theme: theme, onTheme: onTheme}
	f.autoLock = widget.NewSelect(autoLockChoices.labels, nil)
	f.autoLock.SetSelected(durationLabel(s.AutoLock))
	f.clipClear = widget.NewSelect(clipClearChoices.labels, nil)
	f.clipClear.SetSelected(durationLabel(s.ClipboardClear))
	f.themes = widget.NewSelect(themeLabels.labels, nil)
	f.themes.SetSelected(theme.label())
	f.sort = widget.NewSelect(sortLabels.labels, nil)
	f.sort.SetSelected(parseSortOrder(s.Sort).label())
	f.backupDir = newFormEntry()
	f.backupDir.SetPlaceHolder("beside the vault")
	f.backupDir.SetText(s.BackupDir)
	f.backupKeep = newFormEntry()
	f.backupKeep.SetText(strconv.Itoa(s.BackupKeep))
	f.backupKeep.Validator = validKeep
	// Short: the form's second column is about 250 px at the window's
	// first size, and a check box's text does not wrap.
	f.agent = widget.NewCheck("Give codes while unlocked", nil)
	f.agent.SetChecked(ss.agent.on())
	return f
}

func validKeep(s string) error {
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > vault.MaxBackupKeep {
		return fmt.Errorf("a number from 0 to %d", vault.MaxBackupKeep)
	}
	return nil
}

func (f *settingsForm) show() {
	browse := widget.NewButton("Choose…", f.onBrowse)
	items := []*widget.FormItem{
		widget.NewFormItem("Lock after idle", f.autoLock),
		widget.NewFormItem("Clear copied codes after", f.clipClear),
		widget.NewFormItem("Theme", f.themes),
		widget.NewFormItem("Sort accounts", f.sort),
		widget.NewFormItem("Backup folder", container.NewBorder(nil, nil, nil, browse, f.backupDir)),
		widget.NewFormItem("Backups to keep", f.backupKeep),
		widget.NewFormItem("Scripts", f.agent),
	}
	if note := f.session.agent.note(); note != "" {
		l := widget.NewLabel(safetext.Message(note))
		l.Wrapping = fyne.TextWrapWord
		l.SizeName = theme.SizeNameCaptionText
		items = append(items, widget.NewFormItem("", l))
	}
	if st := f.session.backups; st.known {
		text, warn := backupLine(st.status, f.session.w.now())
		l := widget.NewLabel(text)
		l.Wrapping = fyne.TextWrapWord
		l.SizeName = theme.SizeNameCaptionText
		if warn {
			l.Importance = widget.WarningImportance
		}
		items = append(items, widget.NewFormItem("", l))
	}
	d := dialog.NewForm("Settings", "Save", "Cancel", items, f.onDone, f.session.w.win)
	// Never wider than the window: at 460 px the form ran off its edge.
	d.Resize(fyne.NewSize(min(480, f.session.w.win.Canvas().Size().Width), 400))
	f.session.w.present(d, d.Submit)
}

func (f *settingsForm) onBrowse() {
	f.session.w.chooseFile(pickBackupFolder, f.backupDir.Text, f.backupDir.SetText)
}

func (f *settingsForm) onDone(save bool) {
	ss := f.session
	if !save || ss.ended() {
		return
	}
	s := ss.settings()
	if d, ok := autoLockChoices.of(f.autoLock.Selected); ok {
		s.AutoLock = d
	}
	if d, ok := clipClearChoices.of(f.clipClear.Selected); ok {
		s.ClipboardClear = d
	}
	if o, ok := sortLabels.of(f.sort.Selected); ok {
		s.Sort = o.String()
	}
	s.BackupDir = f.backupDir.Text
	if n, err := strconv.Atoi(f.backupKeep.Text); err == nil {
		s.BackupKeep = n
	}
	if err := ss.v.SetSettings(s); err != nil {
		ss.w.showError("Could not change the settings", err)
		return
	}
	ss.save()
	if f.agent.Checked != ss.agent.on() {
		ss.agent.setOn(ss, f.agent.Checked)
	}
	if c, ok := themeLabels.of(f.themes.Selected); ok {
		f.onTheme(c)
	}
	ss.refresh("")
}

// durationLabel says a duration as people do: "30 seconds", "5 minutes".
func durationLabel(d time.Duration) string {
	switch {
	case d <= 0:
		return "Never"
	case d%time.Hour == 0:
		return plural(int(d/time.Hour), "hour")
	case d%time.Minute == 0:
		return plural(int(d/time.Minute), "minute")
	}
	return plural(int(d/time.Second), "second")
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return strconv.Itoa(n) + " " + unit + "s"
}
