package cli

import (
	"bytes"
	"flag"
	"fmt"
	"path/filepath"
	"time"

	"latchkey/kit"
)

func init() {
	register(&command{
		name:  "recovery-kit",
		brief: "write the printable recovery page (HTML, marked SECRET)",
		args:  "--out FILE.html [--force] [--regenerate-codes] [--with-accounts]",
		summary: `Writes the recovery kit: one HTML page to print or keep offline, marked SECRET,
with where the vault and its backups live and how to recover.
The vault keeps its backup codes only encrypted, so a kit can list them only
as they are made: --regenerate-codes makes a new set for the kit (the old set
stops working). Without it the kit holds no codes and says how to add them.
--with-accounts adds every account as a QR code with its secret: anyone who
reads that page can make your codes. The file is made new (--force replaces
an existing one; never the vault, its lock or its backups), readable by you
alone, and written nowhere else.`,
		setup: func(fs *flag.FlagSet, c *ctx) {
			addOutFlags(fs, c, "the HTML file to write (required)")
			fs.Bool("regenerate-codes", false, "make a new set of backup codes and put them in the kit; the old set stops working")
			fs.Bool("with-accounts", false, "add every account as a QR code and its secret (NOT encrypted)")
			addPasswordFlags(fs, c)
		},
		run: runRecoveryKit,
	})
}

func runRecoveryKit(c *ctx, fs *flag.FlagSet, args []string) error {
	out := fs.Lookup("out").Value.String()
	regenerate := fs.Lookup("regenerate-codes").Value.String() == "true"
	withAccounts := fs.Lookup("with-accounts").Value.String() == "true"
	if len(args) != 0 || out == "" {
		return usageErrorf("recovery-kit takes --out FILE and no arguments; see \"latchkey recovery-kit -h\"")
	}
	// Checked before the vault is opened and before any new codes, so
	// codes are never made for a kit that cannot be written.
	if err := c.checkOut(out); err != nil {
		return err
	}
	v, err := c.openVault()
	if err != nil {
		return err
	}
	defer v.Close()
	k := kit.Kit{VaultPath: absPath(v.Path()), Created: time.Now()}
	if st, err := v.LastBackup(); err == nil && st.Enabled {
		k.BackupDir = absPath(st.Dir)
	}
	if withAccounts {
		fmt.Fprintln(c.Stderr, "warning: the kit holds every account's secret, NOT encrypted: anyone who reads it can make your codes")
		k.Accounts = v.Accounts()
	}
	if regenerate {
		codes, err := v.RegenerateBackupCodes()
		if err != nil {
			return fmt.Errorf("making new backup codes: %w", err)
		}
		k.BackupCodes = codes
		c.warnIfBackupFailed(v)
	}
	var page bytes.Buffer
	defer func() { clear(page.Bytes()) }()
	err = kit.Write(&page, k)
	if err == nil {
		err = c.writeOut(out, page.Bytes())
	}
	if err != nil {
		if len(k.BackupCodes) > 0 {
			// The old set no longer works: the new one must not be lost.
			for _, code := range k.BackupCodes {
				fmt.Fprintln(c.Stdout, code)
			}
			fmt.Fprintln(c.Stderr, "the kit could not be written; the lines above are the new backup codes (the old ones no longer work)")
		}
		return fmt.Errorf("writing %s: %w", out, err)
	}
	switch {
	case len(k.BackupCodes) > 0:
		fmt.Fprintf(c.Stderr, "wrote the recovery kit to %s with %d new backup codes; the old codes no longer open the vault (backups made before now still accept them)\n", out, len(k.BackupCodes))
	default:
		fmt.Fprintf(c.Stderr, "wrote the recovery kit to %s without backup codes (--regenerate-codes puts a new set in it)\n", out)
	}
	fmt.Fprintln(c.Stderr, "print it or keep it offline, apart from this computer")
	return nil
}

func absPath(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return p
}
