package ui

import (
	"errors"
	"fmt"

	"fyne.io/fyne/v2"

	"latchkey/core"
	"latchkey/internal/safetext"
	"latchkey/vault"
)

// errCancelled is the password prompt closed without a password.
var errCancelled = errors.New("cancelled")

// onImportFile reads another authenticator's export file (or a Latchkey
// backup, which importData sends to the merge).
func (a *app) onImportFile() {
	if a.v == nil {
		return
	}
	a.touch()
	a.openFile("", a.importData)
}

// importData reads an export or a Latchkey backup in the background
// through core, asking for its password when it is encrypted (up to
// core.PasswordTries times). A backup is merged; another app's accounts go
// to the review.
func (a *app) importData(name string, data []byte) {
	v := a.v
	if v == nil {
		return
	}
	backup := vault.IsVaultFile(data)
	a.busy("Reading " + name + "…")
	a.background(func() {
		found, err := core.Reader{Password: filePassword{app: a}, Backups: a.vaults}.File(name, data)
		clear(data)
		if backup {
			releaseKDFMemory()
			a.mergeBackup(v, name, found, err)
			return
		}
		fyne.Do(func() {
			a.idleAgain()
			a.imported(name, found, err)
		})
	})
}

func (a *app) imported(name string, found core.Found, err error) {
	switch {
	case errors.Is(err, errCancelled):
		return
	case errors.Is(err, core.ErrUnknownFormat):
		a.showProblems([]string{name + " is not an export file Latchkey knows. Export from the other app again as a JSON or text file, or scan its QR codes instead."})
		return
	case err != nil:
		a.showProblems([]string{name + ": " + advice(err)})
		return
	}
	var problems []string
	for _, p := range found.Problems {
		problems = append(problems, "Skipped a Google Authenticator entry: "+advice(p))
	}
	for _, s := range found.Skipped {
		problems = append(problems, fmt.Sprintf("Skipped %s: %s", safetext.Escape(s.Label), s.Reason))
	}
	if len(found.Accounts) == 0 && len(problems) == 0 {
		problems = append(problems, name+" holds no accounts.")
	}
	a.review(found.Accounts, problems)
}

// filePassword asks for an encrypted file's password in a dialog, from the
// goroutine reading the file, and waits for it.
type filePassword struct{ app *app }

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
	a := p.app
	pw := askAndWait(a, func(answer func([]byte)) {
		a.showSecretPrompt("Password for "+f.Name, msg, answer)
	})
	if pw == nil {
		return nil, errCancelled
	}
	fyne.Do(func() { a.busy("Decrypting " + f.Name + "…") })
	return pw, nil
}
