// Package ui is Latchkey's desktop window: create or unlock a vault, then
// read, copy, add and manage codes.
//
// Every screen is one file and one small struct holding its widgets and the
// services it was given. Slow work (the KDF, saving, QR decoding) runs on
// goroutines that reach widgets only through fyne.Do. One ticker, started on
// unlock and stopped on lock, drives the codes, the clipboard clear and the
// idle lock, all measured against an injectable clock.
package ui

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"

	"latchkey/internal/safetext"
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
	fa := fyneapp.NewWithID(AppID)
	a := newApp(fa, fa.NewWindow("Latchkey"), vaultPath, vault.Options{}, time.Now)
	a.installTray()
	fa.Lifecycle().SetOnStarted(func() { trace("started") })
	a.start()
	a.win.ShowAndRun()
	return a.shutdown()
}

// app is the window and the services its screens share.
type app struct {
	fyne   fyne.App
	win    fyne.Window
	path   string
	vaults vault.Options // how vaults open: the real KDF, or tests' cheap one
	now    func() time.Time
	clip   *clipGuard
	idle   idleTimer

	busyDialog dialog.Dialog // shown while background work runs
	busyBar    *workIndicator

	// Present only while unlocked.
	v        *vault.Vault
	accounts *accountsScreen
	ticker   *ticker
	saves    *saver

	// startTick starts the ticker; tests replace it with a no-op and call
	// tick themselves.
	startTick func(f func()) *ticker
	// background runs slow work off the UI goroutine; tests run it inline.
	background func(f func())
	// asked, when set, runs on the UI goroutine after a worker showed a
	// question (askAndWait); tests answer it there.
	asked func()
	// afterSave runs on the saver's goroutine after each save (onSaved).
	// Tests turn it off: the test driver runs fyne.Do on the calling
	// goroutine, which would race the test's own.
	afterSave func(*vault.Vault)

	// Questions workers wait on (askAndWait), by number; UI goroutine only.
	openQuestions map[int]func()
	questions     int

	backupState backupState // what the status line says about backups
	backupTried time.Time   // when BackupNow last ran this session
}

func newApp(fa fyne.App, w fyne.Window, path string, o vault.Options, now func() time.Time) *app {
	a := &app{
		fyne:      fa,
		win:       w,
		path:      path,
		vaults:    o,
		now:       now,
		clip:      &clipGuard{board: fa.Clipboard(), now: now},
		startTick: startTicker,
	}
	a.background = func(f func()) { go a.contained(f) }
	a.afterSave = a.onSaved
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
	a.win.Resize(fyne.NewSize(width, height))
	a.win.SetCloseIntercept(a.onClose)
	a.installShortcuts()
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
	a.win.Canvas().Unfocus()
	a.win.SetContent(o)
}

func (a *app) showUnlock() {
	a.win.SetTitle("Latchkey")
	s := newUnlockScreen(a)
	a.setContent(s.content())
	s.focus()
}

func (a *app) showCreate() {
	a.win.SetTitle("Latchkey")
	s := newCreateScreen(a)
	a.setContent(s.content())
	s.focus()
}

func (a *app) showRecover() {
	s := newRecoverScreen(a)
	a.setContent(s.content())
	s.focus()
}

// unlocked takes over an open vault and shows the accounts.
func (a *app) unlocked(v *vault.Vault) {
	a.v = v
	a.saves = newSaver(v, a.onSaveError, a.afterSave)
	a.backupState = backupState{}
	a.backupTried = time.Time{}
	a.idle.touch(a.now())
	a.accounts = newAccountsScreen(a)
	a.setContent(a.accounts.content())
	a.showUnlockedMenu()
	a.accounts.focus()
	a.ticker = a.startTick(a.tick)
	trace("list shown")
	a.catchUpBackups()
}

// tick runs once a second while unlocked, on the UI goroutine.
func (a *app) tick() {
	if a.v == nil {
		return
	}
	now := a.now()
	if a.clip.pending() {
		a.clip.expire(now)
		if !a.clip.pending() {
			trace("clipboard cleared")
		}
	}
	if d := a.settings().AutoLock; d > 0 && a.idle.idleFor(now) >= d {
		a.lock()
		return
	}
	if now.Sub(a.backupTried) >= vault.BackupInterval {
		a.catchUpBackups()
	}
	a.accounts.tick(now)
}

// touch records that the person did something, postponing the idle lock.
func (a *app) touch() { a.idle.touch(a.now()) }

// settings are the vault's settings with defaults filled in.
func (a *app) settings() vault.Settings {
	if a.v == nil {
		return vault.DefaultSettings()
	}
	return a.v.Settings()
}

// lock drops the decrypted data, clears a code we put on the clipboard and
// shows the unlock screen. Saving and closing finish in the background.
func (a *app) lock() {
	if a.v == nil {
		return
	}
	v, saves := a.dropVault(true)
	a.background(func() {
		if err := closeVault(v, saves); err != nil {
			fyne.Do(func() { a.showError("Could not save the vault while locking", err) })
		}
	})
	a.showLockedMenu()
	a.showUnlock()
}

