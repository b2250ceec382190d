package interop

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
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
		// andOTP's encrypted backup has no magic number: binary that is
		// nothing else may be one, which only its password can tell.
		if len(data) >= andOTPMinSize {
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
	if f := detectText(string(text)); f != Unknown {
		return f, false, nil
	}
	return Unknown, false, fmt.Errorf("interop: %w", ErrUnknownFormat)
}

// andOTPMinSize is the smallest andOTP backup: iterations, salt, nonce, tag.
const andOTPMinSize = 4 + 12 + 12 + 16

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
func detectJSON(text []byte) Format {
	if text[0] == '[' {
		var arr []map[string]json.RawMessage
		if json.Unmarshal(text, &arr) != nil {
			return Unknown
		}
		if len(arr) == 0 {
			return AndOTP
		}
		if has(arr[0], "secret") && has(arr[0], "type") {
			return AndOTP
		}
		return Unknown
	}
	var obj map[string]json.RawMessage
	if json.Unmarshal(text, &obj) != nil {
		return Unknown
	}
	switch {
	case has(obj, "header") && has(obj, "db"):
		if isJSONString(obj["db"]) {
			return AegisEncrypted
		}
		return Aegis
	case has(obj, "kdfParams") && has(obj, "encryptedData"):
		return EnteEncrypted
	case has(obj, "schemaVersion") && (has(obj, "services") || has(obj, "servicesEncrypted")):
		if enc, ok := obj["servicesEncrypted"]; ok && isJSONString(enc) && string(enc) != `""` {
			return TwoFASEncrypted
		}
		return TwoFAS
	case has(obj, "encrypted") && has(obj, "passwordProtected") && has(obj, "data"):
		return BitwardenEncrypted
	case has(obj, "encrypted") && (has(obj, "items") || has(obj, "encKeyValidation_DO_NOT_EDIT")):
		return Bitwarden
	case has(obj, "tokens"):
		return FreeOTPPlus
	case has(obj, "Authenticators"):
		return Stratum
	case has(obj, "accounts") || has(obj, "shared_secret"):
		return SteamGuard
	case has(obj, "entries") && has(obj, "version"):
		return ProtonAuthenticator
	}
	return Unknown
}

func has(obj map[string]json.RawMessage, key string) bool {
	v, ok := obj[key]
	return ok && string(v) != "null"
}

func isJSONString(raw json.RawMessage) bool {
	return len(raw) > 0 && raw[0] == '"'
}

// detectText recognises the CSV exports by their header and URI lists by
// their first meaningful line.
func detectText(text string) Format {
	if head := strings.ToLower(text[:min(len(text), 512)]); (strings.HasPrefix(head, "<!doctype html") || strings.HasPrefix(head, "<html")) &&
		htmlLink.MatchString(text) {
		return HTMLLinks
	}
	first, _, _ := strings.Cut(text, "\n")
	first = strings.TrimSpace(first)
	lower := strings.ToLower(first)
	switch {
	case strings.Contains(lower, "login_totp") && strings.Contains(lower, "name"):
		return BitwardenCSV
	case strings.Contains(lower, `"title"`) && strings.Contains(lower, `"totp"`):
		return KeePassXC
	}
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		l := strings.ToLower(line)
		if !strings.HasPrefix(l, "otpauth://") && !strings.HasPrefix(l, "steam://") && !strings.HasPrefix(l, "otpauth-migration://") {
			return Unknown
		}
		if strings.Contains(text, "codeDisplay=") {
			return EnteText
		}
		return URIList
	}
	return Unknown
}
