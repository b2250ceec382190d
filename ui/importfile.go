package ui

import (
	"errors"
	"fmt"
	"path/filepath"

	"fyne.io/fyne/v2"

	"latchkey/core"
	"latchkey/internal/safetext"
	"latchkey/vault"
)

// errCancelled is the password prompt closed without a password.
var errCancelled = errors.New("cancelled")

// importer brings in another authenticator's export file, to the review,
// or a Latchkey backup, merged into the vault (merge.go).
type importer struct {
	session *session
}

// onImportFile reads another authenticator's export file (or a Latchkey
// backup, which read sends to the merge).
func (im importer) onImportFile() {
	if !im.session.act() {
		return
	}
	im.choose(pickExport, "")
}

// onRestoreBackup merges a backup file into the open vault; it starts in
// the backup folder. Another app's export picked here is imported instead.
func (im importer) onRestoreBackup() {
	s := im.session
	if !s.act() {
		return
	}
	im.choose(pickBackup, s.settings().BackupDir)
}

// choose asks for a file, starting in dir when it is set, and reads it in
// the background (capped as core.ReadFile caps imports).
func (im importer) choose(p filePurpose, dir string) {
	im.session.w.chooseFile(p, dir, func(path string) {
		im.readFile(core.Image{Name: filepath.Base(path), Path: path})
	})
}

// readFile reads a dropped export file (size-capped) and imports it. Its
// name is untrusted text: every message shows it escaped, once.
func (im importer) readFile(src core.Image) {
	w := im.session.w
	name := safetext.Escape(src.Name)
	j := w.busy("Reading " + name + "…")
	j.background(func() {
		data, err := core.ReadFile(src.Path)
		fyne.Do(func() { im.readDone(j, name, data, err) })
	})
}

func (im importer) readDone(j *job, name string, data []byte, err error) {
	j.done()
	if !j.live() {
		clear(data)
		im.stopped(name)
		return
	}
	if err != nil {
		im.session.w.showError("Could not read "+name, err)
		return
	}
	im.read(name, data)
}

// read reads an export or a Latchkey backup in the background through
// core, asking for its password when it is encrypted (up to
// core.PasswordTries times). A backup is merged; another app's accounts go
// to the review.
func (im importer) read(name string, data []byte) {
	s := im.session
	v := s.v
	if v == nil {
		return
	}
	backup := vault.IsVaultFile(data)
	j := s.w.busy("Reading " + name + "…")
	j.background(func() {
		found, err := core.Reader{Password: filePassword{job: j}, Backups: s.vaults}.File(name, data)
		clear(data)
		if backup {
			releaseKDFMemory()
			im.merge(j, v, name, found, err)
			return
		}
		fyne.Do(func() {
			j.done()
			if !j.live() {
				found.Wipe()
				im.stopped(name)
				return
			}
			im.imported(name, found, err)
		})
	})
}

// stopped notes that the lock ended the import of name: its accounts
// are not named (nor shown for review) over the lock screen or in a later
// session, and none was added.
func (im importer) stopped(name string) {
	im.session.w.keep("The import of " + name + " begun before the lock was stopped, nothing added: import it again.")
}

func (im importer) imported(name string, found core.Found, err error) {
	s := im.session
	switch {
	case errors.Is(err, errCancelled):
		return
	case errors.Is(err, core.ErrUnknownFormat):
		s.w.showProblems([]string{name + " is not an export file Latchkey knows. Export from the other app again as a JSON or text file, or scan its QR codes instead."})
		return
	case err != nil:
		s.w.showProblems([]string{name + ": " + advice(err)})
		return
	}
	var problems []string
	for _, p := range found.Problems {
		problems = append(problems, "Skipped a Google Authenticator entry: "+advice(p))
	}
	for _, sk := range found.Skipped {
		problems = append(problems, fmt.Sprintf("Skipped %s: %s", safetext.Escape(sk.Label), sk.Reason))
	}
	if len(found.Accounts) == 0 && len(problems) == 0 {
		problems = append(problems, name+" holds no accounts.")
	}
	review(s, found.Accounts, problems)
}

// filePassword asks for an encrypted file's password in a dialog, from the
// goroutine reading the file, and waits for it.
type filePassword struct{ job *job }

var _ core.Passworder = filePassword{}

func (p filePassword) FilePassword(f core.FileAsk) ([]byte, error) {
	msg := f.Name + " is encrypted. Type the password it was exported with."
	if f.Backup {
		msg = "Type the password of this Latchkey backup: the vault's password when the backup was made, or the separate password chosen for it."
	}
	if f.Wrong != nil {
		releaseKDFMemory()
		msg = "That password did not open " + f.Name + ". Try again."
	}
	pw := askAndWait(p.job, func(answer func([]byte)) {
		p.job.w.showSecretPrompt("Password for "+f.Name, msg, answer)
	})
	if pw == nil {
		return nil, errCancelled
	}
	fyne.Do(func() { p.job.show("Decrypting " + f.Name + "…") })
	return pw, nil
}
