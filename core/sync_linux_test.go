package core

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"

	"latchkey/core/coretest"
	"latchkey/internal/testtool"
	"latchkey/vault"
)

// opens counts, by name, the files opened in dir while it watches
// (inotify's IN_OPEN): what a sync reads, whoever reads it.
type opens struct {
	fd int
}

func watchOpens(t *testing.T, dir string) *opens {
	t.Helper()
	fd, err := unix.InotifyInit1(unix.IN_NONBLOCK | unix.IN_CLOEXEC)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { unix.Close(fd) })
	if _, err := unix.InotifyAddWatch(fd, dir, unix.IN_OPEN); err != nil {
		t.Fatal(err)
	}
	return &opens{fd: fd}
}

// take returns the names opened since the last call.
func (o *opens) take(t *testing.T) map[string]int {
	t.Helper()
	got := map[string]int{}
	buf := make([]byte, 64<<10)
	for {
		n, err := unix.Read(o.fd, buf)
		if errors.Is(err, unix.EAGAIN) {
			return got
		}
		if err != nil {
			t.Fatal(err)
		}
		for off := 0; off+unix.SizeofInotifyEvent <= n; {
			ev := (*unix.InotifyEvent)(unsafe.Pointer(&buf[off]))
			name := buf[off+unix.SizeofInotifyEvent : off+unix.SizeofInotifyEvent+int(ev.Len)]
			if ev.Mask&unix.IN_OPEN != 0 {
				got[string(bytes.TrimRight(name, "\x00"))]++
			}
			off += unix.SizeofInotifyEvent + int(ev.Len)
		}
	}
}

// syncOpening syncs v, whose folder is dir, and returns the report and the
// files the sync opened (by name, how often).
func syncOpening(t *testing.T, v *vault.Vault, dir string) (SyncReport, map[string]int) {
	t.Helper()
	o := watchOpens(t, dir)
	rep, err := Sync(v, nil)
	if err != nil {
		t.Fatal(err)
	}
	return rep, o.take(t)
}

// Each conflict copy is opened once however it goes (read, merged,
// checked, moved aside, deleted), and the saved vault is read once to
// check them all: the vault file's opens do not grow with the copies.
func TestSyncReadsEachCopyOnce(t *testing.T) {
	keys := coretest.Keys(t)
	vaultOpens := map[int]int{}
	for _, n := range []int{1, 3} {
		path := filepath.Join(t.TempDir(), "vault.latchkey")
		coretest.Vault(t, path, vault.Account{Key: keys[0]})
		dir := filepath.Dir(path)
		var names []string
		for i := range n {
			name := Conflict{Tool: Syncthing, When: time.Date(2026, 12, 1+i, 10, 10, 10, 0, time.UTC), Who: "ABCDEFG"}.Name("vault.latchkey")
			write(t, filepath.Join(dir, name), coretest.OtherComputer(t, path, coretest.Adds(t, vault.Account{Key: keys[1+i]})))
			names = append(names, name)
		}
		rep, got := syncOpening(t, coretest.Open(t, path), dir)
		if len(rep.Copies) != n || rep.Kept() {
			t.Fatalf("%d copies: got %+v; want each merged and removed", n, rep.Copies)
		}
		for _, name := range names {
			var count int
			for opened, c := range got {
				if strings.Contains(opened, name) { // under its name or moved aside
					count += c
				}
			}
			if count != 1 {
				t.Errorf("%d copies: %s opened %d times, want once (opens: %v)", n, name, count, got)
			}
		}
		vaultOpens[n] = got["vault.latchkey"]
	}
	t.Logf("the vault file: opened %d times by a sync of 1 copy, %d of 3", vaultOpens[1], vaultOpens[3])
	if vaultOpens[3] != vaultOpens[1] {
		t.Errorf("the vault file: opened %d times with 1 copy, %d with 3; want the same", vaultOpens[1], vaultOpens[3])
	}
}

