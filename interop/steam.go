package interop

import (
	"encoding/base64"
	"errors"
	"strings"

	"latchkey/otp"
)

// Steam Guard secrets as Steam Desktop Authenticator (.maFile) and the Steam
// app's own data file hold them: shared_secret in base64 and account_name,
// either at the top level or in an "accounts" map.

type steamAccount struct {
	SharedSecret string `json:"shared_secret"`
	AccountName  string `json:"account_name"`
}

// readSteam reads a Steam Guard file; data is valid JSON (Detect checked).
// Accounts in an "accounts" map are read in the order the file lists them.
func readSteam(c *collector, data, _ []byte) error {
	m, err := topMembers(data, "shared_secret", "account_name", "accounts")
	if err != nil {
		return err
	}
	var top steamAccount
	for i, dst := range []*string{&top.SharedSecret, &top.AccountName} {
		if err := decodeIfPresent(m[i], dst); err != nil {
			return err
		}
	}
	if top.SharedSecret != "" {
		readSteamAccount(c, 0, top)
	}
	accounts := m[2]
	if k := kindOf(trimJSON(accounts)); accounts != nil && k != jsonObject && k != jsonNull {
		return errors.New("bad JSON: accounts are not a map")
	}
	var a steamAccount
	i := 0
	eachMember(accounts, func(_, raw []byte) bool {
		if c.checkFull() {
			return false
		}
		if err := decodeEntry(raw, &a); err != nil {
			c.skipAt(i, "", "entry is not a Steam account")
		} else {
			readSteamAccount(c, i, a)
		}
		i++
		return true
	})
	return nil
}

func readSteamAccount(c *collector, i int, a steamAccount) {
	lbl := label("Steam", a.AccountName)
	if base64.StdEncoding.DecodedLen(len(a.SharedSecret)) > otp.MaxSecretLen {
		c.skipAt(i, lbl, "secret is too long")
		return
	}
	secret, err := base64.StdEncoding.DecodeString(strings.TrimSpace(a.SharedSecret))
	if err != nil || len(secret) == 0 {
		c.skipAt(i, lbl, "shared_secret is not base64")
		return
	}
	c.add(Entry{Key: otp.Key{Type: otp.Steam, Issuer: "Steam", Name: strings.TrimSpace(a.AccountName),
		Secret: secret, Algorithm: otp.SHA1, Digits: otp.SteamDigits, Period: otp.DefaultPeriod}})
}
