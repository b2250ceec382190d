package ui

import (
	"errors"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"

	"latchkey/core"
	"latchkey/internal/safetext"
	"latchkey/otp"
	"latchkey/vault"
)

// What is said before an export that is not encrypted.
const (
	plainFileWarning = "The file is NOT encrypted: anyone who reads it can make your codes. Use it only to move to another app, then delete it. For a copy to keep, use Back up to a file instead."
	plainQRWarning   = "The QR codes are NOT encrypted: anyone who sees or photographs them can make your codes. Show them only to your own phone, with nobody looking."
)

// plainConfirm answers core's question before a plain export with a
// dialog, from the worker making the export.
type plainConfirm struct{ job *job }

var _ core.Confirmer = plainConfirm{}

func (p plainConfirm) ConfirmPlain(f core.Format) bool {
	title, warning := "Export links?", plainFileWarning
	switch f {
	case core.FormatAegis:
		title = "Export an Aegis file?"
	case core.FormatGoogleQR:
		title, warning = "Show Google Authenticator QR codes?", plainQRWarning
	case core.FormatKit:
		return true // the kit's form said what it holds and was confirmed
	}
	yes := askAndWait(p.job, func(answer func(bool)) {
		p.job.w.confirm(func(answer func(bool)) *dialog.ConfirmDialog {
			d := dialog.NewConfirm(title, warning, answer, p.job.w.win)
			d.SetConfirmText("Export")
			d.SetDismissText("Cancel")
			return d
		}, answer)
	})
	if yes {
		fyne.DoAndWait(func() { p.job.show("Exporting…") })
	}
	return yes
}

// exportPlain makes a plain export in the background through core, which
// asks first; then the result goes to done on the UI goroutine, while the
// vault is still open. The window counts as busy from the start, so no
// drop starts a second job beside the question, but shows its sign only
// once the question is answered.
func exportPlain[T any](s *session, build func(accounts []vault.Account, c core.Confirmer) (T, error), done func(T)) {
	if !s.act() {
		return
	}
	v := s.v
	j := s.w.hold() // no sign: the question comes at once
	j.background(func() {
		accounts := v.Accounts()
		out, err := build(accounts, plainConfirm{job: j})
		for _, acct := range accounts {
			clear(acct.Key.Secret)
		}
		fyne.Do(func() {
			j.done()
			switch {
			case !j.live():
				// Its question, if still open, was called off by the lock.
				s.w.keep("The export asked before the lock was stopped: export again.")
			case errors.Is(err, core.ErrDeclined):
			case err != nil:
				s.w.showError("Could not export", err)
			case !s.ended():
				done(out)
			}
		})
	})
}

// exporter is the File menu's Export: the plain exports, each asked for
// first, saved where the person says or shown on the screen.
type exporter struct {
	session *session
}

func (ex exporter) onLinks() {
	exportPlain(ex.session, core.URIList, func(data []byte) {
		ex.save("latchkey-accounts.txt", data, "links")
	})
}

func (ex exporter) onAegis() {
	exportPlain(ex.session, core.Aegis, func(data []byte) {
		ex.save("aegis-export-plain.json", data, "Aegis file")
	})
}

// save asks where to save data that is not encrypted and writes it there,
// 0600.
func (ex exporter) save(name string, data []byte, what string) {
	s := ex.session
	chooseSaveFile(s.w, s.path, "Save the "+what, "The file is not encrypted: put it where only you can read it, and delete it once used.", name, func(path string, replace bool) {
		j := s.w.busy("Saving the " + what + "…")
		j.background(func() {
			err := writePrivate(s.path, path, data, replace)
			clear(data)
			name := safetext.Escape(filepath.Base(path))
			fyne.Do(func() {
				j.done()
				if j.endedByLock(err != nil, "The export asked before the lock could not be saved to "+name+": export again.",
					"The export asked before the lock was saved to "+name+". It is not encrypted: delete it once used.") {
					return
				}
				if err != nil {
					s.w.showError("Could not save the "+what, err)
					return
				}
				s.say("Saved the " + what + " to " + name + ". It is not encrypted: delete it once used.")
			})
		})
	})
}

// onGoogle shows the accounts as Google Authenticator export QR codes, for
// the phone to scan off the screen.
func (ex exporter) onGoogle() {
	type codes struct {
		pngs    [][]byte
		skipped []otp.Key
	}
	build := func(accounts []vault.Account, c core.Confirmer) (codes, error) {
		pngs, skipped, err := core.GoogleQR(accounts, 560, c)
		return codes{pngs, skipped}, err
	}
	exportPlain(ex.session, build, func(g codes) { newGoogleExport(ex.session.w, g.pngs, g.skipped).show() })
}
