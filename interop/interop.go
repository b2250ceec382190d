// Package interop reads the export files of other authenticator apps and
// writes an Aegis-compatible export, so that accounts can move into Latchkey
// and out of it.
//
// Read takes the whole file, detects its format from the content (never from
// the file name) and returns every entry it could read, with the ones it could
// not read set aside in Result.Skipped with a reason:
//
//	data, err := io.ReadAll(io.LimitReader(f, interop.MaxFileSize+1))
//	res, err := interop.Read(data, askPassword)
//	switch {
//	case errors.Is(err, interop.ErrWrongPassword): // ask again and call Read again
//	case errors.Is(err, interop.ErrUnknownFormat): // say so once
//	}
//	for _, e := range res.Entries { ... e.Key, e.Tags, e.Note, e.Pinned, e.Icon }
//
// Formats read (see Format and README.md): otpauth URI lists, Aegis (plain
// and encrypted), Ente Auth (plain text and encrypted), 2FAS (plain and
// encrypted), andOTP (plain and encrypted, both layouts), Bitwarden (JSON,
// CSV, password-protected JSON), FreeOTP+, Stratum / Authenticator Pro
// (plain, encrypted, legacy encrypted and HTML), KeePassXC CSV, Steam Guard
// maFiles and Proton Authenticator. Google Authenticator export links in a
// text file are returned in Result.Migration for qrimport to decode.
//
// The password callback is called at most once, and only for an encrypted
// file. Read does no I/O: nothing it decrypts is ever written to disk, and its
// errors and skip reasons never quote a secret (an issuer and account name at
// most). Checking entries against the accounts already in the vault is the
// caller's job (otp.Key.SameSecret); Read only drops exact repeats within one
// file.
//
// Untrusted input is capped before anything is allocated or derived: the file
// size (MaxFileSize), the number of entries (MaxEntries), icon sizes
// (MaxIconSize) and the cost parameters of every key derivation.
//
// WriteAegis writes a plain (unencrypted) Aegis vault export, which Aegis and
// most other open authenticators import.
package interop

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"latchkey/otp"
)

// Limits on untrusted input.
const (
	// MaxFileSize caps the files Read accepts; callers cap their reads with it.
	MaxFileSize = 16 << 20
	// MaxEntries caps the accounts read from one file; the rest are skipped.
	MaxEntries = 10000
	// MaxIconSize caps an icon; a larger one is dropped and the entry kept.
	MaxIconSize = 64 << 10
	// maxText caps tags and notes, which are cut to it (names are cut to
	// otp.MaxNameLen).
	maxText = 4096
	// maxTags caps the tags of one entry.
	maxTags = 64
)

// Errors Read returns; branch on them with errors.Is.
var (
	ErrUnknownFormat    = errors.New("not an export file of a known authenticator")
	ErrWrongPassword    = errors.New("wrong password, or the file is damaged")
	ErrPasswordRequired = errors.New("the file is encrypted and needs its password")
	ErrTooLarge         = fmt.Errorf("file larger than %d MiB", MaxFileSize>>20)
	// ErrUnsupported is a known format in a variant Latchkey cannot read.
	ErrUnsupported = errors.New("unsupported variant")
)

// Entry is one account read from a file, with what the source app keeps
// beside the key.
type Entry struct {
	Key    otp.Key
	Tags   []string // groups, folders, categories or tags of the source
	Note   string
	Pinned bool   // favourite, pinned or starred in the source
	Icon   []byte // as the source stores it (PNG, JPEG or SVG), at most MaxIconSize
}

// Skipped is an entry that could not be read.
type Skipped struct {
	Label  string // "issuer: name" where known, else the entry's position; never the secret
	Reason string
}

// Result is what Read found in one file.
type Result struct {
	Format  Format
	Entries []Entry
	Skipped []Skipped
	// Migration holds the otpauth-migration:// links (Google Authenticator
	// exports) found in a text file, for the caller to decode with
	// qrimport.ReadText; Read does not decode them. They hold secrets.
	Migration []string
}

// Read detects the format of data by its content and reads it. password is
// called only when the file is encrypted, at most once; after
// ErrWrongPassword the caller may ask again and call Read again.
func Read(data []byte, password func() ([]byte, error)) (Result, error) {
	f, encrypted, err := Detect(data)
	if err != nil {
		return Result{}, err
	}
	var pw []byte
	if encrypted {
		if password == nil {
			return Result{}, fmt.Errorf("interop: %s: %w", f, ErrPasswordRequired)
		}
		if pw, err = password(); err != nil {
			return Result{}, fmt.Errorf("interop: %s: password: %w", f, err)
		}
	}
	if !f.binary() {
		data = bytes.TrimPrefix(data, utf8BOM) // Windows editors add one; JSON forbids it
	}
	c := &collector{res: Result{Format: f}}
	if err := readers[f](c, data, pw); err != nil {
		return Result{}, fmt.Errorf("interop: %s: %w", f, err)
	}
	return c.res, nil
}

