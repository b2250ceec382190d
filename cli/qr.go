package cli

import (
	"flag"
	"fmt"

	"latchkey/internal/safetext"
	"latchkey/qrimport"
)

func init() {
	register(&command{
		name:    "qr",
		brief:   "write an account as a QR code image",
		args:    "QUERY --out FILE.png [--force] [--size PIXELS]",
		summary: "Writes the matching account as a QR code image, for moving it to a phone.\nThe image holds the secret: keep it as safe as the vault, and delete it after use.",
		setup: func(fs *flag.FlagSet, c *ctx) {
			addOutFlags(fs, c, "the PNG file to write (required)")
			fs.IntVar(&c.flags.size, "size", 512, "the image's width and height in pixels")
			addPasswordFlags(fs, c)
		},
		run: runQR,
	})
}

func runQR(c *ctx, fs *flag.FlagSet, args []string) error {
	out := c.flags.out
	if len(args) != 1 || out == "" {
		return usageErrorf("qr takes one query and --out FILE.png")
	}
	size := c.flags.size
	if size < 64 || size > 4096 {
		return usageErrorf("--size must be 64 to 4096 pixels")
	}
	if err := c.checkOut(out); err != nil {
		return err
	}
	v, a, err := c.openOne(args[0], true)
	if err != nil {
		return err
	}
	defer v.Close()
	png, err := qrimport.KeyPNG(a.Key, size)
	if err != nil {
		return fmt.Errorf("making the QR code of %s: %w", safetext.Escape(a.Key.Label()), err)
	}
	if err := c.writeOut(out, png); err != nil {
		return err
	}
	fmt.Fprintf(c.Stderr, "wrote %s: it holds the secret of %s\n", out, safetext.Escape(a.Key.Label()))
	return nil
}
