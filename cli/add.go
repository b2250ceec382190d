package cli

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"latchkey/internal/safetext"
	"latchkey/otp"
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
			fs.String("format", "", "uri, google-qr, aegis or backup (required)")
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
	var keys []otp.Key
	var images []string
	ok := true
	for i, a := range args {
		switch {
		case a == stdinArg:
			text, err := c.readStdin(qrimport.MaxTextSize, "the otpauth:// URIs, one per line")
			if err != nil {
				return err
			}
			var col qrimport.Collector
			n, linesOK := c.uriLines(text, &col)
			if n == 0 && linesOK {
				fmt.Fprintln(c.Stderr, "latchkey: standard input holds no URIs")
			}
			res := col.Result()
			keys = append(keys, res.Keys...)
			for _, p := range res.Problems {
				fmt.Fprintf(c.Stderr, "latchkey: standard input: %v\n", p)
			}
			ok = ok && n > 0 && linesOK && len(res.Problems) == 0
		case readableURI(a):
			c.warnArgv()
			res, err := qrimport.ReadText(a)
			if err != nil {
				fmt.Fprintf(c.Stderr, "latchkey: argument %d: %v\n", i+1, err)
				ok = false
				continue
			}
			keys = append(keys, res.Keys...)
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
		keys = append(keys, res.Keys...)
		for _, p := range res.Problems {
			fmt.Fprintf(c.Stderr, "latchkey: %v\n", p)
		}
		ok = ok && imagesOK && len(res.Problems) == 0
	}
	if len(keys) == 0 {
		return errors.New("nothing to add")
	}
	v, err := c.openVault()
	if err != nil {
		return err
	}
	defer v.Close()
	accounts := make([]vault.Account, len(keys))
	for i, k := range keys {
		accounts[i] = vault.Account{Key: k}
	}
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

// store adds accounts to the vault and saves once. Unless keepDups, the
// ones the vault already has (the same credential) are skipped; every
// account is reported by label on stderr.
func (c *ctx) store(v *vault.Vault, accounts []vault.Account, keepDups bool) (added int, err error) {
	var r vault.MergeReport
	if keepDups {
		stored, err := v.Add(accounts...)
		if err != nil {
			return 0, err
		}
		for _, a := range stored {
			r.Added = append(r.Added, a.Key.Label())
		}
	} else if r, err = v.Merge(accounts, nil); err != nil {
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

func runExport(c *ctx, fs *flag.FlagSet, args []string) error {
	format := fs.Lookup("format").Value.String()
	out := fs.Lookup("out").Value.String()
	if len(args) != 0 || format == "" {
		return usageErrorf("export takes --format and no arguments; see \"latchkey export -h\"")
	}
	switch format {
	case "uri", "google-qr", "aegis", "backup":
	default:
		return usageErrorf("unknown export format %q (want uri, google-qr, aegis or backup)", format)
	}
	if (format == "google-qr" || format == "backup" || format == "aegis") && out == "" {
		return usageErrorf("--format %s needs --out", format)
	}
	// A file that cannot be written is refused before the key derivation.
	if out != "" && format != "google-qr" {
		o := c.outOptions()
		o.Backup = format == "backup"
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
	switch format {
	case "uri":
		fmt.Fprintln(c.Stderr, "warning: this export is NOT encrypted: anyone who reads it can make your codes")
		var b strings.Builder
		for _, a := range accounts {
			b.WriteString(a.Key.URI())
			b.WriteByte('\n')
		}
		if out == "" {
			_, err := fmt.Fprint(c.Stdout, b.String())
			return err
		}
		if err := c.writeOut(out, []byte(b.String())); err != nil {
			return err
		}
	case "google-qr":
		return c.exportGoogleQR(accounts, out)
	case "aegis":
		return c.exportAegis(accounts, out)
	case "backup":
		return c.exportBackup(v, out)
	}
	fmt.Fprintf(c.Stderr, "exported %d accounts\n", len(accounts))
	return nil
}

// exportGoogleQR writes Google Authenticator export codes, ten accounts a
// code, and names every account the format cannot carry.
func (c *ctx) exportGoogleQR(accounts []vault.Account, out string) error {
	fmt.Fprintln(c.Stderr, "warning: these QR codes are NOT encrypted: anyone who sees them can make your codes")
	keys := make([]otp.Key, len(accounts))
	for i, a := range accounts {
		keys[i] = a.Key
	}
	pngs, skipped, err := qrimport.MigrationPNGs(keys, 800)
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
	fmt.Fprintf(c.Stderr, "wrote %d QR codes with %d accounts to %s\n", len(pngs), len(keys)-len(skipped), out)
	return nil
}
