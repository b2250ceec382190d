package cli

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"latchkey/core"
	"latchkey/internal/safetext"
	"latchkey/qrimport"
	"latchkey/vault"
)

func init() {
	register(&command{
		name:  "add",
		brief: "add accounts from otpauth:// URIs or QR code images",
		args:  "-|URI|IMAGE...",
		summary: `Adds accounts from otpauth:// URIs and from images of QR codes (every code in
each image; Google Authenticator exports too). Accounts already in the vault
(the same secret) are reported and skipped.

Give - to read the URIs from standard input, one per line (blank lines and
# comments skipped): a URI given as an argument shows its secret to other
users of the computer in the process list. With -, the vault password comes
from --password-file or $LATCHKEY_PASSWORD_FILE (or, when standard input is
a terminal, a prompt after the URIs), never from the same pipe:
  latchkey add - --password-file pw.txt < uris.txt`,
		setup: func(fs *flag.FlagSet, c *ctx) { addPasswordFlags(fs, c) },
		run:   runAdd,
	})
	register(&command{
		name:  "export",
		brief: "write the accounts out: encrypted backup, URIs, Google or Aegis",
		args:  "--format uri|google-qr|aegis|backup [--out FILE|DIR] [--force]",
		summary: `Writes the vault's accounts out.
  uri        otpauth:// URIs, one per line (standard output unless --out); NOT encrypted
  google-qr  Google Authenticator export QR codes, PNG files in the folder --out; NOT encrypted
  aegis      an Aegis plain JSON vault (--out FILE); NOT encrypted
  backup     an encrypted backup in Latchkey's own format (--out FILE)
An existing file is replaced only with --force; the vault, its lock and its
backups never are, and a symbolic link is never written through.`,
		setup: func(fs *flag.FlagSet, c *ctx) {
			fs.StringVar(&c.flags.format, "format", "", "uri, google-qr, aegis or backup (required)")
			addOutFlags(fs, c, "the file (or folder, for google-qr) to write")
			addPasswordFlags(fs, c)
			addBackupFlags(fs, c)
		},
		run: runExport,
	})
}

func runAdd(c *ctx, fs *flag.FlagSet, args []string) error {
	if len(args) == 0 {
		return usageErrorf("add needs otpauth:// URIs, images or -; see \"latchkey add -h\"")
	}
	if slices.Contains(args, stdinArg) {
		if err := c.passwordBesideStdin("add"); err != nil {
			return err
		}
	}
	var accounts []vault.Account
	var images []string
	ok := true
	for i, a := range args {
		switch {
		case a == stdinArg:
			text, err := c.readStdin(qrimport.MaxTextSize, "the otpauth:// URIs, one per line")
			if err != nil {
				return err
			}
			uris, linesOK := c.uriLines(text)
			if len(uris) == 0 {
				if linesOK {
					fmt.Fprintln(c.Stderr, "latchkey: standard input holds no URIs")
				}
				ok = false
				continue
			}
			// One text: Google export links on several lines join up.
			res, err := core.ReadText(strings.Join(uris, "\n"))
			if err != nil {
				fmt.Fprintf(c.Stderr, "latchkey: standard input: %v\n", err)
				ok = false
				continue
			}
			accounts = append(accounts, res.Accounts...)
			for _, p := range res.Problems {
				fmt.Fprintf(c.Stderr, "latchkey: standard input: %v\n", p)
			}
			ok = ok && linesOK && len(res.Problems) == 0
		case readableURI(a):
			c.warnArgv()
			res, err := core.ReadText(a)
			if err != nil {
				fmt.Fprintf(c.Stderr, "latchkey: argument %d: %v\n", i+1, err)
				ok = false
				continue
			}
			accounts = append(accounts, res.Accounts...)
			for _, p := range res.Problems {
				fmt.Fprintf(c.Stderr, "latchkey: argument %d: %v\n", i+1, p)
				ok = false
			}
		case fileExists(a) || !mayHoldSecret(a):
			images = append(images, a) // named in any error
		case uriLike(a):
			// A mistyped URI: say what is wrong, never echo it.
			c.warnArgv()
			fmt.Fprintf(c.Stderr, "latchkey: argument %d: %v\n", i+1, uriError(a))
			ok = false
		default:
			// Not quoted: it may be a secret pasted without its URI.
			fmt.Fprintf(c.Stderr, "latchkey: argument %d: no such file, and not an otpauth:// URI\n", i+1)
			ok = false
		}
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

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// readImages reads every image, reporting unreadable ones on stderr and
// going on; a Google export spread over several images is checked as a
// whole. A name that is no file and may hold a secret is not repeated.
func (c *ctx) readImages(paths []string) (core.Found, bool) {
	ok := true
	var images []core.Image
	for i, p := range paths {
		if missingSecret(p) {
			fmt.Fprintf(c.Stderr, "latchkey: argument %d: %v\n", i+1, errNotAFile)
			ok = false
			continue
		}
		images = append(images, core.Image{Name: p, Path: p})
	}
	found, unread := core.ReadImages(images)
	for _, e := range unread {
		fmt.Fprintf(c.Stderr, "latchkey: %s: %v\n", safetext.Escape(e.Name), e.Err)
	}
	return found, ok && len(unread) == 0
}

// store adds accounts to the vault and saves once. Unless keepDups, the
// ones the vault already has (the same credential) are skipped; every
// account is reported by label on stderr.
func (c *ctx) store(v *vault.Vault, accounts []vault.Account, keepDups bool) (added int, err error) {
	var r vault.MergeReport
	if keepDups {
		r, err = core.AddAll(v, accounts)
	} else {
		r, err = core.AddNew(v, accounts, nil)
	}
	if err != nil {
		return 0, err
	}
	if len(r.Added) > 0 {
		if err := c.saved(v, v.Save()); err != nil {
			return 0, fmt.Errorf("saving %s: %w", v.Path(), err)
		}
	}
	for _, l := range r.Duplicates {
		fmt.Fprintf(c.Stderr, "skipped %s: already in the vault\n", safetext.Escape(l))
	}
	for _, l := range r.Added {
		fmt.Fprintf(c.Stderr, "added %s\n", safetext.Escape(l))
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
	// A file that cannot be written is refused before the key derivation.
	if out != "" && f != core.FormatGoogleQR {
		o := c.outOptions()
		o.Backup = f == core.FormatBackup
		if err := outError(out, vault.CheckWrite(out, o)); err != nil {
			return err
		}
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
		if err := c.writeOut(out, data); err != nil {
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
	names := make([]string, len(pngs))
	for i := range pngs {
		names[i] = filepath.Join(out, fmt.Sprintf("google-export-%d-of-%d.png", i+1, len(pngs)))
		// All are checked before any is written: no half export.
		if err := c.checkOut(names[i]); err != nil {
			return err
		}
	}
	for i, png := range pngs {
		if err := c.writeOut(names[i], png); err != nil {
			return err
		}
	}
	for _, k := range skipped {
		fmt.Fprintf(c.Stderr, "not exported: %s (Google Authenticator takes only SHA1, 6 or 8 digits and 30 s)\n", safetext.Escape(k.Label()))
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
