package core

import (
	"latchkey/vault"
)

// A Backupper writes encrypted backups of itself; *vault.Vault is one.
type Backupper interface {
	Path() string
	WriteBackup(path string, o vault.BackupOptions) error
}

var _ Backupper = (*vault.Vault)(nil)

// BackupRequest says where an encrypted backup goes and what opens it
// besides its password.
type BackupRequest struct {
	Path string
	// Replace lets the backup replace a file already at Path (the person
	// agreed, or --force); never the vault, its lock or an automatic backup.
	Replace bool
	// WithBackupCodes lets the vault's unused backup codes open it too.
	WithBackupCodes bool
}

// A BackupPassworder gives the backup's own password, or nil for the
// vault's password. It is asked once the place was checked, so a refused
// place costs no question; the password is cleared after the writing.
type BackupPassworder interface {
	BackupPassword() ([]byte, error)
}

// PlaceError is a place refused before anything was asked or derived: the
// vault, its lock or a backup, a link, a folder, or a file there without
// Replace (vault.ErrExists).
type PlaceError struct {
	Path string
	Err  error
}

func (e *PlaceError) Error() string { return e.Err.Error() }
func (e *PlaceError) Unwrap() error { return e.Err }

// WriteBackup writes an encrypted, verified backup of v to r.Path: the
// place is checked first (a *PlaceError), then p gives the password, then
// the backup is written through the one writer (0600, by rename, read back
// before it is moved into place). A separate password runs the key
// derivation (about a second): call it off a window's UI goroutine.
func WriteBackup(v Backupper, r BackupRequest, p BackupPassworder) error {
	place := vault.WriteOptions{Replace: r.Replace, Vault: v.Path(), Backup: true}
	if err := vault.CheckWrite(r.Path, place); err != nil {
		return &PlaceError{Path: r.Path, Err: err}
	}
	pw, err := p.BackupPassword()
	if err != nil {
		return err
	}
	defer clear(pw)
	return v.WriteBackup(r.Path, vault.BackupOptions{Password: pw, WithBackupCodes: r.WithBackupCodes, Replace: r.Replace})
}
