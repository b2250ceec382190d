package cli

import (
	"errors"
	"flag"
	"fmt"

	"latchkey/core"
	"latchkey/internal/safetext"
	"latchkey/vault"
)

func init() {
	register(&command{
		name:  "restore",
		brief: "make a new vault from a backup (a new machine)",
		args:  "BACKUP [--vault NEWPATH] [--password-file FILE | --code CODE [--new-password-file FILE]]",
		summary: `Makes a new vault from an encrypted backup (an exported backup, an automatic
backup, or a copy of a vault file): the way to carry everything to a new
machine. The backup's password opens it and becomes the new vault's password.
Backup codes the backup carries keep working; a backup without them gets a
new set, printed on standard output. Password lost too: --code opens the
backup with one of its backup codes (automatic backups carry them all) and
asks for a new password; that code then no longer opens the new vault.
It never replaces an existing vault: to add a backup's accounts to the vault
you have, use "latchkey import BACKUP".`,
		setup: func(fs *flag.FlagSet, c *ctx) {
			addPasswordFlags(fs, c)
			fs.StringVar(&c.flags.code, "code", "", "open the backup with this backup code instead of its password (\"-\": ask for it)")
			addNewPasswordFlag(fs, c)
		},
		run: runRestore,
	})
	register(&command{
		name:  "backups",
		brief: "show the automatic backups; --now writes one",
		args:  "[--now | --reencrypt | --remove]",
		summary: `Says where automatic backups go, when the newest verified one was written,
and whether the vault has changes no backup holds (exit status 1 then), or
is older than one of its backups: replaced by an older copy (exit status 1).
--now writes a verified backup when one is missing or a day old, as the app
does daily (for a cron job or after a backup folder comes back).
After a password change, a recovery or new backup codes, the automatic
backups made before still open with the old password and codes:
--reencrypt rewrites each of them under the vault's current key (verified,
replaced atomically), --remove deletes them. Only the vault's own backups
in its backup folder are touched.`,
		setup: func(fs *flag.FlagSet, c *ctx) {
			fs.BoolVar(&c.flags.now, "now", false, "write a backup now if the newest is missing, out of date or a day old")
			fs.BoolVar(&c.flags.reencrypt, "reencrypt", false, "re-encrypt the automatic backups made under an earlier password or backup codes")
			fs.BoolVar(&c.flags.remove, "remove", false, "delete the automatic backups made under an earlier password or backup codes")
			addPasswordFlags(fs, c)
		},
		run:    runBackups,
		noArgs: true,
	})
}

// backupFlags hold the flags of the commands that write and read backups;
// ctx.backup is one.
type backupFlags struct {
	passwordFile       string // --backup-password-file
	askPassword        bool   // --backup-password: prompt for one
	withCodes          bool   // --with-backup-codes
	importPasswordFile string // --import-password-file
}

// addBackupFlags adds the flags of "export --format backup".
func addBackupFlags(fs *flag.FlagSet, c *ctx) {
	fs.StringVar(&c.backup.passwordFile, "backup-password-file", "", "backup: protect the backup with the password in this file instead of the vault password")
	fs.BoolVar(&c.backup.askPassword, "backup-password", false, "backup: ask for a separate password for the backup instead of using the vault password")
	fs.BoolVar(&c.backup.withCodes, "with-backup-codes", false, "backup: let the vault's unused backup codes open the backup too")
}

// addImportPasswordFlag adds --import-password-file, the password of a file
// being imported (a Latchkey backup or another app's encrypted export).
func addImportPasswordFlag(fs *flag.FlagSet, c *ctx) {
	fs.StringVar(&c.backup.importPasswordFile, "import-password-file", "", "read the password of the file being imported from this file (default: a prompt, or standard input)")
}

// importPasswordFor reads the password of a file being imported: from
// --import-password-file, else a prompt or standard input.
func (c *ctx) importPasswordFor(what string) ([]byte, error) {
	if c.backup.importPasswordFile != "" {
		return readSecretFile(c.backup.importPasswordFile, "import password file")
	}
	return c.promptOrStdin("Password of "+what+": ", false)
}

