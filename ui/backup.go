package ui

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2"

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
func (a *app) onSaved(v *vault.Vault) {
	st, err := v.LastBackup()
	if err != nil {
		return // closed meanwhile
	}
	fyne.Do(func() { a.showBackupStatus(v, st) })
}

func (a *app) showBackupStatus(v *vault.Vault, st vault.BackupStatus) {
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
	case st.Newer != "":
		return "The vault is older than its backup " + filepath.Base(st.Newer) + " from " + strings.TrimPrefix(whenText(st.NewerTime, now), "on ") +
			": it was replaced by an older copy. File > Restore from a backup brings that backup's accounts back.", true
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
