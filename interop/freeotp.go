package interop

import (
	"fmt"
	"strings"

	"latchkey/otp"
)

// FreeOTP+ JSON export: {"tokenOrder": [...], "tokens": [...]}, each token's
// secret a list of signed bytes (Java's byte[]). Counters are stored as the
// next value to use, which is what otp.Key.Counter holds too.

type freeOTPToken struct {
	Algo      string  `json:"algo"`
	Counter   uint64  `json:"counter"`
	Digits    int     `json:"digits"`
	IssuerExt string  `json:"issuerExt"`
	IssuerInt string  `json:"issuerInt"`
	Label     string  `json:"label"`
	Period    uint32  `json:"period"`
	Secret    []int16 `json:"secret"`
	Type      string  `json:"type"`
}

// readFreeOTPPlus reads a FreeOTP+ backup; data is valid JSON (Detect
// checked).
func readFreeOTPPlus(c *collector, data, _ []byte) error {
	tokens := member(data, "tokens")
	return eachEntry(c, tokens, "bad JSON: tokens are not a list", "entry is not a FreeOTP+ token", func(i int, t freeOTPToken) {
		readFreeOTPToken(c, i, t)
	})
}

func readFreeOTPToken(c *collector, i int, t freeOTPToken) {
	issuer := t.IssuerExt
	if issuer == "" {
		issuer = t.IssuerInt
	}
	lbl := label(issuer, t.Label)
	k := otp.Key{Issuer: strings.TrimSpace(issuer), Name: strings.TrimSpace(t.Label), Digits: t.Digits, Algorithm: otp.SHA1}
	switch strings.ToUpper(t.Type) {
	case "TOTP":
		k.Type, k.Period = otp.TOTP, t.Period
	case "HOTP":
		k.Type, k.Counter = otp.HOTP, t.Counter
	case "STEAM":
		k.Type, k.Period, k.Digits = otp.Steam, t.Period, otp.SteamDigits
	default:
		c.skipAt(i, lbl, unsupportedType(t.Type))
		return
	}
	if k.Type.TimeBased() && k.Period == 0 {
		k.Period = otp.DefaultPeriod
	}
	if t.Algo != "" {
		a, err := parseAlgorithm(t.Algo)
		if err != nil {
			c.skipAt(i, lbl, err.Error())
			return
		}
		k.Algorithm = a
	}
	if len(t.Secret) > otp.MaxSecretLen {
		c.skipAt(i, lbl, fmt.Sprintf("secret longer than %d bytes", otp.MaxSecretLen))
		return
	}
	bad := false
	for _, b := range t.Secret {
		if b < -128 || b > 255 {
			bad = true
			break
		}
		k.Secret = append(k.Secret, byte(b))
	}
	if bad {
		c.skipAt(i, lbl, "secret holds a value that is not a byte")
		return
	}
	c.add(Entry{Key: k})
}
