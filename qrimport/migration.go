package qrimport

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"slices"
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
		f, rest, bad := consumeField(b, payloadFields)
		switch {
		case bad == fieldWrongType && f.num == 1:
			return migration{}, migrationErr("damaged payload (account field has the wrong type)")
		case bad == fieldWrongType:
			return migration{}, migrationErr("damaged payload (batch field has the wrong type)")
		case bad == fieldCutShort && f.num == 1:
			return migration{}, migrationErr("damaged payload (account cut short)")
		case bad != fieldOK:
			return migration{}, migrationErr("damaged payload")
		}
		b = rest
		// int32 fields: protobuf sign-extends negatives to 10 bytes and
		// readers truncate to 32 bits.
		switch f.num {
		case 1:
			a, err := parseAccount(f.bytes)
			if err != nil {
				return migration{}, err
			}
			m.accounts = append(m.accounts, a)
		case 2:
			m.version = int32(f.varint)
		case 3:
			m.batchSize = int32(f.varint)
		case 4:
			m.batchIndex = int32(f.varint)
		case 5:
			m.batchID = int32(f.varint)
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
		f, rest, bad := consumeField(b, accountFields)
		switch bad {
		case fieldDamaged:
			return account{}, migrationErr("damaged account")
		case fieldWrongType:
			return account{}, migrationErr("damaged account (field %d has the wrong type)", f.num)
		case fieldCutShort:
			return account{}, migrationErr("damaged account (cut short)")
		}
		b = rest
		switch f.num {
		case 1:
			secret = append([]byte(nil), f.bytes...)
		case 2, 3:
			if !utf8.Valid(f.bytes) {
				return account{}, migrationErr("account name is not UTF-8")
			}
			if f.num == 2 {
				name = string(f.bytes)
			} else {
				issuer = string(f.bytes)
			}
		case 4:
			alg = f.varint
		case 5:
			digits = f.varint
		case 6:
			typ = f.varint
		case 7:
			count = f.varint
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

// fieldTypes lists the fields a message reader decodes, by wire type.
type fieldTypes struct{ bytes, varints []protowire.Number }

var (
	payloadFields = fieldTypes{bytes: []protowire.Number{1}, varints: []protowire.Number{2, 3, 4, 5}}
	accountFields = fieldTypes{bytes: []protowire.Number{1, 2, 3, 8}, varints: []protowire.Number{4, 5, 6, 7}}
)

// protoField is one field read off the front of a message.
type protoField struct {
	num    protowire.Number
	bytes  []byte // a length-delimited field's value
	varint uint64 // a varint field's value
}

// fieldProblem says why consumeField could not read a field.
type fieldProblem int

const (
	fieldOK        fieldProblem = iota
	fieldDamaged                // a malformed tag, or a malformed field the reader skips
	fieldWrongType              // a field the reader decodes has another wire type
	fieldCutShort               // a field the reader decodes is cut short
)

// consumeField reads the field at the front of b strictly, for both of
// the export's messages: a field in want must have its wire type and be
// whole; any other must be well formed and is skipped, as protobuf
// readers do (its value stays zero). rest is what follows the field.
func consumeField(b []byte, want fieldTypes) (f protoField, rest []byte, bad fieldProblem) {
	num, typ, n := protowire.ConsumeTag(b)
	if n < 0 {
		return protoField{}, nil, fieldDamaged
	}
	b = b[n:]
	f.num = num
	isBytes, isVarint := slices.Contains(want.bytes, num), slices.Contains(want.varints, num)
	switch {
	case !isBytes && !isVarint:
		if n = protowire.ConsumeFieldValue(num, typ, b); n < 0 {
			return f, nil, fieldDamaged
		}
		return f, b[n:], fieldOK
	case isBytes && typ == protowire.BytesType:
		f.bytes, n = protowire.ConsumeBytes(b)
	case isVarint && typ == protowire.VarintType:
		f.varint, n = protowire.ConsumeVarint(b)
	default:
		return f, nil, fieldWrongType
	}
	if n < 0 {
		return f, nil, fieldCutShort
	}
	return f, b[n:], fieldOK
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
