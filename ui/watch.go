package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"latchkey/core"
	"latchkey/internal/safetext"
	"latchkey/vault"
)

// startWatch merges what other computers save into the session's vault
// while it is unlocked: it merges once (what arrived while the window was
// locked), then watches the vault's folder (core.Watch) until the session
// ends. What came in shows in the list, with a note; no question is asked.
// do runs a function on the UI goroutine (fyne.Do). The returned stop waits
// until no merge runs, so the vault can be saved and closed after it.
func startWatch(s *session, do func(func())) (stop func()) {
	v := s.v
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	report := func(rep core.SyncReport, err error) {
		do(func() { s.synced(v, rep, err) })
	}
	go func() {
		defer close(done)
		// The watcher is given the unlock's sync: it reports it, reads on
		// past the copies that sync left over its budget, and does not
		// read again the ones it kept.
		rep, err := core.Sync(v, nil)
		if err := core.WatchAfter(ctx, v, rep, err, report); err != nil {
			trace("watcher stopped: " + withoutPackage(err.Error()))
			do(func() {
				if s.v == v {
					s.say("Changes from other computers are not merged while the window is open: " + advice(err))
				}
			})
		}
	}()
	return func() {
		cancel()
		<-done
	}
}

// synced shows what a merge of other computers' saves brought, on the UI
// goroutine; nothing when the vault was locked since.
func (s *session) synced(v *vault.Vault, rep core.SyncReport, err error) {
	if s.v != v {
		return
	}
	note := syncNote(rep)
	s.refresh(note)
	if ch := rep.Changes(); !ch.Empty() {
		trace("merged from another computer: " + ch.String())
	}
	if err != nil {
		trace("merge from another computer failed: " + withoutPackage(err.Error()))
		// The watcher sees the folder change again and again; one dialog
		// per reason is enough.
		msg := advice(err)
		if msg != s.syncProblem {
			s.syncProblem = msg
			s.w.showError("Could not merge what another computer saved", err)
		}
		return
	}
	s.syncProblem = ""
}

// syncNoteCopies is how many kept conflict copies the note names: junk
// copies dropped in the synced folder by the hundred must not make a note
// of hundreds of lines. "latchkey sync" lists them all.
const syncNoteCopies = 5

// syncNote says what came in from other computers: "From another
// computer: 2 added, 1 changed", and the conflict copies that were kept,
// by their (escaped) names and why, up to syncNoteCopies of them, then how
// many more. Those the sync did not read (over its budget) come last: they
// say least.
func syncNote(rep core.SyncReport) string {
	var lines []string
	if ch := rep.Changes(); !ch.Empty() {
		line := "From another computer: " + ch.String()
		if ch.Key {
			line += ". The next unlock takes the new password"
		}
		lines = append(lines, line+".")
	}
	var kept, unread []core.CopyReport
	for _, c := range rep.Copies {
		switch {
		case c.Removed:
		case errors.Is(c.Err, core.ErrOverBudget):
			unread = append(unread, c)
		default:
			kept = append(kept, c)
		}
	}
	kept = append(kept, unread...)
	for _, c := range kept[:min(len(kept), syncNoteCopies)] {
		name := safetext.Escape(c.Name)
		if c.Merged {
			lines = append(lines, fmt.Sprintf("A copy from another computer was merged but kept as %s: %s.", name, core.Reason(c.Err)))
			continue
		}
		lines = append(lines, fmt.Sprintf("A copy from another computer could not be merged: %s. It is kept as %s.", core.Reason(c.Err), name))
	}
	if more := len(kept) - syncNoteCopies; more > 0 {
		line := fmt.Sprintf("%d more copies were kept beside the vault", more)
		if more == 1 {
			line = "1 more copy was kept beside the vault"
		}
		if hidden := min(more, len(unread)); hidden > 0 {
			line += fmt.Sprintf(", %d not read (one sync reads only so many). Remove the copies that are not needed", hidden)
		}
		lines = append(lines, line+`. To see each one and why, lock Latchkey and run "latchkey sync".`)
	}
	return strings.Join(lines, "\n")
}
