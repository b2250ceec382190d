package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
)

// Keyboard shortcuts for every main action. They live on the main menu, so
// they work wherever the focus is and the menus show them.
var (
	scSearch     = shortcut(fyne.KeyF, 0)
	scLock       = shortcut(fyne.KeyL, 0)
	scScanScreen = shortcut(fyne.KeyS, fyne.KeyModifierShift)
	scOpenImage  = shortcut(fyne.KeyO, 0)
	scPaste      = shortcut(fyne.KeyV, fyne.KeyModifierShift)
	scAddManual  = shortcut(fyne.KeyN, 0)
	scImport     = shortcut(fyne.KeyI, 0)
	scSettings   = shortcut(fyne.KeyComma, 0)
	scQuit       = shortcut(fyne.KeyQ, 0)
	scPassword   = shortcut(fyne.KeyP, fyne.KeyModifierShift)
	scBackupFile = shortcut(fyne.KeyB, 0)
	scBackupNow  = shortcut(fyne.KeyB, fyne.KeyModifierShift)
	scRestore    = shortcut(fyne.KeyR, fyne.KeyModifierShift)
	scMoveUp     = shortcut(fyne.KeyUp, fyne.KeyModifierShift)
	scMoveDown   = shortcut(fyne.KeyDown, fyne.KeyModifierShift)
)

// shortcut is Ctrl (Cmd on macOS) plus extra modifiers and a key.
func shortcut(k fyne.KeyName, extra fyne.KeyModifier) *desktop.CustomShortcut {
	return &desktop.CustomShortcut{KeyName: k, Modifier: fyne.KeyModifierShortcutDefault | extra}
}

// menuItem is a menu entry showing its shortcut.
func (a *app) menuItem(label string, action func(), sc fyne.Shortcut) *fyne.MenuItem {
	item := fyne.NewMenuItem(label, action)
	item.Shortcut = sc
	return item
}

// showLockedMenu is the menu while the vault is locked: only quitting.
func (a *app) showLockedMenu() {
	a.win.SetMainMenu(fyne.NewMainMenu(
		fyne.NewMenu("Latchkey", a.quitItem()),
	))
}

// showUnlockedMenu is the full menu.
func (a *app) showUnlockedMenu() {
	a.win.SetMainMenu(fyne.NewMainMenu(
		fyne.NewMenu("Latchkey",
			a.menuItem("Search", a.onFocusSearch, scSearch),
			a.menuItem("Lock", a.lock, scLock),
			fyne.NewMenuItemSeparator(),
			a.menuItem("Move account up", a.onMoveUp, scMoveUp),
			a.menuItem("Move account down", a.onMoveDown, scMoveDown),
			fyne.NewMenuItemSeparator(),
			a.menuItem("Settings…", a.onSettings, scSettings),
			a.menuItem("Change password…", a.onChangePassword, scPassword),
			fyne.NewMenuItem("New backup codes…", a.onNewBackupCodes),
			fyne.NewMenuItemSeparator(),
			a.quitItem(),
		),
		a.fileMenu(),
		a.addMenu(),
	))
}

func (a *app) quitItem() *fyne.MenuItem {
	item := a.menuItem("Quit", a.quit, scQuit)
	item.IsQuit = true
	return item
}

func (a *app) onFocusSearch() {
	if a.accounts != nil {
		a.accounts.focus()
	}
}

// installShortcuts wires the window-wide handlers that are not menu items.
func (a *app) installShortcuts() {
	a.win.SetOnDropped(a.onDropped)
}
