package vault

import "errors"

// Each way opening or saving can fail has its own sentinel, so callers branch
// with errors.Is. Errors wrap them with context; none quotes a secret.
var (
	// ErrWrongPassword: the password does not open any password slot.
	ErrWrongPassword = errors.New("wrong password")
	// ErrCorrupt: the file is damaged, truncated or was edited by hand.
	ErrCorrupt = errors.New("file is corrupt or was tampered with")
	// ErrNewerVersion: the file was made by a newer Latchkey.
	ErrNewerVersion = errors.New("file was made by a newer version of latchkey")
	// ErrLocked: another running Latchkey has this vault open.
	ErrLocked = errors.New("another latchkey has this vault open")
	// ErrChangedOnDisk: the file was replaced since it was read by one that
	// cannot be merged (damaged, or sealed under a key this vault never had:
	// the error also wraps ErrCorrupt or ErrUnknownKey); saving would
	// overwrite it.
	ErrChangedOnDisk = errors.New("file changed on disk since it was opened")
	// ErrExists: Create refuses to overwrite a file.
	ErrExists = errors.New("file already exists")
	// ErrNotFound is ErrNoAccount or ErrNoFile (below): branch on the one
	// meant.
	ErrNotFound = errors.New("not found")
	// ErrBackupCodeTypo: the backup code's checksum does not match; it was
	// mistyped, not merely wrong.
	ErrBackupCodeTypo = errors.New("backup code has a typo")
	// ErrWrongBackupCode: a well-formed code that opens no slot (already
	// used, from an older set, or from another vault).
	ErrWrongBackupCode = errors.New("backup code does not open this vault")
	// ErrNeedsPassword: opened with a backup code; set a new password first.
	ErrNeedsPassword = errors.New("a new password must be set before saving")
	// ErrHostileParams: the file asks for key-derivation work outside what
	// Latchkey ever writes (more than its caps, or less than its floor). It
	// is refused before any key derivation runs, and is not a wrong password.
	ErrHostileParams = errors.New("key-derivation parameters latchkey never writes: the file is damaged or was made by something else")
	// ErrTooLarge: a file, field or account list exceeds the vault's caps.
	ErrTooLarge = errors.New("too large")
	// ErrClosed: the vault was closed.
	ErrClosed = errors.New("closed")
	// ErrEmptyPassword: a vault needs a non-empty password.
	ErrEmptyPassword = errors.New("the password is empty")
	// ErrBackupFailed: the vault itself was saved, but writing or verifying a
	// rotating backup failed.
	ErrBackupFailed = errors.New("saved, but the backup copy failed")
	// ErrNotRegular: a path names a folder, a device, a FIFO, a socket or
	// (for a file being written) a symbolic link where a regular file must be.
	ErrNotRegular = errors.New("not a regular file")
	// ErrProtected: a file Latchkey was asked to write is a vault, a vault's
	// lock or an automatic backup, which only the vault's own save writes.
	ErrProtected = errors.New("latchkey never writes over a vault, its lock or its backups")
	// ErrReadOnly: the vault was opened with OpenReadOnly, which takes no
	// lock, so it may not change anything.
	ErrReadOnly = errors.New("opened read-only; nothing can be changed")
)

// What was not found; errors.Is(err, ErrNotFound) holds for both.
var (
	ErrNoAccount error = &notFound{"account"} // no account with that id
	// ErrNoFile: no vault or backup file at the path, with fs.ErrNotExist
	// where the file system said so.
	ErrNoFile error = &notFound{"file"}
)

// notFound is ErrNoAccount or ErrNoFile. Its text stays "not found", as
// before the split, so messages do not change.
type notFound struct{ what string }

func (e *notFound) Error() string { return "not found" }

// Is makes both match ErrNotFound.
func (e *notFound) Is(target error) bool { return target == ErrNotFound }
