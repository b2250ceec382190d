package otp

import (
	"encoding/base32"
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// ParseSecret decodes a base32 secret as people and services write it:
// any case, with spaces, dashes or '=' padding. Its errors never quote s.
func ParseSecret(s string) ([]byte, error) {
	if len(s) > MaxSecretLen*2 {
		return nil, &ParseError{Part: "secret", Msg: "secret is too long"}
	}
	clean := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '-' || c == '=' || c == '\t':
			continue
		case c >= 'a' && c <= 'z':
			c -= 'a' - 'A'
		}
		clean = append(clean, c)
	}
	if len(clean) == 0 {
		return nil, &ParseError{Part: "secret", Msg: "missing secret"}
	}
	// A last character that completes no byte is an encoder's quirk we
	// forgive only when it holds no set bits ('A' is zero); otherwise the
	// secret was mistyped. The check is ours: encoding/base32 without
	// padding silently drops such a tail, which would give a wrong key.
	if r := len(clean) % 8; r == 1 || r == 3 || r == 6 {
		if clean[len(clean)-1] != 'A' {
			return nil, &ParseError{Part: "secret", Msg: "not valid base32 (wrong length)"}
		}
		clean = clean[:len(clean)-1]
	}
	key, err := b32.DecodeString(string(clean))
	if err != nil {
		return nil, &ParseError{Part: "secret", Msg: "not valid base32"}
	}
	if len(key) == 0 {
		return nil, &ParseError{Part: "secret", Msg: "missing secret"}
	}
	if len(key) > MaxSecretLen {
		return nil, &ParseError{Part: "secret", Msg: fmt.Sprintf("secret longer than %d bytes", MaxSecretLen)}
	}
	return key, nil
}

// EncodeSecret is the canonical base32 form of a secret: upper case, no padding.
func EncodeSecret(secret []byte) string { return b32.EncodeToString(secret) }

// ParseURI reads an otpauth:// (or steam://) key URI strictly, once.
//
// It forgives what real services emit: lowercase or spaced secrets, padding,
// ':' or %3A in the label, spaces before the account name, the issuer given
// only in the label or only as a parameter (the parameter wins when both are
// present), and unknown parameters. It refuses what cannot be right, with a
// *ParseError naming the part; no error quotes the secret.
func ParseURI(s string) (Key, error) {
	if len(s) > MaxURILen {
		return Key{}, &ParseError{Part: "uri", Msg: fmt.Sprintf("longer than %d bytes", MaxURILen)}
	}
	s = strings.TrimSpace(s)
	scheme, rest, ok := strings.Cut(s, "://")
	if !ok {
		// "otpauth:/totp" and "otpauth//totp" are typos worth naming.
		if l := strings.ToLower(s); strings.HasPrefix(l, "otpauth") || strings.HasPrefix(l, "steam:") {
			return Key{}, &ParseError{Part: "uri", Msg: `not an otpauth:// URI: "://" is missing after the scheme`}
		}
		return Key{}, &ParseError{Part: "uri", Msg: "not an otpauth:// URI"}
	}
	switch strings.ToLower(scheme) {
	case "otpauth":
	case "steam":
		return parseSteamURI(rest)
	default:
		// The scheme is not quoted: before a missing "://" it could run
		// on into the secret.
		return Key{}, &ParseError{Part: "uri", Msg: "scheme is not otpauth"}
	}
	rest, _, _ = strings.Cut(rest, "#")
	rest, rawQuery, _ := strings.Cut(rest, "?")
	host, rawLabel, _ := strings.Cut(rest, "/")

	var k Key
	switch strings.ToLower(host) {
	case "totp":
		k.Type = TOTP
	case "hotp":
		k.Type = HOTP
	case "steam":
		k.Type = Steam
	case "":
		return Key{}, &ParseError{Part: "type", Msg: "missing type (want totp or hotp)"}
	default:
		return Key{}, &ParseError{Part: "type", Msg: "unknown type " + quote(host) + " (want totp or hotp)"}
	}

	// A stray '%' (as in "100% Bank") is kept as it is rather than refused.
	label := unescape(rawLabel, false)
	labelIssuer, name, hasPrefix := strings.Cut(label, ":")
	if !hasPrefix {
		labelIssuer, name = "", label
	}
	k.Issuer = strings.TrimSpace(labelIssuer)
	k.Name = strings.TrimSpace(name)

	params, err := parseQuery(rawQuery)
	if err != nil {
		return Key{}, err
	}
	if v := strings.TrimSpace(params["issuer"]); v != "" {
		k.Issuer = v
	}
	if strings.Contains(k.Issuer, ":") {
		return Key{}, &ParseError{Part: "issuer", Msg: "issuer contains a colon"}
	}

	secret, ok := params["secret"]
	if !ok {
		return Key{}, &ParseError{Part: "secret", Msg: "missing secret"}
	}
	if k.Secret, err = ParseSecret(secret); err != nil {
		return Key{}, err
	}

	k.Algorithm = SHA1
	if v, ok := params["algorithm"]; ok {
		if k.Algorithm, err = ParseAlgorithm(v); err != nil {
			return Key{}, err
		}
	}
	if enc, ok := params["encoder"]; ok && strings.EqualFold(enc, "steam") {
		// Steam codes are time-based: a counter key cannot be one.
		if k.Type == HOTP {
			return Key{}, &ParseError{Part: "type", Msg: "hotp key with encoder=steam (Steam codes are time-based)"}
		}
		k.Type = Steam
	}

	k.Digits = 6
	if k.Type == Steam {
		k.Digits = SteamDigits
	}
	if v, ok := params["digits"]; ok {
		d, err := strconv.Atoi(v)
		if err != nil {
			return Key{}, &ParseError{Part: "digits", Msg: quote(v) + " is not a number"}
		}
		// Steam URIs from some apps carry digits=6 or none; the code is
		// always 5 characters, so the parameter is ignored for Steam.
		if k.Type != Steam {
			k.Digits = d
		}
	}

	if k.Type.TimeBased() {
		k.Period = DefaultPeriod
		if v, ok := params["period"]; ok {
			p, err := strconv.ParseUint(v, 10, 32)
			if err != nil {
				return Key{}, &ParseError{Part: "period", Msg: quote(v) + " is not a number of seconds"}
			}
			k.Period = uint32(p)
		}
	} else {
		v, ok := params["counter"]
		if !ok {
			return Key{}, &ParseError{Part: "counter", Msg: "hotp key without a counter"}
		}
		if k.Counter, err = strconv.ParseUint(v, 10, 64); err != nil {
			return Key{}, &ParseError{Part: "counter", Msg: quote(v) + " is not a counter value"}
		}
	}
	if err := k.Validate(); err != nil {
		return Key{}, err
	}
	return k, nil
}

