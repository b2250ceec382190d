// Package coretest holds the cases that core's tests and each front end's
// tests run through their own entry points, so that one table says the same
// input gives the same result from the window and the command line. It is
// for tests only; the vaults and backups it makes use vault.TestKDF.
package coretest

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"

	"latchkey/internal/testtool"
	"latchkey/interop"
	"latchkey/otp"
	"latchkey/qrimport"
	"latchkey/vault"
)

// Options are the vault options tests use: real vaults, cheap KDF.
var Options = vault.Options{KDF: vault.TestKDF}

// Password opens every vault, backup and encrypted fixture made here.
const Password = "test"

// repo is the repository's root.
func repo() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// PlainKeys are the accounts every fixture holds (plain.txt): an oracle
// read with otp.ParseURI alone.
func PlainKeys(t testing.TB) []otp.Key {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(testtool.Fixtures(t), "plain.txt"))
	if err != nil {
		t.Fatal(err)
	}
	var keys []otp.Key
	for _, line := range strings.Fields(string(data)) {
		k, err := otp.ParseURI(line)
		if err != nil {
			t.Fatalf("plain.txt: %v", err)
		}
		keys = append(keys, k)
	}
	return keys
}

// keyURIs are accounts of every kind Latchkey keeps, made up for tests:
// TOTP with SHA-1, SHA-256 and SHA-512, 6 to 8 digits and three periods,
// HOTP and Steam.
var keyURIs = []string{
	"otpauth://totp/Acme:ann@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Acme",
	"otpauth://totp/Forge:bob?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&algorithm=SHA256&digits=7&period=20",
	"otpauth://totp/Mail:cat?secret=MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U&algorithm=SHA512&digits=8&period=60",
	"otpauth://hotp/Bank:dan?secret=ORSXG5DTMVRXEZLUORSXG5DT&counter=7",
	"otpauth://hotp/Shop:eve?secret=KRUGKIDROVUWG2ZAMJZG653O&algorithm=SHA256&digits=8&counter=300",
	"otpauth://totp/Chat:fay?secret=NBSWY3DPO5XXE3DEEBQW4ZBA&digits=8",
	"otpauth://steam/Steam:gus?secret=KVKFKRCPNZQUYMLXOVYDSQKJKZDTSRLD",
}

// Keys are accounts of every kind, for tests that need no fixture.
func Keys(t testing.TB) []otp.Key {
	t.Helper()
	keys := make([]otp.Key, len(keyURIs))
	for i, u := range keyURIs {
		k, err := otp.ParseURI(u)
		if err != nil {
			t.Fatalf("%s: %v", u, err)
		}
		keys[i] = k
	}
	return keys
}

// ImportCase is a file to import and what reading it finds.
type ImportCase struct {
	Path     string
	Password string // "" for a plain file
	Format   string // core.Found.Format
	Accounts int    // how many accounts it holds
	Linked   int    // of which from Google export links
	Skipped  int    // entries that cannot be read
	Problems int    // Google export links that hold no usable key
	Backup   bool   // a Latchkey backup
	// Plain: every account's secret is one of PlainKeys'.
	Plain bool
}

// Name is the case's file name.
func (c ImportCase) Name() string { return filepath.Base(c.Path) }

