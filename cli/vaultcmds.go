package cli

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"strings"
	"time"

	"latchkey/internal/safetext"
	"latchkey/otp"
	"latchkey/vault"
)

const defaultVaultHint = "the per-user default, see README"

func init() {
	register(&command{
		name:    "init",
		brief:   "create a vault; prints its backup codes",
		args:    "[--vault PATH] [--password-file FILE]",
		summary: "Creates a new vault and prints its backup codes, one per line, on standard output.\nKeep them safe: each opens the vault once when the password is lost.",
		setup:   func(fs *flag.FlagSet, c *ctx) { addPasswordFlags(fs, c) },
		run:     runInit,
		noArgs:  true,
	})
	register(&command{
		name:    "list",
		brief:   "list the accounts (issuer, name); --json for details",
		args:    "[--json]",
		summary: "Lists the vault's accounts, one per line: issuer<TAB>account name, with\ncontrol characters shown escaped (\\x1b, \\u202e) and a backslash before x or u\ndoubled. With --json, every field except secrets and backup codes, exactly.",
		setup: func(fs *flag.FlagSet, c *ctx) {
			fs.BoolVar(&c.flags.json, "json", false, "print a JSON array with every non-secret field")
			addPasswordFlags(fs, c)
		},
		run:    runList,
		noArgs: true,
	})
	register(&command{
		name:    "passwd",
		brief:   "set a new vault password",
		args:    "[--password-file FILE] [--new-password-file FILE]",
		summary: "Sets a new vault password. The accounts are encrypted under a new key, so copies\nof the vault made before (backups included) open only with the old password;\n\"latchkey backups --reencrypt\" moves the automatic backups to the new one.",
		setup: func(fs *flag.FlagSet, c *ctx) {
			addPasswordFlags(fs, c)
			addNewPasswordFlag(fs, c)
		},
		run:    runPasswd,
		noArgs: true,
	})
	register(&command{
		name:    "recover",
		brief:   "open with a backup code and set a new password",
		args:    "[--code CODE] [--new-password-file FILE]",
		summary: "Opens the vault with one of its backup codes and sets a new password.\nThat code then stops working; the others still do. The accounts are encrypted\nunder a new key, as by \"latchkey passwd\".",
		setup: func(fs *flag.FlagSet, c *ctx) {
			fs.StringVar(&c.flags.code, "code", "", "the backup code (default: a prompt, or standard input)")
			addNewPasswordFlag(fs, c)
		},
		run:    runRecover,
		noArgs: true,
	})
	register(&command{
		name:    "backup-codes",
		brief:   "make a new set of backup codes (--regenerate)",
		args:    "--regenerate",
		summary: "Makes a new set of backup codes and prints them, one per line; the old set stops working.\nWithout --regenerate, says how many unused codes are left.",
		setup: func(fs *flag.FlagSet, c *ctx) {
			fs.BoolVar(&c.flags.regenerate, "regenerate", false, "replace every backup code with a new set")
			addPasswordFlags(fs, c)
		},
		run:    runBackupCodes,
		noArgs: true,
	})
}

func (c *ctx) resolveVaultPath() (string, error) {
	if c.vaultPath != "" {
		return c.vaultPath, nil
	}
	if p := c.getenv("LATCHKEY_VAULT"); p != "" {
		return p, nil
	}
	p, err := vault.DefaultPath()
	if err != nil {
		return "", fmt.Errorf("finding the default vault: %w (give --vault PATH)", err)
	}
	return p, nil
}

// openVault opens the vault for a command that changes it, with a message
// that says what to do when there is none.
// Copies other computers saved (conflict copies beside it) are merged first.
func (c *ctx) openVault() (*vault.Vault, error) {
	v, err := c.open(c.Vault.Open)
	if err != nil {
		return nil, err
	}
	if err := c.mergeFirst(v); err != nil {
		v.Close()
		return nil, err
	}
	return v, nil
}

// openVaultReadOnly opens the vault without its lock, so commands that only
// read work while the desktop app has the vault open.
func (c *ctx) openVaultReadOnly() (*vault.Vault, error) { return c.open(c.Vault.OpenReadOnly) }

