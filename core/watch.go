package core

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"github.com/fsnotify/fsnotify"
)

// WatchDelay is how long Watch waits after the last change in the vault's
// folder before merging: a sync tool writes a file in several steps (a
// temporary file, then a rename), and one merge of the finished file is
// enough.
const WatchDelay = 300 * time.Millisecond

// Watch merges what other computers save while the vault is open. It
// watches the vault's folder (the operating system tells of changes; no
// polling) and, once the vault file was replaced or written or a conflict
// copy appeared, and the folder has been quiet for WatchDelay, runs Sync
// (without a password: no KDF) and calls report with what came in, when
// anything did or a copy was kept. report runs on Watch's goroutine; it
// must not block long. Watch returns nil when ctx is done, or the
// watcher's error.
//
// The vault's own saves are seen too, and find nothing new. Call Sync
// once when the vault is opened: Watch reports only what changes after it
// starts.
func Watch(ctx context.Context, v Syncer, report func(SyncReport, error)) error {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return fmt.Errorf("watching the vault's folder: %w", err)
	}
	defer w.Close()
	path := v.Path()
	dir, name := filepath.Dir(path), filepath.Base(path)
	if err := w.Add(dir); err != nil {
		return fmt.Errorf("watching %s: %w", dir, err)
	}
	watching(dir)
	relevant := func(e fsnotify.Event) bool {
		if e.Op&(fsnotify.Create|fsnotify.Write|fsnotify.Rename|fsnotify.Remove) == 0 {
			return false
		}
		base := filepath.Base(e.Name)
		if base == name {
			return true
		}
		_, ok := ParseConflict(name, base)
		return ok
	}
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	defer timer.Stop()
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
				timer.Reset(WatchDelay)
				continue
			}
			return fmt.Errorf("watching %s: %w", dir, err)
		case e, ok := <-w.Events:
			if !ok {
				return nil
			}
			if relevant(e) {
				timer.Reset(WatchDelay)
			}
		case <-timer.C:
			rep, err := Sync(v, nil)
			if err != nil || !rep.Changes().Empty() || rep.Kept() {
				report(rep, err)
			}
		}
	}
}

// watching is told when Watch has started watching dir (tests wait for it).
var watching = func(dir string) {}
