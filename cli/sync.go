package cli

import (
	"flag"
	"fmt"
	"io"
	"path/filepath"

	"latchkey/core"
	"latchkey/internal/safetext"
	"latchkey/vault"
)

func init() {
	register(&command{
		name:  "sync",
		brief: "merge the conflict copies sync tools left beside the vault",
		args:  "[--vault PATH] [--password-file FILE]",
		summary: `Merges every conflict copy a sync tool (Syncthing, Dropbox, Nextcloud, OneDrive,
Google Drive) left beside the vault into it, saves, and deletes each copy once
the saved vault is verified to hold all of it. One line per copy on standard
output: "merged NAME: 2 added, 1 changed, 1 removed" or "kept NAME: why". A copy
that is not of this vault, damaged, of a newer Latchkey, or too large is kept
as it is. A copy saved after a password change on another computer is opened
with the vault's password when that is the same; else open the vault with
the new password and sync again. Exit status 0 when every copy was merged
(or there was none), 1 when one was kept.
Every command that changes the vault does the same first, saying so on
standard error.`,
		setup:  func(fs *flag.FlagSet, c *ctx) { addPasswordFlags(fs, c) },
		run:    runSync,
		noArgs: true,
	})
}

func runSync(c *ctx, fs *flag.FlagSet, args []string) error {
	v, err := c.open(c.Vault.Open)
	if err != nil {
		return err
	}
	defer v.Close()
	rep, err := c.syncVault(v, c.Stdout)
	if err != nil {
		return err
	}
	if len(rep.Copies) == 0 {
		fmt.Fprintf(c.Stderr, "no conflict copies beside %s\n", safetext.Escape(v.Path()))
	}
	if rep.Kept() {
		return &exitError{code: ExitFailure, err: fmt.Errorf("some copies were kept (see above)")}
	}
	return nil
}

// syncVault merges the file on disk and the conflict copies into v (and
// saves), one line per copy to w.
func (c *ctx) syncVault(v *vault.Vault, w io.Writer) (core.SyncReport, error) {
	// The password that opened the vault, when one did (a recovery has
	// none): a copy under a key the vault never had is tried with it.
	pw := c.pw.cached
	if lc := v.LocalCopy(); !lc.Merged.Empty() {
		fmt.Fprintf(w, "merged this computer's last save, which the vault file lacked: %s\n", lc.Merged)
	} else if lc.Err != nil {
		fmt.Fprintf(w, "kept this computer's last save as it is: %s\n", core.Reason(lc.Err))
	}
	rep, err := core.Sync(v, pw)
	if !rep.Disk.Empty() {
		fmt.Fprintf(w, "merged %s (changed on disk): %s\n", safetext.Escape(filepath.Base(v.Path())), rep.Disk)
	}
	for _, cr := range rep.Copies {
		name := safetext.Escape(cr.Name)
		switch {
		case cr.Removed:
			fmt.Fprintf(w, "merged %s: %s\n", name, cr.Changes)
		case cr.Merged:
			fmt.Fprintf(w, "merged %s: %s; kept: %s\n", name, cr.Changes, core.Reason(cr.Err))
		default:
			fmt.Fprintf(w, "kept %s: %s\n", name, core.Reason(cr.Err))
		}
	}
	if err != nil {
		return rep, fmt.Errorf("merging the conflict copies: %w", err)
	}
	return rep, nil
}

// mergeFirst brings what other computers saved into v before a command
// changes it: the conflict copies beside it, reported on standard error.
// A copy that cannot be merged is kept and reported; it does not stop the
// command.
func (c *ctx) mergeFirst(v *vault.Vault) error {
	_, err := c.syncVault(v, prefixed{c.Stderr})
	return err
}

// prefixed starts each line written with "latchkey: ".
type prefixed struct{ w io.Writer }

func (p prefixed) Write(b []byte) (int, error) {
	if _, err := io.WriteString(p.w, "latchkey: "); err != nil {
		return 0, err
	}
	return p.w.Write(b)
}
