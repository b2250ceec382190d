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
		name:  "import",
		brief: "add accounts from other apps' exports and Latchkey backups",
		args:  "[--import-password-file FILE] [--duplicates] FILE...",
		summary: `Adds the accounts of other authenticators' export files (and of Latchkey
backups) to the vault. The format is found from the content: otpauth:// URI
lists, Google Authenticator export links, Aegis, Ente Auth, 2FAS, andOTP,
Bitwarden, FreeOTP+, Stratum / Authenticator Pro, KeePassXC CSV, Steam and
Proton Authenticator, plain or encrypted. Accounts already in the vault are
reported and skipped unless --duplicates is given. Nothing is written to
disk unencrypted.`,
		setup: func(fs *flag.FlagSet, c *ctx) {
			addImportPasswordFlag(fs, c)
			fs.BoolVar(&c.flags.duplicates, "duplicates", false, "add accounts even when the vault already has the same key")
			addPasswordFlags(fs, c)
		},
		run: runImport,
	})
}

func runImport(c *ctx, fs *flag.FlagSet, args []string) error {
	if len(args) == 0 {
		return usageErrorf("import needs at least one file; see \"latchkey import -h\"")
	}
	var accounts []vault.Account
	defer func() { wipe(accounts) }()
	ok, backups := true, 0
	// A wrong password anywhere gives the wrong-password status at the end,
	// after the other files are read.
	status := ExitFailure
	failed := func(err error) error { return &exitError{code: status, err: err} }
	for i, path := range args {
		if missingSecret(path) {
			fmt.Fprintf(c.Stderr, "latchkey: argument %d: %v\n", i+1, errNotAFile)
			ok = false
			continue
		}
		got, wasBackup, err := c.readExport(path)
		if err != nil {
			fmt.Fprintf(c.Stderr, "latchkey: %s: %v\n", safetext.Escape(path), err)
			if exitStatus(err) == ExitWrongPassword || errors.Is(err, core.ErrWrongPassword) {
				status = ExitWrongPassword
			}
			ok = false
			continue
		}
		if wasBackup {
			backups++
		}
		accounts = append(accounts, got...)
	}
	if len(accounts) == 0 {
		if ok && backups > 0 {
			return nil
		}
		return failed(errors.New("nothing to import"))
	}
	v, err := c.openVault()
	if err != nil {
		return err
	}
	defer v.Close()
	added, err := c.store(v, accounts, c.flags.duplicates)
	if err != nil {
		return err
	}
	if !ok {
		return failed(fmt.Errorf("imported %d accounts, but some files could not be read (see above)", added))
	}
	fmt.Fprintf(c.Stderr, "imported %d accounts\n", added)
	return nil
}

// readExport reads one file of another app: every account it can, with the
// entries it cannot reported by label and reason. A Latchkey backup is
// merged into the vault there and then (backup is true).
func (c *ctx) readExport(path string) (accounts []vault.Account, backup bool, err error) {
	data, err := core.ReadFile(path) // its errors show path escaped
	if err != nil {
		return nil, false, err
	}
	defer clear(data)
	f, err := core.Reader{Password: c, Backups: c.Vault}.File(path, data)
	if err != nil {
		return nil, false, err
	}
	if f.Backup {
		defer f.Wipe()
		return nil, true, c.mergeBackup(path, f)
	}
	fmt.Fprintf(c.Stderr, "%s: %s, %d accounts\n", safetext.Escape(path), f.Format, len(f.Accounts)-f.Linked)
	for _, s := range f.Skipped {
		fmt.Fprintf(c.Stderr, "  not imported: %s: %s\n", safetext.Escape(s.Label), safetext.Message(s.Reason))
	}
	for _, p := range f.Problems {
		fmt.Fprintf(c.Stderr, "  not imported: %v\n", p)
	}
	return f.Accounts, false, nil
}

// FilePassword answers core's question for an encrypted file being
// imported: --import-password-file, else a prompt or standard input. A
// wrong password is not asked again: the file fails with it.
func (c *ctx) FilePassword(a core.FileAsk) ([]byte, error) {
	if a.Wrong != nil {
		return nil, a.Wrong
	}
	if a.Backup {
		return c.importPasswordFor("the backup " + a.Name)
	}
	return c.importPasswordFor(a.Name)
}

var _ core.Passworder = (*ctx)(nil)

// exportAegis writes the accounts as a plain Aegis vault, the format most
// open authenticators import.
func (c *ctx) exportAegis(accounts []vault.Account, out string) error {
	data, err := core.Aegis(accounts, c)
	if err != nil {
		return err
	}
	defer clear(data)
	if err := c.writeOut(out, data); err != nil {
		return err
	}
	fmt.Fprintf(c.Stderr, "exported %d accounts to %s\n", len(accounts), out)
	return nil
}
