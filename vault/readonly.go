package vault

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
)

// OpenReadOnly unlocks the vault at path without taking its lock, so a
// command can list accounts or show a code while the desktop app has the
// vault open. Every method that would change the vault or its file returns
// ErrReadOnly; reading methods, WriteBackup and LastBackup work. It neither
// upgrades weak parameters nor sweeps temporary files, which only the lock
// holder may do. Errors are those of Open (naming the file), without
// ErrLocked.
//
// What it shows is the file as it was when read: a save by the app after
// that is not seen.
func OpenReadOnly(path string, password []byte) (*Vault, error) {
	return openReadOnly(path, password, defaultOptions())
}

func openReadOnly(path string, password []byte, o options) (*Vault, error) {
	path, exists, err := resolvePath(path)
	if err != nil {
		return nil, err
	}
	if !exists {
		return nil, fmt.Errorf("vault: %s: %w (%w)", path, ErrNoFile, fs.ErrNotExist)
	}
	b, err := o.fs.ReadFile(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("vault: %s: %w (%w)", path, ErrNoFile, err)
		}
		return nil, fmt.Errorf("vault: reading %s: %w", path, err)
	}
	c, err := parseContainer(b, o.limits)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	v := &Vault{path: path, fs: o.fs, now: o.now, opts: o, usedCodeSlot: -1, readOnly: true}
	v.diskSum = sha256.Sum256(b)
	dataKey, kek, _, _, err := c.unlockPassword(password)
	base := c
	if errors.Is(err, ErrWrongPassword) {
		// A password set on this computer, the file an older copy (open).
		if lc, k, kk, _, ok := v.unlockLocal(password); ok {
			base, dataKey, kek, err = lc, k, kk, nil
		}
	}
	if err != nil {
		return nil, fmt.Errorf("vault: %s: %w", path, err)
	}
	clear(kek) // nothing is ever wrapped anew: read-only
	if err := v.load(base, dataKey); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	v.loadBackupDirHere()
	// What this computer saved and a sync tool replaced is shown too
	// (in memory: a read-only vault writes nothing).
	if base == c {
		v.mergeLocal()
	} else if err := v.mergeFileIntoLocal(); err != nil {
		return nil, fmt.Errorf("vault: %s: %w", path, err)
	}
	return v, nil
}

// ReadOnly reports whether the vault was opened with OpenReadOnly.
func (v *Vault) ReadOnly() bool {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.readOnly
}

// writable is the check every change makes first.
func (v *Vault) writable() error {
	switch {
	case v.closed:
		return ErrClosed
	case v.readOnly:
		return fmt.Errorf("vault: %s: %w", v.path, ErrReadOnly)
	}
	return nil
}

// savable is writable, with a password to save under: a vault opened with
// a backup code needs SetPassword first.
func (v *Vault) savable() error {
	if err := v.writable(); err != nil {
		return err
	}
	if v.needsPassword {
		return ErrNeedsPassword
	}
	return nil
}

// writableIndex is the index of account id in a vault that may be changed;
// what names the change ("delete account") in the error when there is no
// such account.
func (v *Vault) writableIndex(id, what string) (int, error) {
	if err := v.writable(); err != nil {
		return -1, err
	}
	i := v.index(id)
	if i < 0 {
		return -1, fmt.Errorf("vault: %s %q: %w", what, id, ErrNoAccount)
	}
	return i, nil
}
