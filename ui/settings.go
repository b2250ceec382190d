package ui

import (
	"fmt"
	"strconv"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"latchkey/internal/safetext"
	"latchkey/vault"
)

// Choices offered for the two timers; 0 means never.
var (
	autoLockChoices  = []time.Duration{time.Minute, 2 * time.Minute, 5 * time.Minute, 10 * time.Minute, 15 * time.Minute, 30 * time.Minute, time.Hour, 0}
	clipClearChoices = []time.Duration{10 * time.Second, 20 * time.Second, 30 * time.Second, 45 * time.Second, time.Minute, 2 * time.Minute, 0}
)

// settingsForm edits the vault's settings and the window's look.
type settingsForm struct {
	app        *app
	autoLock   *widget.Select
	clipClear  *widget.Select
	theme      *widget.Select
	sort       *widget.Select
	backupDir  *widget.Entry
	backupKeep *widget.Entry
	agent      *widget.Check
}

func (a *app) onSettings() {
	if a.v == nil {
		return
	}
	a.touch()
	newSettingsForm(a).show()
}

func newSettingsForm(a *app) *settingsForm {
	s := a.settings()
	f := &settingsForm{app: a}
	f.autoLock = widget.NewSelect(durationLabels(autoLockChoices), nil)
	f.autoLock.SetSelected(durationLabel(s.AutoLock))
	f.clipClear = widget.NewSelect(durationLabels(clipClearChoices), nil)
	f.clipClear.SetSelected(durationLabel(s.ClipboardClear))
	var themes []string
	for _, c := range themeChoices {
		themes = append(themes, c.label())
	}
	f.theme = widget.NewSelect(themes, nil)
	f.theme.SetSelected(parseThemeChoice(a.fyne.Preferences().String(prefTheme)).label())
	var sorts []string
	for _, o := range sortOrders {
		sorts = append(sorts, o.label())
	}
	f.sort = widget.NewSelect(sorts, nil)
	f.sort.SetSelected(parseSortOrder(s.Sort).label())
	f.backupDir = widget.NewEntry()
	f.backupDir.SetPlaceHolder("beside the vault")
	f.backupDir.SetText(s.BackupDir)
	f.backupKeep = widget.NewEntry()
	f.backupKeep.SetText(strconv.Itoa(s.BackupKeep))
	f.backupKeep.Validator = validKeep
	f.agent = widget.NewCheck("Give codes to “latchkey code” while unlocked", nil)
	f.agent.SetChecked(a.agentOn())
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
		widget.NewFormItem("Theme", f.theme),
		widget.NewFormItem("Sort accounts", f.sort),
		widget.NewFormItem("Backup folder", container.NewBorder(nil, nil, nil, browse, f.backupDir)),
		widget.NewFormItem("Backups to keep", f.backupKeep),
		widget.NewFormItem("Scripts", f.agent),
	}
	if note := f.app.agentNote(); note != "" {
		l := widget.NewLabel(safetext.Message(note))
		l.Wrapping = fyne.TextWrapWord
		l.SizeName = theme.SizeNameCaptionText
		items = append(items, widget.NewFormItem("", l))
	}
	if st := f.app.backupState; st.known {
		text, warn := backupLine(st.status, f.app.now())
		l := widget.NewLabel(text)
		l.Wrapping = fyne.TextWrapWord
		l.SizeName = theme.SizeNameCaptionText
		if warn {
			l.Importance = widget.WarningImportance
		}
		items = append(items, widget.NewFormItem("", l))
	}
	d := dialog.NewForm("Settings", "Save", "Cancel", items, f.onDone, f.app.win)
	d.Resize(fyne.NewSize(480, 400))
	d.Show()
}

func (f *settingsForm) onBrowse() {
	d := dialog.NewFolderOpen(func(u fyne.ListableURI, err error) {
		if err == nil && u != nil {
			f.backupDir.SetText(u.Path())
		}
	}, f.app.win)
	if f.backupDir.Text != "" {
		if l, err := storage.ListerForURI(storage.NewFileURI(f.backupDir.Text)); err == nil {
			d.SetLocation(l)
		}
	}
	d.Show()
}

func (f *settingsForm) onDone(save bool) {
	if !save || f.app.v == nil {
		return
	}
	s := f.app.settings()
	s.AutoLock = parseDurationLabel(f.autoLock.Selected, autoLockChoices, s.AutoLock)
	s.ClipboardClear = parseDurationLabel(f.clipClear.Selected, clipClearChoices, s.ClipboardClear)
	for _, o := range sortOrders {
		if o.label() == f.sort.Selected {
			s.Sort = o.String()
		}
	}
	s.BackupDir = f.backupDir.Text
	if n, err := strconv.Atoi(f.backupKeep.Text); err == nil {
		s.BackupKeep = n
	}
	if err := f.app.v.SetSettings(s); err != nil {
		f.app.showError("Could not change the settings", err)
		return
	}
	f.app.save()
	if f.agent.Checked != f.app.agentOn() {
		f.app.setAgentOn(f.agent.Checked)
	}
	for _, c := range themeChoices {
		if c.label() == f.theme.Selected {
			f.app.fyne.Preferences().SetString(prefTheme, c.String())
			f.app.applyTheme(c)
		}
	}
	if f.app.accounts != nil {
		f.app.accounts.reload()
	}
}

func durationLabels(ds []time.Duration) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = durationLabel(d)
	}
	return out
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

func parseDurationLabel(label string, choices []time.Duration, fallback time.Duration) time.Duration {
	for _, d := range choices {
		if durationLabel(d) == label {
			return d
		}
	}
	return fallback
}