// ImportCases are one file of every kind Latchkey imports: the fixtures of
// other apps (counts from their README: an app that lacks a kind of account
// holds fewer), KeePassXC's CSV (with one broken entry), a text file with a
// Google export link, one with half of a Google export, one with an
// account twice, and a Latchkey backup (the last four made in dir).
func ImportCases(t testing.TB, dir string) []ImportCase {
	t.Helper()
	fx := testtool.Fixtures(t)
	var cases []ImportCase
	for _, c := range []struct {
		file, password, format string
		accounts               int
	}{
		{"plain.txt", "", "otpauth URI list", 7},
		{"aegis_plain.json", "", "Aegis", 7},
		{"aegis_encrypted.json", Password, "Aegis (encrypted)", 7},
		{"2fas_authenticator_plain_v4.2fas", "", "2FAS", 5},
		{"2fas_authenticator_encrypted_v3.2fas", Password, "2FAS (encrypted)", 6},
		{"andotp_plain.json", "", "andOTP", 7},
		{"andotp_encrypted.bin", Password, "andOTP (encrypted)", 7},
		{"bitwarden.json", "", "Bitwarden", 4},
		{"bitwarden.csv", "", "Bitwarden (CSV)", 4},
		{"ente_auth.txt", "", "Ente Auth (plain text)", 7},
		{"freeotp_plus.json", "", "FreeOTP+", 6},
		{"proton_authenticator.json", "", "Proton Authenticator", 3},
		{"steam.json", "", "Steam Guard", 1},
		{"stratum_plain.json", "", "Stratum / Authenticator Pro", 7},
		{"stratum_encrypted.bin", Password, "Stratum / Authenticator Pro (encrypted)", 7},
		{"stratum_encrypted_legacy.bin", Password, "Authenticator Pro (legacy encrypted)", 7},
	} {
		cases = append(cases, ImportCase{Path: filepath.Join(fx, c.file), Password: c.password, Format: c.format, Accounts: c.accounts, Plain: true})
	}
	keepass := filepath.Join(repo(), "interop", "testdata", "keepassxc.csv")
	cases = append(cases, ImportCase{Path: keepass, Format: "KeePassXC (CSV)", Accounts: 4, Skipped: 1})

	// A URI list with a Google export link of two accounts.
	keys := PlainKeys(t)
	links, skipped, err := qrimport.MigrationURIs([]otp.Key{keys[0], keys[3]})
	if err != nil || len(skipped) != 0 || len(links) != 1 {
		t.Fatalf("making a Google export link: %v (skipped %d, %d links)", err, len(skipped), len(links))
	}
	text := filepath.Join(dir, "with-google-link.txt")
	write(t, text, []byte(keys[1].URI()+"\n"+links[0]+"\n"))
	cases = append(cases, ImportCase{Path: text, Format: "otpauth URI list", Accounts: 3, Linked: 2, Plain: true})

	// Half of a Google export in two links: its accounts are read, and the
	// other half is said to be missing.
	half, _, err := qrimport.MigrationURIs(ManyKeys(t, qrimport.MaxBatchKeys+1))
	if err != nil || len(half) != 2 {
		t.Fatalf("making a Google export in two links: got %d, %v", len(half), err)
	}
	halfText := filepath.Join(dir, "half-a-google-export.txt")
	write(t, halfText, []byte(keys[2].URI()+"\n"+half[0]+"\n"))
	cases = append(cases, ImportCase{Path: halfText, Format: "otpauth URI list", Accounts: 1 + qrimport.MaxBatchKeys, Linked: qrimport.MaxBatchKeys, Problems: 1})

	// The same account twice in one file: the file format skips the second.
	repeated := filepath.Join(dir, "repeated.txt")
	write(t, repeated, []byte(keys[1].URI()+"\n"+keys[2].URI()+"\n"+keys[1].URI()+"\n"))
	cases = append(cases, ImportCase{Path: repeated, Format: "otpauth URI list", Accounts: 2, Skipped: 1, Plain: true})

	// Notes and tags come along; the account the vault has (Existing) is
	// the same in the backup, so no one is asked to keep or replace it.
	backup := BackupOf(t, dir, "backup.latchkey", vault.Account{Key: keys[0]},
		vault.Account{Key: keys[1], Note: "work phone", Tags: []string{"work"}}, vault.Account{Key: keys[2], Pinned: true})
	cases = append(cases, ImportCase{Path: backup, Password: Password, Format: "latchkey backup", Accounts: 3, Backup: true, Plain: true})
	return cases
}

// Existing are the accounts the vault holds before each import case is
// imported: one account every fixture holds, so a case meets a duplicate.
func Existing(t testing.TB) []vault.Account {
	t.Helper()
	return []vault.Account{{Key: PlainKeys(t)[0]}}
}

// ImportError is a file whose import fails, and how.
type ImportError struct {
	What     string
	Path     string
	Password string // answered to every password question
	Backup   bool   // a Latchkey backup
	// Err is the error reading it gives (errors.Is): one of core's or
	// vault's sentinels.
	Err error
	// WrongPassword: the command line exits with its wrong-password status.
	WrongPassword bool
}

// Name is the case's file name.
func (c ImportError) Name() string { return filepath.Base(c.Path) }

