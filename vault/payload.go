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
	// EarlierKeys (version 2) are the data keys the vault had before its
	// last key changes, newest first, so its own automatic backups made
	// under them can still be told apart from another vault's, rotated,
	// re-encrypted or removed.
	EarlierKeys [][]byte `json:"earlier_keys,omitempty"`
}

// maxEarlierKeys caps the earlier data keys a vault remembers.
const maxEarlierKeys = 16

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

// encodePayload encodes the plaintext; earlier are the earlier data keys
// (nil for an exported backup, whose password must not open them).
func encodePayload(accounts []Account, s Settings, earlier [][]byte) ([]byte, error) {
	w := wirePayload{
		EarlierKeys: earlier,
		Accounts:    make([]wireAccount, len(accounts)),
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
// it means a bug or a forgery, and it is reported as corrupt. version is
// the file's: earlier keys exist from version 2 on.
func decodePayload(b []byte, version uint16) ([]Account, Settings, [][]byte, error) {
	accounts, s, earlier, err := decodePayloadFields(b)
	if err == nil && version < 2 && earlier != nil {
		err = corruptf("a version-%d payload with earlier keys", version)
	}
	if err != nil {
		return nil, Settings{}, nil, err
	}
	return accounts, s, earlier, nil
}

func decodePayloadFields(b []byte) ([]Account, Settings, [][]byte, error) {
	var w wirePayload
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	if err := d.Decode(&w); err != nil {
		return nil, Settings{}, nil, corruptf("payload does not decode")
	}
	if d.More() {
		return nil, Settings{}, nil, corruptf("payload has trailing data")
	}
	if len(w.Accounts) > MaxAccounts {
		return nil, Settings{}, nil, corruptf("more than %d accounts", MaxAccounts)
	}
	if len(w.EarlierKeys) > maxEarlierKeys {
		return nil, Settings{}, nil, corruptf("more than %d earlier keys", maxEarlierKeys)
	}
	for _, k := range w.EarlierKeys {
		if len(k) != keySize {
			return nil, Settings{}, nil, corruptf("an earlier key of %d bytes", len(k))
		}
	}
	s := Settings{
		AutoLock:       time.Duration(w.Settings.AutoLockMS) * time.Millisecond,
		ClipboardClear: time.Duration(w.Settings.ClipboardClearMS) * time.Millisecond,
		Sort:           w.Settings.Sort,
		BackupDir:      w.Settings.BackupDir,
		BackupKeep:     w.Settings.BackupKeep,
	}
	if err := s.validate(); err != nil {
		return nil, Settings{}, nil, corruptf("settings: %v", err)
	}
	accounts := make([]Account, 0, len(w.Accounts))
	ids := make(map[string]bool, len(w.Accounts))
	for i, wa := range w.Accounts {
		typ, ok := parseType(wa.Type)
		if !ok {
			return nil, Settings{}, nil, corruptf("account %d has unknown type", i)
		}
		alg, err := otp.ParseAlgorithm(wa.Algorithm)
		if err != nil {
			return nil, Settings{}, nil, corruptf("account %d has unknown algorithm", i)
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
			return nil, Settings{}, nil, corruptf("account %d: %v", i, err)
		}
		if ids[a.ID] {
			return nil, Settings{}, nil, corruptf("account %d repeats an id", i)
		}
		ids[a.ID] = true
		accounts = append(accounts, a)
	}
	return accounts, s, w.EarlierKeys, nil
}
