package ui

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"latchkey/internal/safetext"
	"latchkey/vault"
)

// onRestoreBackup merges a backup file into the open vault; it starts in
// the backup folder. Another app's export picked here is imported instead.
func (a *app) onRestoreBackup() {
	if a.v == nil {
		return
	}
	a.touch()
	a.openFile(a.settings().BackupDir, a.importData)
}

// mergeBackup opens a backup with its password (asking again after a
// wrong one) and adds its accounts to the vault. Duplicates are kept as
// they are unless the person says to replace them, one by one.
func (a *app) mergeBackup(name string, data []byte) {
	v := a.v
	if v == nil {
		return
	}
	a.busy("Reading " + name + "…")
	a.background(func() {
		var b *vault.Backup
		var err error
		for try := 0; try < 3; try++ {
			var pw []byte
			pw, err = a.askPasswordFor(name, "Type the password of this Latchkey backup: the vault's password when the backup was made, or the separate password chosen for it.", try > 0)()
			if err != nil {
				break
			}
			b, err = a.vaults.ReadBackup(data, pw)
			clear(pw)
			releaseKDFMemory()
			if !errors.Is(err, vault.ErrWrongPassword) {
				break
			}
		}
		clear(data)
		var rep vault.MergeReport
		var st vault.BackupStatus
		if err == nil {
			ask := &replaceAsker{app: a}
			rep, err = v.Merge(b.Accounts, ask.replace)
			b.Wipe()
			if err == nil {
				err = v.Save()
				if errors.Is(err, vault.ErrBackupFailed) {
					err = nil // the status line says so
				}
			}
			st, _ = v.LastBackup()
		}
		fyne.Do(func() {
			a.idleAgain()
			a.merged(name, rep, err)
			if err == nil {
				a.showBackupStatus(v, st)
			}
		})
	})
}

func (a *app) merged(name string, rep vault.MergeReport, err error) {
	switch {
	case errors.Is(err, errCancelled):
		return
	case err != nil:
		a.showError("Could not restore from "+name, errors.New(backupAdvice(err)))
		return
	}
	if a.accounts != nil {
		a.accounts.reload()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Added %s.", countText(len(rep.Added), "account"))
	if len(rep.Replaced) > 0 {
		fmt.Fprintf(&b, "\n\nReplaced with the backup's copy: %s.", strings.Join(rep.Replaced, ", "))
	}
	if len(rep.Duplicates) > 0 {
		fmt.Fprintf(&b, "\n\nAlready in the vault, kept as they are: %s.", strings.Join(rep.Duplicates, ", "))
	}
	msg := widget.NewLabel(b.String())
	msg.Wrapping = fyne.TextWrapWord
	dialog.NewCustom("Restored from "+name, "OK", container.New(&columnLayout{width: 380}, msg), a.win).Show()
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
	app    *app
	always *bool // the answer for the rest, once given
}

// replaceAnswer is the person's answer to one duplicate.
type replaceAnswer struct {
	replace, forRest bool
}

func (r *replaceAsker) replace(existing, incoming vault.Account) bool {
	if sameAccount(existing, incoming) {
		return false // nothing would change
	}
	if r.always != nil {
		return *r.always
	}
	ans := askAndWait(r.app, func(answer func(replaceAnswer)) {
		r.app.showReplacePrompt(existing, incoming, answer)
	})
	if ans.forRest {
		r.always = &ans.replace
	}
	fyne.Do(func() { r.app.busy("Restoring…") })
	return ans.replace
}

// sameAccount reports whether replacing existing with incoming would
// change nothing the person sees.
func sameAccount(existing, incoming vault.Account) bool {
	return existing.Key.Equal(incoming.Key) && existing.Note == incoming.Note &&
		existing.Pinned == incoming.Pinned && slices.Equal(existing.Tags, incoming.Tags)
}

func (a *app) showReplacePrompt(existing, incoming vault.Account, answer func(replaceAnswer)) {
	msg := widget.NewLabel(fmt.Sprintf("%s is already in the vault, and the backup's copy differs (backup: %s). Keep the vault's copy, or replace it with the backup's?",
		safetext.Escape(existing.Key.Label()), safetext.Escape(incoming.Key.Label())))
	msg.Wrapping = fyne.TextWrapWord
	rest := widget.NewCheck("Do the same for the other duplicates", nil)
	var d dialog.Dialog
	keep := widget.NewButton("Keep mine", func() {
		d.Hide()
		answer(replaceAnswer{replace: false, forRest: rest.Checked})
	})
	keep.Importance = widget.HighImportance
	repl := widget.NewButton("Replace", func() {
		d.Hide()
		answer(replaceAnswer{replace: true, forRest: rest.Checked})
	})
	body := container.NewVBox(msg, rest, container.NewHBox(layoutSpacer(), repl, keep))
	d = dialog.NewCustomWithoutButtons("Duplicate account", container.New(&columnLayout{width: 380}, body), a.win)
	d.Show()
}