// ImportErrors are files that no front end imports, each for its own
// reason; nothing of them reaches the vault. An encrypted file imported
// with no password at all is no case: the window always asks for one, and
// only the command line can be run without (ErrPasswordRequired).
func ImportErrors(t testing.TB, dir string) []ImportError {
	t.Helper()
	fx := testtool.Fixtures(t)
	notes := filepath.Join(dir, "notes.txt")
	write(t, notes, []byte("just some notes\n"))
	backup := Backup(t, dir, "for-errors.latchkey", PlainKeys(t)[0])
	data, err := os.ReadFile(backup)
	if err != nil {
		t.Fatal(err)
	}
	damaged := filepath.Join(dir, "damaged.latchkey")
	write(t, damaged, data[:len(data)/2])
	large := testtool.SparseFile(t, filepath.Join(dir, "large.json"), nil, interop.MaxFileSize+1)
	return []ImportError{
		{What: "unknown format", Path: notes, Err: interop.ErrUnknownFormat},
		{What: "wrong export password", Path: filepath.Join(fx, "aegis_encrypted.json"), Password: "not " + Password, Err: interop.ErrWrongPassword, WrongPassword: true},
		{What: "wrong backup password", Path: backup, Password: "not " + Password, Backup: true, Err: vault.ErrWrongPassword, WrongPassword: true},
		{What: "damaged backup", Path: damaged, Password: Password, Backup: true, Err: vault.ErrCorrupt},
		{What: "too large", Path: large, Err: interop.ErrTooLarge},
	}
}

// AddCase is what a person adds from the screen: pasted or typed text, or
// image files with QR codes.
type AddCase struct {
	What   string
	Have   []vault.Account // what the vault holds before
	Text   string          // the text pasted (or given on standard input)
	Images []string        // image files, added as one batch
	// Added are the accounts it adds, in order, read with otp.ParseURI
	// alone: an oracle apart from core.
	Added []otp.Key
	// Duplicates are how many of what it holds the vault has already.
	Duplicates int
	// Err is why nothing could be read (errors.Is), for a case that fails.
	Err error
}

// After is what the vault holds after the case: Have, then Added.
func (c AddCase) After() []vault.Account {
	return append(slices.Clone(c.Have), accountsOf(c.Added)...)
}

// AddCases are one of each way to add from the screen, with the accounts of
// Keys: a link, links with a Google export link, a link under a comment,
// QR code images (one already in the vault), a Google export over two
// screenshots, and an image without a QR code. Scanning the screen is no
// case: a test cannot put QR codes on the window's screen or the command
// line's; both read the capture as they read these images.
func AddCases(t testing.TB, dir string) []AddCase {
	t.Helper()
	keys := Keys(t)
	links, skipped, err := qrimport.MigrationURIs([]otp.Key{keys[3], keys[5]})
	if err != nil || len(skipped) != 0 || len(links) != 1 {
		t.Fatalf("making a Google export link: %v (skipped %d, %d links)", err, len(skipped), len(links))
	}
	blankPath := filepath.Join(dir, "blank.png")
	write(t, blankPath, testtool.PNG(t, image.NewGray(image.Rect(0, 0, 64, 64))))
	// Twelve accounts make two Google export codes: one batch over two
	// screenshots, which only join up when added together.
	many := ManyKeys(t, 12)
	pngs, _, err := qrimport.MigrationPNGs(many, 600)
	if err != nil || len(pngs) != 2 {
		t.Fatalf("making a Google export in two codes: got %d, %v", len(pngs), err)
	}
	first, second := filepath.Join(dir, "export-1.png"), filepath.Join(dir, "export-2.png")
	write(t, first, pngs[0])
	write(t, second, pngs[1])
	have := []vault.Account{{Key: keys[0]}}
	return []AddCase{
		{What: "one link", Have: have, Text: keys[2].URI(), Added: keys[2:3]},
		{What: "links and a Google export link", Have: have, Text: keys[4].URI() + "\n" + links[0], Added: []otp.Key{keys[4], keys[3], keys[5]}},
		// As "latchkey export --format uri" files are often kept: a
		// comment and blank lines, which are no problem.
		{What: "a link under a comment", Have: have, Text: "# from my old phone\n\n" + keys[6].URI() + "\n\n", Added: keys[6:7]},
		{What: "two QR images", Have: have, Images: []string{QRImage(t, dir, "one.png", keys[0]), QRImage(t, dir, "two.png", keys[1])}, Added: keys[1:2], Duplicates: 1},
		{What: "a Google export over two screenshots", Have: have, Images: []string{first, second}, Added: many},
		{What: "an image without a QR code", Have: have, Images: []string{blankPath}, Err: qrimport.ErrNoQRCode},
	}
}

// ManyKeys are n accounts like Keys' first, each with its own secret and
// name: enough of them make a Google export of several codes.
func ManyKeys(t testing.TB, n int) []otp.Key {
	t.Helper()
	first := Keys(t)[0]
	var many []otp.Key
	for i := range n {
		k := first
		k.Secret = append(append([]byte(nil), k.Secret...), byte(i))
		k.Name = fmt.Sprintf("user%d", i)
		many = append(many, k)
	}
	return many
}

