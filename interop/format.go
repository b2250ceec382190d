package interop

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// Format is a kind of export file.
type Format int

const (
	Unknown Format = iota
	URIList
	EnteText
	EnteEncrypted
	Aegis
	AegisEncrypted
	TwoFAS
	TwoFASEncrypted
	AndOTP
	AndOTPEncrypted
	Bitwarden
	BitwardenCSV
	BitwardenEncrypted
	FreeOTPPlus
	Stratum
	StratumEncrypted
	StratumLegacy
	KeePassXC
	SteamGuard
	ProtonAuthenticator
	HTMLLinks
)

var formatNames = [...]string{
	Unknown:             "unknown format",
	URIList:             "otpauth URI list",
	EnteText:            "Ente Auth (plain text)",
	EnteEncrypted:       "Ente Auth (encrypted)",
	Aegis:               "Aegis",
	AegisEncrypted:      "Aegis (encrypted)",
	TwoFAS:              "2FAS",
	TwoFASEncrypted:     "2FAS (encrypted)",
	AndOTP:              "andOTP",
	AndOTPEncrypted:     "andOTP (encrypted)",
	Bitwarden:           "Bitwarden",
	BitwardenCSV:        "Bitwarden (CSV)",
	BitwardenEncrypted:  "Bitwarden (password-protected)",
	FreeOTPPlus:         "FreeOTP+",
	Stratum:             "Stratum / Authenticator Pro",
	StratumEncrypted:    "Stratum / Authenticator Pro (encrypted)",
	StratumLegacy:       "Authenticator Pro (legacy encrypted)",
	KeePassXC:           "KeePassXC (CSV)",
	SteamGuard:          "Steam Guard",
	ProtonAuthenticator: "Proton Authenticator",
	HTMLLinks:           "HTML page of otpauth links",
}

func (f Format) String() string {
	if f >= 0 && int(f) < len(formatNames) {
		return formatNames[f]
	}
	return fmt.Sprintf("Format(%d)", int(f))
}

// Encrypted reports whether files of this format need a password.
func (f Format) Encrypted() bool {
	switch f {
	case EnteEncrypted, AegisEncrypted, TwoFASEncrypted, AndOTPEncrypted, StratumEncrypted, StratumLegacy, BitwardenEncrypted:
		return true
	}
	return false
}

// binary reports whether files of this format are not text.
func (f Format) binary() bool {
	return f == AndOTPEncrypted || f == StratumEncrypted || f == StratumLegacy
}

const (
	stratumHeader       = "AUTHENTICATORPRO"
	stratumLegacyHeader = "AuthenticatorPro"
)

// Detect tells the format of data from its content, and whether it is
// encrypted. It returns ErrUnknownFormat (wrapped, with a hint where one
// helps) when it recognises nothing.
func Detect(data []byte) (Format, bool, error) {
	if len(data) > MaxFileSize {
		return Unknown, false, fmt.Errorf("interop: %w", ErrTooLarge)
	}
	switch {
	case bytes.HasPrefix(data, []byte(stratumHeader)):
		return StratumEncrypted, true, nil
	case bytes.HasPrefix(data, []byte(stratumLegacyHeader)):
		return StratumLegacy, true, nil
	}
	if hint := foreignFile(data); hint != "" {
		return Unknown, false, fmt.Errorf("interop: %w: %s", ErrUnknownFormat, hint)
	}
	if !utf8.Valid(data) {
		switch {
		case utf16Text(data):
			return Unknown, false, fmt.Errorf("interop: %w: UTF-16 text (save it as UTF-8 and import it again)", ErrUnknownFormat)
		case latin1Text(data):
			return Unknown, false, fmt.Errorf("interop: %w: text that is not UTF-8 (save it as UTF-8 and import it again)", ErrUnknownFormat)
		case len(data) >= andOTPMinSize:
			// andOTP's encrypted backup has no magic number: binary that
			// is nothing else may be one, which only its password can tell.
			return AndOTPEncrypted, true, nil
		}
		return Unknown, false, fmt.Errorf("interop: %w", ErrUnknownFormat)
	}
	text := trimBOM(data)
	if len(text) > 0 && (text[0] == '{' || text[0] == '[') && json.Valid(text) {
		if f := detectJSON(text); f != Unknown {
			return f, f.Encrypted(), nil
		}
		return Unknown, false, fmt.Errorf("interop: %w: JSON of an unknown kind", ErrUnknownFormat)
	}
	if f := detectText(text); f != Unknown {
		return f, false, nil
	}
	return Unknown, false, fmt.Errorf("interop: %w", ErrUnknownFormat)
}