// known are the parameters ParseURI reads; any other is ignored unread.
var known = map[string]bool{
	"secret": true, "issuer": true, "algorithm": true, "digits": true,
	"period": true, "counter": true, "encoder": true,
}

// parseQuery splits a raw query into lower-cased names and unescaped values of
// the known parameters. A known parameter given twice is refused: which one a
// service meant is unknowable. Unknown ones (image=, icon=...) are skipped
// without being decoded, so their spelling can never fail a key.
func parseQuery(raw string) (map[string]string, error) {
	params := make(map[string]string)
	for raw != "" {
		var part string
		part, raw, _ = strings.Cut(raw, "&")
		name, value, _ := strings.Cut(part, "=")
		name = strings.ToLower(name)
		if !known[name] {
			continue
		}
		if _, dup := params[name]; dup {
			return nil, &ParseError{Part: name, Msg: "parameter given twice"}
		}
		// '+' is a space in form encoding, but it is not base32, so in the
		// secret it is left for ParseSecret to refuse.
		params[name] = unescape(value, name != "secret")
	}
	return params, nil
}

// unescape decodes %XX sequences (and '+' as a space when plusSpace is set).
// Unlike url.QueryUnescape it never fails: a '%' not followed by two hex
// digits is kept as it is, which is what the service that wrote it meant.
func unescape(s string, plusSpace bool) string {
	if !strings.ContainsAny(s, "%+") {
		return s
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			b = append(b, unhex(s[i+1])<<4|unhex(s[i+2]))
			i += 2
		case c == '+' && plusSpace:
			b = append(b, ' ')
		default:
			b = append(b, c)
		}
	}
	return string(b)
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c <= 'F':
		return c - 'A' + 10
	}
	return c - 'a' + 10
}

// quote shows a short parameter value in an error; anything long enough to
// be a secret (or a pasted URI) is left out.
func quote(v string) string {
	const max = 12
	if len(v) > max {
		return "value"
	}
	return strconv.Quote(v)
}

// parseSteamURI reads steam://SECRET, the form some apps (Bitwarden) store.
func parseSteamURI(rest string) (Key, error) {
	secret := unescape(strings.TrimSuffix(rest, "/"), false)
	k := Key{Type: Steam, Issuer: "Steam", Algorithm: SHA1, Digits: SteamDigits, Period: DefaultPeriod}
	var err error
	if k.Secret, err = ParseSecret(secret); err != nil {
		return Key{}, err
	}
	return k, nil
}

// URI formats k as a canonical otpauth URI: the label "Issuer:Name", then
// secret, issuer, algorithm, digits and period (or counter), always in that
// order and always present. Steam keys use the otpauth://steam/ form that
// Aegis writes. For any key ParseURI returned, ParseURI(k.URI()) gives back
// an equal key. URI holds the secret: never log it or put it in an error.
func (k Key) URI() string {
	var b strings.Builder
	b.WriteString("otpauth://")
	b.WriteString(k.Type.String())
	b.WriteByte('/')
	if k.Issuer != "" || strings.Contains(k.Name, ":") {
		// An empty prefix keeps a colon inside the name from being read
		// as the issuer separator.
		b.WriteString(escapeLabel(k.Issuer))
		b.WriteByte(':')
	}
	b.WriteString(escapeLabel(k.Name))
	b.WriteString("?secret=")
	b.WriteString(EncodeSecret(k.Secret))
	if k.Issuer != "" {
		b.WriteString("&issuer=")
		b.WriteString(url.QueryEscape(k.Issuer))
	}
	b.WriteString("&algorithm=")
	b.WriteString(k.Algorithm.String())
	b.WriteString("&digits=")
	b.WriteString(strconv.Itoa(k.Digits))
	if k.Type.TimeBased() {
		b.WriteString("&period=")
		b.WriteString(strconv.FormatUint(uint64(k.Period), 10))
	} else {
		b.WriteString("&counter=")
		b.WriteString(strconv.FormatUint(k.Counter, 10))
	}
	return b.String()
}

// escapeLabel percent-encodes a label part so that it survives ParseURI
// byte for byte: spaces as %20, and ':' (which PathEscape keeps) as %3A.
func escapeLabel(s string) string {
	return strings.ReplaceAll(url.PathEscape(s), ":", "%3A")
}