// Accounts are accounts of every kind (Keys) with a note and a tag each, as
// the exports carry them.
func Accounts(t testing.TB) []vault.Account {
	t.Helper()
	var accounts []vault.Account
	for i, k := range Keys(t) {
		accounts = append(accounts, vault.Account{Key: k, Note: fmt.Sprint("note ", i), Tags: []string{"t"}})
	}
	return accounts
}

// SameAccounts fails t unless got and want hold the same accounts in the
// same order: issuer, name, secret, kind, algorithm, digits, period and
// counter, and the note, tags and pin. The secrets are never printed.
func SameAccounts(t testing.TB, got, want []vault.Account) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("got %d accounts %v, want %d %v", len(got), labels(got), len(want), labels(want))
		return
	}
	for i := range got {
		g, w := got[i], want[i]
		gk, wk := g.Key, w.Key
		switch {
		case gk.Issuer != wk.Issuer || gk.Name != wk.Name:
			t.Errorf("account %d: got %q, want %q", i, gk.Label(), wk.Label())
		case !bytes.Equal(gk.Secret, wk.Secret):
			t.Errorf("account %d (%s): got another secret than the one wanted", i, gk.Label())
		case gk.Type != wk.Type || gk.Algorithm != wk.Algorithm || gk.Digits != wk.Digits || gk.Period != wk.Period || gk.Counter != wk.Counter:
			t.Errorf("account %d (%s): got %v %v %d digits, period %d, counter %d; want %v %v %d digits, period %d, counter %d",
				i, gk.Label(), gk.Type, gk.Algorithm, gk.Digits, gk.Period, gk.Counter, wk.Type, wk.Algorithm, wk.Digits, wk.Period, wk.Counter)
		case g.Note != w.Note || !slices.Equal(g.Tags, w.Tags) || g.Pinned != w.Pinned:
			t.Errorf("account %d (%s): got note %q, tags %v, pinned %v; want %q, %v, %v", i, gk.Label(), g.Note, g.Tags, g.Pinned, w.Note, w.Tags, w.Pinned)
		}
	}
}

func labels(accounts []vault.Account) []string {
	out := make([]string, len(accounts))
	for i, a := range accounts {
		out[i] = a.Key.Label()
	}
	return out
}

// RestoreCase is a backup restored as a new vault, and how it opens.
type RestoreCase struct {
	What        string
	Backup      string
	Password    string // the backup's password; "" when Code opens it
	Code        string // one of the backup's codes
	NewPassword string // the new vault's password, with Code
	Accounts    int    // accounts the new vault holds
	NewCodes    bool   // a new set of backup codes is made: the backup carried none
	Err         error  // why it fails (errors.Is), for a case that fails
}

// RestoreCases are a backup opened with its password, one opened with one
// of its backup codes, and three that do not open.
func RestoreCases(t testing.TB, dir string) []RestoreCase {
	t.Helper()
	keys := Keys(t)
	plain := Backup(t, dir, "plain.latchkey", keys[:3]...)
	withCodes, codes := BackupWithCodes(t, dir, "codes.latchkey", keys[3:5]...)
	_, others := BackupWithCodes(t, dir, "other.latchkey")
	data, err := os.ReadFile(plain)
	if err != nil {
		t.Fatal(err)
	}
	damaged := filepath.Join(dir, "damaged.latchkey")
	write(t, damaged, data[:len(data)*2/3])
	return []RestoreCase{
		{What: "password", Backup: plain, Password: Password, Accounts: 3, NewCodes: true},
		{What: "backup code", Backup: withCodes, Code: codes[0], NewPassword: "a new password", Accounts: 2},
		{What: "backup code as typed", Backup: withCodes, Code: " " + strings.ToLower(strings.ReplaceAll(codes[1], "-", " ")) + " ", NewPassword: "a new password", Accounts: 2},
		{What: "wrong password", Backup: plain, Password: "not " + Password, Err: vault.ErrWrongPassword},
		{What: "another vault's code", Backup: withCodes, Code: others[0], NewPassword: "a new password", Err: vault.ErrWrongBackupCode},
		{What: "damaged", Backup: damaged, Password: Password, Err: vault.ErrCorrupt},
	}
}

