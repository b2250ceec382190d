package cli

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"

	"latchkey/internal/safetext"
	"latchkey/interop"
	"latchkey/qrimport"
	"latchkey/vault"
)

func init() {
	register(&command{
		name:  "import",
		brief: "add accounts from other apps' exports and Latchkey backups",
		args:  "[--import-password-file FILE] [--duplicates] FILE...",
		summary: `Adds the accounts of other authenticators' export files (and of Latchkey
backups) to the vault. The format is found from the content: otpauth:// URI
lists, Google Authenticator export links, Aegis, Ente Auth, 2FAS, andOTP,
Bitwarden, FreeOTP+, Stratum / Authenticator Pro, KeePassXC CSV, Steam and
Proton Authenticator, plain or encrypted. Accounts already in the vault are
reported and skipped unless --duplicates is given. Nothing is written to
disk unencrypted.`,
		setup: func(fs *flag.FlagSet, c *ctx) {
			addImportPasswordFlag(fs, c)
			fs.Bool("duplicates", false, "add accounts even when the vault already has the same key")
			addPasswordFlags(fs, c)
		},
		run: runImport,
	})
}

func runImport(c *ctx, fs *flag.FlagSet, args []string) error {
	if len(args) == 0 {
		return usageErrorf("import needs at least one file; see \"latchkey import -h\"")
	}
	var entries []interop.Entry
	ok, backups := true, 0
	// A wrong password anywhere gives the wrong-password status at the end,
	// after the other files are read.
	status := ExitFailure
	failed := func(err error) error { return &exitError{code: status, err: err} }
	for i, path := range args {
		if missingSecret(path) {
			fmt.Fprintf(c.Stderr, "latchkey: argument %d: %v\n", i+1, errNotAFile)
			ok = false
			continue
		}
		got, wasBackup, err := c.readExport(fs, path)
		if err != nil {
			fmt.Fprintf(c.Stderr, "latchkey: %s: %v\n", safetext.Escape(path), err)
			if exitStatus(err) == ExitWrongPassword || errors.Is(err, interop.ErrWrongPassword) {
				status = ExitWrongPassword
			}
			ok = false
			continue
		}
		if wasBackup {
			backups++
		}
		entries = append(entries, got...)
	}
	if len(entries) == 0 {
		if ok && backups > 0 {
			return nil
		}
		return failed(errors.New("nothing to import"))
	}
	v, err := c.openVault()
	if err != nil {
		return err
	}
	defer v.Close()
	accounts := make([]vault.Account, len(entries))
	for i, e := range entries {
		accounts[i] = vault.Account{Key: e.Key, Tags: e.Tags, Note: e.Note, Pinned: e.Pinned, Icon: e.Icon}
	}
	added, err := c.store(v, accounts, fs.Lookup("duplicates").Value.String() == "true")
	if err != nil {
		return err
	}
	if !ok {
		return failed(fmt.Errorf("imported %d accounts, but some files could not be read (see above)", added))
	}
	fmt.Fprintf(c.Stderr, "imported %d accounts\n", added)
	return nil
}

// readExport reads one file of another app: every entry it can, with the
// ones it cannot reported by label and reason. A Latchkey backup is merged
// into the vault there and then (backup is true).
func (c *ctx) readExport(fs *flag.FlagSet, path string) (entries []interop.Entry, backup bool, err error) {
	f, err := openInput(path)
	if err != nil {
		return nil, false, err
	}
	// A file over the cap is refused before it is read; one under it is
	// read into a buffer of its size, not grown by doubling.
	size := int64(0)
	if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
		if st.Size() > interop.MaxFileSize {
			f.Close()
			return nil, false, interop.ErrTooLarge
		}
		size = st.Size()
	}
	buf := bytes.NewBuffer(make([]byte, 0, size+bytes.MinRead))
	_, err = buf.ReadFrom(io.LimitReader(f, interop.MaxFileSize+1))
	f.Close()
	if err != nil {
		return nil, false, err
	}
	data := buf.Bytes()
	if len(data) > interop.MaxFileSize {
		return nil, false, interop.ErrTooLarge
	}
	defer clear(data)
	if handled, err := c.importBackup(path, data); handled {
		return nil, true, err
	}
	res, err := interop.Read(data, func() ([]byte, error) { return c.importPasswordFor(fs, path) })
	if err != nil {
		return nil, false, err
	}
	fmt.Fprintf(c.Stderr, "%s: %s, %d accounts\n", safetext.Escape(path), res.Format, len(res.Entries))
	for _, s := range res.Skipped {
		fmt.Fprintf(c.Stderr, "  not imported: %s: %s\n", safetext.Escape(s.Label), safetext.Message(s.Reason))
	}
	entries = res.Entries
	if len(res.Migration) > 0 {
		var col qrimport.Collector
		for _, m := range res.Migration {
			col.AddText(m)
		}
		mres := col.Result()
		for _, k := range mres.Keys {
			entries = append(entries, interop.Entry{Key: k})
		}
		for _, p := range mres.Problems {
			fmt.Fprintf(c.Stderr, "  not imported: %v\n", p)
		}
	}
	return entries, false, nil
}

// exportAegis writes the accounts as a plain Aegis vault, the format most
// open authenticators import.
func (c *ctx) exportAegis(accounts []vault.Account, out string) error {
	fmt.Fprintln(c.Stderr, "warning: this export is NOT encrypted: anyone who reads it can make your codes")
	entries := make([]interop.Entry, len(accounts))
	for i, a := range accounts {
		entries[i] = interop.Entry{Key: a.Key, Tags: a.Tags, Note: a.Note, Pinned: a.Pinned, Icon: a.Icon}
	}
	var b bytes.Buffer
	if err := interop.WriteAegis(&b, entries); err != nil {
		return err
	}
	defer clear(b.Bytes())
	if err := c.writeOut(out, b.Bytes()); err != nil {
		return err
	}
	fmt.Fprintf(c.Stderr, "exported %d accounts to %s\n", len(accounts), out)
	return nil
}
