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
func menuItem(label string, action func(), sc fyne.Shortcut) *fyne.MenuItem {
	item := fyne.NewMenuItem(label, action)
	item.Shortcut = sc
	return item
}

// showLockedMenu is the menu while the vault is locked: only quitting.
func (a *app) showLockedMenu() {
	a.w.win.SetMainMenu(fyne.NewMainMenu(
		fyne.NewMenu("Latchkey", a.quitItem()),
	))
}

// showUnlockedMenu is the full menu, for the session s.
func (a *app) showUnlockedMenu() {
	s := a.session
	menus := []*fyne.Menu{
		fyne.NewMenu("Latchkey",
			menuItem("Search", s.list.focus, scSearch),
			menuItem("Lock", a.lock, scLock),
			fyne.NewMenuItemSeparator(),
			menuItem("Move account up", s.list.onMoveUp, scMoveUp),
			menuItem("Move account down", s.list.onMoveDown, scMoveDown),
			fyne.NewMenuItemSeparator(),
			menuItem("Settings…", a.showSettings, scSettings),
			menuItem("Change password…", func() { showPasswordDialog(s) }, scPassword),
			fyne.NewMenuItem("New backup codes…", func() { askNewCodes(s) }),
			fyne.NewMenuItemSeparator(),
			a.quitItem(),
		),
		fileMenu(s),
		adder{session: s}.menu(),
	}
	a.w.guardMenus(menus...)
	a.w.win.SetMainMenu(fyne.NewMainMenu(menus...))
}

func (a *app) quitItem() *fyne.MenuItem {
	item := menuItem("Quit", a.quit, scQuit)
	item.IsQuit = true
	return item
}

// showSettings opens the settings, with the look the app keeps.
func (a *app) showSettings() {
	s := a.session
	if s == nil {
		return
	}
	s.touch()
	theme := parseThemeChoice(a.fyne.Preferences().String(prefTheme))
	newSettingsForm(s, theme, a.setTheme).show()
}

// setTheme keeps and applies a new look.
func (a *app) setTheme(c themeChoice) {
	a.fyne.Preferences().SetString(prefTheme, c.String())
	a.applyTheme(c)
}
