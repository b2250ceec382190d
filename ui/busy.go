package ui

import (
	"runtime/debug"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"latchkey/internal/safetext"
)

// busy shows a modal sign of background work; idleAgain removes it.
func (a *app) busy(msg string) {
	a.idleAgain()
	label := widget.NewLabel(safetext.Message(msg))
	label.Alignment = fyne.TextAlignCenter
	a.busyBar = newWorkIndicator()
	a.busyBar.start()
	a.busyDialog = dialog.NewCustomWithoutButtons("", container.New(&columnLayout{width: 280}, container.NewVBox(label, a.busyBar.box)), a.win)
	a.busyDialog.Show()
}

func (a *app) idleAgain() {
	if a.busyDialog != nil {
		a.busyBar.stop()
		a.busyDialog.Hide()
		a.busyDialog, a.busyBar = nil, nil
	}
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

// releaseKDFMemory hands the key derivation's memory (Argon2 uses hundreds
// of MiB) back to the system now rather than minutes later.
func releaseKDFMemory() { debug.FreeOSMemory() }
