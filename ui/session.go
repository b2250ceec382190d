package ui

import (
	"errors"
	"sync"
	"time"

	"fyne.io/fyne/v2"

	"latchkey/vault"
)

// session is what exists only while the vault is unlocked: the vault, the
// saver that writes it in the background, the ticker, the idle timer, what
// the status line says about backups, and the account list. The app starts
// one at unlock and ends it at lock; every screen of the unlocked vault is
// given it, and reaches the rest of the window through its window and the
// few ways back the app gave it (showing a screen in the list's place, the
// list again, the lock).
//
// Work that lives as long as the vault is unlocked (a folder watcher for
// sync, an agent serving codes) starts after the session and registers its
// stop with onEnd; what it changes in the vault it shows with refresh.
type session struct {
	w      *window
	v      *vault.Vault
	path   string        // the vault's path as the app was given it
	vaults vault.Options // how vaults open (backups read for a merge)
	clip   *clipGuard    // the app's: codes may be copied before a session starts

	saves  *saver
	ticker *ticker
	idle   idleTimer
	list   *accountsScreen

	backups     backupState // what the status line says about backups
	backupTried time.Time   // when BackupNow last ran this session
	// afterSave runs on the saver's goroutine after each save
	// (backupSaved); nil in tests, where fyne.Do runs on the calling
	// goroutine and would race the test's own.
	afterSave func(*vault.Vault)

	// The ways back to the app: a screen in the list's place (new backup
	// codes), the list again, the lock.
	show     func(fyne.CanvasObject)
	showList func()
	lock     func()

	agent *agentState // the app's: Settings turns it on and off (agent.go)

	stops []func() // run by end, last registered first

	// syncProblem is why the last merge of another computer's save failed,
	// as shown; the watcher does not show the same reason twice.
	syncProblem string
}

// onEnd registers stop to run when the session ends, on the UI goroutine,
// before the vault is saved and closed.
func (s *session) onEnd(stop func()) { s.stops = append(s.stops, stop) }

// end stops what runs for the session and forgets the list, and returns
// the vault and its saver for the app to save and close.
func (s *session) end() (*vault.Vault, *saver) {
	for i := len(s.stops) - 1; i >= 0; i-- {
		s.stops[i]()
	}
	s.stops = nil
	s.ticker.stop()
	s.ticker = nil
	if s.list != nil {
		s.list.drop()
		s.list = nil
	}
	v, saves := s.v, s.saves
	s.v, s.saves = nil, nil
	return v, saves
}

// ended reports whether the vault was locked since the session began.
func (s *session) ended() bool { return s.v == nil }

// account is the vault's account id; false when it is gone, or the vault
// was locked.
func (s *session) account(id string) (vault.Account, bool) {
	if s.v == nil {
		return vault.Account{}, false
	}
	return s.v.Account(id)
}

// showCodes shows new backup codes in the list's place until the person
// says they are stored, then runs then; note says why, when it is not
// obvious.
func (s *session) showCodes(codes []string, note string, then func()) {
	clearAfter := func() time.Duration { return s.settings().ClipboardClear }
	c := newBackupCodesScreen(s.w, s.clip, clearAfter, s.path, codes, then)
	c.note = note
	s.show(c.content())
}

// save writes the vault in the background; errors surface in a dialog.
func (s *session) save() {
	if s.saves != nil {
		s.saves.request()
	}
}

// onSaveError runs on the saver's goroutine. A failed automatic backup is
// no reason for a dialog after every change: the status line reminds.
func (s *session) onSaveError(v *vault.Vault, err error) {
	if errors.Is(err, vault.ErrBackupFailed) {
		if s.afterSave != nil {
			s.afterSave(v)
		}
		return
	}
	fyne.Do(func() { s.w.showError("Could not save the vault", err) })
}

// touch records that the person did something, postponing the idle lock.
func (s *session) touch() { s.idle.touch(s.w.now()) }

// act is how a person's action begins: false when the vault was locked
// meanwhile (the action is dropped), else the action counts as activity,
// postponing the auto-lock.
func (s *session) act() bool {
	if s.ended() {
		return false
	}
	s.touch()
	return true
}

// settings are the vault's settings with defaults filled in.
func (s *session) settings() vault.Settings {
	if s.v == nil {
		return vault.DefaultSettings()
	}
	return s.v.Settings()
}

// say shows a short note under the list.
func (s *session) say(msg string) {
	if s.list != nil {
		s.list.say(msg)
	}
}

// refresh shows the vault's accounts again, and note under the list when
// there is one: for what changed the vault besides the list (an edit, an
// import, a sync merge). A goroutine calls it through fyne.Do.
func (s *session) refresh(note string) {
	if s.list == nil {
		return
	}
	s.list.reload()
	if note != "" {
		s.list.say(note)
	}
}

// update stores a changed account and shows the list again; failure
// titles the error.
func (s *session) update(acct vault.Account, failure string) bool {
	if s.v == nil {
		return false
	}
	if err := s.v.Update(acct); err != nil {
		s.w.showError(failure, err)
		return false
	}
	s.save()
	s.refresh("")
	return true
}

// idleTooLong reports whether the person has been away longer than the
// auto-lock allows.
func (s *session) idleTooLong(now time.Time) bool {
	d := s.settings().AutoLock
	return d > 0 && s.idle.idleFor(now) >= d
}

// tick runs once a second on the UI goroutine: the daily backup catch-up,
// then the list's codes and notes.
func (s *session) tick(now time.Time) {
	if now.Sub(s.backupTried) >= vault.BackupInterval {
		s.catchUpBackups()
	}
	s.list.tick(now)
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
