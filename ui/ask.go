package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
)

// askAndWait shows a question from a worker goroutine and waits for the
// person's answer. show runs on the UI goroutine and must call answer once.
func askAndWait[T any](a *app, show func(answer func(T))) T {
	ch := make(chan T, 1)
	fyne.DoAndWait(func() {
		a.idleAgain()
		show(func(v T) {
			select {
			case ch <- v:
			default: // answered already
			}
		})
		if a.asked != nil {
			a.asked()
		}
	})
	return <-ch
}

// showSecretPrompt asks for a password in a dialog; answer gets nil when
// the person cancels.
func (a *app) showSecretPrompt(title, msg string, answer func([]byte)) {
	entry := widget.NewPasswordEntry()
	label := widget.NewLabel(msg)
	label.Wrapping = fyne.TextWrapWord
	items := []*widget.FormItem{widget.NewFormItem("", label), widget.NewFormItem("Password", entry)}
	d := dialog.NewForm(title, "Open", "Cancel", items, func(ok bool) {
		if ok {
			answer([]byte(entry.Text))
		} else {
			answer(nil)
		}
		entry.SetText("")
	}, a.win)
	entry.OnSubmitted = func(string) { d.Submit() }
	d.Resize(fyne.NewSize(420, 220))
	d.Show()
	a.win.Canvas().Focus(entry)
}
