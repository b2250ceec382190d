package core

import (
	"context"
	"fmt"
	"maps"
	"path/filepath"
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
// folder is not read again and nothing is reported. Call Sync once when
// the vault is opened: Watch reports only what changes after it starts.
func Watch(ctx context.Context, v Syncer, report func(SyncReport, error)) error {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return fmt.Errorf("watching the vault's folder: %w", err)
	}
	defer w.Close()
	path := v.Path()
	dir, name := filepath.Dir(path), filepath.Base(path)
	if err := w.Add(dir); err != nil {
		return escapeNames(fmt.Errorf("watching %s: %w", dir, err), dir)
	}
	watching(dir)
	// Whether a copy may have come since the last pass (or events were
	// lost): then the folder is read again. Else only the vault file
	// changed.
	var copyCame bool
	// The copies seen arriving since the last pass: Sync reads them first.
	came := map[string]bool{}
	// The copies the last sync kept, as they were: a copy put back at its
	// name when it could not be deleted is that same file, Sync's own
	// doing, and syncing it again would do the same, forever. A copy that
	// could not be merged (damaged, another vault's, a stranger's junk) is
	// not read again while it is the same file, not written since: the
	// next sync reports it kept for the same reason, and reads only what
	// is new.
	kept := map[string]CopyReport{}
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
			rep, err := syncKnown(v, nil, kept, came)
			clear(came)
			rep.Disk.Add(disk)
			newKey := rep.Changes().Key
			kept = map[string]CopyReport{}
			for _, c := range rep.Copies {
				if !c.Removed && c.seen != nil && !(newKey && unknownKey(c)) {
					kept[c.Name] = c
				}
			}
			if err != nil || !rep.Changes().Empty() || rep.Kept() {
				report(rep, err)
			}
		}
	}
}

// watching is told when Watch has started watching dir (tests wait for it).
var watching = func(dir string) {}
