package vault

import "fmt"

// Options are the explicit constructors' knobs, for tests that need many
// real vaults quickly (as age's SetWorkFactor): a value handed to the calls
// that use it, never a global. The zero value is what the package functions
// (Create, Open, ReadBackup, ...) use, and all a user ever gets:
//
//	o := vault.Options{KDF: vault.TestKDF} // in a _test.go file only
//	v, codes, err := o.Create(path, password)
type Options struct {
	// KDF is what the password key derivation costs.
	KDF KDF
	// StateDir is where this computer keeps its own copy of each vault it
	// saves, merged back on every open, its backup folder for each, and
	// its device id. Empty: the per-user DefaultStateDir; with TestKDF,
	// none (each test sets its own, so tests never write to the real state
	// folder).
	StateDir string
}

// KDF is a cost of the password key derivation.
type KDF uint8

const (
	// CalibratedKDF tunes Argon2id to about DefaultUnlockTime on this
	// machine (never below FloorParams) and refuses files that ask for less
	// than FloorParams or more than the caps.
	CalibratedKDF KDF = iota
	// TestKDF is for tests only: Argon2id at 64 KiB and one pass (well under
	// a millisecond), files down to 8 KiB accepted, no upgrade on unlock. A
	// vault made with it opens only with TestKDF options, and a password
	// guessed at that cost is no protection at all.
	TestKDF
)

func (k KDF) String() string {
	if names := [...]string{CalibratedKDF: "calibrated", TestKDF: "test"}; int(k) < len(names) {
		return names[k]
	}
	return fmt.Sprintf("KDF(%d)", uint8(k))
}

// testKDFParams is what TestKDF writes.
var testKDFParams = Params{Memory: 64, Time: 1, Threads: 1}

func (o Options) options() options {
	opts := defaultOptions()
	if o.KDF == TestKDF {
		opts.params = &testKDFParams
		opts.limits = limits{floor: Params{Memory: 8, Time: 1, Threads: 1}, ceiling: strictLimits.ceiling}
		opts.unlockTarget = 0
		opts.stateDir = ""
	}
	if o.StateDir != "" {
		opts.stateDir = o.StateDir
	}
	return opts
}

// Create is the package's Create with these options.
func (o Options) Create(path string, password []byte) (*Vault, []string, error) {
	return create(path, password, o.options())
}

// Open is the package's Open with these options.
func (o Options) Open(path string, password []byte) (*Vault, error) {
	return open(path, password, o.options())
}

// OpenReadOnly is the package's OpenReadOnly with these options.
func (o Options) OpenReadOnly(path string, password []byte) (*Vault, error) {
	return openReadOnly(path, password, o.options())
}

// OpenWithBackupCode is the package's OpenWithBackupCode with these options.
func (o Options) OpenWithBackupCode(path, code string) (*Vault, error) {
	return openWithBackupCode(path, code, o.options())
}

// OpenBackup is the package's OpenBackup with these options.
func (o Options) OpenBackup(path string, password []byte) (*Backup, error) {
	return openBackup(path, password, o.options())
}

// ReadBackup is the package's ReadBackup with these options.
func (o Options) ReadBackup(data, password []byte) (*Backup, error) {
	return readBackup(data, password, o.options().limits)
}

// RestoreAsNew is the package's RestoreAsNew with these options.
func (o Options) RestoreAsNew(backupPath string, password []byte, newPath string) (*Vault, []string, error) {
	return restoreAsNew(backupPath, password, newPath, o.options())
}

// RestoreWithBackupCode is the package's RestoreWithBackupCode with these
// options.
func (o Options) RestoreWithBackupCode(backupPath, code, newPath string, newPassword []byte) (*Vault, []string, error) {
	return restoreWithBackupCode(backupPath, code, newPath, newPassword, o.options())
}
