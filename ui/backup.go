package ui

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"latchkey/vault"
)

// fileMenu holds backups, restore, the recovery kit and the plain exports.
func (a *app) fileMenu() *fyne.Menu {
	export := fyne.NewMenuItem("Export", nil)
	export.ChildMenu = fyne.NewMenu("",
		fyne.NewMenuItem("Links (otpauth:// list)…", a.onExportLinks),
		fyne.NewMenuItem("Google Authenticator QR codes…", a.onExportGoogle),
		fyne.NewMenuItem("Aegis file (JSON)…", a.onExportAegis),
	)
	return fyne.NewMenu("File",
		a.menuItem("Back up to a file…", a.onBackupFile, scBackupFile),
		a.menuItem("Back up now", a.onBackupNow, scBackupNow),
		a.menuItem("Restore from a backup…", a.onRestoreBackup, scRestore),
		fyne.NewMenuItemSeparator(),
		fyne.NewMenuItem("Import from another app…", a.onImportFile),
		export,
		fyne.NewMenuItemSeparator(),
		fyne.NewMenuItem("Recovery kit…", a.onRecoveryKit),
	)
}

// backupState is what the status line under the list says about the
// automatic backups.
type backupState struct {
	known  bool
	status vault.BackupStatus
}

// catchUpBackups writes an automatic backup when none holds the saved
// vault or the newest is a day old, then shows the status. It runs at
// unlock and every BackupInterval while unlocked.
func (a *app) catchUpBackups() {
	v := a.v
	if v == nil {
		return
	}
	a.backupTried = a.now()
	a.background(func() {
		st, err := v.BackupNow()
		if err != nil && st.Err == nil {
			st.Err = err
		}
		fyne.Do(func() { a.showBackupStatus(v, st) })
	})
}

// onSaved runs on the saver's goroutine after the vault and its automatic
// backup were written: read the status there, show it on the UI goroutine.
func (a *app) onSaved(v store) {
	st, err := v.LastBackup()
	if err != nil {
		return // closed meanwhile
	}
	fyne.Do(func() { a.showBackupStatus(v, st) })
}

func (a *app) showBackupStatus(v store, st vault.BackupStatus) {
	if a.v != v || a.v == nil {
		return
	}
	a.backupState = backupState{known: true, status: st}
	if a.accounts != nil {
		a.accounts.showBackupLine()
	}
}

// backupLine is the status line's text and whether it is a reminder.
func backupLine(st vault.BackupStatus, now time.Time) (string, bool) {
	switch {
	case !st.Enabled:
		return "Automatic backups are off. Turn them on in Settings.", false
	case st.Err != nil:
		return "Changes are not backed up: " + backupProblem(st) + ".", true
	case st.Pending:
		return "The latest changes are not backed up yet.", true
	case st.Last.IsZero():
		return "Not backed up yet.", true
	}
	return "Last backup " + whenText(st.Last, now) + ".", false
}

// backupProblem says why automatic backups fail and what to do.
func backupProblem(st vault.BackupStatus) string {
	switch {
	case errors.Is(st.Err, fs.ErrNotExist):
		return "the backup folder " + st.Dir + " is not reachable. Connect it, or choose another folder in Settings"
	case errors.Is(st.Err, fs.ErrPermission):
		return "the backup folder " + st.Dir + " cannot be written. Check its permissions, or choose another folder in Settings"
	}
	return "the last backup into " + st.Dir + " failed (" + st.Err.Error() + "). Choose another folder in Settings, or try Back up now"
}

// whenText says a past time as people do: "today at 14:02".
func whenText(t, now time.Time) string {
	t, now = t.Local(), now.Local()
	y1, m1, d1 := t.Date()
	y2, m2, d2 := now.Date()
	day1 := time.Date(y1, m1, d1, 0, 0, 0, 0, time.Local)
	day2 := time.Date(y2, m2, d2, 0, 0, 0, 0, time.Local)
	switch days := int(day2.Sub(day1).Hours()/24 + 0.5); {
	case days == 0:
		return "today at " + t.Format("15:04")
	case days == 1:
		return "yesterday at " + t.Format("15:04")
	case days > 1 && days < 7:
		return fmt.Sprintf("%d days ago", days)
	}
	return "on " + t.Format("2 January 2006")
}

// onBackupNow writes an automatic backup at once, whatever its age.
func (a *app) onBackupNow() {
	v := a.v
	if v == nil {
		return
	}
	a.touch()
	a.busy("Backing up…")
	a.background(func() {
		err := v.Save()
		if err == nil || errors.Is(err, vault.ErrBackupFailed) {
			var st vault.BackupStatus
			st, err = v.BackupNow()
			if err == nil && st.Err != nil {
				err = st.Err
			}
			if err == nil && !st.Last.IsZero() {
				// BackupNow skips a fresh backup; the saved vault is in it.
				fyne.Do(func() {
					a.idleAgain()
					a.showBackupStatus(v, st)
					a.say("Backed up into " + st.Dir + ".")
				})
				return
			}
		}
		st, e := v.LastBackup()
		if e == nil && st.Err != nil {
			err = errors.New(backupProblem(st) + ".")
		}
		fyne.Do(func() {
			a.idleAgain()
			a.showError("Could not back up", err)
			if e == nil {
				a.showBackupStatus(v, st)
			}
		})
	})
}

