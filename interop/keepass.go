package interop

import (
	"net/url"
	"strconv"
	"strings"

	"latchkey/otp"
)

// KeePassXC's CSV export: "Group","Title","Username","Password","URL",
// "Notes","TOTP",... where TOTP holds an otpauth:// URI (or, for entries
// made by KeeOTP, "key=...&step=...&size=..."). The group path becomes a tag.

func readKeePassXC(c *collector, data, _ []byte) error {
	return readCSV(c, data, []string{"title", "totp"}, func(i int, rec func(string) string) {
		totp := rec("totp")
		if strings.TrimSpace(totp) == "" {
			return
		}
		e := Entry{Note: rec("notes")}
		if g := keePassGroup(rec("group")); g != "" {
			e.Tags = []string{g}
		}
		readTOTPField(c, i, totp, rec("title"), rec("username"), e)
	})
}

// keePassGroup drops the root group, which every path starts with.
func keePassGroup(path string) string {
	_, rest, ok := strings.Cut(strings.TrimSpace(path), "/")
	if !ok {
		return ""
	}
	return rest
}

// parseKeeOTPSettings reads the KeeOTP form "key=BASE32&step=30&size=6&
// otpHashMode=Sha256" (and KeePassXC's spellings period, digits, algorithm).
func parseKeeOTPSettings(s string) (otp.Key, error) {
	k := otp.Key{Type: otp.TOTP, Algorithm: otp.SHA1, Digits: 6, Period: otp.DefaultPeriod}
	var secret string
	for _, part := range strings.Split(s, "&") {
		name, value, _ := strings.Cut(part, "=")
		switch strings.ToLower(strings.TrimSpace(name)) {
		case "key", "seed":
			v, err := url.QueryUnescape(value)
			if err != nil {
				return otp.Key{}, &otp.ParseError{Part: "secret", Msg: "bad percent-encoding"}
			}
			secret = v
		case "step", "period":
			p, err := strconv.ParseUint(value, 10, 32)
			if err != nil {
				return otp.Key{}, &otp.ParseError{Part: "period", Msg: "not a number of seconds"}
			}
			k.Period = uint32(p)
		case "size", "digits":
			if strings.EqualFold(value, "S") {
				k.Type, k.Digits = otp.Steam, otp.SteamDigits
				continue
			}
			d, err := strconv.Atoi(value)
			if err != nil {
				return otp.Key{}, &otp.ParseError{Part: "digits", Msg: "not a number"}
			}
			k.Digits = d
		case "otphashmode", "algorithm":
			a, err := parseAlgorithm(value)
			if err != nil {
				return otp.Key{}, err
			}
			k.Algorithm = a
		}
	}
	var err error
	if k.Secret, err = otp.ParseSecret(secret); err != nil {
		return otp.Key{}, err
	}
	return k, nil
}
