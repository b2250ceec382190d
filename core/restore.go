package core

import (
	"fmt"

	"latchkey/vault"
)

// Unlock says how a backup opens: with its password, or, the password
// lost, with one of its backup codes and a new password.
type Unlock struct {
	Password    []byte // the backup's password; it becomes the new vault's
	Code        string // a backup code; set instead of Password
	NewPassword []byte // with Code: the new vault's password
}

// Restore makes a new vault at newPath from the backup (or vault copy) at
// backup: a new machine's first step. It never replaces a file. codes are
// new backup codes to show once, when the backup carried none (or its last
// was the one used).
func Restore(o vault.Options, backup, newPath string, u Unlock) (v *vault.Vault, codes []string, err error) {
	if u.Code != "" {
		v, codes, err = o.RestoreWithBackupCode(backup, u.Code, newPath, u.NewPassword)
		if err != nil {
			return nil, nil, fmt.Errorf("restore with a backup code: %w", err)
		}
		return v, codes, nil
	}
	v, codes, err = o.RestoreAsNew(backup, u.Password, newPath)
	if err != nil {
		return nil, nil, fmt.Errorf("restore: %w", err)
	}
	return v, codes, nil
}
