package ui

import (
	"errors"
	"fmt"
	"net/url"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
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
	busyJob    *job // the job busyDialog is for
	// era counts the locks (clear): a job begun in an earlier era belongs
	// to a session that ended, and touches nothing of a later one.
	era int
	// kept are the outcomes of jobs the lock ended, said once under the
	// list after the next unlock (keep): nothing shows over the lock
	// screen, and a write the person asked for does not end unsaid.
	kept []string
	// sayKept says kept notes under the unlocked session's list; nil
	// while locked.
	sayKept func(string)

	// Questions workers wait on (askAndWait), by number; UI goroutine only.
	openQuestions map[int]func()
	questions     int

	// The dialogs shown through present, in order; the keyboard goes to
	// the one in front (see typedKey).
	dialogs []*shownDialog
	// What the screen does with keys typed while nothing has the focus
	// and no dialog is in front; nil drops them.
	strayRune func(rune)
	strayKey  func(*fyne.KeyEvent)
	// What the screen does with Ctrl+V while no text field has the focus
	// and no dialog is in front; nil drops it.
	strayPaste func()
}

// shownDialog is a dialog in the window and what Return does in it.
type shownDialog struct {
	d       dialog.Dialog
	overlay fyne.CanvasObject // the dialog's layer in the window
	submit  func()            // Return; nil means Return closes it, like Esc
}

func newWindow(fa fyne.App, w fyne.Window, now func() time.Time) *window {
	ww := &window{win: w, now: now, clipboard: fa.Clipboard(), openURL: fa.OpenURL}
	ww.background = func(f func()) { go ww.contained(f) }
	c := w.Canvas()
	c.SetOnTypedRune(ww.typedRune)
	c.SetOnTypedKey(ww.typedKey)
	// A focused entry takes Ctrl+V itself; the window has it otherwise.
	c.AddShortcut(&fyne.ShortcutPaste{}, ww.typedPaste)
	return ww
}

// dialogOpen reports whether anything (a dialog, a pop-up menu) stands in
// front of the screen. It reads the window's layers, so no dialog can be
// forgotten: while it holds, window shortcuts and stray keys do nothing.
func (w *window) dialogOpen() bool { return w.win.Canvas().Overlays().Top() != nil }

// present shows d and gives it the keyboard: Esc closes it, Return runs
// submit (or closes it when submit is nil), typing goes to its fields.
// Every dialog is shown through here.
func (w *window) present(d dialog.Dialog, submit func()) {
	d.Show()
	trace("dialog shown")
	sd := &shownDialog{d: d, overlay: w.win.Canvas().Overlays().Top(), submit: submit}
	w.dialogs = append(w.dialogs, sd)
	// After Show: a file dialog keeps its close callback only once shown.
	d.SetOnClosed(func() { w.forget(sd) })
}

func (w *window) forget(sd *shownDialog) {
	trace("dialog closed")
	w.dialogs = slices.DeleteFunc(w.dialogs, func(o *shownDialog) bool { return o == sd })
}

// front is the dialog in front, if it came through present.
func (w *window) front() *shownDialog {
	top := w.win.Canvas().Overlays().Top()
	if top == nil {
		return nil
	}
	for i := len(w.dialogs) - 1; i >= 0; i-- {
		if w.dialogs[i].overlay == top {
			return w.dialogs[i]
		}
	}
	return nil
}

// typedKey gets the keys no focused widget took (and Esc from our
// entries, see formEntry): the dialog in front has them, else the screen.
func (w *window) typedKey(k *fyne.KeyEvent) {
	if !w.dialogOpen() {
		if w.strayKey != nil {
			w.strayKey(k)
		}
		return
	}
	d := w.front()
	if d == nil {
		return
	}
	switch k.Name {
	case fyne.KeyEscape:
		d.d.Hide()
	case fyne.KeyReturn, fyne.KeyEnter:
		if d.submit != nil {
			d.submit()
		} else {
			d.d.Hide()
		}
	}
}

func (w *window) typedRune(r rune) {
	if !w.dialogOpen() && w.strayRune != nil {
		w.strayRune(r)
	}
}

func (w *window) typedPaste(fyne.Shortcut) {
	if !w.dialogOpen() && w.strayPaste != nil {
		w.strayPaste()
	}
}

// setStrayPaste says what Ctrl+V does while no text field has the focus;
// nil drops it.
func (w *window) setStrayPaste(f func()) { w.strayPaste = f }

// setStrayKeys says where the screen takes keys typed while nothing has
// the focus; nil, nil drops them.
func (w *window) setStrayKeys(r func(rune), k func(*fyne.KeyEvent)) {
	w.strayRune, w.strayKey = r, k
}