// readers maps each format to the function that reads it into c. pw is nil
// for plain formats.
var readers = map[Format]func(c *collector, data, pw []byte) error{
	URIList:             readURIList,
	EnteText:            readURIList,
	EnteEncrypted:       readEnteEncrypted,
	Aegis:               readAegis,
	AegisEncrypted:      readAegis,
	TwoFAS:              readTwoFAS,
	TwoFASEncrypted:     readTwoFAS,
	AndOTP:              readAndOTP,
	AndOTPEncrypted:     readAndOTPEncrypted,
	Bitwarden:           readBitwarden,
	BitwardenCSV:        readBitwardenCSV,
	BitwardenEncrypted:  readBitwardenEncrypted,
	FreeOTPPlus:         readFreeOTPPlus,
	Stratum:             readStratum,
	StratumEncrypted:    readStratumEncrypted,
	StratumLegacy:       readStratumLegacy,
	KeePassXC:           readKeePassXC,
	SteamGuard:          readSteam,
	ProtonAuthenticator: readProton,
	HTMLLinks:           readHTML,
}

// collector gathers entries, enforcing the limits and dropping exact repeats.
type collector struct {
	res  Result
	full bool
	seen map[string]bool // canonical URIs of the entries kept
}

// add validates e's key and keeps e, or records why not. Overlong names are
// cut rather than refused: the account matters more than its label.
func (c *collector) add(e Entry) {
	if c.checkFull() {
		return
	}
	// A field of the other kind is noise some apps write (2FAS keeps a
	// counter on TOTP keys): drop it so equal keys compare equal.
	if e.Key.Type.TimeBased() {
		e.Key.Counter = 0
	} else {
		e.Key.Period = 0
	}
	e.Key.Issuer = clip(text(e.Key.Issuer), otp.MaxNameLen)
	e.Key.Name = clip(text(e.Key.Name), otp.MaxNameLen)
	label := e.Key.Label()
	if err := e.Key.Validate(); err != nil {
		c.skip(label, err.Error())
		return
	}
	// The canonical URI holds every field Key.Equal compares.
	id := e.Key.URI()
	if c.seen[id] {
		c.skip(label, "repeats an earlier entry of this file")
		return
	}
	if c.seen == nil {
		c.seen = map[string]bool{}
	}
	c.seen[id] = true
	e.Note = clip(text(e.Note), maxText)
	e.Tags = cleanTags(e.Tags)
	if len(e.Icon) > MaxIconSize || len(e.Icon) == 0 {
		e.Icon = nil
	}
	c.res.Entries = append(c.res.Entries, e)
}

// skip records an entry that could not be read.
func (c *collector) skip(label, reason string) {
	if c.checkFull() {
		return
	}
	c.res.Skipped = append(c.res.Skipped, Skipped{Label: clip(text(label), 2*otp.MaxNameLen+2), Reason: text(reason)})
}

// skipAt is skip for an entry known only by its position.
func (c *collector) skipAt(i int, label, reason string) {
	if strings.TrimSpace(label) == "" {
		label = fmt.Sprintf("entry %d", i+1)
	}
	c.skip(label, reason)
}

func (c *collector) checkFull() bool {
	if c.full {
		return true
	}
	if len(c.res.Entries)+len(c.res.Skipped) >= MaxEntries {
		c.full = true
		c.res.Skipped = append(c.res.Skipped, Skipped{Reason: fmt.Sprintf("the file holds more than %d entries; the rest were not read", MaxEntries)})
		return true
	}
	return false
}

// text makes s valid UTF-8, as every name shown or exported must be: a
// percent-escaped byte in a URI label may not be.
func text(s string) string { return strings.ToValidUTF8(s, "\uFFFD") }

// clip cuts s to at most n bytes, on a rune boundary.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// cleanTags trims tags, drops empty ones and repeats, and caps their number.
func cleanTags(tags []string) []string {
	var out []string
	for _, t := range tags {
		t = clip(strings.TrimSpace(text(t)), maxText)
		if t == "" || contains(out, t) {
			continue
		}
		if len(out) == maxTags {
			break
		}
		out = append(out, t)
	}
	return out
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// label names an entry from its raw fields, for skip notes.
func label(issuer, name string) string {
	return otp.Key{Issuer: strings.TrimSpace(issuer), Name: strings.TrimSpace(name)}.Label()
}

// trimBOM drops a UTF-8 byte order mark and surrounding white space.
func trimBOM(data []byte) []byte {
	return bytes.TrimSpace(bytes.TrimPrefix(data, utf8BOM))
}

// parseAlgorithm is otp.ParseAlgorithm with an error that never quotes the
// value: in a shifted or hostile file it may be a secret.
func parseAlgorithm(s string) (otp.Algorithm, error) {
	a, err := otp.ParseAlgorithm(s)
	if err != nil {
		msg := "unknown algorithm (want SHA1, SHA256 or SHA512)"
		if strings.EqualFold(strings.TrimSpace(s), "MD5") {
			msg = "MD5 is not part of RFC 6238 and is not supported"
		}
		return 0, &otp.ParseError{Part: "algorithm", Msg: msg}
	}
	return a, nil
}

// parseType reads the type names the apps write, in any case.
func parseType(s string) (otp.Type, bool) {
	switch strings.ToUpper(strings.TrimSpace(s)) {
	case "TOTP":
		return otp.TOTP, true
	case "HOTP":
		return otp.HOTP, true
	case "STEAM":
		return otp.Steam, true
	}
	return 0, false
}

var utf8BOM = []byte("\xef\xbb\xbf")