// KitCase is a recovery kit made with new backup codes (the window always
// makes new ones; the command line with --regenerate-codes).
type KitCase struct {
	What         string
	Accounts     []vault.Account // what the vault holds
	WithAccounts bool            // every account on the page
	// OverVault: the kit is to be written over the vault file itself,
	// which the one writer refuses (vault.ErrProtected) before any new
	// codes are made: the old ones keep working.
	OverVault bool
}

// KitCases are a kit with the codes only, one with every account, and one
// that may not be written where asked. A kit without new codes is the
// command line's alone (without --regenerate-codes): the window always
// makes new ones.
func KitCases(t testing.TB) []KitCase {
	t.Helper()
	keys := Keys(t)
	accounts := []vault.Account{{Key: keys[0]}, {Key: keys[1]}}
	return []KitCase{
		{What: "codes only", Accounts: accounts},
		{What: "with accounts", Accounts: accounts, WithAccounts: true},
		{What: "over the vault", Accounts: accounts, WithAccounts: true, OverVault: true},
	}
}

// BackupCase is an encrypted backup of the vault written to a file.
type BackupCase struct {
	What      string
	Password  string // the backup's own password; "" for the vault's
	WithCodes bool   // the vault's backup codes open it too
}

// BackupCases are a backup under the vault's password, one under its own,
// and one under its own that the vault's codes open too.
func BackupCases() []BackupCase {
	return []BackupCase{
		{What: "the vault's password"},
		{What: "its own password", Password: "a separate backup password"},
		{What: "its own password and the codes", Password: "a separate backup password", WithCodes: true},
	}
}

// CheckBackup fails t unless the backup at path holds accounts and opens
// as the case says: with its password (the vault's, vaultPassword, when
// it has none of its own) and not with the other, and with the vault's
// first backup code exactly when WithCodes.
func CheckBackup(t testing.TB, c BackupCase, path, vaultPassword string, codes []string, accounts []vault.Account) {
	t.Helper()
	opens, other := vaultPassword, c.Password
	if c.Password != "" {
		opens, other = c.Password, vaultPassword
	}
	b, err := Options.OpenBackup(path, []byte(opens))
	if err != nil {
		t.Fatalf("the backup does not open with %s: %v", map[bool]string{true: "its own password", false: "the vault's password"}[c.Password != ""], err)
	}
	SameAccounts(t, b.Accounts, accounts)
	b.Wipe()
	if c.Password != "" {
		if _, err := Options.OpenBackup(path, []byte(other)); !errors.Is(err, vault.ErrWrongPassword) {
			t.Errorf("got %v opening the backup with the vault's password, want ErrWrongPassword", err)
		}
	}
	v, _, err := Options.RestoreWithBackupCode(path, codes[0], filepath.Join(t.TempDir(), "restored.latchkey"), []byte("new"))
	if err == nil {
		v.Close()
	}
	if opened := err == nil; opened != c.WithCodes {
		t.Errorf("the vault's backup code opens the backup: %v (%v), want %v", opened, err, c.WithCodes)
	}
}

// kitCode is a backup code as the kit's page prints it.
var kitCode = regexp.MustCompile(`\b[0-9A-Z]{4}(-[0-9A-Z]{4}){6}\b`)

// CheckKit fails t unless page is the case's kit for the vault at path:
// a full set of new backup codes, the first of which opens the vault, and
// every account's issuer on it exactly when WithAccounts. It returns the
// codes.
func CheckKit(t testing.TB, c KitCase, page []byte, path string) []string {
	t.Helper()
	codes := slices.Compact(kitCode.FindAllString(string(page), -1))
	if len(codes) != vault.BackupCodeCount {
		t.Fatalf("got %d backup codes on the page, want %d", len(codes), vault.BackupCodeCount)
	}
	for _, a := range c.Accounts {
		if on := bytes.Contains(page, []byte(a.Key.Issuer)); on != c.WithAccounts {
			t.Errorf("%s on the page: %v, want %v", a.Key.Label(), on, c.WithAccounts)
		}
	}
	v, err := Options.OpenWithBackupCode(path, codes[0])
	if err != nil {
		t.Fatalf("a code on the page does not open the vault: %v", err)
	}
	if err := v.Close(); err != nil {
		t.Fatal(err)
	}
	return codes
}

// BackupWithCodes is Backup written so the vault's backup codes open it
// too; it returns them.
func BackupWithCodes(t testing.TB, dir, name string, keys ...otp.Key) (string, []string) {
	t.Helper()
	return writeBackup(t, dir, name, true, accountsOf(keys))
}

