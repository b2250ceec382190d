// Package otp computes and verifies one-time passwords: HOTP (RFC 4226),
// TOTP (RFC 6238) and Steam Guard codes, and reads and writes the otpauth://
// key URI format.
//
// The package is pure: it reads no clock and does no I/O. Every function that
// depends on the time takes it as an argument, so callers (and tests) decide
// what "now" is.
//
//	key, err := otp.ParseURI("otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXP")
//	code := key.Code(time.Now())            // "123456"
//	left := key.Remaining(time.Now())       // until the code changes
//
// A Key is a plain value, safe to copy and to use from several goroutines.
// Code generation allocates nothing beyond the returned string; AppendCode
// allocates nothing at all.
package otp

import (
	"fmt"
	"strings"
)

// Type is the kind of one-time password a key produces.
type Type uint8

const (
	TOTP  Type = iota + 1 // time-based, RFC 6238
	HOTP                  // counter-based, RFC 4226
	Steam                 // Steam Guard: TOTP with a 5-character alphabet code
)

var typeNames = [...]string{TOTP: "totp", HOTP: "hotp", Steam: "steam"}

func (t Type) String() string {
	if int(t) < len(typeNames) && typeNames[t] != "" {
		return typeNames[t]
	}
	return fmt.Sprintf("Type(%d)", uint8(t))
}

// TimeBased reports whether codes depend on the time rather than a counter.
func (t Type) TimeBased() bool { return t == TOTP || t == Steam }

// Algorithm is the HMAC hash function.
type Algorithm uint8

const (
	SHA1 Algorithm = iota + 1
	SHA256
	SHA512
)

var algorithmNames = [...]string{SHA1: "SHA1", SHA256: "SHA256", SHA512: "SHA512"}

func (a Algorithm) String() string {
	if int(a) < len(algorithmNames) && algorithmNames[a] != "" {
		return algorithmNames[a]
	}
	return fmt.Sprintf("Algorithm(%d)", uint8(a))
}

// ParseAlgorithm accepts the spellings seen in the wild: SHA1, sha-1, SHA256...
func ParseAlgorithm(s string) (Algorithm, error) {
	switch strings.ReplaceAll(strings.ToUpper(strings.TrimSpace(s)), "-", "") {
	case "SHA1":
		return SHA1, nil
	case "SHA256":
		return SHA256, nil
	case "SHA512":
		return SHA512, nil
	case "MD5":
		return 0, &ParseError{Part: "algorithm", Msg: "MD5 is not part of RFC 6238 and is not supported"}
	}
	return 0, &ParseError{Part: "algorithm", Msg: "unknown algorithm " + quote(s) + " (want SHA1, SHA256 or SHA512)"}
}

// Limits of a valid key. Steam codes always have SteamDigits characters.
const (
	MinDigits   = 6
	MaxDigits   = 10
	SteamDigits = 5
	MinPeriod   = 1     // seconds
	MaxPeriod   = 86400 // one day
	// MaxSecretLen caps the decoded secret; real keys are 10 to 64 bytes.
	MaxSecretLen = 1024
	// MaxURILen caps the text ParseURI will look at.
	MaxURILen = 8192
	// MaxNameLen caps Issuer and Name, so that the URI of any valid key,
	// percent-encoded, stays within MaxURILen.
	MaxNameLen = 512
	// DefaultPeriod is the TOTP step when a URI names none.
	DefaultPeriod = 30
)

// Key is everything needed to produce codes for one account.
// The zero value is not valid; build one with ParseURI or fill every field and
// call Validate.
type Key struct {
	Type      Type
	Issuer    string // who issued the key, e.g. "GitHub"; may be empty
	Name      string // the account name, e.g. "alice@example.com"
	Secret    []byte // the raw shared secret (not base32)
	Algorithm Algorithm
	Digits    int    // code length: 6-10, or 5 for Steam
	Period    uint32 // seconds per step (TOTP and Steam)
	Counter   uint64 // next counter value (HOTP)
}

// Validate reports the first field that makes k unusable. Its errors name the
// field and never quote the secret.
func (k Key) Validate() error {
	switch k.Type {
	case TOTP, HOTP, Steam:
	default:
		return &ParseError{Part: "type", Msg: "unknown type"}
	}
	if len(k.Secret) == 0 {
		return &ParseError{Part: "secret", Msg: "missing secret"}
	}
	if len(k.Secret) > MaxSecretLen {
		return &ParseError{Part: "secret", Msg: fmt.Sprintf("secret longer than %d bytes", MaxSecretLen)}
	}
	switch k.Algorithm {
	case SHA1, SHA256, SHA512:
	default:
		return &ParseError{Part: "algorithm", Msg: "unknown algorithm"}
	}
	if k.Type == Steam {
		if k.Digits != SteamDigits {
			return &ParseError{Part: "digits", Msg: fmt.Sprintf("Steam codes have %d characters, not %d", SteamDigits, k.Digits)}
		}
	} else if k.Digits < MinDigits || k.Digits > MaxDigits {
		return &ParseError{Part: "digits", Msg: fmt.Sprintf("%d digits is out of range %d-%d", k.Digits, MinDigits, MaxDigits)}
	}
	if k.Type.TimeBased() && (k.Period < MinPeriod || k.Period > MaxPeriod) {
		return &ParseError{Part: "period", Msg: fmt.Sprintf("period %d s is out of range %d-%d", k.Period, MinPeriod, MaxPeriod)}
	}
	if strings.Contains(k.Issuer, ":") {
		return &ParseError{Part: "issuer", Msg: "issuer contains a colon"}
	}
	if len(k.Issuer) > MaxNameLen {
		return &ParseError{Part: "issuer", Msg: fmt.Sprintf("longer than %d bytes", MaxNameLen)}
	}
	if len(k.Name) > MaxNameLen {
		return &ParseError{Part: "name", Msg: fmt.Sprintf("longer than %d bytes", MaxNameLen)}
	}
	return nil
}

// Label is how a person names the account: "Issuer: name", or just one of them.
func (k Key) Label() string {
	switch {
	case k.Issuer == "":
		return k.Name
	case k.Name == "":
		return k.Issuer
	}
	return k.Issuer + ": " + k.Name
}

// Equal reports whether a and b produce the same codes and carry the same names.
func (k Key) Equal(o Key) bool {
	return k.Type == o.Type && k.Issuer == o.Issuer && k.Name == o.Name &&
		string(k.Secret) == string(o.Secret) && k.Algorithm == o.Algorithm &&
		k.Digits == o.Digits && k.Period == o.Period && k.Counter == o.Counter
}

// SameSecret reports whether a and b are the same credential, whatever their
// names and counters: the test importers use for duplicates.
func (k Key) SameSecret(o Key) bool {
	return k.Type == o.Type && string(k.Secret) == string(o.Secret) &&
		k.Algorithm == o.Algorithm && k.Digits == o.Digits && k.Period == o.Period
}

// ParseError says which part of a key or URI is wrong. It never holds the secret.
type ParseError struct {
	Part string // "secret", "type", "digits", "label"...
	Msg  string
}

func (e *ParseError) Error() string { return "otp: " + e.Part + ": " + e.Msg }
