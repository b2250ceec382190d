package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
)

// busy shows a modal sign of background work; idleAgain removes it.
func (a *app) busy(msg string) {
	a.idleAgain()
	bar := widget.NewProgressBarInfinite()
	label := widget.NewLabel(msg)
	label.Alignment = fyne.TextAlignCenter
	a.busyDialog = dialog.NewCustomWithoutButtons("", container.New(&columnLayout{width: 280}, container.NewVBox(label, bar)), a.win)
	a.busyDialog.Show()
}

func (a *app) idleAgain() {
	if a.busyDialog != nil {
		a.busyDialog.Hide()
		a.busyDialog = nil
	}
}
