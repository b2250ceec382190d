package cli

import (
	"errors"
	"flag"
	"fmt"

	"latchkey/internal/safetext"
	"latchkey/qrimport"
)

func init() {
	register(&command{
		name:    "scan",
		brief:   "print the accounts in QR code images",
		args:    "[--raw] IMAGE...",
		summary: "Reads every QR code in the images and prints each account found as a canonical\notpauth:// URI, one per line (Google Authenticator exports expanded).\nWith --raw, prints each QR code's text exactly as decoded instead (on a terminal,\nwith control characters shown escaped).",
		setup:   func(fs *flag.FlagSet, c *ctx) { fs.Bool("raw", false, "print each code's text as decoded") },
		run:     runScan,
	})
}

// readImages reads every image, reporting unreadable ones on stderr and
// going on; a Google export spread over several images is checked as a whole.
func (c *ctx) readImages(paths []string) (qrimport.Result, bool) {
	var col qrimport.Collector
	ok := true
	for i, p := range paths {
		if missingSecret(p) {
			fmt.Fprintf(c.Stderr, "latchkey: argument %d: %v\n", i+1, errNotAFile)
			ok = false
			continue
		}
		if err := col.AddFile(p); err != nil {
			fmt.Fprintf(c.Stderr, "latchkey: %s: %v\n", safetext.Escape(p), err)
			ok = false
		}
	}
	return col.Result(), ok
}

func runScan(c *ctx, fs *flag.FlagSet, args []string) error {
	if len(args) == 0 {
		return usageErrorf("scan needs at least one image; see \"latchkey scan -h\"")
	}
	res, ok := c.readImages(args)
	if fs.Lookup("raw").Value.String() == "true" {
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
		for _, k := range res.Keys {
			fmt.Fprintln(c.Stdout, k.URI())
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
