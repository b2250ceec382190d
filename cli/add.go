package cli

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"latchkey/core"
	"latchkey/vault"
)

func init() {
	register(&command{
		name:    "add",
		brief:   "add accounts from otpauth:// URIs or QR code images",
		args:    "URI|IMAGE...",
		summary: "Adds accounts from otpauth:// URIs and from images of QR codes (every code in\neach image; Google Authenticator exports too). Accounts already in the vault\n(the same secret) are reported and skipped.",
		setup:   func(fs *flag.FlagSet, c *ctx) { addPasswordFlags(fs, c) },
		run:     runAdd,
	})
	register(&command{
		name:  "export",
		brief: "write the accounts out: encrypted backup, URIs, Google or Aegis",
		args:  "--format uri|google-qr|aegis|backup [--out FILE|DIR]",
		summary: `Writes the vault's accounts out.
  uri        otpauth:// URIs, one per line (standard output unless --out); NOT encrypted
  google-qr  Google Authenticator export QR codes, PNG files in the folder --out; NOT encrypted
  aegis      an Aegis plain JSON vault (--out FILE); NOT encrypted
  backup     an encrypted backup in Latchkey's own format (--out FILE)`,
		setup: func(fs *flag.FlagSet, c *ctx) {
			fs.StringVar(&c.flags.format, "format", "", "uri, google-qr, aegis or backup (required)")
			fs.StringVar(&c.flags.out, "out", "", "the file (or folder, for google-qr) to write")
			addPasswordFlags(fs, c)
			addBackupFlags(fs, c)
		},
		run: runExport,
	})
}

func runAdd(c *ctx, fs *flag.FlagSet, args []string) error {
	if len(args) == 0 {
		return usageErrorf("add needs otpauth:// URIs or images; see \"latchkey add -h\"")
	}
	var accounts []vault.Account
	var images []string
	ok := true
	for _, a := range args {
		if looksLikeURI(a) {
			res, err := core.ReadText(a)
			if err != nil {
				fmt.Fprintf(c.Stderr, "latchkey: argument %d: %v\n", len(accounts)+1, err)
				ok = false
				continue
			}
			accounts = append(accounts, res.Accounts...)
			for _, p := range res.Problems {
				fmt.Fprintf(c.Stderr, "latchkey: %v\n", p)
				ok = false
			}
			continue
		}
		images = append(images, a)
	}
	if len(images) > 0 {
		res, imagesOK := c.readImages(images)
		accounts = append(accounts, res.Accounts...)
		for _, p := range res.Problems {
			fmt.Fprintf(c.Stderr, "latchkey: %v\n", p)
		}
		ok = ok && imagesOK && len(res.Problems) == 0
	}
	if len(accounts) == 0 {
		return errors.New("nothing to add")
	}
	defer wipe(accounts)
	v, err := c.openVault()
	if err != nil {
		return err
	}
	defer v.Close()
	added, err := c.store(v, accounts, false)
	if err != nil {
		return err
	}
	if !ok {
		return &exitError{code: ExitFailure, err: fmt.Errorf("added %d accounts, but some input could not be read (see above)", added)}
	}
	return nil
}

// readImages reads every image, reporting unreadable ones on stderr and
// going on; a Google export spread over several images is checked as a whole.
func (c *ctx) readImages(paths []string) (core.Found, bool) {
	images := make([]core.Image, len(paths))
	for i, p := range paths {
		images[i] = core.Image{Name: p, Path: p}
	}
	found, unread := core.ReadImages(images)
	for _, e := range unread {
		fmt.Fprintf(c.Stderr, "latchkey: %v\n", e)
	}
	return found, len(unread) == 0
}

