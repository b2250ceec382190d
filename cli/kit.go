package cli

import (
	"flag"
	"fmt"
	"time"

	"latchkey/core"
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
			fs.BoolVar(&c.flags.kitCodes, "regenerate-codes", false, "make a new set of backup codes and put them in the kit; the old set stops working")
			fs.BoolVar(&c.flags.kitAccounts, "with-accounts", false, "add every account as a QR code and its secret (NOT encrypted)")
			addPasswordFlags(fs, c)
		},
		run: runRecoveryKit,
	})
}

func runRecoveryKit(c *ctx, fs *flag.FlagSet, args []string) error {
	if len(args) != 0 || c.flags.out == "" {
		return usageErrorf("recovery-kit takes --out FILE and no arguments; see \"latchkey recovery-kit -h\"")
	}
	out := c.flags.out
	// Checked before the vault is opened, so a kit that cannot be written
	// costs no password; core checks again before any new codes.
	if err := c.checkOut(out); err != nil {
		return err
	}
	v, err := c.openVault()
	if err != nil {
		return err
	}
	defer v.Close()
	req := core.KitRequest{Path: out, NewCodes: c.flags.kitCodes, WithAccounts: c.flags.kitAccounts, Now: time.Now()}
	codes, err := core.WriteKit(v, req, c.createNew, c)
	if len(codes) > 0 {
		c.warnIfBackupFailed(v)
	}
	if err != nil {
		if len(codes) > 0 {
			// The old set no longer works: the new one must not be lost.
			for _, code := range codes {
				fmt.Fprintln(c.Stdout, code)
			}
			fmt.Fprintln(c.Stderr, "the kit could not be written; the lines above are the new backup codes (the old ones no longer work)")
		}
		return err
	}
	switch {
	case len(codes) > 0:
		fmt.Fprintf(c.Stderr, "wrote the recovery kit to %s with %d new backup codes; the old codes no longer open the vault (backups made before now still accept them)\n", out, len(codes))
	default:
		fmt.Fprintf(c.Stderr, "wrote the recovery kit to %s without backup codes (--regenerate-codes puts a new set in it)\n", out)
	}
	fmt.Fprintln(c.Stderr, "print it or keep it offline, apart from this computer")
	return nil
}
