package ui

import "latchkey/vault"

// store is the open vault as the window uses it. *vault.Vault satisfies it;
// tests give a fast in-memory one.
type store interface {
	Path() string
	Accounts() []vault.Account
	Account(id string) (vault.Account, bool)
	Add(a ...vault.Account) ([]vault.Account, error)
	Update(a vault.Account) error
	Delete(id string) (vault.Account, error)
	Restore(a vault.Account, index int) error
	Settings() vault.Settings
	SetSettings(vault.Settings) error
	Dirty() bool
	Save() error
	SetPassword(pw []byte) error
	RegenerateBackupCodes() ([]string, error)
	BackupCodesLeft() int
	Close() error
}

var _ store = (*vault.Vault)(nil)

// opener creates and opens vaults. Its methods are slow (the KDF): call
// them off the UI goroutine.
type opener interface {
	Exists(path string) bool
	Create(path string, password []byte) (store, []string, error)
	Open(path string, password []byte) (store, error)
	OpenWithBackupCode(path, code string) (store, error)
}

// vaultOpener is the real vault package.
type vaultOpener struct{}

func (vaultOpener) Exists(path string) bool { return vault.Exists(path) }

func (vaultOpener) Create(path string, password []byte) (store, []string, error) {
	v, codes, err := vault.Create(path, password)
	if err != nil {
		return nil, nil, err
	}
	return v, codes, nil
}

func (vaultOpener) Open(path string, password []byte) (store, error) {
	v, err := vault.Open(path, password)
	if err != nil {
		return nil, err
	}
	return v, nil
}

func (vaultOpener) OpenWithBackupCode(path, code string) (store, error) {
	v, err := vault.OpenWithBackupCode(path, code)
	if err != nil {
		return nil, err
	}
	return v, nil
}
