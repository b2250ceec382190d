package interop

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"

	"latchkey/otp"
)

// Stratum (formerly Authenticator Pro) backups, doc/BACKUP_FORMAT.md of the
// project: plain JSON {Authenticators, Categories, AuthenticatorCategories,
// CustomIcons}; encrypted "AUTHENTICATORPRO" | salt (16) | nonce (12) |
// AES-256-GCM under Argon2id (t=3, m=64 MiB, p=4); the legacy encrypted
// "AuthenticatorPro" | salt (20) | IV (16) | AES-256-CBC under
// PBKDF2-HMAC-SHA1 with 64,000 rounds.

type stratumAuth struct {
	Type      int     `json:"Type"`
	Icon      *string `json:"Icon"`
	Issuer    string  `json:"Issuer"`
	Username  *string `json:"Username"`
	Secret    string  `json:"Secret"`
	Algorithm int     `json:"Algorithm"`
	Digits    int     `json:"Digits"`
	Period    uint32  `json:"Period"`
	Counter   uint64  `json:"Counter"`
}

// customIconPrefix marks an Icon field that names one of CustomIcons.
const customIconPrefix = "@"

// readStratum reads a plain backup; data is valid JSON (Detect, or the
// decryption, checked).
func readStratum(c *collector, data, _ []byte) error {
	top, err := topMembers(data, "Authenticators", "Categories", "AuthenticatorCategories", "CustomIcons")
	if err != nil {
		return err
	}
	auths := top[0]
	categories := readNames(c, "categories", top[1], "Id", "Name")
	tags := map[string][]string{} // by secret, as the file links them
	readSideTable(c, "category links", top[2], func(link []byte) {
		m := lookup(link, keyIs, "CategoryId", "AuthenticatorSecret")
		id, _ := jsonText(m[0])
		if name, ok := categories[id]; ok {
			secret, _ := jsonText(m[1])
			if len(tags[secret]) < maxTags {
				tags[secret] = append(tags[secret], name)
			}
		}
	})
	icons := map[string]string{}
	readSideTable(c, "custom icons", top[3], func(icon []byte) {
		m := lookup(icon, keyIs, "Id", "Data")
		id, _ := jsonText(m[0])
		// Base64 of an icon within MaxIconSize, with room for escapes;
		// a larger one would be dropped anyway.
		if d := m[1]; kindOf(trimJSON(d)) == jsonString && len(d) <= 2*MaxIconSize {
			icons[id], _ = jsonText(d)
		}
	})
	return eachEntry(c, auths, "bad JSON: Authenticators are not a list", "entry is not an authenticator", func(i int, a stratumAuth) {
		readStratumAuth(c, i, a, tags, icons)
	})
}

func readStratumAuth(c *collector, i int, a stratumAuth, tags map[string][]string, icons map[string]string) {
	lbl := label(a.Issuer, deref(a.Username))
	k := otp.Key{Issuer: strings.TrimSpace(a.Issuer), Name: strings.TrimSpace(deref(a.Username)), Digits: a.Digits}
	switch a.Type {
	case 1:
		k.Type, k.Counter = otp.HOTP, a.Counter
	case 2:
		k.Type, k.Period = otp.TOTP, a.Period
	case 4:
		k.Type, k.Period = otp.Steam, a.Period
	case 3:
		c.skipAt(i, lbl, "mOTP codes are not supported")
		return
	case 5:
		c.skipAt(i, lbl, "Yandex codes are not supported")
		return
	default:
		c.skipAt(i, lbl, fmt.Sprintf("type %d is not supported", a.Type))
		return
	}
	switch a.Algorithm {
	case 0:
		k.Algorithm = otp.SHA1
	case 1:
		k.Algorithm = otp.SHA256
	case 2:
		k.Algorithm = otp.SHA512
	default:
		c.skipAt(i, lbl, fmt.Sprintf("algorithm %d is not supported", a.Algorithm))
		return
	}
	var err error
	if k.Secret, err = otp.ParseSecret(a.Secret); err != nil {
		c.skipAt(i, lbl, err.Error())
		return
	}
	e := Entry{Key: k, Tags: tags[a.Secret]}
	if a.Icon != nil && strings.HasPrefix(*a.Icon, customIconPrefix) {
		e.Icon = decodeIcon(icons[strings.TrimPrefix(*a.Icon, customIconPrefix)])
	}
	c.add(e)
}

// Stratum's fixed Argon2id parameters.
const (
	stratumArgonTime    = 3
	stratumArgonMemory  = 64 << 10 // KiB
	stratumArgonThreads = 4
)

func readStratumEncrypted(c *collector, data, pw []byte) error {
	const saltLen, nonceLen = 16, 12
	body := data[len(stratumHeader):]
	if len(body) < saltLen+nonceLen+16 {
		return errors.New("file shorter than its header")
	}
	salt, nonce, ct := body[:saltLen], body[saltLen:saltLen+nonceLen], body[saltLen+nonceLen:]
	key := argon2.IDKey(pw, salt, stratumArgonTime, stratumArgonMemory, stratumArgonThreads, 32)
	plain, err := openGCM(key, nonce, ct)
	if err != nil {
		return err
	}
	return readStratumDecrypted(c, plain)
}

func readStratumLegacy(c *collector, data, pw []byte) error {
	const saltLen, ivLen, iterations = 20, 16, 64000
	body := data[len(stratumLegacyHeader):]
	if len(body) < saltLen+ivLen+16 {
		return errors.New("file shorter than its header")
	}
	salt, iv, ct := body[:saltLen], body[saltLen:saltLen+ivLen], body[saltLen+ivLen:]
	key, err := derivePBKDF2(pbkdfSHA1, pw, salt, iterations)
	if err != nil {
		return err
	}
	plain, err := openCBC(key, iv, ct)
	if err != nil {
		return err
	}
	return readStratumDecrypted(c, plain)
}

// readStratumDecrypted reads decrypted JSON. CBC has no authentication, so
// a wrong password shows as garbage, and is reported as such.
func readStratumDecrypted(c *collector, plain []byte) error {
	if !json.Valid(plain) {
		return ErrWrongPassword
	}
	return readStratum(c, plain, nil)
}