// dropVault forgets the open vault and everything shown from it, and
// clears a code we put on the clipboard when the clipboard is still there.
func (a *app) dropVault(clearClipboard bool) (*vault.Vault, *saver) {
	v, saves := a.v, a.saves
	if a.ticker != nil {
		a.ticker.stop()
		a.ticker = nil
	}
	if clearClipboard {
		a.clip.clearOurs()
	} else {
		a.clip.forget()
	}
	if a.accounts != nil {
		a.accounts.drop()
		a.accounts = nil
	}
	a.v, a.saves = nil, nil
	// Dialogs over the list (edit, QR code, backup codes) show vault data.
	a.busyDialog, a.busyBar = nil, nil
	overlays := a.win.Canvas().Overlays()
	for o := overlays.Top(); o != nil; o = overlays.Top() {
		overlays.Remove(o)
	}
	a.cancelQuestions()
	return v, saves
}

// onClose is the window's close button: quit, as the menu does.
func (a *app) onClose() { a.quit() }

// quit remembers the window size, clears our code from the clipboard while
// the window system is still there, then ends the event loop; Run saves and
// closes the vault after.
func (a *app) quit() {
	size := a.win.Canvas().Size()
	a.fyne.Preferences().SetFloat(prefWindowWidth, float64(size.Width))
	a.fyne.Preferences().SetFloat(prefWindowHeight, float64(size.Height))
	a.clip.clearOurs()
	a.win.Hide()
	a.fyne.Quit()
}

// shutdown runs after the event loop ended: save and close synchronously so
// nothing is lost on exit. The clipboard is gone by now (quit cleared it;
// on X11 it also dies with its owner).
func (a *app) shutdown() error {
	if a.v == nil {
		return nil
	}
	v, saves := a.dropVault(false)
	return closeVault(v, saves)
}

// closeVault finishes queued saves, saves what is left and closes v.
func closeVault(v *vault.Vault, saves *saver) error {
	saves.stop()
	var err error
	if v.Dirty() {
		err = v.Save()
	}
	return errors.Join(err, v.Close())
}

// save writes the vault in the background; errors surface in a dialog.
func (a *app) save() {
	if a.saves != nil {
		a.saves.request()
	}
}

// onSaveError runs on the saver's goroutine. A failed automatic backup is
// no reason for a dialog after every change: the status line reminds.
func (a *app) onSaveError(v *vault.Vault, err error) {
	if errors.Is(err, vault.ErrBackupFailed) {
		if a.afterSave != nil {
			a.afterSave(v)
		}
		return
	}
	fyne.Do(func() { a.showError("Could not save the vault", err) })
}

// showError shows what went wrong and what to do about it.
// contained runs background work and turns a panic (a bug) into an error
// dialog instead of a crash that would take the window, and the unsaved
// state in it, down. A save it interrupts leaves the old vault file whole.
func (a *app) contained(f func()) {
	defer func() {
		if p := recover(); p != nil {
			err := fmt.Errorf("internal error (%T); please report it", p)
			fyne.Do(func() { a.showError("Something went wrong inside Latchkey", err) })
		}
	}()
	f()
}

func (a *app) showError(title string, err error) {
	d := dialog.NewError(errors.New(safetext.Message(title+": "+advice(err))), a.win)
	d.Show()
}

// showInfo shows a short message.
func (a *app) showInfo(title, msg string) {
	dialog.ShowInformation(safetext.Message(title), safetext.Message(msg), a.win)
}

// applyTheme sets the light, dark or system look.
func (a *app) applyTheme(c themeChoice) {
	a.fyne.Settings().SetTheme(newVariantTheme(theme.DefaultTheme(), c))
}

// saver serialises background saves and coalesces requests that arrive while
// one is running.
type saver struct {
	v       *vault.Vault
	onError func(*vault.Vault, error)
	onSaved func(*vault.Vault) // after each save that wrote the vault
	wake    chan struct{}
	done    chan struct{}
	once    sync.Once
}

func newSaver(v *vault.Vault, onError func(*vault.Vault, error), onSaved func(*vault.Vault)) *saver {
	s := &saver{v: v, onError: onError, onSaved: onSaved, wake: make(chan struct{}, 1), done: make(chan struct{})}
	go s.loop()
	return s
}

func (s *saver) loop() {
	defer close(s.done)
	for range s.wake {
		if err := s.v.Save(); err != nil {
			s.onError(s.v, err)
		} else if s.onSaved != nil {
			s.onSaved(s.v)
		}
	}
}

func (s *saver) request() {
	select {
	case s.wake <- struct{}{}:
	default: // a save is already queued; it will include this change
	}
}

// stop waits for queued saves to finish.
func (s *saver) stop() {
	s.once.Do(func() { close(s.wake) })
	<-s.done
}

// ticker calls f on the UI goroutine once a second until stopped.
type ticker struct {
	quit chan struct{}
	once sync.Once
}

func startTicker(f func()) *ticker {
	t := &ticker{quit: make(chan struct{})}
	go func() {
		// Fire just after each whole second, when codes change, rather than
		// up to a second late.
		tm := time.NewTimer(untilNextSecond(time.Now()))
		defer tm.Stop()
		for {
			select {
			case <-tm.C:
				fyne.Do(f)
				tm.Reset(untilNextSecond(time.Now()))
			case <-t.quit:
				return
			}
		}
	}()
	return t
}

func untilNextSecond(now time.Time) time.Duration {
	return time.Second - time.Duration(now.Nanosecond()) + 10*time.Millisecond
}

func (t *ticker) stop() {
	if t != nil {
		t.once.Do(func() { close(t.quit) })
	}
}

// idleTimer remembers the last time the person did something.
type idleTimer struct{ last time.Time }

func (i *idleTimer) touch(now time.Time) { i.last = now }

func (i *idleTimer) idleFor(now time.Time) time.Duration { return now.Sub(i.last) }
