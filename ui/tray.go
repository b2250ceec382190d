package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
)

// installTray adds a system tray entry where the desktop has one: show the
// window, lock, quit.
func (a *app) installTray() {
	d, ok := a.fyne.(desktop.App)
	if !ok {
		return
	}
	d.SetSystemTrayIcon(iconResource())
	d.SetSystemTrayMenu(fyne.NewMenu("Latchkey",
		fyne.NewMenuItem("Show Latchkey", a.onTrayShow),
		fyne.NewMenuItem("Lock", a.lock),
		// Fyne appends its own Quit, which closes the window and so runs
		// the same lock-and-save path as the window's close button.
	))
	d.SetSystemTrayWindow(a.win)
}

func (a *app) onTrayShow() {
	a.win.Show()
	a.win.RequestFocus()
}
