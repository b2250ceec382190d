package core

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"

	"latchkey/vault"
)

// WatchDelay is how long Watch waits after the last change in the vault's
// folder before merging: a sync tool writes a file in several steps (a
// temporary file, then a rename), and one merge of the finished file is
// enough.
const WatchDelay = 300 * time.Millisecond

// WatchMaxWait is the longest Watch puts a merge off while the folder
// keeps changing: a copy renamed or written again and again, faster than
// WatchDelay, would else put it off for as long as that goes on.
const WatchMaxWait = 10 * WatchDelay

// Watch merges what other computers save while the vault is open. It
// watches the vault's folder (the operating system tells of changes; no
// polling) and, once the vault file was replaced or written or a conflict
// copy appeared, and the folder has been quiet for WatchDelay (or kept
// changing for WatchMaxWait), runs Sync (without a password: no KDF) and
// calls report with what came in, when anything did or a copy was kept.
// report runs on Watch's goroutine; it must not block long. Watch returns
// nil when ctx is done, or the watcher's error.
//
// What Sync itself does is seen too, and costs next to nothing: a copy's
// name that is gone (Sync deleted it) brings nothing to merge, and when
// only the vault file changed (Sync's own save, or the vault's), the file
// is merged alone, which finds it is what the vault last wrote; the
// folder is not read again and nothing is reported.
//
// A sync that leaves copies over its budget (ErrOverBudget) and read a
// copy no sync before it read is followed by another, WatchDelay later,
// with no change in the folder needed: junk named to sort first does not
// keep a copy behind it unread while the folder is quiet. Each reads at
// most the budget; they stop when nothing is left over, or when one reads
// nothing new (copies that cannot be read, again and again). report is
// called once for such a run, with what the syncs did together (once
// every WatchMaxWait, should the run go on that long).
//
// Call Sync once when the vault is opened, and give its outcome to
// WatchAfter; Watch starts knowing nothing, and reports only what
// changes after it starts.
func Watch(ctx context.Context, v Syncer, report func(SyncReport, error)) error {
	return WatchAfter(ctx, v, SyncReport{}, nil, report)
}

// WatchAfter is Watch, started after the sync at the vault's opening, whose
// outcome was opened and openErr: the copies it kept are not read again
// while they are the same files, and when it left copies over its budget,
// Watch reads on. report is called with opened (and openErr), as Watch
// calls it for its own syncs: at once, or, when Watch reads on, once with
// what those syncs did added.
func WatchAfter(ctx context.Context, v Syncer, opened SyncReport, openErr error, report func(SyncReport, error)) error {
	tried := map[string]bool{}
	// pending is what a run of syncs reading on past the budget did so far
	// (nil: none runs), reported when it ends.
	var pending *SyncReport
	// runStart is when the run began (zero: none runs).
	var runStart time.Time
	if openErr == nil && readsOn(opened, tried) {
		pending, runStart = &opened, time.Now()
	} else if shows(opened, openErr) {
		report(opened, openErr)
	}
	tried = triedAfter(opened, tried)
	// The copies the last sync kept, as they were: a copy put back at its
	// name when it could not be deleted is that same file, Sync's own
	// doing, and syncing it again would do the same, forever. A copy that
	// could not be merged (damaged, another vault's, a stranger's junk) is
	// not read again while it is the same file, not written since: the
	// next sync reports it kept for the same reason, and reads only what
	// is new.
	kept := keptOf(opened)
	stopped := func(err error) error {
		if pending != nil {
			report(*pending, nil)
		}
		return err
	}
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return stopped(fmt.Errorf("watching the vault's folder: %w", err))
	}
	defer w.Close()
	path := v.Path()
	dir, name := filepath.Dir(path), filepath.Base(path)
	if err := w.Add(dir); err != nil {
		return stopped(escapeNames(fmt.Errorf("watching %s: %w", dir, err), dir))
	}
	watching(dir)
	// Whether a copy may have come since the last pass (or events were
	// lost): then the folder is read again. Else only the vault file
	// changed.
	var copyCame bool
	// The copies seen arriving since the last pass: Sync reads them first.
	came := map[string]bool{}
	note := func(e fsnotify.Event) bool {
		if e.Op&(fsnotify.Create|fsnotify.Write|fsnotify.Rename|fsnotify.Remove) == 0 {
			return false
		}
		base := filepath.Base(e.Name)
		if base == name {
			return true
		}
		// A name that is gone brings nothing: Sync deleted the copy, or
		// the sync tool moved it, and a new name is an event of its own.
		// A copy moved aside by a sync stopped on another computer is
		// one too: Sync gives it its name back. Sync's own are deleted
		// by the time their events are read.
		_, isCopy := ParseConflict(name, base)
		visible, isAside := asideOf(name, base)
		if !isCopy && !isAside {
			return false
		}
		if k, ok := kept[base]; ok && !k.Merged && e.Op&fsnotify.Write != 0 {
			// Written in place: what was read is not what is there,
			// whatever its size and time say (a tool sets the time back;
			// a coarse clock does not tick). Sync writes into no copy; it
			// moves only those it merged.
			delete(kept, base)
		}
		st := lstatOrNil(e.Name)
		if st == nil || sameVersion(kept[base].seen, st) {
			return false
		}
		copyCame = true
		if isAside {
			base = visible
		}
		came[base] = true
		return true
	}
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	defer timer.Stop()
	// first is when the first change since the last pass was seen (zero:
	// none); the pass comes WatchDelay after the last change, and no later
	// than WatchMaxWait after the first.
	var first time.Time
	wait := func() {
		now := time.Now()
		if first.IsZero() {
			first = now
		}
		timer.Reset(min(WatchDelay, max(0, first.Add(WatchMaxWait).Sub(now))))
	}
	if pending != nil {
		copyCame = true
		wait()
	}
	for {
		select {
		case <-ctx.Done():
			return nil
		case err, ok := <-w.Errors:
			if !ok {
				return nil
			}
			// An overflow loses events, not the folder: merge to be sure.
			if err == fsnotify.ErrEventOverflow {
				copyCame = true
				wait()
				continue
			}
			return escapeNames(fmt.Errorf("watching %s: %w", dir, err), dir)
		case e, ok := <-w.Events:
			if !ok {
				return nil
			}
			if note(e) {
				wait()
			}
		case <-timer.C:
			first = time.Time{}
			full := copyCame
			copyCame = false
			var disk vault.Changes
			if !full {
				// Only the vault file: merge it alone. It holds nothing new
				// when it is the vault's own save, Sync's included.
				ch, err := v.MergeDisk()
				if err == nil && ch.Empty() && !v.Dirty() {
					continue
				}
				disk = ch
				if ch.Key {
					maps.DeleteFunc(kept, func(_ string, c CopyReport) bool { return unknownKey(c) })
				}
			}
			rep, err := syncKnown(v, nil, kept, came, tried)
			clear(came)
			rep.Disk.Add(disk)
			more := err == nil && readsOn(rep, tried)
			tried = triedAfter(rep, tried)
			kept = keptOf(rep)
			watchPassed(rep)
			if pending != nil {
				rep = combine(*pending, rep)
				pending = nil
			}
			if more {
				// Copies were left over, and this sync got further than
				// the last: the next reads on, without waiting for the
				// folder to change. New junk dropped faster than the
				// syncs read it would keep the run going: what it did is
				// said every WatchMaxWait.
				if runStart.IsZero() {
					runStart = time.Now()
				}
				if time.Since(runStart) >= WatchMaxWait {
					if shows(rep, nil) {
						report(rep, nil)
					}
					rep, runStart = SyncReport{}, time.Now()
				}
				pending = &rep
				copyCame = true
				wait()
				continue
			}
			runStart = time.Time{}
			if shows(rep, err) {
				report(rep, err)
			}
		}
	}
}

