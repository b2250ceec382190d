package vault

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"

	"latchkey/otp"
)

// The sealed payload is JSON with explicit field names, so renaming a Go
// field never changes the format. Secrets are base64 ([]byte).

type wirePayload struct {
	Accounts []wireAccount `json:"accounts"`
	Settings wireSettings  `json:"settings"`
}

type wireAccount struct {
	ID          string     `json:"id"`
	Type        string     `json:"type"`
	Issuer      string     `json:"issuer,omitempty"`
	Name        string     `json:"name,omitempty"`
	Secret      []byte     `json:"secret"`
	Algorithm   string     `json:"algorithm"`
	Digits      int        `json:"digits"`
	Period      uint32     `json:"period,omitempty"`
	Counter     uint64     `json:"counter,omitempty"`
	Tags        []string   `json:"tags,omitempty"`
	Pinned      bool       `json:"pinned,omitempty"`
	Note        string     `json:"note,omitempty"`
	Icon        []byte     `json:"icon,omitempty"`
	BackupCodes []wireCode `json:"backup_codes,omitempty"`
	Created     time.Time  `json:"created"`
	Modified    time.Time  `json:"modified"`
	LastUsed    *time.Time `json:"last_used,omitempty"`
}

type wireCode struct {
	Code   string     `json:"code"`
	Used   bool       `json:"used,omitempty"`
	UsedAt *time.Time `json:"used_at,omitempty"`
}

type wireSettings struct {
	AutoLockMS       int64  `json:"auto_lock_ms"`
	ClipboardClearMS int64  `json:"clipboard_clear_ms"`
	Sort             string `json:"sort"`
	BackupDir        string `json:"backup_dir,omitempty"`
	BackupKeep       int    `json:"backup_keep"`
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func timeOf(p *time.Time) time.Time {
	if p == nil {
		return time.Time{}
	}
	return *p
}

func encodePayload(accounts []Account, s Settings) ([]byte, error) {
	w := wirePayload{
		Accounts: make([]wireAccount, len(accounts)),
		Settings: wireSettings{
			AutoLockMS:       s.AutoLock.Milliseconds(),
			ClipboardClearMS: s.ClipboardClear.Milliseconds(),
			Sort:             s.Sort,
			BackupDir:        s.BackupDir,
			BackupKeep:       s.BackupKeep,
		},
	}
	for i, a := range accounts {
		k := a.Key
		wa := wireAccount{
			ID: a.ID, Type: k.Type.String(), Issuer: k.Issuer, Name: k.Name, Secret: k.Secret,
			Algorithm: k.Algorithm.String(), Digits: k.Digits, Period: k.Period, Counter: k.Counter,
			Tags: a.Tags, Pinned: a.Pinned, Note: a.Note, Icon: a.Icon,
			Created: a.Created, Modified: a.Modified, LastUsed: timePtr(a.LastUsed),
		}
		for _, c := range a.BackupCodes {
			wa.BackupCodes = append(wa.BackupCodes, wireCode{Code: c.Code, Used: c.Used, UsedAt: timePtr(c.UsedAt)})
		}
		w.Accounts[i] = wa
	}
	b, err := json.Marshal(w)
	if err != nil {
		return nil, fmt.Errorf("vault: encoding accounts: %w", err)
	}
	return b, nil
}

func parseType(s string) (otp.Type, bool) {
	for _, t := range []otp.Type{otp.TOTP, otp.HOTP, otp.Steam} {
		if t.String() == s {
			return t, true
		}
	}
	return 0, false
}

// decodePayload is strict: the payload is authenticated, so anything odd in
// it means a bug or a forgery, and it is reported as corrupt.
func decodePayload(b []byte) ([]Account, Settings, error) {
	var w wirePayload
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	if err := d.Decode(&w); err != nil {
		return nil, Settings{}, corruptf("payload does not decode")
	}
	if d.More() {
		return nil, Settings{}, corruptf("payload has trailing data")
	}
	if len(w.Accounts) > MaxAccounts {
		return nil, Settings{}, corruptf("more than %d accounts", MaxAccounts)
	}
	s := Settings{
		AutoLock:       time.Duration(w.Settings.AutoLockMS) * time.Millisecond,
		ClipboardClear: time.Duration(w.Settings.ClipboardClearMS) * time.Millisecond,
		Sort:           w.Settings.Sort,
		BackupDir:      w.Settings.BackupDir,
		BackupKeep:     w.Settings.BackupKeep,
	}
	if err := s.validate(); err != nil {
		return nil, Settings{}, corruptf("settings: %v", err)
	}
	accounts := make([]Account, 0, len(w.Accounts))
	ids := make(map[string]bool, len(w.Accounts))
	for i, wa := range w.Accounts {
		typ, ok := parseType(wa.Type)
		if !ok {
			return nil, Settings{}, corruptf("account %d has unknown type", i)
		}
		alg, err := otp.ParseAlgorithm(wa.Algorithm)
		if err != nil {
			return nil, Settings{}, corruptf("account %d has unknown algorithm", i)
		}
		a := Account{
			ID: wa.ID,
			Key: otp.Key{Type: typ, Issuer: wa.Issuer, Name: wa.Name, Secret: wa.Secret,
				Algorithm: alg, Digits: wa.Digits, Period: wa.Period, Counter: wa.Counter},
			Tags: wa.Tags, Pinned: wa.Pinned, Note: wa.Note, Icon: wa.Icon,
			Created: wa.Created, Modified: wa.Modified, LastUsed: timeOf(wa.LastUsed),
		}
		for _, c := range wa.BackupCodes {
			a.BackupCodes = append(a.BackupCodes, ServiceCode{Code: c.Code, Used: c.Used, UsedAt: timeOf(c.UsedAt)})
		}
		if err := a.validate(); err != nil {
			return nil, Settings{}, corruptf("account %d: %v", i, err)
		}
		if ids[a.ID] {
			return nil, Settings{}, corruptf("account %d repeats an id", i)
		}
		ids[a.ID] = true
		accounts = append(accounts, a)
	}
	return accounts, s, nil
}