// whenFree wraps a window-wide action (a menu item and its shortcut): it
// waits, doing nothing, while a dialog is in front, so a shortcut never
// stacks a second dialog or acts behind the one shown, and while a job
// holds the window before its sign or question shows (hold).
func (w *window) whenFree(f func()) func() {
	return func() {
		if !w.dialogOpen() && !w.working() {
			f()
		}
	}
}

// guardMenus makes every item of the main menu wait for the dialogs (see
// whenFree), except Quit.
func (w *window) guardMenus(menus ...*fyne.Menu) {
	var guard func(items []*fyne.MenuItem)
	guard = func(items []*fyne.MenuItem) {
		for _, it := range items {
			if it.Action != nil && !it.IsQuit {
				it.Action = w.whenFree(it.Action)
			}
			if it.ChildMenu != nil {
				guard(it.ChildMenu.Items)
			}
		}
	}
	for _, m := range menus {
		guard(m.Items)
	}
}

// confirm asks a yes-or-no question; Return says yes, Esc no. answer runs
// once.
func (w *window) confirm(d func(answer func(bool)) *dialog.ConfirmDialog, answer func(bool)) {
	done := false
	once := func(ok bool) {
		if !done {
			done = true
			answer(ok)
		}
	}
	cd := d(once)
	w.present(cd, func() {
		once(true)
		cd.Hide()
	})
}

// contained runs background work and turns a panic (a bug) into an error
// dialog instead of a crash that would take the window, and the unsaved
// state in it, down. A save it interrupts leaves the old vault file whole.
func (w *window) contained(f func()) {
	defer func() {
		if p := recover(); p != nil {
			err := fmt.Errorf("latchkey hit an internal error (%T); please report it", p)
			fyne.Do(func() { w.showError("Something went wrong inside Latchkey", err) })
		}
	}()
	f()
}

// showError shows what went wrong and what to do about it.
func (w *window) showError(title string, err error) {
	w.present(dialog.NewError(errors.New(safetext.Message(title+". "+advice(err))), w.win), nil)
}

// showInfo shows a short message.
func (w *window) showInfo(title, msg string) {
	w.present(dialog.NewInformation(safetext.Message(title), safetext.Message(msg), w.win), nil)
}

// showProblems says why nothing was added, with what to do about it.
func (w *window) showProblems(problems []string) {
	if len(problems) == 0 {
		return
	}
	msg := widget.NewLabel(safetext.Message(strings.Join(problems, "\n\n")))
	msg.Wrapping = fyne.TextWrapWord
	w.present(dialog.NewCustom("Nothing added", "OK", container.New(&columnLayout{width: 380}, msg), w.win), nil)
}

// job is one piece of background work the window may show as busy. Only
// the job that shows the busy sign takes it away, and the lock ends every
// job: a job that finishes after the vault was locked, and unlocked again,
// leaves the sign of the new session's work alone, so that work still
// holds the window and no second job starts beside it. UI goroutine only.
type job struct {
	w   *window
	era int
}

// startJob begins a job that shows no sign yet (see show).
func (w *window) startJob() *job { return &job{w: w, era: w.era} }

// busy begins a job shown as a modal sign of background work; the job's
// done removes it.
func (w *window) busy(msg string) *job {
	j := w.startJob()
	j.show(msg)
	return j
}

// hold begins a job that holds the window as busy does (working, so no
// second job starts beside it) but shows no sign yet: its question comes
// at once, and a sign would stand in front of it. show gives it one.
func (w *window) hold() *job {
	j := w.startJob()
	w.hideBusy()
	w.busyJob = j
	return j
}

// working reports whether a job begun with busy or hold runs, its sign
// shown or a question of it asked (askAndWait).
func (w *window) working() bool { return w.busyJob != nil }

// live reports whether the session j began in is still the window's: no
// lock came since.
func (j *job) live() bool { return j.era == j.w.era }

// show shows msg as the sign of j, again after a question (askAndWait);
// nothing once the lock ended j.
func (j *job) show(msg string) {
	if !j.live() {
		return
	}
	w := j.w
	w.hideBusy()
	label := widget.NewLabel(safetext.Message(msg))
	label.Alignment = fyne.TextAlignCenter
	w.busyBar = newWorkIndicator()
	w.busyBar.start()
	w.busyDialog = dialog.NewCustomWithoutButtons("", container.New(&columnLayout{width: 280}, container.NewVBox(label, w.busyBar.box)), w.win)
	w.busyJob = j
	// Not through present: Esc cannot stop the work, so it cannot close this.
	w.busyDialog.Show()
}

// done ends j: its sign goes, when it is still j's. The sign of another
// job, or of a later session, stays.
func (j *job) done() {
	if j.w.busyJob == j {
		j.w.hideBusy()
		j.w.busyJob = nil
	}
}