// Backup writes a Latchkey backup of a new vault holding keys, under
// Password, made with Options, and returns its path.
func Backup(t testing.TB, dir, name string, keys ...otp.Key) string {
	t.Helper()
	return BackupOf(t, dir, name, accountsOf(keys)...)
}

// BackupOf is Backup with whole accounts (notes, tags, pins).
func BackupOf(t testing.TB, dir, name string, accounts ...vault.Account) string {
	t.Helper()
	path, _ := writeBackup(t, dir, name, false, accounts)
	return path
}

// writeBackup makes a vault holding accounts beside the backup and writes
// the backup, opened by the vault's codes too when withCodes; it returns
// its path and the codes.
func writeBackup(t testing.TB, dir, name string, withCodes bool, accounts []vault.Account) (string, []string) {
	t.Helper()
	v, codes, err := Options.Create(filepath.Join(dir, name+".vault"), []byte(Password))
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	if _, err := v.Add(accounts...); err != nil {
		t.Fatal(err)
	}
	if err := v.Save(); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name)
	if err := v.WriteBackup(path, vault.BackupOptions{WithBackupCodes: withCodes}); err != nil {
		t.Fatal(err)
	}
	return path, codes
}

func accountsOf(keys []otp.Key) []vault.Account {
	accounts := make([]vault.Account, len(keys))
	for i, k := range keys {
		accounts[i] = vault.Account{Key: k}
	}
	return accounts
}

// Vault makes a new vault at path holding accounts, with Options and
// Password, closes it, and returns its backup codes.
func Vault(t testing.TB, path string, accounts ...vault.Account) []string {
	t.Helper()
	v, codes, err := Options.Create(path, []byte(Password))
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	if len(accounts) > 0 {
		if _, err := v.Add(accounts...); err != nil {
			t.Fatal(err)
		}
	}
	if err := v.Save(); err != nil {
		t.Fatal(err)
	}
	return codes
}

// Open opens the vault at path with Options and Password.
func Open(t testing.TB, path string) *vault.Vault {
	t.Helper()
	v, err := Options.Open(path, []byte(Password))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { v.Close() })
	return v
}

// OtherComputer is the vault at path as another computer saved it: a copy
// of the file, in a folder of its own, opened, changed by change and saved.
// It returns the saved file, for a test to put where a sync tool would.
func OtherComputer(t testing.TB, path string, change func(v *vault.Vault)) []byte {
	t.Helper()
	return OtherComputerWith(t, Options, Password, path, change)
}

// OtherComputerWith is OtherComputer for a vault that opens with o and
// password.
func OtherComputerWith(t testing.TB, o vault.Options, password, path string, change func(v *vault.Vault)) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(t.TempDir(), filepath.Base(path))
	if err := os.WriteFile(other, data, 0o600); err != nil {
		t.Fatal(err)
	}
	v, err := o.Open(other, []byte(password))
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	change(v)
	if err := v.Save(); err != nil {
		t.Fatal(err)
	}
	v.Close()
	if data, err = os.ReadFile(other); err != nil {
		t.Fatal(err)
	}
	return data
}

// Adds is the change of another computer that adds accounts.
func Adds(t testing.TB, accounts ...vault.Account) func(v *vault.Vault) {
	return func(v *vault.Vault) {
		t.Helper()
		if _, err := v.Add(accounts...); err != nil {
			t.Fatal(err)
		}
	}
}

// AddsEditsRemoves is the change of another computer that the sync tests of
// core and of each front end make: keys[3] and keys[4] added, the note of
// account edit changed, account drop removed ("2 added, 1 changed, 1
// removed").
func AddsEditsRemoves(t testing.TB, keys []otp.Key, edit, drop string) func(v *vault.Vault) {
	return func(v *vault.Vault) {
		t.Helper()
		Adds(t, vault.Account{Key: keys[3]}, vault.Account{Key: keys[4]})(v)
		a, _ := v.Account(edit)
		a.Note = "edited on another computer"
		if err := v.Update(a); err != nil {
			t.Fatal(err)
		}
		if _, err := v.Delete(drop); err != nil {
			t.Fatal(err)
		}
	}
}

// QRImage writes the text as a QR code PNG with Latchkey's own encoder and
// returns its path (front-end tests add it as an image).
func QRImage(t testing.TB, dir, name string, k otp.Key) string {
	t.Helper()
	png, err := qrimport.KeyPNG(k, 400)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, name)
	write(t, p, png)
	return p
}

func write(t testing.TB, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}
