package interop

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"sort"
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

func readSteam(c *collector, data, _ []byte) error {
	var f struct {
		steamAccount
		Accounts map[string]json.RawMessage `json:"accounts"`
	}
	if err := json.Unmarshal(data, &f); err != nil {
		return fmt.Errorf("bad JSON: %w", err)
	}
	if f.SharedSecret != "" {
		readSteamAccount(c, 0, f.steamAccount)
	}
	ids := make([]string, 0, len(f.Accounts))
	for id := range f.Accounts {
		ids = append(ids, id)
	}
	sort.Strings(ids) // a map has no order; keep the result stable
	for i, id := range ids {
		if c.checkFull() {
			break
		}
		var a steamAccount
		if err := json.Unmarshal(f.Accounts[id], &a); err != nil {
			c.skipAt(i, "", "entry is not a Steam account")
			continue
		}
		readSteamAccount(c, i, a)
	}
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
