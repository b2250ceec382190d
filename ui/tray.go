package ui

import (
	"os"
	"runtime"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
)

// installTray adds a system tray entry where the desktop has one: show the
// window, lock, quit.
func (a *app) installTray() {
	d, ok := a.fyne.(desktop.App)
	if !ok || !trayReachable() {
		return
	}
	d.SetSystemTrayIcon(iconResource())
	d.SetSystemTrayMenu(fyne.NewMenu("Latchkey",
		fyne.NewMenuItem("Show Latchkey", a.onTrayShow),
		fyne.NewMenuItem("Lock", a.lock),
		// Fyne appends its own Quit, which closes the window and so runs
		// the same lock-and-save path as the window's close button.
	))
	d.SetSystemTrayWindow(a.w.win)
}

// trayReachable reports whether a tray can work. On Linux the tray speaks
// D-Bus; without a session bus, Fyne's systray fails to connect and then
// crashes on Quit (fyne.io/systray nativeEnd closes a nil connection).
func trayReachable() bool {
	if runtime.GOOS != "linux" && runtime.GOOS != "freebsd" && runtime.GOOS != "openbsd" && runtime.GOOS != "netbsd" {
		return true
	}
	return os.Getenv("DBUS_SESSION_BUS_ADDRESS") != ""
}

func (a *app) onTrayShow() {
	a.w.win.Show()
	a.w.win.RequestFocus()
}