// Only a regular file under a hidden name is a copy a sync moved aside
// (moveAside moves nothing else): a link, a folder or a FIFO a sync tool
// drops under such a name is left as it is, never given a visible name.
// On macOS and Windows a hard link to a symbolic link is one to its
// target, so putting back a planted link would give a file of the
// person's own (a key, the vault) a name in the synced folder.
func TestSyncRestoresOnlyRegularFiles(t *testing.T) {
	_, path, dir := vaultInFolder(t)
	secret := filepath.Join(t.TempDir(), "id_ed25519")
	write(t, secret, []byte("private key"))
	planted := map[string]func(string) error{
		"vault.sync-conflict-20261201-101010-ABCDEFG.latchkey": func(p string) error { return os.Symlink(secret, p) },
		"vault.sync-conflict-20261202-101010-ABCDEFG.latchkey": func(p string) error { return os.Mkdir(p, 0o700) },
		"vault.sync-conflict-20261203-101010-ABCDEFG.latchkey": func(p string) error { return syscall.Mkfifo(p, 0o600) },
	}
	for name, plant := range planted {
		if err := plant(filepath.Join(dir, "."+name+".merging-0123456789abcdef")); err != nil {
			t.Fatal(err)
		}
	}
	v := coretest.Open(t, path)
	if _, err := Sync(v, nil); err != nil {
		t.Fatal(err)
	}
	for name := range planted {
		if st, err := os.Lstat(filepath.Join(dir, name)); err == nil {
			t.Errorf("%s: got a visible %v, want nothing (a planted hidden entry is not a copy)", name, st.Mode().Type())
		}
		if _, err := os.Lstat(filepath.Join(dir, "."+name+".merging-0123456789abcdef")); err != nil {
			t.Errorf("%s: the planted hidden entry: got %v, want it left as it is", name, err)
		}
	}
}

// One sync reads SyncMaxCopies copies at most: a folder of more junk
// copies than that costs that many reads, not one per copy; the others
// are kept, untouched and never opened, with ErrOverBudget and a reason
// saying what to do. A sync tool's names go first, in name order: copies
// under names a person gives copies of their own (which sort first) are
// the ones left over.
func TestSyncReadsAtMostItsBudgetOfCopies(t *testing.T) {
	keys := coretest.Keys(t)
	path := filepath.Join(t.TempDir(), "vault.latchkey")
	coretest.Vault(t, path, vault.Account{ID: "a", Key: keys[0]})
	dir := filepath.Dir(path)
	const extra = 8
	var junkNames []string
	for i := range SyncMaxCopies + extra {
		name := Conflict{Tool: Syncthing, When: time.Date(2026, 11, 1, 10, 10, i, 0, time.UTC), Who: "JUNKJNK"}.Name("vault.latchkey")
		write(t, filepath.Join(dir, name), junk(4096))
		junkNames = append(junkNames, name)
	}
	var theirs []string
	for i := range 3 {
		name := fmt.Sprintf("vault (%d).latchkey", i+1)
		write(t, filepath.Join(dir, name), junk(4096))
		theirs = append(theirs, name)
	}
	real := Conflict{Tool: Syncthing, When: time.Date(2026, 10, 1, 10, 10, 10, 0, time.UTC), Who: "ABCDEFG"}.Name("vault.latchkey")
	write(t, filepath.Join(dir, real), coretest.OtherComputer(t, path, coretest.Adds(t, vault.Account{ID: "b", Key: keys[1]})))
	v := coretest.Open(t, path)
	rep, opened := syncOpening(t, v, dir)
	var over, read int
	for _, cr := range rep.Copies {
		switch {
		case cr.Name == real:
			if !cr.Merged || !cr.Removed {
				t.Errorf("%s: got merged %v removed %v, %v; want it merged and removed before the junk", cr.Name, cr.Merged, cr.Removed, cr.Err)
			}
		case errors.Is(cr.Err, ErrOverBudget):
			over++
			if opened[cr.Name] != 0 {
				t.Errorf("%s: over the budget, but opened %d times; want never", cr.Name, opened[cr.Name])
			}
			if r := Reason(cr.Err); !strings.Contains(r, "remove the copies that are not needed") {
				t.Errorf("%s: got the reason %q; want it to say to remove the copies not needed", cr.Name, r)
			}
			if got := mustBytes(t, filepath.Join(dir, cr.Name)); !bytes.Equal(got, junk(4096)) {
				t.Errorf("%s: over the budget, and changed", cr.Name)
			}
		case cr.Merged || cr.Removed:
			t.Errorf("%s: got merged %v removed %v; want junk kept", cr.Name, cr.Merged, cr.Removed)
		default:
			read++
		}
	}
	var opens int
	for name, n := range opened {
		if _, ok := ParseConflict("vault.latchkey", name); ok {
			opens += n
		}
	}
	// The budget is the copies read: the Syncthing copy is one of them.
	if want := SyncMaxCopies + extra + 3 + 1 - SyncMaxCopies; over != want || read != SyncMaxCopies-1 {
		t.Errorf("got %d copies read and kept, %d over the budget; want %d and %d", read, over, SyncMaxCopies-1, want)
	}
	if opens != SyncMaxCopies {
		t.Errorf("got %d copies opened, want %d (opens: %v)", opens, SyncMaxCopies, opened)
	}
	for _, name := range append(junkNames[SyncMaxCopies-1:], theirs...) {
		if opened[name] != 0 {
			t.Errorf("%s: opened, want it past the budget (the Syncthing copies come first, in name order)", name)
		}
	}
}