// exportBackup writes an encrypted backup of v to out through core, under
// the vault password unless a backup password was given. An existing file
// (an earlier backup) is replaced only with --force; never the vault, its
// lock or its automatic backups.
func (c *ctx) exportBackup(v *vault.Vault, out string) error {
	p := &backupPassword{c: c}
	err := core.WriteBackup(v, core.BackupRequest{Path: out, Replace: c.flags.force, WithBackupCodes: c.backup.withCodes}, p)
	var place *core.PlaceError
	switch {
	case errors.As(err, &place):
		// Refused before a backup password was asked for or derived.
		return outError(out, place.Err)
	case err != nil && p.asked:
		return fmt.Errorf("writing the backup %s: %w", out, outError(out, err))
	case err != nil:
		return err
	}
	opens := "the vault password"
	if p.own {
		opens = "the backup password"
	}
	if c.backup.withCodes {
		opens += fmt.Sprintf(" or one of the vault's %d unused backup codes", v.BackupCodesLeft())
	}
	fmt.Fprintf(c.Stderr, "wrote an encrypted, verified backup of %d accounts to %s; it opens with %s\n", len(v.Accounts()), out, opens)
	return nil
}

// backupPassword answers core's question for a backup's own password from
// --backup-password-file or a prompt (--backup-password); nil, the vault's.
type backupPassword struct {
	c          *ctx
	asked, own bool // asked: the password is in hand; own: a separate one
}

var _ core.BackupPassworder = (*backupPassword)(nil)

func (p *backupPassword) BackupPassword() ([]byte, error) {
	c := p.c
	var pw []byte
	switch {
	case c.backup.passwordFile != "":
		b, err := readSecretFile(c.backup.passwordFile, "backup password file")
		if err != nil {
			return nil, err
		}
		if len(b) == 0 {
			return nil, errors.New("the backup password file is empty")
		}
		pw = b
	case c.backup.askPassword:
		b, err := c.newPassword("Backup password: ")
		if err != nil {
			return nil, err
		}
		pw = b
	}
	p.asked, p.own = true, pw != nil
	if pw != nil {
		fmt.Fprintln(c.Stderr, "deriving the backup's key (about a second)...")
	}
	return pw, nil
}

// mergeBackup merges a Latchkey backup read by core into the vault.
// Duplicates (the same credential) are skipped and named; nothing in the
// vault is overwritten.
func (c *ctx) mergeBackup(path string, f core.Found) error {
	v, err := c.openVault()
	if err != nil {
		return err
	}
	defer v.Close()
	r, err := core.AddNew(v, f.Accounts, nil)
	if err != nil {
		return err
	}
	if len(r.Added) > 0 {
		if err := c.saved(v, v.Save()); err != nil {
			return fmt.Errorf("saving %s: %w", v.Path(), err)
		}
	}
	for _, l := range r.Duplicates {
		fmt.Fprintf(c.Stderr, "skipped %s: already in the vault\n", safetext.Escape(l))
	}
	for _, l := range r.Added {
		fmt.Fprintf(c.Stderr, "added %s\n", safetext.Escape(l))
	}
	fmt.Fprintf(c.Stderr, "%s: latchkey backup, %d accounts: %d added, %d already in the vault\n", safetext.Escape(path), len(f.Accounts), len(r.Added), len(r.Duplicates))
	return nil
}

func runRestore(c *ctx, fs *flag.FlagSet, args []string) error {
	if len(args) != 1 {
		return usageErrorf("restore takes one backup file; see \"latchkey restore -h\"")
	}
	backup := args[0]
	path, err := c.resolveVaultPath()
	if err != nil {
		return err
	}
	if vault.Exists(path) {
		return fmt.Errorf("there is already a vault at %s; it was left as it is (give --vault NEWPATH to restore beside it, or merge with \"latchkey import %s\")", path, backup)
	}
	if !vault.Exists(backup) {
		return fmt.Errorf("no backup at %s", backup)
	}
	var how core.Unlock
	opens := "the backup's password"
	if code := c.flags.code; code != "" {
		if code == "-" {
			b, err := c.promptOrStdin("Backup code: ", false)
			if err != nil {
				return err
			}
			code = string(b)
		}
		pw, err := c.newPassword("New vault password: ")
		if err != nil {
			return err
		}
		defer clear(pw)
		fmt.Fprintln(c.Stderr, "deriving the new password's key (about a second)...")
		how = core.Unlock{Code: code, NewPassword: pw}
		opens = "the new password"
	} else {
		pw, err := c.password()
		if err != nil {
			return err
		}
		defer clear(pw)
		how = core.Unlock{Password: pw}
	}
	v, codes, err := core.Restore(c.Vault, backup, path, how)
	if err != nil {
		return err
	}
	defer v.Close()
	for _, code := range codes {
		fmt.Fprintln(c.Stdout, code)
	}
	fmt.Fprintf(c.Stderr, "restored %d accounts from %s into a new vault at %s; it opens with %s\n", len(v.Accounts()), backup, path, opens)
	if len(codes) > 0 {
		fmt.Fprintf(c.Stderr, "the backup had no backup codes that could open the new vault: the %d lines above are new ones; store them apart from the computer\n", len(codes))
	} else {
		fmt.Fprintf(c.Stderr, "the backup's backup codes open this vault (%d unused)\n", v.BackupCodesLeft())
	}
	if st, err := v.LastBackup(); err == nil && st.Pending {
		fmt.Fprintf(c.Stderr, "warning: no automatic backup could be written to %s\n", st.Dir)
	}
	return nil
}