// openOne opens the vault (read-only when nothing will change) and finds
// the one account query names; the caller closes the vault.
func (c *ctx) openOne(query string, readOnly bool) (*vault.Vault, vault.Account, error) {
	open := c.openVault
	if readOnly {
		open = c.openVaultReadOnly
	}
	v, err := open()
	if err != nil {
		return nil, vault.Account{}, err
	}
	a, err := findOne(v.Accounts(), query)
	if err != nil {
		v.Close()
		return nil, vault.Account{}, err
	}
	return v, a, nil
}

func (c *ctx) open(opener func(string, []byte) (*vault.Vault, error)) (*vault.Vault, error) {
	path, err := c.resolveVaultPath()
	if err != nil {
		return nil, err
	}
	if !vault.Exists(path) {
		return nil, fmt.Errorf("no vault at %s (create one with \"latchkey init\")", path)
	}
	pw, err := c.password()
	if err != nil {
		return nil, err
	}
	defer clear(pw)
	// The vault's errors name the file.
	return opener(path, pw)
}

// exitStatus gives scripts a status to branch on for the failures they can
// do something about.
func exitStatus(err error) int {
	switch {
	case errors.Is(err, vault.ErrWrongPassword), errors.Is(err, vault.ErrWrongBackupCode), errors.Is(err, vault.ErrBackupCodeTypo):
		return ExitWrongPassword
	case errors.Is(err, vault.ErrLocked):
		return ExitLocked
	}
	return ExitFailure
}

func runInit(c *ctx, fs *flag.FlagSet, args []string) error {
	path, err := c.resolveVaultPath()
	if err != nil {
		return err
	}
	if vault.Exists(path) {
		return fmt.Errorf("%s: %w; it was left as it is", path, vault.ErrExists)
	}
	var pw []byte
	if c.pw.file != "" || c.getenv("LATCHKEY_PASSWORD_FILE") != "" {
		pw, err = c.password()
	} else {
		pw, err = c.newPassword("New vault password: ")
	}
	if err != nil {
		return err
	}
	defer clear(pw)
	if err := checkNewPassword(pw); err != nil {
		return err
	}
	fmt.Fprintln(c.Stderr, "creating the vault (the key derivation takes about a second)...")
	v, codes, err := c.Vault.Create(path, pw)
	if err != nil {
		return fmt.Errorf("creating %s: %w", path, err)
	}
	defer v.Close()
	for _, code := range codes {
		fmt.Fprintln(c.Stdout, code)
	}
	c.warnIfBackupFailed(v)
	fmt.Fprintf(c.Stderr, "created %s\nthe %d lines above are backup codes: store them apart from the computer; each opens the vault once if the password is lost\n", path, len(codes))
	return nil
}

func runList(c *ctx, fs *flag.FlagSet, args []string) error {
	// The window knows names, not the details --json gives.
	if !c.flags.json && c.listFromAgent() {
		return nil
	}
	v, err := c.openVaultReadOnly()
	if err != nil {
		return err
	}
	defer v.Close()
	accounts := v.Accounts()
	if c.flags.json {
		out := make([]accountJSON, len(accounts))
		for i, a := range accounts {
			out[i] = publicAccount(a)
		}
		b, err := json.MarshalIndent(out, "", "  ")
		if err != nil {
			return err
		}
		_, err = c.Stdout.Write(append(screenSafeJSON(b), '\n'))
		return err
	}
	printList(c, accounts)
	return nil
}

// printList prints issuer<TAB>name lines. Escaped, a name can neither act
// on the terminal nor break the tab-separated format; --json gives the
// exact values.
func printList(c *ctx, accounts []vault.Account) {
	for _, a := range accounts {
		fmt.Fprintf(c.Stdout, "%s\t%s\n", safetext.Escape(a.Key.Issuer), safetext.Escape(a.Key.Name))
	}
}