// endedByLock reports whether the lock ended j, and then keeps for after
// the unlock how it ended: failedNote when it failed, else doneNote.
func (j *job) endedByLock(failed bool, failedNote, doneNote string) bool {
	switch {
	case j.live():
		return false
	case failed:
		j.w.keep(failedNote)
	default:
		j.w.keep(doneNote)
	}
	return true
}

// maxKept bounds the notes kept while locked: jobs end with the lock, so
// there are few, but a note is never allowed to grow without end.
const maxKept = 4

// keep says msg, one short secret-free line on how a job the lock ended
// ended (names in it escaped): under the list of the session open now, or
// once after the next unlock. Never over the lock screen.
func (w *window) keep(msg string) {
	if w.sayKept != nil {
		w.sayKept(msg)
		return
	}
	if len(w.kept) == maxKept {
		w.kept = w.kept[1:]
	}
	w.kept = append(w.kept, msg)
}

// unlocked says the notes kept while locked, once, with say (the new
// session's list), and says later notes there until the next lock.
func (w *window) unlocked(say func(string)) {
	w.sayKept = say
	if len(w.kept) > 0 {
		say(strings.Join(w.kept, "\n"))
		w.kept = nil
	}
}

// background runs j's work off the UI goroutine (w.background); a panic
// in it (a bug, said by contained) ends j too, else its sign, a dialog
// without buttons, would hold the window until the next lock.
func (j *job) background(f func()) { j.w.background(j.guard(f)) }

// guard is f, ending j when f panics; the panic goes on to contained.
func (j *job) guard(f func()) func() {
	return func() {
		defer func() {
			if p := recover(); p != nil {
				fyne.Do(j.done)
				panic(p)
			}
		}()
		f()
	}
}

// hideBusy takes the busy sign away; the job keeps the window.
func (w *window) hideBusy() {
	if w.busyDialog != nil {
		w.busyBar.stop()
		w.busyDialog.Hide()
	}
	w.busyDialog, w.busyBar = nil, nil
}

// clear takes every dialog off the window (they may show vault data) and
// answers every open question with a cancel, for the lock.
func (w *window) clear() {
	w.era++ // every job begun so far ends
	if w.busyBar != nil {
		w.busyBar.stop()
	}
	w.busyDialog, w.busyBar, w.busyJob = nil, nil, nil
	w.sayKept = nil
	w.dialogs = nil
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

// untilClear runs cancel when the window is cleared (the lock) before the
// returned done is called: what waits on a person, here or in another
// window of the desktop, is called off with the screen that asked. UI
// goroutine only.
func (w *window) untilClear(cancel func()) (done func()) {
	w.questions++
	id := w.questions
	if w.openQuestions == nil {
		w.openQuestions = map[int]func(){}
	}
	w.openQuestions[id] = cancel
	return func() { delete(w.openQuestions, id) }
}

// askAndWait shows a question from j's worker goroutine and waits for the
// person's answer; j's busy sign goes meanwhile (show it again after). show
// runs on the UI goroutine and must call answer once. Locking answers every
// open question with T's zero value (a cancel), so the worker does not wait
// forever for a dialog the lock took away; a job the lock ended gets that
// answer at once, nothing shown over a later screen.
func askAndWait[T any](j *job, show func(answer func(T))) T {
	w := j.w
	ch := make(chan T, 1)
	answer := func(v T) {
		select {
		case ch <- v:
		default: // answered already
		}
	}
	fyne.DoAndWait(func() {
		var zero T
		if !j.live() {
			answer(zero)
			return
		}
		if w.busyJob == j {
			w.hideBusy() // the question takes the sign's place
		}
		done := w.untilClear(func() { answer(zero) })
		show(func(v T) {
			done()
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
	entry := newFormPasswordEntry()
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
	w.present(d, d.Submit)
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

// relabel names a button for what it is doing while busy, and for what it
// does otherwise.
func relabel(b *widget.Button, on bool, busy, idle string) {
	if on {
		b.SetText(busy)
	} else {
		b.SetText(idle)
	}
}

// releaseKDFMemory hands the key derivation's memory (Argon2 uses hundreds
// of MiB) back to the system now rather than minutes later.
func releaseKDFMemory() { debug.FreeOSMemory() }

var freeOSMemory = debug.FreeOSMemory // tests count the calls

// settleAfter is how long after a burst of work (a save, a backup) its
// memory goes back to the system: the runtime would keep it for minutes,
// and the idle window is what people measure.
const settleAfter = 2 * time.Second

var settling struct {
	mu    sync.Mutex
	timer *time.Timer
}

// settleMemory hands memory back once, settleAfter after the last of a
// run of calls. Safe from any goroutine.
func settleMemory() {
	settling.mu.Lock()
	defer settling.mu.Unlock()
	if settling.timer == nil {
		settling.timer = time.AfterFunc(settleAfter, func() { freeOSMemory() })
		return
	}
	settling.timer.Reset(settleAfter)
}
