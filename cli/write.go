package cli

import (
	"errors"
	"flag"
	"fmt"

	"latchkey/core"
	"latchkey/vault"
)

// Every file a command writes goes through vault.WriteFile: never over the
// vault, its lock or its backups (of any vault), never through a symbolic
// link or into anything but a regular file, an existing file only with
// --force; mode 0600, by rename.

// addOutFlags adds --out and --force to a command that writes a file.
func addOutFlags(fs *flag.FlagSet, c *ctx, usage string) {
	fs.StringVar(&c.flags.out, "out", "", usage)
	fs.BoolVar(&c.flags.force, "force", false, "replace the file if it exists (never the vault, its lock or its backups)")
}

// outOptions are the writer's rules for an --out file: the vault the
// command works on is named, so it is refused even before it exists.
func (c *ctx) outOptions() vault.WriteOptions {
	o := vault.WriteOptions{Replace: c.flags.force, MakeFolders: true}
	if p, err := c.resolveVaultPath(); err == nil {
		o.Vault = p
	}
	return o
}

// checkOut refuses an --out file before any work is done for it (a key
// derivation, new backup codes). writeOut checks again.
func (c *ctx) checkOut(path string) error {
	return outError(path, vault.CheckWrite(path, c.outOptions()))
}

// writeOut writes an --out file.
func (c *ctx) writeOut(path string, data []byte) error {
	return outError(path, vault.WriteFile(path, data, c.outOptions()))
}

// createNew is core's Create for an --out file (the recovery kit): the
// one writer under outOptions, so the file is checked before core makes
// anything it cannot undo (new backup codes), made new unless --force, and
// written whole by vault.WriteFile when core commits it.
func (c *ctx) createNew(path string) (core.PrivateFile, error) {
	f, err := core.NewFile(path, c.outOptions())
	if err != nil {
		return nil, outError(path, err)
	}
	return f, nil
}

// outError says what to do about a file that is already there.
func outError(path string, err error) error {
	if errors.Is(err, vault.ErrExists) {
		return fmt.Errorf("%s already exists; it was left as it is (--force replaces it)", path)
	}
	return err
}

// saved turns the error of a save into what the command reports: when
// only the automatic backup failed, the change is in the vault, so the
// command goes on and succeeds, with a warning.
func (c *ctx) saved(v *vault.Vault, err error) error {
	if errors.Is(err, vault.ErrBackupFailed) {
		cause := err
		if st, e := v.LastBackup(); e == nil && st.Err != nil {
			cause = st.Err // without the "saved, but" the warning says
		}
		c.warnBackup(v, cause)
		return nil
	}
	return err
}

// warnIfBackupFailed warns when the last save's automatic backup failed,
// for calls that save and still succeed (new backup codes, a new vault).
func (c *ctx) warnIfBackupFailed(v *vault.Vault) {
	if st, err := v.LastBackup(); err == nil && st.Err != nil {
		c.warnBackup(v, st.Err)
	}
}

func (c *ctx) warnBackup(v *vault.Vault, err error) {
	fmt.Fprintf(c.Stderr, "latchkey: warning: the change is saved in %s, but its automatic backup failed (%v); \"latchkey backups --now\" tries again\n", v.Path(), err)
}
