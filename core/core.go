// Package core holds every way accounts move in and out of a vault, once,
// for both front ends: the command line (cli) and the window (ui). It knows
// no toolkit and prints nothing; what it needs from the person it asks
// through one-method interfaces that the command line answers from flags
// and prompts, and the window with dialogs.
//
// In:
//
//	data, err := core.ReadFile(path)                  // capped before reading
//	found, err := core.Reader{Password: p}.File(path, data)
//	defer found.Wipe()
//	found, unread := core.ReadImages(images)          // one batch: a Google export over several screenshots joins up
//	found, err := core.ReadText(pasted)               // otpauth://, steam://, otpauth-migration://
//	status := core.Duplicates(v.Accounts(), found.Accounts) // for a review list
//	report, err := core.AddNew(v, found.Accounts, chooser)   // duplicates kept or replaced; then v.Save()
//
// A Latchkey backup is read like another app's export (found.Backup says
// so) and merged, asking KeepOrReplace for each duplicate that differs.
//
// Out:
//
//	data, err := core.URIList(accounts, confirmer)   // asks ConfirmPlain first
//	data, err := core.Aegis(accounts, confirmer)
//	pngs, skipped, err := core.GoogleQR(accounts, 800, confirmer)
//	err := core.WriteBackup(v, core.BackupRequest{...}, passworder) // encrypted; the place checked first
//	codes, err := core.WriteKit(v, core.KitRequest{...}, create, confirmer)
//	v, codes, err := core.Restore(vault.Options{}, backup, newPath, core.Unlock{Password: pw})
//
// Other computers:
//
//	rep, err := core.Sync(v, password)   // the file on disk and every conflict copy, merged and saved
//	go core.WatchAfter(ctx, v, rep, err, report) // the same whenever the folder changes, while the vault is open
//
// One account type crosses the boundary: vault.Account, what the vault
// stores. The other apps' entries (interop) and the QR codes' keys
// (qrimport) become accounts here and nowhere else.
//
// Files core writes (the recovery kit) go through the Create a front end
// passes, built on NewFile: the one writer, vault.WriteFile, with the front
// end's answer to "replace an existing file?". Core never saves the vault:
// the caller does, as it decides how (the window saves in the background).
package core

import (
	"errors"
	"fmt"

	"latchkey/interop"
	"latchkey/vault"
)

// Errors to branch on with errors.Is.
var (
	// ErrUnknownFormat: the file is not an export Latchkey knows.
	ErrUnknownFormat = interop.ErrUnknownFormat
	// ErrWrongPassword: the password does not open another app's export,
	// or the export is damaged. A Latchkey backup says
	// vault.ErrWrongPassword instead.
	ErrWrongPassword = interop.ErrWrongPassword
	// ErrTooLarge: a file is larger than its format allows.
	ErrTooLarge = interop.ErrTooLarge
	// ErrPasswordRequired: the export is encrypted and no password was given.
	ErrPasswordRequired = interop.ErrPasswordRequired
	// ErrUnsupported: a variant of a known format Latchkey does not read.
	ErrUnsupported = interop.ErrUnsupported
	// ErrDeclined: the person said no to a plain export.
	ErrDeclined = errors.New("declined")
)

// PasswordTries is how many passwords an encrypted file gets before its
// reading fails: the window asks again, the command line does not.
const PasswordTries = 3

// FileAsk says which file needs a password.
type FileAsk struct {
	Name   string // the file as the front end named it
	Backup bool   // a Latchkey backup, not another app's export
	// Wrong is why the last password given for this file failed; nil on
	// the first ask. Return it to stop asking.
	Wrong error
}

// A Passworder gives the password of an encrypted file being read. An
// error stops the reading and is returned (wrapped) as it is.
type Passworder interface {
	FilePassword(FileAsk) ([]byte, error)
}

// Choice is the answer for an account already in the vault.
type Choice uint8

const (
	Keep    Choice = iota // the vault's copy stays
	Replace               // the incoming copy takes its place (and id)
)

func (c Choice) String() string {
	return enumName([]string{Keep: "keep", Replace: "replace"}, c, "Choice")
}

// A Chooser decides, for an incoming account whose credential the vault
// already has and that differs from the vault's copy, which copy stays.
// It is asked only when replacing would change something.
type Chooser interface {
	KeepOrReplace(existing, incoming vault.Account) Choice
}

// Format is a way accounts leave the vault.
type Format uint8

const (
	FormatBackup   Format = iota + 1 // an encrypted Latchkey backup
	FormatURIList                    // otpauth:// URIs, one a line
	FormatGoogleQR                   // Google Authenticator export QR codes
	FormatAegis                      // a plain Aegis vault (JSON)
	FormatKit                        // the recovery kit with every account
)

// Formats are the export formats, as the command line names them.
var Formats = []Format{FormatURIList, FormatGoogleQR, FormatAegis, FormatBackup}

// String is the format's name on the command line ("uri").
func (f Format) String() string {
	names := []string{FormatBackup: "backup", FormatURIList: "uri", FormatGoogleQR: "google-qr", FormatAegis: "aegis", FormatKit: "recovery-kit"}
	return enumName(names, f, "Format")
}

// ParseFormat reads an export format's name ("uri", "google-qr", "aegis",
// "backup"); ok is false for anything else.
func ParseFormat(s string) (f Format, ok bool) {
	for _, f := range Formats {
		if f.String() == s {
			return f, true
		}
	}
	return 0, false
}

// Encrypted reports whether the format keeps the secrets encrypted.
func (f Format) Encrypted() bool { return f == FormatBackup }

// A Confirmer is asked before anything that puts secrets in the clear (a
// plain export, a kit with the accounts); false stops it with ErrDeclined.
type Confirmer interface {
	ConfirmPlain(Format) bool
}

// enumName is v's name in names, or "Type(n)" when it has none.
func enumName[T ~uint8](names []string, v T, typ string) string {
	if int(v) < len(names) && names[v] != "" {
		return names[v]
	}
	return fmt.Sprintf("%s(%d)", typ, uint8(v))
}
