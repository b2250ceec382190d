package ui

import (
	"errors"
	"fmt"
	"net/url"
	"runtime/debug"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"latchkey/internal/safetext"
)

// window is what every screen may use of the window, locked or unlocked:
// dialogs, the sign of background work, the questions a worker waits on,
// the clipboard and the clock. It holds nothing of the vault.
type window struct {
	win       fyne.Window
	now       func() time.Time
	clipboard fyne.Clipboard
	openURL   func(*url.URL) error

	// background runs slow work off the UI goroutine; tests run it inline.
	background func(f func())
	// asked, when set, runs on the UI goroutine after a worker showed a
	// question (askAndWait); tests answer it there.
	asked func()

	busyDialog dialog.Dialog // shown while background work runs
	busyBar    *workIndicator

	// Questions workers wait on (askAndWait), by number; UI goroutine only.
	openQuestions map[int]func()
	questions     int
}

func newWindow(fa fyne.App, w fyne.Window, now func() time.Time) *window {
	ww := &window{win: w, now: now, clipboard: fa.Clipboard(), openURL: fa.OpenURL}
	ww.background = func(f func()) { go ww.contained(f) }
	return ww
}

// contained runs background work and turns a panic (a bug) into an error
// dialog instead of a crash that would take the window, and the unsaved
// state in it, down. A save it interrupts leaves the old vault file whole.
func (w *window) contained(f func()) {
	defer func() {
		if p := recover(); p != nil {
			err := fmt.Errorf("internal error (%T); please report it", p)
			fyne.Do(func() { w.showError("Something went wrong inside Latchkey", err) })
		}
	}()
	f()
}

// showError shows what went wrong and what to do about it.
func (w *window) showError(title string, err error) {
	d := dialog.NewError(errors.New(safetext.Message(title+": "+advice(err))), w.win)
	d.Show()
}

// showInfo shows a short message.
func (w *window) showInfo(title, msg string) {
	dialog.ShowInformation(safetext.Message(title), safetext.Message(msg), w.win)
}

// showProblems says why nothing was added, with what to do about it.
func (w *window) showProblems(problems []string) {
	if len(problems) == 0 {
		return
	}
	msg := widget.NewLabel(safetext.Message(strings.Join(problems, "\n\n")))
	msg.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustom("Nothing added", "OK", container.New(&columnLayout{width: 380}, msg), w.win)
	d.Show()
}

// busy shows a modal sign of background work; idleAgain removes it.
func (w *window) busy(msg string) {
	w.idleAgain()
	label := widget.NewLabel(safetext.Message(msg))
	label.Alignment = fyne.TextAlignCenter
	w.busyBar = newWorkIndicator()
	w.busyBar.start()
	w.busyDialog = dialog.NewCustomWithoutButtons("", container.New(&columnLayout{width: 280}, container.NewVBox(label, w.busyBar.box)), w.win)
	w.busyDialog.Show()
}

func (w *window) idleAgain() {
	if w.busyDialog != nil {
		w.busyBar.stop()
		w.busyDialog.Hide()
		w.busyDialog, w.busyBar = nil, nil
	}
}

// clear takes every dialog off the window (they may show vault data) and
// answers every open question with a cancel, for the lock.
func (w *window) clear() {
	w.busyDialog, w.busyBar = nil, nil
	overlays := w.win.Canvas().Overlays()
	for o := overlays.Top(); o != nil; o = overlays.Top() {
		overlays.Remove(o)
	}
	for id, cancel := range w.openQuestions {
		delete(w.openQuestions, id)
		cancel()
	}
}

// focus gives o the keyboard.
func (w *window) focus(o fyne.Focusable) { w.win.Canvas().Focus(o) }

// askAndWait shows a question from a worker goroutine and waits for the
// person's answer. show runs on the UI goroutine and must call answer once.
// Locking answers every open question with T's zero value (a cancel), so
// the worker does not wait forever for a dialog the lock took away.
func askAndWait[T any](w *window, show func(answer func(T))) T {
	ch := make(chan T, 1)
	answer := func(v T) {
		select {
		case ch <- v:
		default: // answered already
		}
	}
	fyne.DoAndWait(func() {
		w.idleAgain()
		w.questions++
		id := w.questions
		if w.openQuestions == nil {
			w.openQuestions = map[int]func(){}
		}
		var zero T
		w.openQuestions[id] = func() { answer(zero) }
		show(func(v T) {
			delete(w.openQuestions, id)
			answer(v)
		})
		if w.asked != nil {
			w.asked()
		}
	})
	return <-ch
}

// showSecretPrompt asks for a password in a dialog; answer gets nil when
// the person cancels.
func (w *window) showSecretPrompt(title, msg string, answer func([]byte)) {
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
	}, w.win)
	entry.OnSubmitted = func(string) { d.Submit() }
	d.Resize(fyne.NewSize(420, 220))
	d.Show()
	w.focus(entry)
}

// workIndicator is a moving bar shown only while work runs. The bar is made
// on start and dropped on stop: Fyne's infinite bar animates (and redraws the
// window 60 times a second) from the moment it is rendered, even hidden.
type workIndicator struct {
	box *fyne.Container
	bar *widget.ProgressBarInfinite
}

func newWorkIndicator() *workIndicator { return &workIndicator{box: container.NewStack()} }

func (w *workIndicator) start() {
	if w.bar != nil {
		return
	}
	w.bar = widget.NewProgressBarInfinite()
	w.box.Add(w.bar)
}

func (w *workIndicator) stop() {
	if w.bar == nil {
		return
	}
	w.bar.Stop()
	w.box.RemoveAll()
	w.bar = nil
}

// showWorking shows on a form that a slow step runs (on), or no longer
// does: the problem shown before goes, the controls wait and the bar moves.
func showWorking(on bool, bar *workIndicator, problem *widget.Label, controls ...fyne.Disableable) {
	if on {
		problem.Hide()
		for _, c := range controls {
			c.Disable()
		}
		bar.start()
		return
	}
	bar.stop()
	for _, c := range controls {
		c.Enable()
	}
}

// releaseKDFMemory hands the key derivation's memory (Argon2 uses hundreds
// of MiB) back to the system now rather than minutes later.
func releaseKDFMemory() { debug.FreeOSMemory() }
