package core

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"latchkey/core/coretest"
	"latchkey/internal/testtool"
	"latchkey/otp"
	"latchkey/vault"
)

type watched struct {
	rep vault.Changes
	sr  SyncReport
	err error
	at  time.Time
}

// syncedVault makes a vault of one account (ID "a", keys[0]) in a synced
// folder and opens it until the test ends: where each Watch test starts.
func syncedVault(t *testing.T) (keys []otp.Key, path string, v *vault.Vault) {
	t.Helper()
	keys = coretest.Keys(t)
	path = filepath.Join(t.TempDir(), "Sync", "vault.latchkey")
	coretest.Vault(t, path, vault.Account{ID: "a", Key: keys[0]})
	v = coretest.Open(t, path)
	t.Cleanup(func() { v.Close() })
	return keys, path, v
}

// startWatch runs Watch on v until the test ends and returns its reports.
func startWatch(t *testing.T, v *vault.Vault) <-chan watched {
	t.Helper()
	return startWatchAfter(t, v, SyncReport{}, nil)
}

// startWatchAfter is startWatch after the sync at the vault's opening,
// which did opened (or failed with openErr), as the window does it.
func startWatchAfter(t *testing.T, v *vault.Vault, opened SyncReport, openErr error) <-chan watched {
	t.Helper()
	ready := make(chan struct{})
	watching = func(string) { close(ready) }
	t.Cleanup(func() { watching = func(string) {} })
	ctx, cancel := context.WithCancel(context.Background())
	out := make(chan watched, 16)
	done := make(chan error, 1)
	go func() {
		done <- WatchAfter(ctx, v, opened, openErr, func(r SyncReport, err error) {
			out <- watched{r.Changes(), r, err, time.Now()}
		})
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Watch: %v", err)
		}
	})
	select {
	case <-ready:
	case err := <-done:
		t.Fatalf("Watch stopped at once: %v", err)
	}
	return out
}

// guard bounds the wait for a report; far above the measured latency
// (WatchDelay plus a merge: about 0.3 s), it only stops a hung test.
const guard = 20 * time.Second

// within is what ch gives next, failing the test when nothing comes
// within guard.
func within[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case w := <-ch:
		return w
	case <-time.After(guard):
		t.Fatalf("%s: nothing within %v", what, guard)
	}
	var zero T
	return zero
}

// oneAdded reports whether got, a report of what, says one account came in
// and nothing failed; else it marks the test failed, saying what came.
func oneAdded(t *testing.T, what string, got watched) bool {
	t.Helper()
	if got.err != nil || got.rep.String() != "1 added" {
		t.Errorf("%s: got %q, %+v, %v; want \"1 added\"", what, got.rep, got.sr.Copies, got.err)
		return false
	}
	return true
}

// TestWatchMergesWhatArrives: the window's watcher, with real files: the
// vault file replaced as Syncthing replaces it, then a conflict copy
// dropped beside it; each is merged and reported, and the vault's own save
// reports nothing.
func TestWatchMergesWhatArrives(t *testing.T) {
	keys, path, v := syncedVault(t)
	reports := startWatch(t, v)

	// Another computer adds an account; Syncthing delivers its file.
	fromB := coretest.OtherComputer(t, path, coretest.Adds(t, vault.Account{ID: "b", Key: keys[1]}))
	// Meanwhile this computer has a change of its own, not saved yet.
	if _, err := v.Add(vault.Account{ID: "mine", Key: keys[2]}); err != nil {
		t.Fatal(err)
	}
	testtool.SyncDeliver(t, path, fromB)
	sent := time.Now()
	got := within(t, reports, "the replaced vault file")
	t.Logf("replaced file: reported %v after the rename (WatchDelay %v)", got.at.Sub(sent).Round(time.Millisecond), WatchDelay)
	oneAdded(t, "replaced file", got)
	if _, ok := v.Account("b"); !ok {
		t.Error("the other computer's account is not in the vault")
	}
	// Both changes were saved: the file holds them.
	ro, err := coretest.Options.OpenReadOnly(path, []byte(coretest.Password))
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"a", "b", "mine"} {
		if _, ok := ro.Account(id); !ok {
			t.Errorf("the saved file lacks %s", id)
		}
	}
	ro.Close()

	// The two computers changed the vault apart: Syncthing drops the other
	// computer's version beside it as a conflict copy.
	fromC := coretest.OtherComputer(t, path, coretest.Adds(t, vault.Account{ID: "c", Key: keys[3]}))
	copyPath := filepath.Join(filepath.Dir(path), "vault.sync-conflict-20261201-101010-ABCDEFG.latchkey")
	testtool.SyncDeliver(t, copyPath, fromC)
	sent = time.Now()
	got = within(t, reports, "the conflict copy")
	t.Logf("conflict copy: reported %v after the rename", got.at.Sub(sent).Round(time.Millisecond))
	if got.err != nil || got.rep.String() != "1 added" || len(got.sr.Copies) != 1 || !got.sr.Copies[0].Removed {
		t.Errorf("conflict copy: got %q, %+v, %v; want \"1 added\", the copy merged and removed", got.rep, got.sr.Copies, got.err)
	}
	if _, err := os.Stat(copyPath); !os.IsNotExist(err) {
		t.Errorf("the merged copy is still there: %v", err)
	}

	// The vault's own save: nothing new, no report.
	if _, err := v.Add(vault.Account{Key: keys[4]}); err != nil {
		t.Fatal(err)
	}
	if err := v.Save(); err != nil {
		t.Fatal(err)
	}
	select {
	case w := <-reports:
		t.Errorf("the vault's own save was reported: %q, %v", w.rep, w.err)
	case <-time.After(3 * WatchDelay):
	}
}