// andOTPMinSize is the smallest andOTP backup: iterations, salt, nonce, tag.
const andOTPMinSize = 4 + 12 + 12 + 16

// utf16Text reports whether data is UTF-16 text with a byte order mark:
// even in length, every unit a printable character or white space,
// surrogates only in pairs, and at least half ASCII, or a tenth with white
// space (the exports are JSON and URIs: mostly ASCII whatever the names).
// A BOM alone is not enough: an andOTP backup of the old layout is random
// bytes, which start with one 1 time in 32768, and whose units are mostly
// printable; white space alone came up in 1 of a few thousand short ones.
func utf16Text(data []byte) bool {
	var order binary.ByteOrder
	switch {
	case bytes.HasPrefix(data, []byte{0xff, 0xfe}):
		order = binary.LittleEndian
	case bytes.HasPrefix(data, []byte{0xfe, 0xff}):
		order = binary.BigEndian
	default:
		return false
	}
	if len(data)%2 != 0 {
		return false
	}
	units := make([]uint16, 0, len(data)/2-1)
	for i := 2; i < len(data); i += 2 {
		units = append(units, order.Uint16(data[i:]))
	}
	// Random units are mostly printable too (most of the plane is), and
	// one in about 2600 is white space, but one in 512 is ASCII.
	spaces, ascii := 0, 0
	for _, r := range utf16.Decode(units) {
		switch {
		case r == utf8.RuneError || !unicode.IsPrint(r) && !unicode.IsSpace(r):
			return false
		case unicode.IsSpace(r):
			spaces++
		}
		if r < utf8.RuneSelf {
			ascii++
		}
	}
	return ascii*2 >= len(units) || spaces > 0 && ascii*10 >= len(units)
}

// latin1Text reports whether data reads as text in an 8-bit encoding
// (Latin-1 or Windows-1252): only printable bytes, tabs and line breaks, at
// least half of them ASCII. An encrypted andOTP backup of the current layout
// starts with its iteration count, whose first byte is zero, so it never
// matches; one of the old layout (2018 and before) is random bytes, which
// match with a chance below (221/256)^n: 4e-7 for a 100-byte backup, 2e-13
// for 200 bytes.
func latin1Text(data []byte) bool {
	ascii := 0
	for _, c := range data {
		switch {
		case c >= 0x20 && c < 0x7f, c == '\t', c == '\n', c == '\r':
			ascii++
		case c < 0x80, c == 0x81, c == 0x8d, c == 0x8f, c == 0x90, c == 0x9d:
			return false // control characters, and bytes Windows-1252 leaves unused
		}
	}
	// Text in a Western 8-bit code page is mostly ASCII; random bytes (an
	// old-layout andOTP backup) are not: at 70 % a 44-byte one passes about
	// once in 10^8, at half it passed once in 6,000.
	return ascii*10 >= len(data)*7
}

// foreignFile names files that users drop by mistake, so the error can say
// what they are.
func foreignFile(data []byte) string {
	switch {
	case bytes.HasPrefix(data, []byte("\x89PNG")), bytes.HasPrefix(data, []byte("\xff\xd8\xff")),
		bytes.HasPrefix(data, []byte("GIF8")), bytes.HasPrefix(data, []byte("RIFF")) && len(data) > 12 && string(data[8:12]) == "WEBP":
		return "an image (QR codes in images are read by the QR import)"
	case bytes.HasPrefix(data, []byte{0x03, 0xd9, 0xa2, 0x9a}):
		return "a KeePass database (export it from KeePassXC as CSV)"
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		return "a ZIP archive (unpack it first)"
	case bytes.HasPrefix(data, []byte("%PDF")):
		return "a PDF document"
	case bytes.HasPrefix(data, []byte{0x1f, 0x8b}):
		return "a gzip archive (unpack it first)"
	}
	return ""
}

