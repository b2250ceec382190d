package vault

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"latchkey/otp"
)

// The sealed payload is JSON with explicit field names, so renaming a Go
// field never changes the format. Secrets are base64 ([]byte).

type wirePayload struct {
	Accounts []wireAccount `json:"accounts"`
	Settings wireSettings  `json:"settings"`
	// EarlierKeys (version 2 only) are the data keys the vault had before
	// its last key changes, newest first. Version 3 keeps them, with when
	// each was made, in Keys.
	EarlierKeys [][]byte `json:"earlier_keys,omitempty"`
	// Version 3: removed accounts (tombstones), the manual order and the
	// key lineage.
	Removed []wireAccount `json:"removed,omitempty"`
	Order   *wireOrder    `json:"order,omitempty"`
	Keys    *wireKeys     `json:"keys,omitempty"`
}

// maxEarlierKeys caps the earlier data keys a vault remembers.
const maxEarlierKeys = 16

// Caps on the bookkeeping of version 3, checked on read; a save drops the
// oldest beyond them.
const (
	maxRemoved   = MaxAccounts
	maxOrder     = 2 * MaxAccounts
	maxUsedCodes = 1024
)

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
	// Version 3.
	Clocks  *fieldStamps `json:"clocks,omitempty"`
	Added   *Stamp       `json:"added,omitempty"`
	Deleted *Stamp       `json:"deleted,omitempty"`
	Spent   []wireCode   `json:"spent_codes,omitempty"` // used codes no longer listed
}

type wireCode struct {
	Code   string     `json:"code"`
	Used   bool       `json:"used,omitempty"`
	UsedAt *time.Time `json:"used_at,omitempty"`
}

type wireSettings struct {
	AutoLockMS       int64          `json:"auto_lock_ms"`
	ClipboardClearMS int64          `json:"clipboard_clear_ms"`
	Sort             string         `json:"sort"`
	BackupDir        string         `json:"backup_dir,omitempty"`
	BackupKeep       int            `json:"backup_keep"`
	Clocks           *settingStamps `json:"clocks,omitempty"` // version 3
}

type wireOrder struct {
	IDs []string `json:"ids"`
	At  Stamp    `json:"at"`
}

type wireKeys struct {
	Made      Stamp          `json:"made"`
	Password  Stamp          `json:"password"`
	Codes     Stamp          `json:"codes"`
	Earlier   []wireEarlier  `json:"earlier,omitempty"`
	UsedCodes []wireUsedCode `json:"used_codes,omitempty"`
}

type wireEarlier struct {
	Key  []byte `json:"key"`
	Made Stamp  `json:"made"`
}