// Sync's own work (the save, the merged copy moved aside and deleted) is
// seen by the watcher, and makes no second sync: with another vault's
// copy kept beside the vault, a merge is reported once, not again when
// its own save arrives.
func TestWatchIgnoresItsOwnSync(t *testing.T) {
	keys, path, v := syncedVault(t)
	dir := filepath.Dir(path)
	reports := startWatch(t, v)

	otherVault := filepath.Join(t.TempDir(), "vault.latchkey")
	coretest.Vault(t, otherVault, vault.Account{Key: keys[1]})
	testtool.SyncDeliver(t, filepath.Join(dir, "vault.sync-conflict-20261201-101010-ABCDEFG.latchkey"), mustBytes(t, otherVault))
	if got := within(t, reports, "another vault's copy"); !got.sr.Kept() {
		t.Fatalf("another vault's copy: got %+v, %v; want it kept", got.sr.Copies, got.err)
	}
	fromB := coretest.OtherComputer(t, path, coretest.Adds(t, vault.Account{ID: "b", Key: keys[2]}))
	testtool.SyncDeliver(t, filepath.Join(dir, "vault.sync-conflict-20261202-101010-ABCDEFG.latchkey"), fromB)
	got := within(t, reports, "this vault's copy")
	if !oneAdded(t, "this vault's copy", got) {
		t.FailNow()
	}
	select {
	case w := <-reports:
		t.Errorf("the sync's own save and delete made another sync, reported: %q, %+v, %v", w.rep, w.sr.Copies, w.err)
	case <-time.After(4 * WatchDelay):
	}
	// What another computer saves still comes in.
	testtool.SyncDeliver(t, path, coretest.OtherComputer(t, path, coretest.Adds(t, vault.Account{ID: "c", Key: keys[3]})))
	oneAdded(t, "the replaced vault file", within(t, reports, "the replaced vault file"))
}

// A copy that arrives moved aside (another computer's sync was stopped
// between the move and the delete, and the sync tool delivered the hidden
// name) is given its name back and merged while the window is open, not
// left hidden until the next unlock.
func TestWatchMergesAHiddenCopy(t *testing.T) {
	keys, path, v := syncedVault(t)
	reports := startWatch(t, v)
	fromB := coretest.OtherComputer(t, path, coretest.Adds(t, vault.Account{ID: "b", Key: keys[1]}))
	hidden := filepath.Join(filepath.Dir(path), ".vault.sync-conflict-20261201-101010-ABCDEFG.latchkey.merging-0123456789abcdef")
	testtool.SyncDeliver(t, hidden, fromB)
	got := within(t, reports, "the hidden copy")
	oneAdded(t, "the hidden copy", got)
	if _, err := os.Lstat(hidden); !os.IsNotExist(err) {
		t.Errorf("the hidden copy is still there: %v", err)
	}
}

