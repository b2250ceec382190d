package ui

import (
	"fmt"
	"html"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// backupCodesScreen shows the vault's backup codes once, with ways to keep
// them, and goes on only when the person says they are stored.
type backupCodesScreen struct {
	w          *window
	clip       *clipGuard
	clearAfter func() time.Duration // when a copy leaves the clipboard
	vaultPath  string
	codes      []string
	note       string // why new codes are shown, when it is not obvious
	stored     *widget.Check
	next       *widget.Button
	onDone     func()
	feedback   *widget.Label
}

func newBackupCodesScreen(w *window, clip *clipGuard, clearAfter func() time.Duration, vaultPath string, codes []string, onDone func()) *backupCodesScreen {
	s := &backupCodesScreen{w: w, clip: clip, clearAfter: clearAfter, vaultPath: vaultPath, codes: codes, onDone: onDone}
	s.stored = widget.NewCheck("I have stored these codes somewhere safe", s.onStored)
	s.next = widget.NewButtonWithIcon("Continue", theme.NavigateNextIcon(), s.onContinue)
	s.next.Importance = widget.HighImportance
	s.next.Disable()
	s.feedback = widget.NewLabel("")
	s.feedback.Importance = widget.SuccessImportance
	s.feedback.Hide()
	return s
}

func (s *backupCodesScreen) content() fyne.CanvasObject {
	intro := widget.NewLabel("Each code opens the vault once if you forget the password. They are shown only now: keep them away from this computer.")
	if s.note != "" {
		intro.SetText(s.note + "\n\n" + intro.Text)
	}
	intro.Wrapping = fyne.TextWrapWord
	// One code a line, the lines as close as a paragraph's: a code is 34
	// characters, too wide for two columns, and the gate below (the check
	// and Continue) must stay in view at the window's first size.
	mono := fyne.TextStyle{Monospace: true}
	probe := widget.NewLabelWithStyle("M", fyne.TextAlignCenter, mono)
	grid := container.New(layout.NewCustomPaddedVBoxLayout(fyne.MeasureText("M", theme.TextSize(), mono).Height - probe.MinSize().Height))
	for _, c := range s.codes {
		l := widget.NewLabelWithStyle(c, fyne.TextAlignCenter, mono)
		l.Selectable = true
		grid.Add(l)
	}
	actions := container.NewGridWithColumns(3,
		widget.NewButtonWithIcon("Copy", theme.ContentCopyIcon(), s.onCopy),
		widget.NewButtonWithIcon("Save…", theme.DocumentSaveIcon(), s.onSaveText),
		widget.NewButtonWithIcon("Print page…", theme.DocumentPrintIcon(), s.onSavePage),
	)
	return centredForm(heading("Your backup codes"), intro, widget.NewCard("", "", grid), actions, s.feedback, s.stored, s.next)
}

func (s *backupCodesScreen) onStored(on bool) {
	if on {
		s.next.Enable()
	} else {
		s.next.Disable()
	}
}

func (s *backupCodesScreen) onContinue() {
	if s.stored.Checked {
		s.onDone()
	}
}

func (s *backupCodesScreen) onCopy() {
	s.clip.copy(strings.Join(s.codes, "\n"), s.clearAfter())
	s.say("Copied. The clipboard is cleared shortly.")
}

func (s *backupCodesScreen) onSaveText() {
	s.saveAs("latchkey-backup-codes.txt", []byte(backupCodesText(s.vaultPath, s.codes)))
}

func (s *backupCodesScreen) onSavePage() {
	s.saveAs("latchkey-backup-codes.html", []byte(backupCodesPage(s.vaultPath, s.codes)))
}

func (s *backupCodesScreen) saveAs(name string, data []byte) {
	chooseSaveFile(s.w, s.vaultPath, "Save the backup codes", "Anyone with these codes can open the vault: keep the file away from this computer, on a USB stick or printed.", name, func(path string, replace bool) {
		s.w.background(func() {
			err := writePrivate(s.vaultPath, path, data, replace)
			fyne.Do(func() {
				if err != nil {
					s.w.showError("Could not save the codes", err)
					return
				}
				s.say("Saved to " + filepath.Base(path) + ".")
			})
		})
	})
}

func (s *backupCodesScreen) say(msg string) {
	s.feedback.SetText(msg)
	s.feedback.Show()
}

func backupCodesText(vaultPath string, codes []string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Latchkey backup codes\nVault: %s\n\nEach code unlocks the vault once.\n\n", vaultPath)
	for _, c := range codes {
		fmt.Fprintf(&b, "[ ] %s\n", c)
	}
	return b.String()
}

// backupCodesPage is a self-contained page laid out for printing.
func backupCodesPage(vaultPath string, codes []string) string {
	var b strings.Builder
	b.WriteString(`<!doctype html><html><head><meta charset="utf-8"><title>Latchkey backup codes</title>
<style>body{font-family:sans-serif;max-width:40em;margin:2em auto}ol{columns:2;font:1.3em monospace}li{margin:.4em 0}
p.small{color:#555;font-size:.9em}@media print{button{display:none}}</style></head><body>
<h1>Latchkey backup codes</h1>
<p class="small">Vault: `)
	b.WriteString(html.EscapeString(vaultPath))
	b.WriteString(`</p><p>Each code unlocks the vault once if the password is lost. Cross out a code once used. Keep this page somewhere safe, away from the computer.</p><ol>`)
	for _, c := range codes {
		b.WriteString("<li>" + html.EscapeString(c) + "</li>")
	}
	b.WriteString(`</ol><button onclick="print()">Print</button></body></html>` + "\n")
	return b.String()
}