// accountJSON is an account without its secret or its service backup codes.
type accountJSON struct {
	ID               string     `json:"id"`
	Issuer           string     `json:"issuer"`
	Name             string     `json:"name"`
	Type             string     `json:"type"`
	Algorithm        string     `json:"algorithm"`
	Digits           int        `json:"digits"`
	Period           uint32     `json:"period,omitempty"`
	Counter          *uint64    `json:"counter,omitempty"`
	Tags             []string   `json:"tags"`
	Pinned           bool       `json:"pinned"`
	Note             string     `json:"note"`
	BackupCodesTotal int        `json:"backup_codes_total"`
	BackupCodesUsed  int        `json:"backup_codes_used"`
	Created          time.Time  `json:"created"`
	Modified         time.Time  `json:"modified"`
	LastUsed         *time.Time `json:"last_used,omitempty"`
}

func publicAccount(a vault.Account) accountJSON {
	j := accountJSON{
		ID: a.ID, Issuer: a.Key.Issuer, Name: a.Key.Name, Type: a.Key.Type.String(),
		Algorithm: a.Key.Algorithm.String(), Digits: a.Key.Digits,
		Tags: a.Tags, Pinned: a.Pinned, Note: a.Note,
		BackupCodesTotal: len(a.BackupCodes), Created: a.Created, Modified: a.Modified,
	}
	if j.Tags == nil {
		j.Tags = []string{}
	}
	if a.Key.Type.TimeBased() {
		j.Period = a.Key.Period
	} else {
		counter := a.Key.Counter
		j.Counter = &counter
	}
	for _, sc := range a.BackupCodes {
		if sc.Used {
			j.BackupCodesUsed++
		}
	}
	if !a.LastUsed.IsZero() {
		lu := a.LastUsed
		j.LastUsed = &lu
	}
	return j
}

// codeFromVault prints the code of the one account matching query. An HOTP
// code uses up its counter value, so the advance is saved before the code is
// shown: a code is never printed twice.
func codeFromVault(c *ctx, query string, at time.Time) error {
	ro, err := c.openVaultReadOnly()
	if err != nil {
		return err
	}
	a, err := findOne(ro.Accounts(), query)
	path := ro.Path()
	ro.Close()
	if err != nil {
		return err
	}
	if a.Key.Type != otp.HOTP {
		fmt.Fprintln(c.Stdout, a.Key.Code(at))
		return nil
	}
	// Advancing the counter is a change: take the vault and its lock.
	v, err := c.reopenLocked(path)
	if err != nil {
		return err
	}
	defer v.Close()
	a, ok := v.Account(a.ID)
	if !ok {
		return fmt.Errorf("%s was removed from the vault meanwhile", safetext.Escape(a.Key.Label()))
	}
	code := a.Key.Code(at)
	a.Key.Counter++
	if err := v.Update(a); err != nil {
		return err
	}
	if err := c.saved(v, v.Save()); err != nil {
		return fmt.Errorf("saving the advanced HOTP counter: %w", err)
	}
	fmt.Fprintln(c.Stdout, code)
	return nil
}

// reopenLocked opens the vault for writing with the password already given.
func (c *ctx) reopenLocked(path string) (*vault.Vault, error) {
	pw, err := c.password()
	if err != nil {
		return nil, err
	}
	defer clear(pw)
	v, err := c.Vault.Open(path, pw)
	if errors.Is(err, vault.ErrLocked) {
		return nil, fmt.Errorf("HOTP codes advance a counter, and Latchkey has the vault open: take the code there (%w)", err)
	}
	if err != nil {
		return nil, err
	}
	if err := c.mergeFirst(v); err != nil {
		v.Close()
		return nil, err
	}
	return v, nil
}

