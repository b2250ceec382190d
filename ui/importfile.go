package ui

import (
	"errors"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"

	"latchkey/internal/safetext"
	"latchkey/interop"
	"latchkey/qrimport"
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

// importData reads an export in the background, asking for its password
// when it is encrypted, up to three times. A Latchkey backup goes to the
// restore flow instead.
func (a *app) importData(name string, data []byte) {
	if vault.IsVaultFile(data) {
		a.mergeBackup(name, data)
		return
	}
	a.busy("Reading " + name + "…")
	a.background(func() {
		var res interop.Result
		var err error
		for try := 0; try < 3; try++ {
			res, err = interop.Read(data, a.askFilePassword(name, try > 0))
			if !errors.Is(err, interop.ErrWrongPassword) {
				break
			}
		}
		clear(data)
		// Google Authenticator export links in a text file.
		var google qrimport.Result
		if err == nil && len(res.Migration) > 0 {
			google, err = qrimport.ReadText(strings.Join(res.Migration, "\n"))
		}
		fyne.Do(func() {
			a.idleAgain()
			a.imported(name, res, google, err)
		})
	})
}

func (a *app) imported(name string, res interop.Result, google qrimport.Result, err error) {
	switch {
	case errors.Is(err, errCancelled):
		return
	case errors.Is(err, interop.ErrUnknownFormat):
		a.showProblems([]string{name + " is not an export file Latchkey knows. Export from the other app again as a JSON or text file, or scan its QR codes instead."})
		return
	case err != nil:
		a.showProblems([]string{name + ": " + advice(err)})
		return
	}
	found := make([]imported, 0, len(res.Entries))
	for _, e := range res.Entries {
		found = append(found, imported{key: e.Key, tags: e.Tags, note: e.Note, pinned: e.Pinned, icon: e.Icon})
	}
	for _, k := range google.Keys {
		found = append(found, imported{key: k})
	}
	var problems []string
	for _, p := range google.Problems {
		problems = append(problems, "Skipped a Google Authenticator entry: "+advice(p))
	}
	for _, s := range res.Skipped {
		problems = append(problems, fmt.Sprintf("Skipped %s: %s", safetext.Escape(s.Label), s.Reason))
	}
	if len(found) == 0 && len(problems) == 0 {
		problems = append(problems, name+" holds no accounts.")
	}
	a.review(found, problems)
}

// askFilePassword returns a callback, run on the import goroutine, that
// asks for the export's password on the UI goroutine and waits for it.
func (a *app) askFilePassword(name string, again bool) func() ([]byte, error) {
	return a.askPasswordFor(name, name+" is encrypted. Type the password it was exported with.", again)
}

// askPasswordFor asks for a file's password with msg, or says the last one
// was wrong.
func (a *app) askPasswordFor(name, msg string, again bool) func() ([]byte, error) {
	return func() ([]byte, error) {
		if again {
			msg = "That password did not open " + name + ". Try again."
		}
		pw := askAndWait(a, func(answer func([]byte)) {
			a.showSecretPrompt("Password for "+name, msg, answer)
		})
		if pw == nil {
			return nil, errCancelled
		}
		fyne.Do(func() { a.busy("Decrypting " + name + "…") })
		return pw, nil
	}
}