type wireUsedCode struct {
	Slot []byte `json:"slot"` // the used code's slot's salt
	At   Stamp  `json:"at"`
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

// encodeReplica encodes the plaintext of a version-3 file. Without
// earlier, the earlier keys stay out (an exported backup: its password
// must not open the vault's older backups); without removed, the
// tombstones do too (an export carries the accounts shown, no more).
func encodeReplica(r *replica, earlier, removed bool) ([]byte, error) {
	s := r.settings
	setAt := r.setAt
	w := wirePayload{
		Settings: wireSettings{
			AutoLockMS:       s.AutoLock.Milliseconds(),
			ClipboardClearMS: s.ClipboardClear.Milliseconds(),
			Sort:             s.Sort,
			BackupDir:        s.BackupDir,
			BackupKeep:       s.BackupKeep,
			Clocks:           &setAt,
		},
		Order: &wireOrder{IDs: r.order, At: r.orderAt},
		Keys:  &wireKeys{Made: r.keyMade, Password: r.pwAt, Codes: r.codesAt},
	}
	if w.Order.IDs == nil {
		w.Order.IDs = []string{}
	}
	vis := r.visible()
	w.Accounts = make([]wireAccount, len(vis))
	for i, rec := range vis {
		w.Accounts[i] = wireRecord(rec)
	}
	if removed {
		var dead []*record
		for _, rec := range r.recs {
			if !rec.alive() {
				dead = append(dead, rec)
			}
		}
		slices.SortFunc(dead, func(a, b *record) int { return a.deleted.Compare(b.deleted) })
		if len(dead) > maxRemoved {
			dead = dead[len(dead)-maxRemoved:] // the oldest go first
		}
		slices.SortFunc(dead, func(a, b *record) int { return bytes.Compare([]byte(a.a.ID), []byte(b.a.ID)) })
		for _, rec := range dead {
			w.Removed = append(w.Removed, wireRecord(rec))
		}
	} else {
		w.Order.IDs = slices.DeleteFunc(slices.Clone(w.Order.IDs), func(id string) bool {
			rec, ok := r.recs[id]
			return !ok || !rec.alive()
		})
	}
	if earlier {
		for _, e := range r.earlier {
			w.Keys.Earlier = append(w.Keys.Earlier, wireEarlier{Key: e.key, Made: e.made})
		}
		for salt, at := range r.usedCodes {
			w.Keys.UsedCodes = append(w.Keys.UsedCodes, wireUsedCode{Slot: slices.Clone(salt[:]), At: at})
		}
		slices.SortFunc(w.Keys.UsedCodes, func(a, b wireUsedCode) int {
			if c := b.At.Compare(a.At); c != 0 {
				return c
			}
			return bytes.Compare(a.Slot, b.Slot)
		})
		w.Keys.UsedCodes = w.Keys.UsedCodes[:min(len(w.Keys.UsedCodes), maxUsedCodes)]
	}
	if len(w.Order.IDs) > maxOrder {
		w.Order.IDs = w.Order.IDs[:maxOrder]
	}
	b, err := json.Marshal(w)
	if err != nil {
		return nil, fmt.Errorf("vault: encoding accounts: %w", err)
	}
	return b, nil
}

func wireRecord(rec *record) wireAccount {
	a, k := rec.a, rec.a.Key
	t, added := rec.t, rec.added
	wa := wireAccount{
		ID: a.ID, Type: k.Type.String(), Issuer: k.Issuer, Name: k.Name, Secret: k.Secret,
		Algorithm: k.Algorithm.String(), Digits: k.Digits, Period: k.Period, Counter: k.Counter,
		Tags: a.Tags, Pinned: a.Pinned, Note: a.Note, Icon: a.Icon,
		Created: a.Created, Modified: a.Modified, LastUsed: timePtr(a.LastUsed),
		Clocks: &t, Added: &added,
	}
	if !rec.deleted.IsZero() {
		d := rec.deleted
		wa.Deleted = &d
	}
	listed := map[string]bool{}
	for _, c := range a.BackupCodes {
		listed[c.Code] = true
		wa.BackupCodes = append(wa.BackupCodes, wireCode{Code: c.Code, Used: c.Used, UsedAt: timePtr(c.UsedAt)})
	}
	for _, c := range sortedKeys(rec.spent) {
		if !listed[c] {
			wa.Spent = append(wa.Spent, wireCode{Code: c, Used: true, UsedAt: timePtr(rec.spent[c])})
		}
	}
	return wa
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// encodePayload encodes accounts and settings as a version-3 payload whose
// stamps come from the accounts' modification times, as an upgraded file's
// do; earlier are earlier data keys (for tests that build files by hand).
func encodePayload(accounts []Account, s Settings, earlier [][]byte) ([]byte, error) {
	r := upgradeReplica(accounts, s, earlier, nil)
	return encodeReplica(r, true, true)
}

func parseType(s string) (otp.Type, bool) {
	for _, t := range []otp.Type{otp.TOTP, otp.HOTP, otp.Steam} {
		if t.String() == s {
			return t, true
		}
	}
	return 0, false
}

// decodePayload is decodeReplica for callers that want the accounts shown,
// the settings and the earlier keys.
func decodePayload(b []byte, version uint16) ([]Account, Settings, [][]byte, error) {
	r, err := decodeReplica(b, version, nil)
	if err != nil {
		return nil, Settings{}, nil, err
	}
	earlier := make([][]byte, 0, len(r.earlier))
	for _, e := range r.earlier {
		earlier = append(earlier, e.key)
	}
	if len(earlier) == 0 {
		earlier = nil
	}
	return r.accounts(), r.settings, earlier, nil
}

// decodeReplica is strict: the payload is authenticated, so anything odd in
// it means a bug or a forgery, and it is reported as corrupt. version is
// the file's: earlier keys exist from version 2 on, stamps, tombstones and
// the key lineage from version 3; a file of an earlier version is read as
// its upgrade (upgradeReplica). key is the data key that opened it (nil
// when only the accounts are wanted).
func decodeReplica(b []byte, version uint16, key []byte) (*replica, error) {
	var w wirePayload
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	if err := d.Decode(&w); err != nil {
		return nil, corruptf("payload does not decode")
	}
	if d.More() {
		return nil, corruptf("payload has trailing data")
	}
	if len(w.Accounts) > MaxAccounts {
		return nil, corruptf("more than %d accounts", MaxAccounts)
	}
	v3 := w.Order != nil || w.Keys != nil || w.Removed != nil || w.Settings.Clocks != nil
	switch {
	case version < 2 && w.EarlierKeys != nil:
		return nil, corruptf("a version-%d payload with earlier keys", version)
	case version < 3 && v3:
		return nil, corruptf("a version-%d payload with clock stamps", version)
	case version >= 3 && (w.EarlierKeys != nil || w.Order == nil || w.Keys == nil || w.Settings.Clocks == nil):
		return nil, corruptf("a version-%d payload without its stamps", version)
	}
	if len(w.EarlierKeys) > maxEarlierKeys {
		return nil, corruptf("more than %d earlier keys", maxEarlierKeys)
	}
	for _, k := range w.EarlierKeys {
		if len(k) != keySize {
			return nil, corruptf("an earlier key of %d bytes", len(k))
		}
	}
	s := Settings{
		AutoLock:       time.Duration(w.Settings.AutoLockMS) * time.Millisecond,
		ClipboardClear: time.Duration(w.Settings.ClipboardClearMS) * time.Millisecond,
		Sort:           w.Settings.Sort,
		BackupDir:      w.Settings.BackupDir,
		BackupKeep:     w.Settings.BackupKeep,
	}
	// backup_dir is a folder of whichever computer wrote it, perhaps of
	// another system ("C:\\..." is no absolute path on Linux, nor
	// "/media/..." on Windows): only its length is checked (backupdir.go).
	rest := s
	rest.BackupDir = ""
	if err := rest.validate(); err != nil {
		return nil, corruptf("settings: %v", err)
	}
	if len(s.BackupDir) > MaxTextLen {
		return nil, corruptf("settings: a backup folder path longer than %d bytes", MaxTextLen)
	}
	recs := make(map[string]*record, len(w.Accounts)+len(w.Removed))
	var accounts []Account
	read := func(i int, wa wireAccount, removed bool) error {
		rec, err := readRecord(i, wa, v3)
		if err != nil {
			return err
		}
		if _, dup := recs[rec.a.ID]; dup {
			return corruptf("account %d repeats an id", i)
		}
		if v3 && rec.alive() == removed {
			return corruptf("account %d is listed where its stamps say it is not", i)
		}
		recs[rec.a.ID] = rec
		accounts = append(accounts, rec.a)
		return nil
	}
	for i, wa := range w.Accounts {
		if err := read(i, wa, false); err != nil {
			return nil, err
		}
	}
	if len(w.Removed) > maxRemoved {
		return nil, corruptf("more than %d removed accounts", maxRemoved)
	}
	for i, wa := range w.Removed {
		if err := read(len(w.Accounts)+i, wa, true); err != nil {
			return nil, err
		}
	}
	if !v3 {
		return upgradeReplica(accounts, s, w.EarlierKeys, key), nil
	}
	r := &replica{recs: recs, settings: s, setAt: *w.Settings.Clocks, key: key}
	if len(w.Order.IDs) > maxOrder {
		return nil, corruptf("an order of more than %d ids", maxOrder)
	}
	seen := make(map[string]bool, len(w.Order.IDs))
	for _, id := range w.Order.IDs {
		if id == "" || len(id) > 64 || seen[id] {
			return nil, corruptf("the order lists a bad or repeated id")
		}
		seen[id] = true
	}
	r.order, r.orderAt = w.Order.IDs, w.Order.At
	k := w.Keys
	r.keyMade, r.pwAt, r.codesAt = k.Made, k.Password, k.Codes
	if len(k.Earlier) > maxEarlierKeys {
		return nil, corruptf("more than %d earlier keys", maxEarlierKeys)
	}
	for _, e := range k.Earlier {
		if len(e.Key) != keySize {
			return nil, corruptf("an earlier key of %d bytes", len(e.Key))
		}
		if slices.ContainsFunc(r.earlier, func(o earlierKey) bool { return bytes.Equal(o.key, e.Key) }) || bytes.Equal(e.Key, key) {
			return nil, corruptf("an earlier key repeated")
		}
		r.earlier = append(r.earlier, earlierKey{key: e.Key, made: e.Made})
	}
	if len(k.UsedCodes) > maxUsedCodes {
		return nil, corruptf("more than %d used backup codes", maxUsedCodes)
	}
	for _, u := range k.UsedCodes {
		if len(u.Slot) != saltSize {
			return nil, corruptf("a used backup code of %d bytes", len(u.Slot))
		}
		if r.usedCodes == nil {
			r.usedCodes = map[[saltSize]byte]Stamp{}
		}
		salt := [saltSize]byte(u.Slot)
		if _, dup := r.usedCodes[salt]; dup {
			return nil, corruptf("a used backup code repeated")
		}
		r.usedCodes[salt] = u.At
	}
	return r, nil
}

// readRecord reads one account; v3 says its stamps must be there.
func readRecord(i int, wa wireAccount, v3 bool) (*record, error) {
	if v3 != (wa.Clocks != nil && wa.Added != nil) || (!v3 && (wa.Deleted != nil || wa.Spent != nil)) {
		return nil, corruptf("account %d has stamps of another version", i)
	}
	typ, ok := parseType(wa.Type)
	if !ok {
		return nil, corruptf("account %d has unknown type", i)
	}
	alg, err := otp.ParseAlgorithm(wa.Algorithm)
	if err != nil {
		return nil, corruptf("account %d has unknown algorithm", i)
	}
	a := Account{
		ID: wa.ID,
		Key: otp.Key{Type: typ, Issuer: wa.Issuer, Name: wa.Name, Secret: wa.Secret,
			Algorithm: alg, Digits: wa.Digits, Period: wa.Period, Counter: wa.Counter},
		Tags: wa.Tags, Pinned: wa.Pinned, Note: wa.Note, Icon: wa.Icon,
		Created: wa.Created, Modified: wa.Modified, LastUsed: timeOf(wa.LastUsed),
	}
	rec := &record{}
	for _, c := range wa.BackupCodes {
		a.BackupCodes = append(a.BackupCodes, ServiceCode{Code: c.Code, Used: c.Used, UsedAt: timeOf(c.UsedAt)})
		if c.Used {
			rec.spend(c.Code, timeOf(c.UsedAt))
		} else if c.UsedAt != nil {
			return nil, corruptf("account %d has an unused code with a use time", i)
		}
	}
	if len(wa.Spent) > MaxServiceCodes {
		return nil, corruptf("account %d: more than %d used codes no longer listed", i, MaxServiceCodes)
	}
	for _, c := range wa.Spent {
		if !c.Used || len(c.Code) > MaxTextLen {
			return nil, corruptf("account %d has a bad used code", i)
		}
		if _, dup := rec.spent[c.Code]; dup {
			return nil, corruptf("account %d repeats a used code", i)
		}
		rec.spend(c.Code, timeOf(c.UsedAt))
	}
	if err := a.validate(); err != nil {
		return nil, corruptf("account %d: %v", i, err)
	}
	rec.a = a
	if v3 {
		rec.t, rec.added = *wa.Clocks, *wa.Added
		if wa.Deleted != nil {
			if wa.Deleted.IsZero() {
				return nil, corruptf("account %d has a zero removal stamp", i)
			}
			rec.deleted = *wa.Deleted
		}
	} else {
		rec.t = allStamps(stampOfTime(a.Modified))
		rec.added = stampOfTime(a.Created)
	}
	rec.settle()
	return rec, nil
}

func (r *record) spend(code string, at time.Time) {
	if r.spent == nil {
		r.spent = map[string]time.Time{}
	}
	if have, ok := r.spent[code]; ok {
		at = minTime(have, at)
	}
	r.spent[code] = at
}

// stampOfTime is the stamp an upgraded file gives a change made at t: its
// wall time, no counter, no device.
func stampOfTime(t time.Time) Stamp {
	if t.IsZero() {
		return Stamp{}
	}
	return Stamp{Wall: min(max(t.UnixMilli(), 0), maxWall)}
}

// upgradeReplica is what a file of version 1 or 2 says as version 3: each
// field stamped with its account's modification time, the order as it is
// (stamped zero), settings stamped zero, and the key lineage numbered by
// the order of the earlier keys (newest first), so that every computer
// upgrading the same file gets the same replica.
func upgradeReplica(accounts []Account, s Settings, earlier [][]byte, key []byte) *replica {
	r := &replica{recs: make(map[string]*record, len(accounts)), settings: s, key: key}
	for _, a := range accounts {
		rec := &record{a: a, t: allStamps(stampOfTime(a.Modified)), added: stampOfTime(a.Created)}
		for _, c := range a.BackupCodes {
			if c.Used {
				rec.spend(c.Code, c.UsedAt)
			}
		}
		rec.settle()
		r.recs[a.ID] = rec
		r.order = append(r.order, a.ID)
	}
	n := uint32(len(earlier))
	r.keyMade = Stamp{Logical: n + 1}
	for i, k := range earlier {
		r.earlier = append(r.earlier, earlierKey{key: k, made: Stamp{Logical: n - uint32(i)}})
	}
	return r
}