// findOne picks the account a query names: an exact label, issuer or name
// match (case-insensitive) wins over a partial one; several matches are an
// error that lists them.
func findOne(accounts []vault.Account, query string) (vault.Account, error) {
	matches := match(accounts, query)
	// A query that could be a secret or a mangled URI is not repeated.
	quoted := "the query"
	if !mayHoldSecret(query) {
		quoted = quoteArg(query)
	}
	switch len(matches) {
	case 0:
		return vault.Account{}, fmt.Errorf("no account matches %s (see \"latchkey list\")", quoted)
	case 1:
		return matches[0], nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d accounts match %s; be more precise:", len(matches), quoted)
	for _, a := range matches {
		fmt.Fprintf(&b, "\n  %s", safetext.Escape(a.Key.Label()))
	}
	return vault.Account{}, errors.New(b.String())
}

func match(accounts []vault.Account, query string) []vault.Account {
	q := strings.ToLower(strings.TrimSpace(query))
	var exact, partial []vault.Account
	for _, a := range accounts {
		issuer, name := strings.ToLower(a.Key.Issuer), strings.ToLower(a.Key.Name)
		label := strings.ToLower(a.Key.Label())
		switch {
		case a.ID == query || q == label || q == issuer+":"+name || q == issuer || q == name:
			exact = append(exact, a)
		case strings.Contains(label, q):
			partial = append(partial, a)
		}
	}
	if len(exact) > 0 {
		return exact
	}
	return partial
}

func runPasswd(c *ctx, fs *flag.FlagSet, args []string) error {
	v, err := c.openVault()
	if err != nil {
		return err
	}
	defer v.Close()
	pw, err := c.newPassword("New vault password: ")
	if err != nil {
		return err
	}
	defer clear(pw)
	return c.setPasswordAndSave(v, pw, "the old password")
}

// setPasswordAndSave sets pw, which also puts the vault under a new data
// key, and says what that means for copies made before; before names what
// opened those copies ("the old password").
func (c *ctx) setPasswordAndSave(v *vault.Vault, pw []byte, before string) error {
	fmt.Fprintln(c.Stderr, "deriving the new key (about a second)...")
	codes, err := v.SetPassword(pw)
	saved := err == nil || errors.Is(err, vault.ErrBackupFailed)
	if !saved && codes == nil {
		return fmt.Errorf("setting the password: %w", err)
	}
	fmt.Fprintln(c.Stderr, "the password is changed")
	c.sayKeyChanged(v, codes, before)
	switch {
	case saved && err != nil:
		// The vault is saved; only its automatic backup failed.
		c.saved(v, err)
	case err != nil:
		return fmt.Errorf("saving %s: %w", v.Path(), err)
	}
	return nil
}

func runRecover(c *ctx, fs *flag.FlagSet, args []string) error {
	path, err := c.resolveVaultPath()
	if err != nil {
		return err
	}
	if !vault.Exists(path) {
		return fmt.Errorf("no vault at %s", path)
	}
	code := c.flags.code
	if code == "" {
		b, err := c.promptOrStdin("Backup code: ", false)
		if err != nil {
			return err
		}
		code = string(b)
	}
	v, err := c.Vault.OpenWithBackupCode(path, code)
	if err != nil {
		return fmt.Errorf("opening with a backup code: %w", err)
	}
	defer v.Close()
	pw, err := c.newPassword("New vault password: ")
	if err != nil {
		return err
	}
	defer clear(pw)
	if err := c.setPasswordAndSave(v, pw, "the old password and the backup code you used"); err != nil {
		return err
	}
	// Opened with a code, the vault could not save before: the conflict
	// copies beside it are merged now.
	if err := c.mergeFirst(v); err != nil {
		fmt.Fprintf(c.Stderr, "latchkey: %v\n", err)
	}
	fmt.Fprintf(c.Stderr, "that backup code is used up; %d left (\"latchkey backup-codes --regenerate\" makes a new set)\n", v.BackupCodesLeft())
	return nil
}

func runBackupCodes(c *ctx, fs *flag.FlagSet, args []string) error {
	v, err := c.openVault()
	if err != nil {
		return err
	}
	defer v.Close()
	if !c.flags.regenerate {
		fmt.Fprintf(c.Stderr, "%d unused backup codes; --regenerate makes a new set\n", v.BackupCodesLeft())
		return nil
	}
	codes, err := v.RegenerateBackupCodes()
	// Codes that reached the file are printed even with an error: they are
	// the only ones that open it now.
	for _, code := range codes {
		fmt.Fprintln(c.Stdout, code)
	}
	if err := c.saved(v, err); err != nil {
		return err
	}
	fmt.Fprintf(c.Stderr, "the %d lines above are the new backup codes: store them apart from the computer; the old ones no longer open this vault\n", len(codes))
	c.sayKeyChanged(v, nil, "the old backup codes")
	return nil
}
