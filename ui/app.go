// Package ui is Latchkey's desktop window.
package ui

import (
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/widget"
)

// Run opens the window on the vault at vaultPath and returns when it closes.
func Run(vaultPath string) error {
	a := app.NewWithID("app.latchkey.desktop")
	w := a.NewWindow("Latchkey")
	w.SetContent(widget.NewLabel("Latchkey"))
	w.ShowAndRun()
	return nil
}
