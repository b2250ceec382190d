// Package ui is Latchkey's desktop window: create or unlock a vault, then
// read, copy, add and manage codes.
//
// The app (app.go) keeps the window, moves between screens and locks. What
// exists only while the vault is unlocked (the vault, the saver writing it in
// the background, the ticker, the idle timer, the backup status line's state
// and the account list) is a session (session.go), made at unlock and ended
// at lock; work that lives as long as the vault is unlocked registers its
// stop there. What every screen may use of the window, locked or not
// (dialogs, the busy sign, questions a worker waits on, background work, the
// clipboard and the clock) is a window (window.go), which holds no vault.
//
// Every screen and dialog is one file and one small struct with named
// fields and named callbacks. The screens before the unlock (unlock, create,
// recover, restore, backup codes) get the window and callbacks back to the
// app; those of an unlocked vault (the list, the Add menu and its review,
// import and merge, exports, the recovery kit, backups, settings, password,
// edit) get the session. Moving accounts in or out goes through package
// core, as the command line's commands do.
//
// Slow work (the KDF, saving, reading and writing files, QR decoding) runs
// on goroutines that reach widgets only through fyne.Do. One ticker, started
// on unlock and stopped on lock, drives the codes, the clipboard clear and
// the idle lock, all measured against an injectable clock.
package ui

import (
	"fmt"
	"os"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/theme"

	"latchkey/vault"
)

// AppID names the application to Fyne (preferences folder, desktop entry).
const AppID = "app.latchkey.desktop"

// Preference keys. Preferences hold only looks, never a secret.
const (
	prefTheme        = "theme"
	prefWindowWidth  = "window.width"
	prefWindowHeight = "window.height"
)

// The window's first size.
const (
	defaultWidth  = 460
	defaultHeight = 640
)

// Run opens the window on the vault at vaultPath ("" means the default
// path) and returns when it closes. The vault is saved and closed on exit.
func Run(vaultPath string) error {
	if vaultPath == "" {
		p, err := vault.DefaultPath()
		if err != nil {
			return fmt.Errorf("finding the vault: %w", err)
		}
		vaultPath = p
	}
	introducePortal()
	systemChooser = findSystemChooser()
	prof := startProfile()
	defer prof.stop()
	fa := fyneapp.NewWithID(AppID)
	a := newApp(fa, fa.NewWindow("Latchkey"), vaultPath, vault.Options{}, time.Now)
	a.agent.runtimeDir = os.Getenv("XDG_RUNTIME_DIR")
	a.installTray()
	fa.Lifecycle().SetOnStarted(func() { trace("started") })
	a.start()
	a.w.win.ShowAndRun()
	return a.shutdown()
}

// app keeps the window, moves between its screens and locks: it makes the
// session at unlock and ends it at lock. Screens get what they need (the
// window's services, the session, callbacks), never the app.
type app struct {
	fyne   fyne.App
	w      *window
	path   string
	vaults vault.Options // how vaults open: the real KDF, or tests' cheap one
	clip   *clipGuard

	session *session // nil while locked

	// agent answers scripts while unlocked (agent.go); it lives with the
	// app, since its switch and runtime folder outlive a session.
	agent agentState

	// startTick starts the ticker; tests replace it with a no-op and call
	// tick themselves.
	startTick func(f func()) *ticker
	// statusAfterSave reads the backup status after each save (on the
	// saver's goroutine). Tests turn it off: the test driver runs fyne.Do on
	// the calling goroutine, which would race the test's own.
	statusAfterSave bool
	// do runs f on the UI goroutine: fyne.Do. Tests queue f and run it
	// on their own goroutine, where the test driver runs the UI.
	do func(f func())
}

func newApp(fa fyne.App, w fyne.Window, path string, o vault.Options, now func() time.Time) *app {
	a := &app{
		fyne:            fa,
		w:               newWindow(fa, w, now),
		path:            path,
		vaults:          o,
		clip:            &clipGuard{board: fa.Clipboard(), now: now},
		startTick:       startTicker,
		statusAfterSave: true,
		do:              fyne.Do,
	}
	a.agent.prefs = fa.Preferences()
	a.applyTheme(parseThemeChoice(fa.Preferences().StringWithFallback(prefTheme, themeSystem.String())))
	w.SetIcon(iconResource())
	w.SetMaster()
	return a
}

