package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
)

// askAndWait shows a question from a worker goroutine and waits for the
// person's answer. show runs on the UI goroutine and must call answer once.
// Locking answers every open question with T's zero value (a cancel), so
// the worker does not wait forever for a dialog the lock took away.
func askAndWait[T any](a *app, show func(answer func(T))) T {
	ch := make(chan T, 1)
	answer := func(v T) {
		select {
		case ch <- v:
		default: // answered already
		}
	}
	fyne.DoAndWait(func() {
		a.idleAgain()
		a.questions++
		id := a.questions
		if a.openQuestions == nil {
			a.openQuestions = map[int]func(){}
		}
		var zero T
		a.openQuestions[id] = func() { answer(zero) }
		show(func(v T) {
			delete(a.openQuestions, id)
			answer(v)
		})
		if a.asked != nil {
			a.asked()
		}
	})
	return <-ch
}

// cancelQuestions answers every open question with a cancel.
func (a *app) cancelQuestions() {
	for id, cancel := range a.openQuestions {
		delete(a.openQuestions, id)
		cancel()
	}
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