// store adds accounts to the vault and saves once. Unless keepDups, the
// ones the vault already has (the same credential) are skipped; every
// account is reported by label on stderr.
func (c *ctx) store(v *vault.Vault, accounts []vault.Account, keepDups bool) (added int, err error) {
	var r vault.MergeReport
	if keepDups {
		r, err = core.AddAll(v, accounts)
	} else {
		r, err = core.Merge(v, accounts, nil)
	}
	if err != nil {
		return 0, err
	}
	if len(r.Added) > 0 {
		if err := v.Save(); err != nil {
			return 0, fmt.Errorf("saving %s: %w", v.Path(), err)
		}
	}
	for _, l := range r.Duplicates {
		fmt.Fprintf(c.Stderr, "skipped %s: already in the vault\n", l)
	}
	for _, l := range r.Added {
		fmt.Fprintf(c.Stderr, "added %s\n", l)
	}
	return len(r.Added), nil
}

// wipe zeroes the secrets of accounts read from input.
func wipe(accounts []vault.Account) {
	for _, a := range accounts {
		clear(a.Key.Secret)
	}
}

func runExport(c *ctx, fs *flag.FlagSet, args []string) error {
	format, out := c.flags.format, c.flags.out
	if len(args) != 0 || format == "" {
		return usageErrorf("export takes --format and no arguments; see \"latchkey export -h\"")
	}
	f, ok := core.ParseFormat(format)
	if !ok {
		return usageErrorf("unknown export format %q (want uri, google-qr, aegis or backup)", format)
	}
	if f != core.FormatURIList && out == "" {
		return usageErrorf("--format %s needs --out", format)
	}
	// Exports only read: they work while the app has the vault open.
	v, err := c.openVaultReadOnly()
	if err != nil {
		return err
	}
	defer v.Close()
	accounts := v.Accounts()
	defer wipe(accounts)
	switch f {
	case core.FormatURIList:
		data, err := core.URIList(accounts, c)
		if err != nil {
			return err
		}
		defer clear(data)
		if out == "" {
			_, err := c.Stdout.Write(data)
			return err
		}
		if err := writeNewFile(out, data); err != nil {
			return err
		}
	case core.FormatGoogleQR:
		return c.exportGoogleQR(accounts, out)
	case core.FormatAegis:
		return c.exportAegis(accounts, out)
	case core.FormatBackup:
		return c.exportBackup(v, out)
	}
	fmt.Fprintf(c.Stderr, "exported %d accounts\n", len(accounts))
	return nil
}

// exportGoogleQR writes Google Authenticator export codes, ten accounts a
// code, and names every account the format cannot carry.
func (c *ctx) exportGoogleQR(accounts []vault.Account, out string) error {
	pngs, skipped, err := core.GoogleQR(accounts, 800, c)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(out, 0o700); err != nil {
		return err
	}
	for i, png := range pngs {
		name := filepath.Join(out, fmt.Sprintf("google-export-%d-of-%d.png", i+1, len(pngs)))
		if err := writeNewFile(name, png); err != nil {
			return err
		}
	}
	for _, k := range skipped {
		fmt.Fprintf(c.Stderr, "not exported: %s (Google Authenticator takes only SHA1, 6 or 8 digits and 30 s)\n", k.Label())
	}
	fmt.Fprintf(c.Stderr, "wrote %d QR codes with %d accounts to %s\n", len(pngs), len(accounts)-len(skipped), out)
	return nil
}

// ConfirmPlain answers core before a plain export: the command was asked
// for it, so it goes ahead after a warning.
func (c *ctx) ConfirmPlain(f core.Format) bool {
	switch f {
	case core.FormatGoogleQR:
		fmt.Fprintln(c.Stderr, "warning: these QR codes are NOT encrypted: anyone who sees them can make your codes")
	case core.FormatKit:
		fmt.Fprintln(c.Stderr, "warning: the kit holds every account's secret, NOT encrypted: anyone who reads it can make your codes")
	default:
		fmt.Fprintln(c.Stderr, "warning: this export is NOT encrypted: anyone who reads it can make your codes")
	}
	return true
}

var _ core.Confirmer = (*ctx)(nil)
