package interop

import (
	"encoding/json"
	"errors"
	"strings"

	"latchkey/otp"
)

// 2FAS backups (.2fas): JSON with schemaVersion, groups and services; an
// encrypted backup holds the services as "ciphertext:salt:iv" (base64 each)
// in servicesEncrypted, AES-256-GCM under PBKDF2-SHA256 with 10,000 rounds.

type twoFASService struct {
	Name    string `json:"name"`
	Secret  string `json:"secret"`
	GroupID string `json:"groupId"`
	OTP     struct {
		Link      string `json:"link"`
		Label     string `json:"label"`
		Account   string `json:"account"`
		Issuer    string `json:"issuer"`
		Digits    int    `json:"digits"`
		Period    uint32 `json:"period"`
		Algorithm string `json:"algorithm"`
		Counter   uint64 `json:"counter"`
		TokenType string `json:"tokenType"`
	} `json:"otp"`
}

const twoFASIterations = 10000

// readTwoFAS reads a 2FAS backup; data is valid JSON (Detect checked).
func readTwoFAS(c *collector, data, pw []byte) error {
	top, err := topMembers(data, "services", "servicesEncrypted", "groups")
	if err != nil {
		return err
	}
	services := top[0]
	if enc := top[1]; kindOf(trimJSON(enc)) == jsonString && string(trimJSON(enc)) != `""` {
		text, _ := jsonText(enc)
		plain, err := decryptTwoFAS(text, pw)
		if err != nil {
			return err
		}
		if !json.Valid(plain) {
			return errors.New("bad decrypted services: not JSON")
		}
		services = plain
	}
	groups := readNames(c, "groups", top[2], "id", "name")
	return eachEntry(c, services, "bad services: not a list", "entry is not a 2FAS service", func(i int, s twoFASService) {
		readTwoFASService(c, i, s, groups)
	})
}

func readTwoFASService(c *collector, i int, s twoFASService, groups map[string]string) {
	issuer := s.OTP.Issuer
	if strings.TrimSpace(issuer) == "" {
		issuer = s.Name
	}
	name := s.OTP.Account
	if name == "" {
		name = s.OTP.Label
	}
	lbl := label(issuer, name)
	k := otp.Key{Issuer: strings.TrimSpace(issuer), Name: strings.TrimSpace(name), Digits: s.OTP.Digits, Algorithm: otp.SHA1}
	var ok bool
	if k.Type, ok = parseType(s.OTP.TokenType); strings.TrimSpace(s.OTP.TokenType) == "" {
		k.Type, ok = otp.TOTP, true // older files leave TOTP unnamed
	}
	if !ok {
		c.skipAt(i, lbl, unsupportedType(s.OTP.TokenType))
		return
	}
	if k.Type == otp.Steam {
		k.Digits = otp.SteamDigits
	}
	var err error
	if k.Secret, err = otp.ParseSecret(s.Secret); err != nil {
		c.skipAt(i, lbl, err.Error())
		return
	}
	if s.OTP.Algorithm != "" {
		if k.Algorithm, err = parseAlgorithm(s.OTP.Algorithm); err != nil {
			c.skipAt(i, lbl, err.Error())
			return
		}
	}
	if k.Digits == 0 {
		k.Digits = 6
	}
	k.Period, k.Counter = s.OTP.Period, s.OTP.Counter
	if k.Type.TimeBased() && k.Period == 0 {
		k.Period = otp.DefaultPeriod
	}
	if !k.Type.TimeBased() {
		k.Period = 0
	}
	e := Entry{Key: k}
	if g, ok := groups[s.GroupID]; ok {
		e.Tags = []string{g}
	}
	c.add(e)
}

func decryptTwoFAS(enc string, pw []byte) ([]byte, error) {
	parts, err := base64Parts(enc, ":", "encrypted services")
	if err != nil {
		return nil, err
	}
	ct, salt, iv := parts[0], parts[1], parts[2]
	key, err := derivePBKDF2(pbkdfSHA256, pw, salt, twoFASIterations)
	if err != nil {
		return nil, err
	}
	return openGCM(key, iv, ct)
}
