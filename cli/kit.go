package cli

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"time"

	"latchkey/core"
)

func init() {
	register(&command{
		name:  "recovery-kit",
		brief: "write the printable recovery page (HTML, marked SECRET)",
		args:  "--out FILE.html [--regenerate-codes] [--with-accounts]",
		summary: `Writes the recovery kit: one HTML page to print or keep offline, marked SECRET,
with where the vault and its backups live and how to recover.
The vault keeps its backup codes only encrypted, so a kit can list them only
as they are made: --regenerate-codes makes a new set for the kit (the old set
stops working). Without it the kit holds no codes and says how to add them.
--with-accounts adds every account as a QR code with its secret: anyone who
reads that page can make your codes. The file is made new (never replaced),
readable by you alone, and written nowhere else.`,
		setup: func(fs *flag.FlagSet, c *ctx) {
			fs.StringVar(&c.flags.out, "out", "", "the HTML file to write (required; must not exist)")
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
	v, err := c.openVault()
	if err != nil {
		return err
	}
	defer v.Close()
	req := core.KitRequest{Path: out, NewCodes: c.flags.kitCodes, WithAccounts: c.flags.kitAccounts, Now: time.Now()}
	codes, err := core.WriteKit(v, req, createNew, c)
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

// createNew makes the kit's file before anything else happens (core calls
// it first), so codes are never made for a kit that cannot be written. It
// never replaces a file.
func createNew(path string) (core.PrivateFile, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		return nil, fmt.Errorf("%s already exists; it was left as it is (choose another name)", path)
	}
	if err != nil {
		return nil, err
	}
	return &newFile{f: f}, nil
}

// newFile is a file made by createNew.
type newFile struct{ f *os.File }

func (n *newFile) Write(p []byte) (int, error) { return n.f.Write(p) }

// Commit syncs and closes the file.
func (n *newFile) Commit() error {
	err := n.f.Sync()
	if cerr := n.f.Close(); err == nil {
		err = cerr
	}
	return err
}

// Abort closes and removes the file.
func (n *newFile) Abort() {
	n.f.Close()
	os.Remove(n.f.Name())
}
