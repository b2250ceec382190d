package ui

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2"

	"latchkey/internal/safetext"
	"latchkey/vault"
)

// fileMenu holds backups, restore, the recovery kit and the plain exports.
func fileMenu(s *session) *fyne.Menu {
	ex := exporter{session: s}
	in := importer{session: s}
	export := fyne.NewMenuItem("Export", nil)
	export.ChildMenu = fyne.NewMenu("",
		fyne.NewMenuItem("Links (otpauth:// list)…", ex.onLinks),
		fyne.NewMenuItem("Google Authenticator QR codes…", ex.onGoogle),
		fyne.NewMenuItem("Aegis file (JSON)…", ex.onAegis),
	)
	return fyne.NewMenu("File",
		menuItem("Back up to a file…", func() { showBackupFileForm(s) }, scBackupFile),
		menuItem("Back up now", s.onBackupNow, scBackupNow),
		menuItem("Restore from a backup…", in.onRestoreBackup, scRestore),
		fyne.NewMenuItemSeparator(),
		fyne.NewMenuItem("Import from another app…", in.onImportFile),
		export,
		fyne.NewMenuItemSeparator(),
		fyne.NewMenuItem("Recovery kit…", func() { showKitForm(s) }),
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
func (s *session) catchUpBackups() {
	v := s.v
	if v == nil {
		return
	}
	s.backupTried = s.w.now()
	s.w.background(func() {
		st, err := v.BackupNow()
		if err != nil && st.Err == nil {
			st.Err = err
		}
		settleMemory()
		fyne.Do(func() { s.showBackupStatus(v, st) })
	})
}

// backupSaved runs on the saver's goroutine after the vault and its
// automatic backup were written: read the status there, show it on the UI
// goroutine.
func (s *session) backupSaved(v *vault.Vault) {
	settleMemory()
	st, err := v.LastBackup()
	if err != nil {
		return // closed meanwhile
	}
	fyne.Do(func() { s.showBackupStatus(v, st) })
}

// showBackupStatus shows st, unless v was locked meanwhile.
func (s *session) showBackupStatus(v *vault.Vault, st vault.BackupStatus) {
	if s.v != v || s.v == nil {
		return
	}
	s.backups = backupState{known: true, status: st}
	if s.list != nil {
		s.list.showBackupLine()
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
func (s *session) onBackupNow() {
	if !s.act() {
		return
	}
	v := s.v
	j := s.w.busy("Backing up…")
	j.background(func() {
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
					j.done()
					if !j.live() {
						s.w.keep("Backed up into " + safetext.Escape(st.Dir) + " as asked before the lock.")
						return
					}
					s.showBackupStatus(v, st)
					s.say("Backed up into " + st.Dir + ".")
				})
				return
			}
		}
		st, e := v.LastBackup()
		if e == nil && st.Err != nil {
			err = errors.New(backupProblem(st) + ".")
		}
		fyne.Do(func() {
			j.done()
			if !j.live() {
				s.w.keep("Back up now, asked before the lock, failed: back up again.")
				return
			}
			s.w.showError("Could not back up", err)
			if e == nil {
				s.showBackupStatus(v, st)
			}
		})
	})
}