func runBackups(c *ctx, fs *flag.FlagSet, args []string) error {
	if c.flags.reencrypt || c.flags.remove {
		return runBackupsEarlier(c, fs, c.flags.remove)
	}
	now := c.flags.now
	open := c.openVaultReadOnly
	if now {
		open = c.openVault
	}
	v, err := open()
	if err != nil {
		return err
	}
	defer v.Close()
	var st vault.BackupStatus
	if now {
		st, err = v.BackupNow()
	} else {
		st, err = v.LastBackup()
	}
	if !st.Enabled {
		fmt.Fprintln(c.Stdout, "automatic backups are off")
		return err
	}
	fmt.Fprintf(c.Stdout, "folder:\t%s\n", st.Dir)
	fmt.Fprintf(c.Stdout, "kept:\t%d\n", st.Kept)
	if st.Last.IsZero() {
		fmt.Fprintln(c.Stdout, "last:\tnone that verifies")
	} else {
		fmt.Fprintf(c.Stdout, "last:\t%s (%s)\n", st.Last.Local().Format("2006-01-02 15:04:05"), st.Path)
	}
	if st.Newer != "" {
		when := st.NewerTime.Local().Format("2006-01-02 15:04:05")
		fmt.Fprintf(c.Stdout, "newer:\t%s (%s)\n", when, st.Newer)
		return fmt.Errorf("the vault is older than the newest backup %s (saved %s): it was replaced by an older copy; restore it with \"latchkey restore %s --vault NEW-PATH\" and use NEW-PATH", st.Newer, when, st.Newer)
	}
	if err != nil {
		return fmt.Errorf("backing up: %w", err)
	}
	if st.Err != nil {
		fmt.Fprintf(c.Stdout, "problem:\t%v\n", st.Err)
	}
	if st.Pending {
		return errors.New("the vault has changes no verified backup holds (\"latchkey backups --now\" writes one)")
	}
	fmt.Fprintln(c.Stdout, "status:\tup to date")
	return nil
}

// runBackupsEarlier re-encrypts under the vault's current key, or with
// remove deletes, the automatic backups made under an earlier one.
func runBackupsEarlier(c *ctx, fs *flag.FlagSet, remove bool) error {
	if c.flags.now || c.flags.reencrypt && c.flags.remove {
		return usageErrorf("give one of --now, --reencrypt and --remove")
	}
	v, err := c.openVault()
	if err != nil {
		return err
	}
	defer v.Close()
	deal, did := v.ReencryptBackups, "re-encrypted"
	if remove {
		deal, did = v.RemoveEarlierBackups, "removed"
	}
	done, err := deal()
	for _, p := range done {
		fmt.Fprintf(c.Stderr, "%s %s\n", did, p)
	}
	switch {
	case errors.Is(err, vault.ErrBackupFailed):
		// Every old backup was dealt with and the vault saved; only the
		// fresh automatic backup of that save failed.
		fmt.Fprintf(c.Stderr, "warning: %v\n", err)
	case err != nil:
		return fmt.Errorf("%d backups %s, then: %w; the others were left as they were", len(done), did, err)
	}
	if len(done) == 0 {
		fmt.Fprintln(c.Stderr, "no automatic backup was made under an earlier password or backup codes")
		return nil
	}
	if remove {
		fmt.Fprintf(c.Stderr, "%d automatic backups made under an earlier password or backup codes were deleted\n", len(done))
	} else {
		fmt.Fprintf(c.Stderr, "%d automatic backups now open with the current password and backup codes only\n", len(done))
	}
	return nil
}
