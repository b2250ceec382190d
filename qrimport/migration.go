package qrimport

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"unicode/utf8"

	"latchkey/otp"
	protowire "latchkey/qrimport/internal/wire"
)

// The Google Authenticator export format: otpauth-migration://offline?data=
// followed by URL-encoded standard base64 of a protobuf message, read and
// written here field by field (see /work/shared/reference/otp.md):
//
//	Payload:       1 repeated OtpParameters, 2 version, 3 batch_size, 4 batch_index, 5 batch_id
//	OtpParameters: 1 secret, 2 name, 3 issuer, 4 algorithm, 5 digits, 6 type, 7 counter, 8 unique_id

// ErrMD5 marks an exported account that uses MD5, which RFC 6238 does not
// allow and Latchkey does not implement.
var ErrMD5 = errors.New("uses the MD5 algorithm, which is not part of RFC 6238 and is not supported")

// maxMigrationText caps an otpauth-migration URI: a QR code holds at most
// 2953 bytes, and a pasted one has no reason to be much longer.
const maxMigrationText = 16 << 10

// migration is one decoded export payload: one QR code's worth of accounts.
type migration struct {
	accounts   []account
	version    int32
	batchSize  int32
	batchIndex int32
	batchID    int32
}

// account is one exported entry; err says why it cannot be used.
type account struct {
	key otp.Key
	err error
}

// MigrationError says why an otpauth-migration URI or its payload cannot be
// read. It never quotes the payload, which holds secrets.
type MigrationError struct {
	Msg string
}

func (e *MigrationError) Error() string {
	return "Google Authenticator export: " + e.Msg
}

func migrationErr(format string, a ...any) error {
	return &MigrationError{Msg: fmt.Sprintf(format, a...)}
}

// parseMigrationURI reads otpauth-migration://offline?data=...
func parseMigrationURI(s string) (migration, error) {
	s = strings.TrimSpace(s)
	if len(s) > maxMigrationText {
		return migration{}, migrationErr("longer than %d bytes", maxMigrationText)
	}
	scheme, rest, ok := strings.Cut(s, "://")
	if !ok || !strings.EqualFold(scheme, "otpauth-migration") {
		return migration{}, migrationErr("not an otpauth-migration:// URI")
	}
	host, query, _ := strings.Cut(rest, "?")
	if !strings.EqualFold(strings.TrimSuffix(host, "/"), "offline") {
		return migration{}, migrationErr("unknown kind of export (want otpauth-migration://offline)")
	}
	var data string
	found := false
	for _, part := range strings.Split(query, "&") {
		name, value, _ := strings.Cut(part, "=")
		if name != "data" {
			continue
		}
		if found {
			return migration{}, migrationErr("data given twice")
		}
		found = true
		v, err := url.QueryUnescape(value)
		if err != nil {
			return migration{}, migrationErr("bad percent-encoding in data")
		}
		// Query unescaping turns a literal '+' into a space, and pasted
		// URIs often went through it already; base64 has no spaces.
		data = strings.ReplaceAll(v, " ", "+")
	}
	if !found || data == "" {
		return migration{}, migrationErr("no data parameter")
	}
	raw, err := base64.StdEncoding.DecodeString(data)
	if err != nil {
		// Some tools drop the padding.
		if raw, err = base64.RawStdEncoding.DecodeString(data); err != nil {
			return migration{}, migrationErr("data is not base64")
		}
	}
	return parseMigrationPayload(raw)
}

// parseMigrationPayload reads the protobuf strictly: every known field must
// have its wire type, nothing may be truncated, and unknown fields must be
// well formed (they are skipped, as protobuf readers do).
func parseMigrationPayload(b []byte) (migration, error) {
	var m migration
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return migration{}, migrationErr("damaged payload")
		}
		b = b[n:]
		switch num {
		case 1:
			if typ != protowire.BytesType {
				return migration{}, migrationErr("damaged payload (account field has the wrong type)")
			}
			v, n := protowire.ConsumeBytes(b)
			if n < 0 {
				return migration{}, migrationErr("damaged payload (account cut short)")
			}
			b = b[n:]
			a, err := parseAccount(v)
			if err != nil {
				return migration{}, err
			}
			m.accounts = append(m.accounts, a)
		case 2, 3, 4, 5:
			if typ != protowire.VarintType {
				return migration{}, migrationErr("damaged payload (batch field has the wrong type)")
			}
			v, n := protowire.ConsumeVarint(b)
			if n < 0 {
				return migration{}, migrationErr("damaged payload")
			}
			b = b[n:]
			// int32 fields: protobuf sign-extends negatives to 10 bytes and
			// readers truncate to 32 bits.
			switch num {
			case 2:
				m.version = int32(v)
			case 3:
				m.batchSize = int32(v)
			case 4:
				m.batchIndex = int32(v)
			case 5:
				m.batchID = int32(v)
			}
		default:
			n := protowire.ConsumeFieldValue(num, typ, b)
			if n < 0 {
				return migration{}, migrationErr("damaged payload")
			}
			b = b[n:]
		}
	}
	if m.batchSize < 0 || m.batchIndex < 0 || (m.batchSize > 0 && m.batchIndex >= m.batchSize) {
		return migration{}, migrationErr("part %d of %d makes no sense", int64(m.batchIndex)+1, m.batchSize)
	}
	if m.batchSize > maxBatchSize {
		return migration{}, migrationErr("batch of %d parts is more than %d", m.batchSize, maxBatchSize)
	}
	if len(m.accounts) == 0 {
		return migration{}, migrationErr("holds no accounts")
	}
	return m, nil
}

// maxBatchSize is far above what an app exports (10 accounts a code) but
// keeps a hostile payload from making a huge list of missing parts.
const maxBatchSize = 1000