// start shows the first screen: create when there is no vault yet, unlock
// otherwise.
func (a *app) start() {
	width := float32(a.fyne.Preferences().FloatWithFallback(prefWindowWidth, defaultWidth))
	height := float32(a.fyne.Preferences().FloatWithFallback(prefWindowHeight, defaultHeight))
	a.w.win.Resize(fyne.NewSize(width, height))
	a.w.win.SetCloseIntercept(a.quit)
	a.w.win.SetOnDropped(a.onDropped)
	a.showLockedMenu()
	if vault.Exists(a.path) {
		a.showUnlock()
	} else {
		a.showCreate()
	}
}

// setContent switches screens. The focused widget is told it lost the focus
// first: a new content gets a new focus manager, so otherwise an entry keeps
// its cursor blinking (and the window redrawing) after it left the screen.
func (a *app) setContent(o fyne.CanvasObject) {
	a.w.win.Canvas().Unfocus()
	a.w.win.SetContent(o)
}

// opening is what the screens before the unlock are given.
func (a *app) opening() opening {
	return opening{w: a.w, path: a.path, vaults: a.vaults, show: a.setContent}
}

func (a *app) showUnlock() {
	a.w.win.SetTitle("Latchkey")
	s := newUnlockScreen(a.opening(), a.unlocked, a.showRecover)
	s.startTick = a.startTick
	a.setContent(s.content())
	s.focus()
}

func (a *app) showCreate() {
	a.w.win.SetTitle("Latchkey")
	s := newCreateScreen(a.opening(), a.created, func() { a.showRestore() })
	a.setContent(s.content())
	s.focus()
}

func (a *app) showRecover() {
	s := newRecoverScreen(a.opening(), a.showUnlock, a.recovered)
	a.setContent(s.content())
	s.focus()
}

func (a *app) showRestore() *restoreScreen {
	s := newRestoreScreen(a.opening(), a.showCreate, a.restored)
	a.setContent(s.content())
	s.focus()
	return s
}

// showCodes shows a new vault's backup codes before its accounts.
func (a *app) showCodes(codes []string, then func()) {
	clearAfter := func() time.Duration { return vault.DefaultSettings().ClipboardClear }
	a.setContent(newBackupCodesScreen(a.w, a.clip, clearAfter, a.path, codes, then).content())
	trace("codes shown")
}

// created shows the new vault's codes, then its (empty) list.
func (a *app) created(v *vault.Vault, codes []string) {
	a.showCodes(codes, func() { a.unlocked(v) })
}

// recovered shows the accounts of a vault a backup code opened, and what
// the recovery changed.
func (a *app) recovered(v *vault.Vault, codes []string) {
	a.unlocked(v)
	recoveredChange(a.session, codes).show(codes)
}

// restored shows the accounts of a vault made from a backup; first new
// codes, when the backup carried none (or its last was used).
func (a *app) restored(v *vault.Vault, codes []string) {
	n := len(v.Accounts())
	done := func() {
		a.unlocked(v)
		a.session.say("Restored " + countText(n, "account") + ".")
	}
	if codes != nil {
		a.showCodes(codes, done)
		return
	}
	done()
}

// onDropped takes files dropped on the window: while unlocked, to the Add
// room; on the first-run screen, a backup to the restore screen.
func (a *app) onDropped(_ fyne.Position, uris []fyne.URI) {
	if a.session != nil {
		adder{session: a.session}.onDropped(uris)
		return
	}
	// The new machine's first step: only on the first-run screen, and only
	// a file that starts like a backup. Nothing else of it is read.
	if len(uris) != 1 || uris[0].Scheme() != "file" {
		return
	}
	path := uris[0].Path()
	a.w.background(func() {
		if vault.Exists(a.path) {
			return
		}
		head, err := readFileHead(path)
		if err != nil || !vault.IsVaultFile(head) {
			return
		}
		fyne.Do(func() {
			if a.session == nil {
				a.showRestore().chose(path)
			}
		})
	})
}

