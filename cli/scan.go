package cli

import (
	"errors"
	"flag"
	"fmt"

	"latchkey/internal/safetext"
)

func init() {
	register(&command{
		name:    "scan",
		brief:   "print the accounts in QR code images",
		args:    "[--raw] IMAGE...",
		summary: "Reads every QR code in the images and prints each account found as a canonical\notpauth:// URI, one per line (Google Authenticator exports expanded).\nWith --raw, prints each QR code's text exactly as decoded instead (on a terminal,\nwith control characters shown escaped).",
		setup:   scanFlags,
		run:     runScan,
	})
}

func scanFlags(fs *flag.FlagSet, c *ctx) {
	fs.BoolVar(&c.flags.raw, "raw", false, "print each code's text as decoded")
}

func runScan(c *ctx, fs *flag.FlagSet, args []string) error {
	if len(args) == 0 {
		return usageErrorf("scan needs at least one image; see \"latchkey scan -h\"")
	}
	res, ok := c.readImages(args)
	defer res.Wipe()
	if c.flags.raw {
		// Exact into a pipe or file; on a terminal a hostile code's
		// control characters are shown escaped instead of acting.
		tty := isTerminal(c.Stdout)
		for _, r := range res.Raw {
			if tty {
				r = safetext.Escape(r)
			}
			fmt.Fprintln(c.Stdout, r)
		}
	} else {
		for _, a := range res.Accounts {
			fmt.Fprintln(c.Stdout, a.Key.URI())
		}
		for _, p := range res.Problems {
			fmt.Fprintf(c.Stderr, "latchkey: %v\n", p)
			ok = false
		}
	}
	if !ok {
		return errors.New("some images could not be read fully (see above)")
	}
	return nil
}