// parseAccount reads one OtpParameters message. A malformed message is an
// error for the whole payload; an account Latchkey cannot use (MD5, an
// unknown type) is reported in account.err so the others still import.
func parseAccount(b []byte) (account, error) {
	var (
		secret                  []byte
		name, issuer            string
		alg, digits, typ, count uint64
	)
	for len(b) > 0 {
		num, wt, n := protowire.ConsumeTag(b)
		if n < 0 {
			return account{}, migrationErr("damaged account")
		}
		b = b[n:]
		switch num {
		case 1, 2, 3, 8:
			if wt != protowire.BytesType {
				return account{}, migrationErr("damaged account (field %d has the wrong type)", num)
			}
			v, n := protowire.ConsumeBytes(b)
			if n < 0 {
				return account{}, migrationErr("damaged account (cut short)")
			}
			b = b[n:]
			switch num {
			case 1:
				secret = append([]byte(nil), v...)
			case 2, 3:
				if !utf8.Valid(v) {
					return account{}, migrationErr("account name is not UTF-8")
				}
				if num == 2 {
					name = string(v)
				} else {
					issuer = string(v)
				}
			}
		case 4, 5, 6, 7:
			if wt != protowire.VarintType {
				return account{}, migrationErr("damaged account (field %d has the wrong type)", num)
			}
			v, n := protowire.ConsumeVarint(b)
			if n < 0 {
				return account{}, migrationErr("damaged account (cut short)")
			}
			b = b[n:]
			switch num {
			case 4:
				alg = v
			case 5:
				digits = v
			case 6:
				typ = v
			case 7:
				count = v
			}
		default:
			n := protowire.ConsumeFieldValue(num, wt, b)
			if n < 0 {
				return account{}, migrationErr("damaged account")
			}
			b = b[n:]
		}
	}

	k := otp.Key{Name: strings.TrimSpace(name), Issuer: strings.TrimSpace(issuer), Secret: secret, Period: otp.DefaultPeriod}
	// The app writes the name as "Issuer:Account", with the issuer field
	// set or (older exports) empty.
	if is, acct, ok := strings.Cut(k.Name, ":"); ok {
		switch strings.TrimSpace(is) {
		case k.Issuer:
			k.Name = strings.TrimSpace(acct)
		default:
			if k.Issuer == "" {
				k.Issuer, k.Name = strings.TrimSpace(is), strings.TrimSpace(acct)
			}
		}
	}
	fail := func(err error) (account, error) {
		return account{key: k, err: fmt.Errorf("Google Authenticator export: account %q: %w", k.Label(), err)}, nil
	}
	switch alg {
	case 0, 1:
		k.Algorithm = otp.SHA1
	case 2:
		k.Algorithm = otp.SHA256
	case 3:
		k.Algorithm = otp.SHA512
	case 4:
		return fail(ErrMD5)
	default:
		return fail(fmt.Errorf("unknown algorithm %d", alg))
	}
	switch digits {
	case 0, 1:
		k.Digits = 6
	case 2:
		k.Digits = 8
	default:
		return fail(fmt.Errorf("unknown digit count %d", digits))
	}
	switch typ {
	case 0, 2:
		k.Type = otp.TOTP
	case 1:
		k.Type = otp.HOTP
		k.Period = 0
		k.Counter = count
	default:
		return fail(fmt.Errorf("unknown kind of key %d", typ))
	}
	if err := k.Validate(); err != nil {
		return fail(err)
	}
	return account{key: k}, nil
}

// marshalMigration writes a payload in the field order Google's app uses.
func marshalMigration(m migration) []byte {
	var b []byte
	for _, a := range m.accounts {
		k := a.key
		var p []byte
		p = protowire.AppendTag(p, 1, protowire.BytesType)
		p = protowire.AppendBytes(p, k.Secret)
		p = protowire.AppendTag(p, 2, protowire.BytesType)
		p = protowire.AppendString(p, k.Name)
		if k.Issuer != "" {
			p = protowire.AppendTag(p, 3, protowire.BytesType)
			p = protowire.AppendString(p, k.Issuer)
		}
		p = protowire.AppendTag(p, 4, protowire.VarintType)
		p = protowire.AppendVarint(p, 1) // SHA1: the only one the app honours
		p = protowire.AppendTag(p, 5, protowire.VarintType)
		if k.Digits == 8 {
			p = protowire.AppendVarint(p, 2)
		} else {
			p = protowire.AppendVarint(p, 1)
		}
		p = protowire.AppendTag(p, 6, protowire.VarintType)
		if k.Type == otp.HOTP {
			p = protowire.AppendVarint(p, 1)
			p = protowire.AppendTag(p, 7, protowire.VarintType)
			p = protowire.AppendVarint(p, k.Counter)
		} else {
			p = protowire.AppendVarint(p, 2)
		}
		b = protowire.AppendTag(b, 1, protowire.BytesType)
		b = protowire.AppendBytes(b, p)
	}
	for _, f := range []struct {
		num protowire.Number
		v   int32
	}{{2, m.version}, {3, m.batchSize}, {4, m.batchIndex}, {5, m.batchID}} {
		b = protowire.AppendTag(b, f.num, protowire.VarintType)
		// Sign-extended, as protobuf writes int32: a negative batch id
		// takes ten bytes.
		b = protowire.AppendVarint(b, uint64(int64(f.v)))
	}
	return b
}

// migrationURI wraps a payload as Google's app writes it.
func migrationURI(m migration) string {
	return "otpauth-migration://offline?data=" + url.QueryEscape(base64.StdEncoding.EncodeToString(marshalMigration(m)))
}