// A merged copy that cannot be deleted is put back at its name, which the
// watcher sees: that is Sync's own doing, not a new copy, and it makes no
// second sync (it made one every WatchDelay, forever). A new version
// delivered at the name is merged still.
func TestWatchIgnoresACopyItPutBack(t *testing.T) {
	removeFile = func(p string) error { return &fs.PathError{Op: "remove", Path: p, Err: syscall.EACCES} }
	t.Cleanup(func() { removeFile = os.Remove })
	keys, path, v := syncedVault(t)
	reports := startWatch(t, v)
	copyPath := filepath.Join(filepath.Dir(path), "vault.sync-conflict-20261201-101010-ABCDEFG.latchkey")
	testtool.SyncDeliver(t, copyPath, coretest.OtherComputer(t, path, coretest.Adds(t, vault.Account{ID: "b", Key: keys[1]})))
	got := within(t, reports, "the copy")
	if got.rep.String() != "1 added" || len(got.sr.Copies) != 1 || !errors.Is(got.sr.Copies[0].Err, ErrNotDeleted) {
		t.Fatalf("got %q, %+v, %v; want \"1 added\", the copy kept as not deleted", got.rep, got.sr.Copies, got.err)
	}
	select {
	case w := <-reports:
		t.Errorf("the copy put back was synced again: %q, %+v", w.rep, w.sr.Copies)
	case <-time.After(6 * WatchDelay):
	}
	testtool.SyncDeliver(t, copyPath, coretest.OtherComputer(t, path, coretest.Adds(t, vault.Account{ID: "c", Key: keys[2]})))
	if got := within(t, reports, "a new version of the copy"); got.rep.String() != "1 added" {
		t.Errorf("a new version of the copy: got %q, %+v, %v; want \"1 added\"", got.rep, got.sr.Copies, got.err)
	}
}

// A copy that arrives while more junk than a sync reads is beside the
// vault is read first, not after the junk left over from the last sync's
// budget: this vault's copy, named to sort after all the junk, arrives
// once the first sync read its budget of it, and the next sync (which
// reads on past the junk) merges it before it reads the junk left.
func TestWatchReadsWhatArrivesFirst(t *testing.T) {
	keys, path, v := syncedVault(t)
	dir := filepath.Dir(path)
	var junkNames []string
	for i := range 2*SyncMaxCopies + 6 {
		junkNames = append(junkNames, Conflict{Tool: Syncthing, When: time.Date(2026, 11, 1, 10, i/60, i%60, 0, time.UTC), Who: "JUNKJNK"}.Name("vault.latchkey"))
	}
	// All but one before Watch starts, so that its first sync sees them all.
	for _, name := range junkNames[1:] {
		write(t, filepath.Join(dir, name), junk(4096))
	}
	// Each sync Watch runs, held until the test has looked at it.
	passes := make(chan SyncReport)
	resume := make(chan struct{})
	ended := make(chan struct{})
	watchPassed = func(r SyncReport) {
		select {
		case passes <- r:
			<-resume
		case <-ended:
		}
	}
	t.Cleanup(func() { watchPassed = func(SyncReport) {} })
	reports := startWatch(t, v)
	t.Cleanup(func() { close(ended) }) // before Watch is stopped
	write(t, filepath.Join(dir, junkNames[0]), junk(4096))
	first := within(t, passes, "the junk")
	var over int
	for _, cr := range first.Copies {
		if errors.Is(cr.Err, ErrOverBudget) {
			over++
		}
	}
	if over != len(junkNames)-SyncMaxCopies {
		resume <- struct{}{}
		t.Fatalf("the junk: got %d copies over the budget, want %d", over, len(junkNames)-SyncMaxCopies)
	}
	real := Conflict{Tool: Syncthing, When: time.Date(2026, 12, 31, 10, 10, 10, 0, time.UTC), Who: "ABCDEFG"}.Name("vault.latchkey")
	testtool.SyncDeliver(t, filepath.Join(dir, real), coretest.OtherComputer(t, path, coretest.Adds(t, vault.Account{ID: "b", Key: keys[1]})))
	resume <- struct{}{}
	second := within(t, passes, "this vault's copy")
	resume <- struct{}{}
	for _, cr := range second.Copies {
		if cr.Name == real && !cr.Merged {
			t.Errorf("%s: got merged %v, %v; want it merged by the sync its arrival made, before the junk left", real, cr.Merged, cr.Err)
		}
	}
	// The run of syncs reads on to the end of the junk, then reports once.
	for {
		select {
		case <-passes:
			resume <- struct{}{}
			continue
		case got := <-reports:
			oneAdded(t, "the syncs together", got)
			for _, cr := range got.sr.Copies {
				if errors.Is(cr.Err, ErrOverBudget) {
					t.Errorf("%s: still over the budget once the syncs ended", cr.Name)
				}
			}
		case <-time.After(guard):
			t.Fatalf("no report within %v", guard)
		}
		break
	}
}