// shows reports whether a sync's outcome is worth reporting: something
// came in, a copy was kept, or it failed.
func shows(rep SyncReport, err error) bool {
	return err != nil || !rep.Changes().Empty() || rep.Kept()
}

// readsOn reports whether another sync should follow rep at once: it left
// copies over its budget, and read one whose name is not in tried (no
// sync read it before). A folder whose copies over the budget are the
// same unreadable ones each time ends the run.
func readsOn(rep SyncReport, tried map[string]bool) bool {
	over := slices.ContainsFunc(rep.Copies, func(c CopyReport) bool { return errors.Is(c.Err, ErrOverBudget) })
	return over && slices.ContainsFunc(rep.Copies, func(c CopyReport) bool { return c.read && !tried[c.Name] })
}

// triedAfter is tried once rep's sync is done: the names it read added,
// and only names still beside the vault kept (rep names them all).
func triedAfter(rep SyncReport, tried map[string]bool) map[string]bool {
	next := map[string]bool{}
	for _, c := range rep.Copies {
		if !c.Removed && (c.read || tried[c.Name]) {
			next[c.Name] = true
		}
	}
	return next
}

// keptOf is the copies rep's sync kept, as they were, by name: those a
// sync after it need not read again while they are the same files. One
// sealed under a key the vault did not have is read again once the vault
// took a new key.
func keptOf(rep SyncReport) map[string]CopyReport {
	newKey := rep.Changes().Key
	kept := map[string]CopyReport{}
	for _, c := range rep.Copies {
		if !c.Removed && c.seen != nil && !(newKey && unknownKey(c)) {
			kept[c.Name] = c
		}
	}
	return kept
}

// combine is what two syncs in a row did, as one report: what both
// brought; each copy as the later left it (the later lists every copy
// still there), merged when either merged it; and the copies the earlier
// merged that are gone since.
func combine(earlier, later SyncReport) SyncReport {
	out := SyncReport{Disk: earlier.Disk}
	out.Disk.Add(later.Disk)
	before := map[string]CopyReport{}
	for _, c := range earlier.Copies {
		before[c.Name] = c
	}
	for _, c := range later.Copies {
		if e, ok := before[c.Name]; ok {
			delete(before, c.Name)
			if e.Merged {
				ch := e.Changes
				ch.Add(c.Changes)
				c.Merged, c.Changes = true, ch
			}
		}
		out.Copies = append(out.Copies, c)
	}
	for _, c := range earlier.Copies {
		if _, gone := before[c.Name]; gone && c.Merged {
			out.Copies = append(out.Copies, c)
		}
	}
	slices.SortFunc(out.Copies, func(a, b CopyReport) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// watchPassed is told each sync Watch ran, before reports are combined
// (tests look at one sync of a run).
var watchPassed = func(SyncReport) {}

// watching is told when Watch has started watching dir (tests wait for it).
var watching = func(dir string) {}