// detectJSON tells the JSON formats apart by the fields each one must have.
// It walks the text without decoding it: telling a format must not cost
// more than reading it.
func detectJSON(text []byte) Format {
	if kindOf(text) == jsonArray {
		// andOTP: a list of entries, each with a secret and a type. The
		// first decides; an empty list is an empty andOTP backup.
		f := AndOTP
		eachElement(text, func(_ int, first []byte) bool {
			if !has(first, "secret") || !has(first, "type") {
				f = Unknown
			}
			return false
		})
		return f
	}
	m := map[string][]byte{}
	names := []string{"header", "db", "kdfParams", "encryptedData", "schemaVersion", "services", "servicesEncrypted",
		"encrypted", "passwordProtected", "data", "items", "encKeyValidation_DO_NOT_EDIT", "tokens", "Authenticators",
		"accounts", "shared_secret", "entries", "version"}
	for i, v := range lookup(text, keyIsExactly, names...) {
		m[names[i]] = v
	}
	has := func(key string) bool { return m[key] != nil && kindOf(m[key]) != jsonNull }
	switch {
	case has("header") && has("db"):
		if kindOf(m["db"]) == jsonString {
			return AegisEncrypted
		}
		return Aegis
	case has("kdfParams") && has("encryptedData"):
		return EnteEncrypted
	case has("schemaVersion") && (has("services") || has("servicesEncrypted")):
		if enc := m["servicesEncrypted"]; kindOf(enc) == jsonString && string(enc) != `""` {
			return TwoFASEncrypted
		}
		return TwoFAS
	case has("encrypted") && has("passwordProtected") && has("data"):
		return BitwardenEncrypted
	case has("encrypted") && (has("items") || has("encKeyValidation_DO_NOT_EDIT")):
		return Bitwarden
	case has("tokens"):
		return FreeOTPPlus
	case has("Authenticators"):
		return Stratum
	case has("accounts") || has("shared_secret"):
		return SteamGuard
	case has("entries") && has("version"):
		return ProtonAuthenticator
	}
	return Unknown
}

// exactMember is the value of the object's last member named exactly key
// (a repeated key counts once, as the last one), or nil.
func exactMember(obj []byte, key string) []byte {
	var found []byte
	eachMember(obj, func(k, v []byte) bool {
		if keyIsExactly(k, key) {
			found = v
		}
		return true
	})
	return found
}

// has reports whether obj has a member named exactly key that is not null.
func has(obj []byte, key string) bool {
	v := exactMember(obj, key)
	return v != nil && kindOf(v) != jsonNull
}

// detectText recognises the CSV exports by their header and URI lists by
// their first meaningful line. It reads text in place: a copy, or a list of
// its lines, would cost as much as the file again.
func detectText(text []byte) Format {
	if head := bytes.ToLower(text[:min(len(text), 512)]); (bytes.HasPrefix(head, []byte("<!doctype html")) || bytes.HasPrefix(head, []byte("<html"))) &&
		htmlLink.Match(text) {
		return HTMLLinks
	}
	first, _, _ := bytes.Cut(text, []byte("\n"))
	lower := string(bytes.ToLower(bytes.TrimSpace(first[:min(len(first), 4096)])))
	switch {
	case strings.Contains(lower, "login_totp") && strings.Contains(lower, "name"):
		return BitwardenCSV
	case strings.Contains(lower, `"title"`) && strings.Contains(lower, `"totp"`):
		return KeePassXC
	}
	for rest := text; len(rest) > 0; {
		var line []byte
		line, rest, _ = bytes.Cut(rest, []byte("\n"))
		line = bytes.TrimSpace(line)
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		l := bytes.ToLower(line[:min(len(line), 32)])
		if !bytes.HasPrefix(l, []byte("otpauth://")) && !bytes.HasPrefix(l, []byte("steam://")) && !bytes.HasPrefix(l, []byte("otpauth-migration://")) {
			return Unknown
		}
		if bytes.Contains(text, []byte("codeDisplay=")) {
			return EnteText
		}
		return URIList
	}
	return Unknown
}
