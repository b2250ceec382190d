package ui

import (
	"latchkey/core"
	"latchkey/vault"
)

// store is the open vault as the window uses it. *vault.Vault satisfies it;
// tests give a fast in-memory one.
type store interface {
	Path() string
	Accounts() []vault.Account
	Account(id string) (vault.Account, bool)
	Add(a ...vault.Account) ([]vault.Account, error)
	Update(a vault.Account) error
	MarkUsed(id string) error
	Delete(id string) (vault.Account, error)
	Restore(a vault.Account, index int) error
	Settings() vault.Settings
	SetSettings(vault.Settings) error
	Dirty() bool
	Save() error
	// SetPassword and RegenerateBackupCodes put the vault under a new key
	// and save; SetPassword returns new codes when the old ones could not
	// follow the key (see vault.SetPassword).
	SetPassword(pw []byte) ([]string, error)
	RegenerateBackupCodes() ([]string, error)
	BackupCodesLeft() int
	// The automatic backups made under an earlier key (slow: they are read
	// and decrypted; ReencryptBackups rewrites them).
	EarlierBackups() ([]string, error)
	ReencryptBackups() ([]string, error)
	RemoveEarlierBackups() ([]string, error)
	Close() error

	// Order and merging.
	Move(id string, index int) error
	Merge(accounts []vault.Account, replace func(existing, incoming vault.Account) bool) (vault.MergeReport, error)

	// Backups. All three are slow (file I/O, decryption; WriteBackup with
	// a separate password runs the KDF): call them off the UI goroutine.
	WriteBackup(path string, o vault.BackupOptions) error
	LastBackup() (vault.BackupStatus, error)
	BackupNow() (vault.BackupStatus, error)
}

var _ store = (*vault.Vault)(nil)

// opener creates and opens vaults. Its methods are slow (the KDF): call
// them off the UI goroutine.
type opener interface {
	Exists(path string) bool
	Create(path string, password []byte) (store, []string, error)
	Open(path string, password []byte) (store, error)
	OpenWithBackupCode(path, code string) (store, error)
	// CheckPassword reports whether pw opens the saved vault file at path,
	// without taking the vault's lock (vault.ErrWrongPassword if not).
	CheckPassword(path string, pw []byte) error
	// ReadBackup decrypts a backup file already read into memory.
	ReadBackup(data, pw []byte) (*vault.Backup, error)
	// RestoreAsNew and RestoreWithBackupCode make a new vault at newPath
	// from a backup (a new machine).
	RestoreAsNew(backupPath string, pw []byte, newPath string) (store, []string, error)
	RestoreWithBackupCode(backupPath, code, newPath string, newPassword []byte) (store, []string, error)
}

// vaultOpener is the real vault package, with its options (the zero value
// in the app; tests set vault.TestKDF).
type vaultOpener struct{ opts vault.Options }

func (vaultOpener) Exists(path string) bool { return vault.Exists(path) }

func (o vaultOpener) Create(path string, password []byte) (store, []string, error) {
	v, codes, err := o.opts.Create(path, password)
	if err != nil {
		return nil, nil, err
	}
	return v, codes, nil
}

func (o vaultOpener) Open(path string, password []byte) (store, error) {
	v, err := o.opts.Open(path, password)
	if err != nil {
		return nil, err
	}
	return v, nil
}

func (o vaultOpener) OpenWithBackupCode(path, code string) (store, error) {
	v, err := o.opts.OpenWithBackupCode(path, code)
	if err != nil {
		return nil, err
	}
	return v, nil
}

func (o vaultOpener) CheckPassword(path string, pw []byte) error {
	b, err := o.opts.OpenBackup(path, pw)
	if err != nil {
		return err
	}
	b.Wipe()
	return nil
}

func (o vaultOpener) ReadBackup(data, pw []byte) (*vault.Backup, error) {
	return o.opts.ReadBackup(data, pw)
}

func (o vaultOpener) RestoreAsNew(backupPath string, pw []byte, newPath string) (store, []string, error) {
	v, codes, err := core.Restore(o.opts, backupPath, newPath, core.Unlock{Password: pw})
	if err != nil {
		return nil, nil, err
	}
	return v, codes, nil
}

func (o vaultOpener) RestoreWithBackupCode(backupPath, code, newPath string, newPassword []byte) (store, []string, error) {
	v, codes, err := core.Restore(o.opts, backupPath, newPath, core.Unlock{Code: code, NewPassword: newPassword})
	if err != nil {
		return nil, nil, err
	}
	return v, codes, nil
}