// backupFileForm writes an encrypted backup to a file the person picks.
type backupFileForm struct {
	app       *app
	which     *widget.RadioGroup
	pw        *passwordPair
	withCodes *widget.Check
	next      *widget.Button
	dialog    dialog.Dialog
}

const (
	backupWithVaultPassword = "The vault's password"
	backupWithOwnPassword   = "A separate password"
)

func (a *app) onBackupFile() {
	if a.v == nil {
		return
	}
	a.touch()
	newBackupFileForm(a).show()
}

func newBackupFileForm(a *app) *backupFileForm {
	f := &backupFileForm{app: a}
	f.next = widget.NewButtonWithIcon("Choose where to save…", theme.DocumentSaveIcon(), f.onNext)
	f.next.Importance = widget.HighImportance
	f.pw = newPasswordPair(f.next, f.onNext)
	f.which = widget.NewRadioGroup([]string{backupWithVaultPassword, backupWithOwnPassword}, f.onWhich)
	f.which.Required = true
	f.withCodes = widget.NewCheck("The vault's backup codes open it too", nil)
	f.which.SetSelected(backupWithVaultPassword)
	return f
}

func (f *backupFileForm) show() {
	intro := widget.NewLabel("The backup file is encrypted and holds every account and setting. Keep it on another disk or computer.")
	intro.Wrapping = fyne.TextWrapWord
	cancel := widget.NewButton("Cancel", func() { f.dialog.Hide() })
	body := container.NewVBox(intro, widget.NewLabel("Protected by"), f.which, f.pw.first, f.pw.second, f.pw.hint, f.withCodes,
		container.NewHBox(layoutSpacer(), cancel, f.next))
	f.dialog = dialog.NewCustomWithoutButtons("Back up to a file", container.New(&columnLayout{width: 400}, body), f.app.win)
	f.dialog.Show()
}

func (f *backupFileForm) ownPassword() bool { return f.which.Selected == backupWithOwnPassword }

func (f *backupFileForm) onWhich(string) {
	if f.ownPassword() {
		f.pw.first.Show()
		f.pw.second.Show()
		f.pw.hint.Show()
		f.pw.refresh()
		f.app.win.Canvas().Focus(f.pw.first)
		return
	}
	f.pw.first.Hide()
	f.pw.second.Hide()
	f.pw.hint.Hide()
	f.next.Enable()
}

func (f *backupFileForm) onNext() {
	if f.ownPassword() && !f.pw.ok() {
		return
	}
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil {
			f.app.showError("Could not save the backup", err)
			return
		}
		if w == nil {
			return
		}
		w.Close()
		f.write(w.URI().Path())
	}, f.app.win)
	d.SetFileName("latchkey-backup-" + f.app.now().Format("2006-01-02") + ".latchkey")
	if home, err := storage.ListerForURI(storage.NewFileURI(homeDir())); err == nil {
		d.SetLocation(home)
	}
	d.Show()
}

// write writes the backup to path in the background.
func (f *backupFileForm) write(path string) {
	v := f.app.v
	if v == nil {
		return
	}
	o := vault.BackupOptions{WithBackupCodes: f.withCodes.Checked}
	if f.ownPassword() {
		o.Password = f.pw.bytes()
	}
	f.pw.reset()
	f.dialog.Hide()
	f.app.busy("Writing the backup…")
	f.app.background(func() {
		err := v.WriteBackup(path, o)
		clear(o.Password)
		releaseKDFMemory()
		if err != nil {
			// The save dialog made an empty file; do not leave it behind.
			if st, e := os.Stat(path); e == nil && st.Size() == 0 {
				os.Remove(path)
			}
		}
		fyne.Do(func() {
			f.app.idleAgain()
			if err != nil {
				f.app.showError("Could not write the backup", err)
				return
			}
			f.app.say("Backup written to " + filepath.Base(path) + ".")
		})
	})
}

// onRestoreBackup merges a backup file into the open vault.
func (a *app) onRestoreBackup() {
	if a.v == nil {
		return
	}
	a.touch()
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			a.showError("Could not open the file", err)
			return
		}
		if r == nil {
			return
		}
		data, err := readCapped(r, int64(vault.MaxFileSize))
		r.Close()
		if err != nil {
			a.showError("Could not read "+r.URI().Name(), err)
			return
		}
		if !vault.IsVaultFile(data) {
			// Another app's export: the import route reads it.
			a.importData(r.URI().Name(), data)
			return
		}
		a.mergeBackup(r.URI().Name(), data)
	}, a.win)
	if dir := a.settings().BackupDir; dir != "" {
		if l, err := storage.ListerForURI(storage.NewFileURI(dir)); err == nil {
			d.SetLocation(l)
		}
	}
	d.Show()
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
		existing.Key.Label(), incoming.Key.Label()))
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
