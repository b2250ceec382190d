package interop

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"strings"

	"latchkey/otp"
)

// andOTP backups: a JSON array of entries. The encrypted backup (.json.aes)
// is iterations (4 bytes, big-endian) | salt (12) | nonce (12) | AES-256-GCM
// ciphertext and tag, under PBKDF2-HMAC-SHA1. The older format is nonce |
// ciphertext | tag under SHA-256 of the password; a file cannot say which it
// is, so the new layout is tried first.

type andOTPEntry struct {
	Secret    string   `json:"secret"`
	Issuer    *string  `json:"issuer"`
	Label     string   `json:"label"`
	Digits    int      `json:"digits"`
	Type      string   `json:"type"`
	Algorithm string   `json:"algorithm"`
	Period    uint32   `json:"period"`
	Counter   uint64   `json:"counter"`
	Tags      textList `json:"tags"`
}

// readAndOTP reads a list of entries; data is valid JSON (Detect checked).
func readAndOTP(c *collector, data, _ []byte) error {
	if kindOf(trimJSON(data)) != jsonArray {
		return errors.New("bad JSON: not a list of entries")
	}
	return eachEntry(c, data, "bad JSON: not a list of entries", "entry is not an andOTP entry", func(i int, e andOTPEntry) {
		readAndOTPEntry(c, i, e)
	})
}

func readAndOTPEntry(c *collector, i int, e andOTPEntry) {
	var issuer, name string
	if e.Issuer != nil {
		issuer, name = *e.Issuer, e.Label
	} else if is, n, ok := strings.Cut(e.Label, " - "); ok {
		// Before andOTP had an issuer field, labels read "Issuer - name".
		issuer, name = is, n
	} else {
		name = e.Label
	}
	lbl := label(issuer, name)
	k := otp.Key{Issuer: strings.TrimSpace(issuer), Name: strings.TrimSpace(name), Digits: e.Digits}
	var ok bool
	if k.Type, ok = parseType(e.Type); !ok {
		c.skipAt(i, lbl, unsupportedType(e.Type))
		return
	}
	var err error
	if k.Secret, err = otp.ParseSecret(e.Secret); err != nil {
		c.skipAt(i, lbl, err.Error())
		return
	}
	if k.Algorithm, err = parseAlgorithm(e.Algorithm); err != nil {
		c.skipAt(i, lbl, err.Error())
		return
	}
	if k.Type.TimeBased() {
		k.Period = e.Period
		if k.Period == 0 {
			k.Period = otp.DefaultPeriod
		}
	} else {
		k.Counter = e.Counter
	}
	c.add(Entry{Key: k, Tags: e.Tags})
}

func readAndOTPEncrypted(c *collector, data, pw []byte) error {
	plain, err := decryptAndOTP(data, pw)
	if err != nil {
		return err
	}
	if !json.Valid(plain) {
		return errors.New("decrypted backup is not JSON")
	}
	return readAndOTP(c, plain, nil)
}

func decryptAndOTP(data, pw []byte) ([]byte, error) {
	iter := binary.BigEndian.Uint32(data)
	if iter >= 1 && iter <= maxPBKDF2Iter {
		salt, rest := data[4:16], data[16:]
		key, err := derivePBKDF2(pbkdfSHA1, pw, salt, int(iter))
		if err != nil {
			return nil, err
		}
		plain, err := openGCM(key, rest[:12], rest[12:])
		if !errors.Is(err, ErrWrongPassword) {
			return plain, err
		}
	}
	old := sha256.Sum256(pw)
	return openGCM(old[:], data[:12], data[12:])
}