// The bytes one sync reads are capped too, by each copy's size looked at
// before it is opened: a copy that would pass SyncMaxBytes is never
// opened.
func TestSyncReadsAtMostItsBudgetOfBytes(t *testing.T) {
	_, path, dir := vaultInFolder(t)
	size := int64(vault.MaxFileSize) - 1
	n := int(SyncMaxBytes/size) + 2
	for i := range n {
		testtool.SparseFile(t, filepath.Join(dir, Conflict{Tool: Syncthing, When: time.Date(2026, 11, 1, 10, 10, i, 0, time.UTC), Who: "JUNKJNK"}.Name("vault.latchkey")), junk(4096), size)
	}
	v := coretest.Open(t, path)
	rep, opened := syncOpening(t, v, dir)
	var over int
	for _, cr := range rep.Copies {
		if errors.Is(cr.Err, ErrOverBudget) {
			over++
			if opened[cr.Name] != 0 {
				t.Errorf("%s: over the budget, but opened", cr.Name)
			}
		} else if opened[cr.Name] != 1 {
			t.Errorf("%s: kept for %v, opened %d times; want once", cr.Name, cr.Err, opened[cr.Name])
		}
	}
	if want := n - int(SyncMaxBytes/size); over != want {
		t.Errorf("got %d copies over the budget, want %d", over, want)
	}
}

// Watch does not read again a copy it could not merge while it is the
// same file: with junk beside the vault, the sync for a copy that comes
// later reads that copy alone, and still reports the junk kept, for the
// reason it had. A new version of the junk is read.
func TestWatchDoesNotReadKeptJunkAgain(t *testing.T) {
	keys, path, v := syncedVault(t)
	dir := filepath.Dir(path)
	o := watchOpens(t, dir)
	reports := startWatch(t, v)
	names := []string{
		"vault.sync-conflict-20261101-101010-JUNKJNK.latchkey",
		"vault.sync-conflict-20261101-101011-JUNKJNK.latchkey",
		"vault (1).latchkey",
	}
	for _, name := range names {
		testtool.SyncDeliver(t, filepath.Join(dir, name), junk(1<<20))
	}
	first := within(t, reports, "the junk")
	reasons := map[string]string{}
	for _, cr := range first.sr.Copies {
		if cr.Merged || cr.Removed || cr.Err == nil || errors.Is(cr.Err, ErrOverBudget) {
			t.Fatalf("%s: got merged %v removed %v, %v; want it kept as junk", cr.Name, cr.Merged, cr.Removed, cr.Err)
		}
		reasons[cr.Name] = Reason(cr.Err)
	}
	if len(reasons) != len(names) {
		t.Fatalf("got %+v; want the %d junk copies kept", first.sr.Copies, len(names))
	}
	o.take(t)

	real := "vault.sync-conflict-20261201-101010-ABCDEFG.latchkey"
	testtool.SyncDeliver(t, filepath.Join(dir, real), coretest.OtherComputer(t, path, coretest.Adds(t, vault.Account{ID: "b", Key: keys[1]})))
	got := within(t, reports, "this vault's copy")
	if !oneAdded(t, "this vault's copy", got) {
		t.FailNow()
	}
	opened := o.take(t)
	for _, name := range names {
		if opened[name] != 0 {
			t.Errorf("%s: unchanged junk read again (%d opens); want it not read", name, opened[name])
		}
	}
	if opened[real] != 1 {
		t.Errorf("%s: opened %d times, want once", real, opened[real])
	}
	for _, cr := range got.sr.Copies {
		if cr.Name == real {
			continue
		}
		if cr.Merged || cr.Removed || Reason(cr.Err) != reasons[cr.Name] {
			t.Errorf("%s: got merged %v removed %v, %q; want it kept, %q", cr.Name, cr.Merged, cr.Removed, Reason(cr.Err), reasons[cr.Name])
		}
	}
	if len(got.sr.Copies) != len(names)+1 {
		t.Errorf("got %d copies reported, want %d: the junk still kept, and the copy", len(got.sr.Copies), len(names)+1)
	}

	// A new version at a junk copy's name is another file: it is read.
	testtool.SyncDeliver(t, filepath.Join(dir, names[0]), junk(2<<20))
	within(t, reports, "the junk's new version")
	opened = o.take(t)
	if opened[names[0]] != 1 || opened[names[1]] != 0 || opened[names[2]] != 0 {
		t.Errorf("got opens %v; want %s alone opened, once", opened, names[0])
	}
}

