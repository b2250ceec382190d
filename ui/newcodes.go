package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
)

// askNewCodes replaces the vault's backup codes after asking.
func askNewCodes(s *session) {
	if !s.act() {
		return
	}
	msg := "New codes replace all the old ones, used or not. " + backupCodesLeftText(s.v.BackupCodesLeft())
	s.w.confirm(func(answer func(bool)) *dialog.ConfirmDialog {
		return dialog.NewConfirm("Make new backup codes?", msg, answer, s.w.win)
	}, func(ok bool) { makeNewCodes(s, ok) })
}

// makeNewCodes makes them in the background, once the person said yes,
// and shows them in the list's place.
func makeNewCodes(s *session, ok bool) {
	v := s.v
	if !ok || v == nil {
		return
	}
	j := s.w.busy("Making new backup codes…")
	j.background(func() {
		codes, err := v.RegenerateBackupCodes()
		fyne.Do(func() {
			j.done()
			if s.ended() {
				codesWhileLocked(s.w, codes != nil, "")
				return
			}
			if codes == nil {
				s.w.showError("Could not make new backup codes", err)
				return
			}
			// Codes the file holds are shown even after an error: they are
			// the only ones that open the vault now.
			s.showCodes(codes, "", func() {
				s.showList()
				keyChange{session: s, v: v, title: "New backup codes", lead: "The old backup codes no longer open the vault.", before: "the old backup codes"}.show(nil)
			})
			if err != nil {
				s.w.showError("The new codes are saved, but", err)
			}
		})
	})
}

// codesWhileLocked says, secret-free, that new backup codes were made by
// a job the lock ended (made says they were): codes that open the vault
// never take the place of the unlock screen, nor show in a later session.
// kit names the recovery kit that holds them, when one was saved.
func codesWhileLocked(w *window, made bool, kit string) {
	switch {
	case !made:
	case kit != "":
		w.showInfo("Recovery kit saved", "The vault locked while the recovery kit was made. It was saved to "+kit+": the old backup codes no longer work, the kit has the new ones.")
	default:
		w.showInfo("New backup codes", "The vault locked while new backup codes were made, so they are not shown. The old codes no longer open the vault: unlock it, then make new backup codes again.")
	}
}