// unlocked starts the session on an open vault and shows the accounts.
func (a *app) unlocked(v *vault.Vault) {
	s := &session{w: a.w, v: v, path: a.path, vaults: a.vaults, clip: a.clip, show: a.setContent, showList: a.showList, lock: a.lock}
	if a.statusAfterSave {
		s.afterSave = s.backupSaved
	}
	s.saves = newSaver(v, s.onSaveError, s.afterSave)
	s.idle.touch(a.w.now())
	a.session = s
	s.list = newAccountsScreen(s)
	a.setContent(s.list.content())
	a.showUnlockedMenu()
	s.list.focus()
	a.w.unlocked(s.list.sayKept)
	s.ticker = a.startTick(a.tick)
	// What else lives while the vault is unlocked starts here, and stops
	// through s.onEnd: first the merging of other computers' saves.
	s.onEnd(startWatch(s, a.do))
	trace("list shown")
	s.catchUpBackups()
	// Registered last so it stops first: no script reads the vault once
	// the session begins to end.
	s.agent = &a.agent
	a.agent.start(s)
	s.onEnd(a.agent.stop)
}

// showList puts the account list back in the window.
func (a *app) showList() {
	if s := a.session; s != nil && s.list != nil {
		a.setContent(s.list.content())
		s.list.focus()
	}
}

// tick runs once a second while unlocked, on the UI goroutine.
func (a *app) tick() {
	s := a.session
	if s == nil {
		return
	}
	now := a.w.now()
	if a.clip.pending() {
		a.clip.expire(now)
		if !a.clip.pending() {
			trace("clipboard cleared")
		}
	}
	if s.idleTooLong(now) {
		a.lock()
		return
	}
	s.tick(now)
}

// lock drops the decrypted data, clears a code we put on the clipboard and
// shows the unlock screen. Saving and closing finish in the background.
func (a *app) lock() {
	if a.session == nil {
		return
	}
	v, saves := a.endSession(true)
	a.w.background(func() {
		if err := closeVault(v, saves); err != nil {
			fyne.Do(func() { a.w.showError("Could not save the vault while locking", err) })
		}
	})
	a.showLockedMenu()
	a.showUnlock()
	trace("locked")
}

// endSession ends the session and forgets everything shown from it (dialogs
// over the list show vault data), and clears a code we put on the
// clipboard when the clipboard is still there.
func (a *app) endSession(clearClipboard bool) (*vault.Vault, *saver) {
	s := a.session
	a.session = nil
	if clearClipboard {
		a.clip.clearOurs()
	} else {
		a.clip.forget()
	}
	v, saves := s.end()
	a.w.clear()
	return v, saves
}

// quit remembers the window size, clears our code from the clipboard while
// the window system is still there, then ends the event loop; Run saves and
// closes the vault after. It is also the window's close button.
func (a *app) quit() {
	size := a.w.win.Canvas().Size()
	a.fyne.Preferences().SetFloat(prefWindowWidth, float64(size.Width))
	a.fyne.Preferences().SetFloat(prefWindowHeight, float64(size.Height))
	a.clip.clearOurs()
	a.w.win.Hide()
	a.fyne.Quit()
}

// shutdown runs after the event loop ended: save and close synchronously so
// nothing is lost on exit. The clipboard is gone by now (quit cleared it;
// on X11 it also dies with its owner).
func (a *app) shutdown() error {
	if a.session == nil {
		return nil
	}
	v, saves := a.endSession(false)
	return closeVault(v, saves)
}

// closeVault finishes queued saves, then saves what is left and closes v
// in one step, so nothing a job adds meanwhile is dropped unsaved.
func closeVault(v *vault.Vault, saves *saver) error {
	saves.stop()
	return v.SaveAndClose()
}

// applyTheme sets the light, dark or system look.
func (a *app) applyTheme(c themeChoice) {
	a.fyne.Settings().SetTheme(newVariantTheme(theme.DefaultTheme(), c))
}