// TestWatchSyncsThroughAStreamOfEvents: a copy renamed from conflict name
// to conflict name, faster than WatchDelay, made an event each time; each
// put the sync off again, so this vault's copy beside it was not merged
// while the renaming went on (and the names seen arriving piled up). The
// sync comes within WatchMaxWait of the first event.
func TestWatchSyncsThroughAStreamOfEvents(t *testing.T) {
	keys, path, v := syncedVault(t)
	dir := filepath.Dir(path)
	reports := startWatch(t, v)
	real := Conflict{Tool: Syncthing, When: time.Date(2026, 12, 31, 10, 10, 10, 0, time.UTC), Who: "ABCDEFG"}.Name("vault.latchkey")
	testtool.SyncDeliver(t, filepath.Join(dir, real), coretest.OtherComputer(t, path, coretest.Adds(t, vault.Account{ID: "b", Key: keys[1]})))

	stop := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		name := func(i int) string {
			return filepath.Join(dir, Conflict{Tool: Syncthing, When: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Second), Who: "RENAMER"}.Name("vault.latchkey"))
		}
		if err := os.WriteFile(name(0), junk(512), 0o600); err != nil {
			t.Error(err)
			return
		}
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			case <-time.After(WatchDelay / 6):
			}
			os.Rename(name(i), name(i+1)) // Sync may have the name aside for a moment
		}
	}()
	defer func() { close(stop); <-stopped }()
	got := within(t, reports, "this vault's copy, while a copy is renamed")
	oneAdded(t, "while a copy is renamed", got)
}

// TestWatchRereadsACopyWrittenInPlace: a copy Watch kept unread as
// damaged (a sync tool's file caught half written) that is then written
// in place to the end, its size as before and its time set back as the
// tool sets it (or within one tick of a coarse clock, FAT's 2 s), looks
// like the same file. It was not read again until the next unlock; the
// write itself says it changed.
func TestWatchRereadsACopyWrittenInPlace(t *testing.T) {
	keys, path, v := syncedVault(t)
	dir := filepath.Dir(path)
	reports := startWatch(t, v)
	real := coretest.OtherComputer(t, path, coretest.Adds(t, vault.Account{ID: "b", Key: keys[1]}))
	p := filepath.Join(dir, Conflict{Tool: Syncthing, When: time.Date(2026, 12, 31, 10, 10, 10, 0, time.UTC), Who: "ABCDEFG"}.Name("vault.latchkey"))
	half := append(real[:len(real)/2:len(real)/2], make([]byte, len(real)-len(real)/2)...)
	write(t, p, half)
	got := within(t, reports, "the half-written copy")
	if len(got.sr.Copies) != 1 || got.sr.Copies[0].Err == nil || !got.rep.Empty() {
		t.Fatalf("the half-written copy: got %q, %+v, want it kept", got.rep, got.sr.Copies)
	}
	before, err := os.Lstat(p)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(p, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteAt(real[len(real)/2:], int64(len(real)/2)); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(p, before.ModTime(), before.ModTime()); err != nil {
		t.Fatal(err)
	}
	got = within(t, reports, "the copy written to the end")
	oneAdded(t, "the copy written to the end", got)
}

// TestWatchReportsDuringALongRun: new junk dropped faster than the syncs
// read it (more than a sync's budget before each) keeps the syncs reading
// on; what they did is still said, every WatchMaxWait, not held back for
// as long as the junk keeps coming.
func TestWatchReportsDuringALongRun(t *testing.T) {
	_, path, v := syncedVault(t)
	dir := filepath.Dir(path)
	var dropped atomic.Int32
	drop := func() {
		for range SyncMaxCopies + 1 {
			i := dropped.Add(1)
			write(t, filepath.Join(dir, Conflict{Tool: Syncthing, When: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Second), Who: "JUNKJNK"}.Name("vault.latchkey")), junk(512))
		}
	}
	drop()
	drop() // more than the unlock's sync and the first of Watch's read
	streaming := make(chan struct{})
	watchPassed = func(SyncReport) {
		select {
		case <-streaming:
		default:
			drop()
		}
	}
	t.Cleanup(func() { watchPassed = func(SyncReport) {} })
	opened, err := Sync(v, nil)
	if err != nil {
		t.Fatal(err)
	}
	reports := startWatchAfter(t, v, opened, err)
	t.Cleanup(func() { close(streaming) }) // before Watch is stopped
	got := within(t, reports, "the syncs reading on while junk keeps coming")
	var over int
	for _, cr := range got.sr.Copies {
		if errors.Is(cr.Err, ErrOverBudget) {
			over++
		}
	}
	if got.err != nil || over == 0 {
		t.Errorf("got %d copies over the budget, %v; want a report while the syncs still read on", over, got.err)
	}
	t.Logf("reported after %d junk copies dropped", dropped.Load())
}
