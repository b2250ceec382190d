package ui

import (
	"errors"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"latchkey/core"
	"latchkey/internal/safetext"
	"latchkey/vault"
)

// errStopped is a merge the lock ended before it began.
var errStopped = errors.New("stopped by the lock")

// merge adds the accounts of a backup core has read (found, or why it
// could not) to the vault, on the worker goroutine. Duplicates are kept as
// they are unless the person says to replace them, one by one.
//
// A merge the lock ended before it began adds nothing: the person locked,
// and the vault is being saved and closed. One the lock ends while it runs
// finishes (the duplicates not asked about yet are kept as they are, the
// lock's cancel) and saves; when the vault closed first, the lock's save
// may or may not hold it. merged notes each case by counts, no names.
func (im importer) merge(j *job, v *vault.Vault, name string, found core.Found, err error) {
	s := im.session
	var rep vault.MergeReport
	var st vault.BackupStatus
	if err == nil {
		live := false
		fyne.DoAndWait(func() { live = j.live() })
		if !live {
			err = errStopped
		}
	}
	if err == nil {
		rep, err = core.AddNew(v, found.Accounts, &replaceAsker{job: j})
		if err == nil {
			err = v.Save()
			if errors.Is(err, vault.ErrBackupFailed) {
				err = nil // the status line says so
			}
		}
		st, _ = v.LastBackup()
	}
	found.Wipe()
	fyne.Do(func() {
		j.done()
		im.merged(name, rep, err)
		if err == nil && !s.ended() {
			s.showBackupStatus(v, st)
		}
	})
}

// merged says what the merge did. Once the vault was locked (the merge
// may end after the lock) it shows nothing, as the report names accounts:
// a note, by counts alone, says after the next unlock what became of it.
func (im importer) merged(name string, rep vault.MergeReport, err error) {
	s := im.session
	switch {
	case s.ended() && err == nil:
		s.w.keep(fmt.Sprintf("The restore from %s begun before the lock added %s and replaced %s.", name, countText(len(rep.Added), "account"), countText(len(rep.Replaced), "account")))
		return
	case s.ended() && len(rep.Added)+len(rep.Replaced) > 0:
		// Merged, then not saved by itself: the lock's save may have.
		s.w.keep("The restore from " + name + " begun before the lock may not have been saved: restore it again.")
		return
	case s.ended():
		s.w.keep("The restore from " + name + " begun before the lock was stopped, nothing added: restore it again.")
		return
	case errors.Is(err, errCancelled):
		return
	case err != nil:
		s.w.showError("Could not restore from "+name, errors.New(backupAdvice(err)))
		return
	}
	s.refresh("")
	var b strings.Builder
	fmt.Fprintf(&b, "Added %s.", countText(len(rep.Added), "account"))
	if len(rep.Replaced) > 0 {
		fmt.Fprintf(&b, "\n\nReplaced with the backup's copy: %s.", escapedList(rep.Replaced))
	}
	if len(rep.Duplicates) > 0 {
		fmt.Fprintf(&b, "\n\nAlready in the vault, kept as they are: %s.", escapedList(rep.Duplicates))
	}
	msg := widget.NewLabel(b.String())
	msg.Wrapping = fyne.TextWrapWord
	s.w.present(dialog.NewCustom("Restored from "+name, "OK", container.New(&columnLayout{width: 380}, msg), s.w.win), nil)
}

// escapedList joins account labels for a message, each shown escaped.
func escapedList(labels []string) string {
	shown := make([]string, len(labels))
	for i, l := range labels {
		shown[i] = safetext.Escape(l)
	}
	return strings.Join(shown, ", ")
}

func countText(n int, unit string) string {
	if n == 0 {
		return "no " + unit + "s"
	}
	return plural(n, unit)
}

// backupAdvice is advice for errors opening a backup file.
func backupAdvice(err error) string {
	switch {
	case errors.Is(err, vault.ErrWrongPassword):
		return "wrong password. A backup opens with the vault's password as it was when the backup was made, or with the separate password chosen for it."
	case errors.Is(err, vault.ErrCorrupt):
		return "this file is not a Latchkey backup, or it is damaged. Try another copy (the backup folder keeps several)."
	case errors.Is(err, vault.ErrNewerVersion):
		return "this backup was written by a newer Latchkey. Update Latchkey to open it."
	case errors.Is(err, vault.ErrWrongBackupCode):
		return "that backup code does not open this backup, or it was already used. Backup codes open a backup only when it was written with them."
	case errors.Is(err, vault.ErrExists):
		return "a vault already exists there."
	}
	return advice(err)
}

// replaceAsker asks, for each duplicate that differs from the vault's
// copy, whether the backup's copy should replace it. It runs on the merge
// goroutine.
type replaceAsker struct {
	job    *job
	always *core.Choice // the answer for the rest, once given
}

var _ core.Chooser = (*replaceAsker)(nil)

// replaceAnswer is the person's answer to one duplicate.
type replaceAnswer struct {
	replace, forRest bool
}

func (r *replaceAsker) KeepOrReplace(existing, incoming vault.Account) core.Choice {
	if r.always != nil {
		return *r.always
	}
	ans := askAndWait(r.job, func(answer func(replaceAnswer)) {
		r.show(existing, incoming, answer)
	})
	choice := core.Keep
	if ans.replace {
		choice = core.Replace
	}
	if ans.forRest {
		r.always = &choice
	}
	fyne.Do(func() { r.job.show("Restoring…") })
	return choice
}

// show asks about one duplicate.
func (r *replaceAsker) show(existing, incoming vault.Account, answer func(replaceAnswer)) {
	msg := widget.NewLabel(fmt.Sprintf("%s is already in the vault, and the backup's copy differs (backup: %s). Keep the vault's copy, or replace it with the backup's?",
		safetext.Escape(existing.Key.Label()), safetext.Escape(incoming.Key.Label())))
	msg.Wrapping = fyne.TextWrapWord
	rest := widget.NewCheck("Do the same for the other duplicates", nil)
	var d dialog.Dialog
	keep := widget.NewButton("Keep mine", func() {
		answer(replaceAnswer{replace: false, forRest: rest.Checked})
		d.Hide()
	})
	keep.Importance = widget.HighImportance
	repl := widget.NewButton("Replace", func() {
		answer(replaceAnswer{replace: true, forRest: rest.Checked})
		d.Hide()
	})
	body := container.NewVBox(msg, rest, container.NewHBox(layoutSpacer(), repl, keep))
	d = dialog.NewCustomWithoutButtons("Duplicate account", container.New(&columnLayout{width: 380}, body), r.job.w.win)
	// Return keeps mine, the safe answer, as does Esc (answer takes the first).
	r.job.w.present(d, keep.OnTapped)
	d.SetOnClosed(func() { answer(replaceAnswer{replace: false, forRest: rest.Checked}) })
}