// TestWatchReadsOnPastTheJunk: more junk than one sync reads, named to
// sort before this vault's copy, found when the vault is opened (the sync
// the window runs at unlock, handed to Watch). The copy was never merged
// while the folder stayed quiet: every sync read the same junk and
// stopped. Watch reads on by itself, and reads each junk copy once in
// all, the unlock's sync included; then it reports once, and stops.
func TestWatchReadsOnPastTheJunk(t *testing.T) {
	keys, path, v := syncedVault(t)
	dir := filepath.Dir(path)
	const junkCopies = 40
	var junkNames []string
	for i := range junkCopies {
		name := fmt.Sprintf("vault.sync-conflict-00000101-0000%02d-JUNKJNK.latchkey", i)
		if _, ok := ParseConflict("vault.latchkey", name); !ok {
			t.Fatalf("%s: not a conflict name", name)
		}
		write(t, filepath.Join(dir, name), junk(4096))
		junkNames = append(junkNames, name)
	}
	real := "vault.sync-conflict-20261201-101010-ABCDEFG.latchkey"
	write(t, filepath.Join(dir, real), coretest.OtherComputer(t, path, coretest.Adds(t, vault.Account{ID: "b", Key: keys[1]})))
	o := watchOpens(t, dir)
	opened, err := Sync(v, nil)
	if err != nil {
		t.Fatal(err)
	}
	reports := startWatchAfter(t, v, opened, err)
	started := time.Now()
	got := within(t, reports, "this vault's copy, behind the junk")
	t.Logf("merged and reported %v after Watch started (WatchDelay %v)", got.at.Sub(started).Round(time.Millisecond), WatchDelay)
	oneAdded(t, "this vault's copy, behind the junk", got)
	if _, ok := v.Account("b"); !ok {
		t.Error("the copy's account is not in the vault")
	}
	if _, err := os.Lstat(filepath.Join(dir, real)); !os.IsNotExist(err) {
		t.Errorf("the merged copy is still there: %v", err)
	}
	kept := 0
	for _, cr := range got.sr.Copies {
		if errors.Is(cr.Err, ErrOverBudget) {
			t.Errorf("%s: reported over the budget; want each copy read by one of the syncs", cr.Name)
		}
		if !cr.Removed {
			kept++
		}
	}
	if kept != junkCopies {
		t.Errorf("got %d copies reported kept, want the %d junk copies", kept, junkCopies)
	}
	// No more syncs: the junk is known.
	select {
	case w := <-reports:
		t.Errorf("another report came: %q, %+v, %v", w.rep, w.sr.Copies, w.err)
	case <-time.After(4 * WatchDelay):
	}
	opens := o.take(t)
	for _, name := range junkNames {
		if opens[name] != 1 {
			t.Errorf("%s: opened %d times, want once across the syncs", name, opens[name])
		}
	}
}

// Copies over the budget that are read again each time (they cannot be
// read, and are not known): the syncs reading on reach this vault's copy
// behind them (what no sync read yet goes first), then stop once they
// read nothing new; no sync runs again and again while the folder is
// quiet.
func TestWatchStopsReadingOnWithoutProgress(t *testing.T) {
	keys, path, v := syncedVault(t)
	dir := filepath.Dir(path)
	for i := range SyncMaxCopies + 8 {
		write(t, filepath.Join(dir, fmt.Sprintf("vault.sync-conflict-00000101-0000%02d-JUNKJNK.latchkey", i)), junk(4096))
	}
	real := "vault.sync-conflict-20261201-101010-ABCDEFG.latchkey"
	write(t, filepath.Join(dir, real), coretest.OtherComputer(t, path, coretest.Adds(t, vault.Account{ID: "b", Key: keys[1]})))
	// Every read of the junk fails as a file changing while read would:
	// not the file's own outcome, so nothing is known and each sync reads
	// it again.
	readCopyFile = func(p string, max int64) ([]byte, os.FileInfo, error) {
		if strings.Contains(p, "JUNKJNK") {
			return nil, nil, ErrChangedWhileRead
		}
		return vault.ReadCopyInfoMax(p, max)
	}
	t.Cleanup(func() { readCopyFile = vault.ReadCopyInfoMax })
	var passes atomic.Int32
	watchPassed = func(SyncReport) { passes.Add(1) }
	t.Cleanup(func() { watchPassed = func(SyncReport) {} })
	opened, err := Sync(v, nil)
	if err != nil {
		t.Fatal(err)
	}
	reports := startWatchAfter(t, v, opened, err)
	got := within(t, reports, "the junk that cannot be read")
	if got.err != nil || got.rep.String() != "1 added" || !got.sr.Kept() {
		t.Errorf("got %q, kept %v, %v; want \"1 added\" and the junk kept", got.rep, got.sr.Kept(), got.err)
	}
	ran := passes.Load()
	time.Sleep(6 * WatchDelay)
	if now := passes.Load(); now != ran || ran > 3 {
		t.Errorf("got %d syncs by the report, %d after a quiet wait; want at most 3, and none after", ran, now)
	}
	t.Logf("%d syncs read on", ran)
}
