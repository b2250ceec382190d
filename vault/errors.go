package vault

import "errors"

// Each way opening or saving can fail has its own sentinel, so callers branch
// with errors.Is. Errors wrap them with context; none quotes a secret.
var (
	// ErrWrongPassword: the password does not open any password slot.
	ErrWrongPassword = errors.New("vault: wrong password")
	// ErrCorrupt: the file is damaged, truncated or was edited by hand.
	ErrCorrupt = errors.New("vault: file is corrupt or was tampered with")
	// ErrNewerVersion: the file was made by a newer Latchkey.
	ErrNewerVersion = errors.New("vault: file was made by a newer version of latchkey")
	// ErrLocked: another running Latchkey has this vault open.
	ErrLocked = errors.New("vault: another latchkey has this vault open")
	// ErrChangedOnDisk: the file was replaced since it was read; saving would
	// overwrite someone else's change.
	ErrChangedOnDisk = errors.New("vault: file changed on disk since it was opened")
	// ErrExists: Create refuses to overwrite a file.
	ErrExists = errors.New("vault: file already exists")
	// ErrNotFound: no account with that id (or no vault file).
	ErrNotFound = errors.New("vault: not found")
	// ErrBackupCodeTypo: the backup code's checksum does not match; it was
	// mistyped, not merely wrong.
	ErrBackupCodeTypo = errors.New("vault: backup code has a typo")
	// ErrWrongBackupCode: a well-formed code that opens no slot (already
	// used, from an older set, or from another vault).
	ErrWrongBackupCode = errors.New("vault: backup code does not open this vault")
	// ErrNeedsPassword: opened with a backup code; set a new password first.
	ErrNeedsPassword = errors.New("vault: a new password must be set before saving")
	// ErrHostileParams: the file asks for key-derivation work outside the
	// limits Latchkey accepts (too much, or less than Latchkey ever writes).
	ErrHostileParams = errors.New("vault: key-derivation parameters out of bounds")
	// ErrTooLarge: a file, field or account list exceeds the vault's caps.
	ErrTooLarge = errors.New("vault: too large")
	// ErrClosed: the vault was closed.
	ErrClosed = errors.New("vault: closed")
	// ErrEmptyPassword: a vault needs a non-empty password.
	ErrEmptyPassword = errors.New("vault: the password is empty")
	// ErrBackupFailed: the vault itself was saved, but writing or verifying a
	// rotating backup failed.
	ErrBackupFailed = errors.New("vault: saved, but the backup copy failed")
	// ErrReadOnly: the vault was opened with OpenReadOnly, which takes no
	// lock, so it may not change anything.
	ErrReadOnly = errors.New("vault: opened read-only; nothing can be changed")
)
