package cli

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
)

func init() {
	register(&command{
		name:    "scan",
		brief:   "print the accounts in QR code images",
		args:    "[--raw] IMAGE...",
		summary: "Reads every QR code in the images and prints each account found as a canonical\notpauth:// URI, one per line (Google Authenticator exports expanded).\nWith --raw, prints each QR code's text exactly as decoded instead.",
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
		for _, r := range res.Raw {
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

// writeNewFile writes output that holds secrets, readable by the user alone,
// durably.
func writeNewFile(path string, data []byte) error {
	if dir := filepath.Dir(path); dir != "." {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return err
		}
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	// An existing file keeps its mode through O_TRUNC: narrow it before
	// any secret goes in.
	if err = f.Chmod(0o600); err == nil {
		_, err = f.Write(data)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}
