package vault

import (
	"bytes"
	"cmp"
	"maps"
	"slices"
	"strings"
	"time"

	"latchkey/otp"
)

// A replica is everything a vault file says, as the merge sees it: every
// account ever seen (removed ones as tombstones) with a clock stamp per
// field, the manual order, the settings with a stamp each, and the key
// lineage (which data key is current, which earlier ones it replaced, which
// backup codes were used). mergeReplicas joins two of them; it is
// commutative, associative and idempotent (FORMAT.md, "Merging"), which the
// property test checks on random histories.

// fieldStamps are the stamps of an account's registers: the last write of
// each field. The counter, the last-used time and used service codes are
// not registers: they only grow, and merge as a maximum or a union.
type fieldStamps struct {
	Key    Stamp `json:"key"` // type, secret, algorithm, digits, period
	Issuer Stamp `json:"issuer"`
	Name   Stamp `json:"name"`
	Note   Stamp `json:"note"`
	Tags   Stamp `json:"tags"`
	Pinned Stamp `json:"pinned"`
	Icon   Stamp `json:"icon"`
	Codes  Stamp `json:"codes"` // the list of service backup codes
}

func (f fieldStamps) max() Stamp {
	m := f.Key
	for _, s := range []Stamp{f.Issuer, f.Name, f.Note, f.Tags, f.Pinned, f.Icon, f.Codes} {
		m = maxStamp(m, s)
	}
	return m
}

func allStamps(s Stamp) fieldStamps {
	return fieldStamps{s, s, s, s, s, s, s, s}
}

type settingStamps struct {
	AutoLock       Stamp `json:"auto_lock"`
	ClipboardClear Stamp `json:"clipboard_clear"`
	Sort           Stamp `json:"sort"`
	BackupDir      Stamp `json:"backup_dir"`
	BackupKeep     Stamp `json:"backup_keep"`
}

// record is one account id's state: the account's values, their stamps,
// when it was added and last removed, and the service codes ever marked
// used. It is shown while some field was written after the removal, so an
// edit made elsewhere after a removal brings the account back.
type record struct {
	a       Account
	t       fieldStamps
	added   Stamp
	deleted Stamp
	// spent: service backup codes marked used, and when (zero: unknown),
	// kept also for codes no longer in the list, so a list that comes back
	// through a merge keeps them used.
	spent map[string]time.Time
}

func (r *record) alive() bool { return r.deleted.IsZero() || r.t.max().After(r.deleted) }

func (r *record) clone() *record {
	c := *r
	c.a = r.a.clone()
	c.spent = maps.Clone(r.spent)
	return &c
}

// settle makes the list's used marks say what spent says.
func (r *record) settle() { settleCodes(r.a.BackupCodes, r.spent) }

// settleCodes makes the used marks of codes say what spent says.
func settleCodes(codes []ServiceCode, spent map[string]time.Time) {
	for i, c := range codes {
		at, used := spent[c.Code]
		codes[i].Used, codes[i].UsedAt = used, time.Time{}
		if used {
			codes[i].UsedAt = at
		}
	}
}

// earlierKey is a data key the vault had before, and when it was made.
type earlierKey struct {
	key  []byte
	made Stamp
}

type replica struct {
	recs     map[string]*record
	order    []string // the manual order as last set; ids not listed follow, by when added
	orderAt  Stamp
	settings Settings
	setAt    settingStamps
	// The key lineage: the data key the file is sealed under, when it was
	// made, the last password change and the last new set of backup codes.
	key     []byte
	keyMade Stamp
	pwAt    Stamp
	codesAt Stamp
	earlier []earlierKey
	// usedCodes are the salts of backup-code slots whose code was used:
	// those slots never come back through a merge.
	usedCodes map[[saltSize]byte]Stamp
	slots     []slot
	seq       uint64
}

// visible are the accounts shown, in the manual order: the order list's
// ids that are shown, then the others by when they were added.
func (r *replica) visible() []*record {
	out := make([]*record, 0, len(r.recs))
	listed := make(map[string]bool, len(r.order))
	for _, id := range r.order {
		if rec, ok := r.recs[id]; ok && rec.alive() && !listed[id] {
			out = append(out, rec)
		}
		listed[id] = true
	}
	var rest []*record
	for id, rec := range r.recs {
		if !listed[id] && rec.alive() {
			rest = append(rest, rec)
		}
	}
	slices.SortFunc(rest, func(a, b *record) int {
		if c := a.added.Compare(b.added); c != 0 {
			return c
		}
		return strings.Compare(a.a.ID, b.a.ID)
	})
	return append(out, rest...)
}

// accounts are the shown accounts, copied.
func (r *replica) accounts() []Account {
	vis := r.visible()
	out := make([]Account, len(vis))
	for i, rec := range vis {
		out[i] = rec.a.clone()
	}
	return out
}

// maxStamp is the latest stamp the replica holds, for a clock to see.
func (r *replica) maxStamp() Stamp {
	m := maxStamp(r.orderAt, maxStamp(r.keyMade, maxStamp(r.pwAt, r.codesAt)))
	for _, s := range []Stamp{r.setAt.AutoLock, r.setAt.ClipboardClear, r.setAt.Sort, r.setAt.BackupDir, r.setAt.BackupKeep} {
		m = maxStamp(m, s)
	}
	for _, rec := range r.recs {
		m = maxStamp(m, maxStamp(rec.t.max(), maxStamp(rec.added, rec.deleted)))
	}
	for _, e := range r.earlier {
		m = maxStamp(m, e.made)
	}
	for _, s := range r.usedCodes {
		m = maxStamp(m, s)
	}
	return m
}

// pick chooses the register with the later stamp; on equal stamps (which
// only a bug or a forged file makes) the greater value, so the merge
// stays commutative whatever the input.
func pick[T any](xs, ys Stamp, x, y T, compare func(a, b T) int) (Stamp, T) {
	if c := ys.Compare(xs); c > 0 || (c == 0 && compare(y, x) > 0) {
		return ys, y
	}
	return xs, x
}

func compareKeys(a, b otp.Key) int {
	if c := cmp.Compare(a.Type, b.Type); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Algorithm, b.Algorithm); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Digits, b.Digits); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Period, b.Period); c != 0 {
		return c
	}
	return bytes.Compare(a.Secret, b.Secret)
}

// sameKey reports whether two keys are the same credential register
// (issuer, name and counter are registers of their own).
func sameKey(a, b otp.Key) bool { return compareKeys(a, b) == 0 }

func compareBool(a, b bool) int { return cmp.Compare(b2i(a), b2i(b)) }

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func codeTexts(cs []ServiceCode) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Code
	}
	return out
}

func minTime(a, b time.Time) time.Time {
	switch {
	case a.IsZero():
		return b
	case b.IsZero() || a.Before(b):
		return a
	}
	return b
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

func minStamp(a, b Stamp) Stamp {
	if b.Compare(a) < 0 {
		return b
	}
	return a
}

// mergeRecords joins two states of one account id: each register from the
// later write, the counter and the last-used time at their maximum, used
// service codes as a union, the removal at its latest.
func mergeRecords(x, y *record) *record {
	r := &record{a: Account{ID: x.a.ID}}
	var key otp.Key
	r.t.Key, key = pick(x.t.Key, y.t.Key, x.a.Key, y.a.Key, compareKeys)
	r.a.Key = otp.Key{Type: key.Type, Secret: slices.Clone(key.Secret), Algorithm: key.Algorithm, Digits: key.Digits, Period: key.Period}
	r.t.Issuer, r.a.Key.Issuer = pick(x.t.Issuer, y.t.Issuer, x.a.Key.Issuer, y.a.Key.Issuer, strings.Compare)
	r.t.Name, r.a.Key.Name = pick(x.t.Name, y.t.Name, x.a.Key.Name, y.a.Key.Name, strings.Compare)
	r.t.Note, r.a.Note = pick(x.t.Note, y.t.Note, x.a.Note, y.a.Note, strings.Compare)
	r.t.Tags, r.a.Tags = pick(x.t.Tags, y.t.Tags, x.a.Tags, y.a.Tags, slices.Compare[[]string])
	r.a.Tags = slices.Clone(r.a.Tags)
	r.t.Pinned, r.a.Pinned = pick(x.t.Pinned, y.t.Pinned, x.a.Pinned, y.a.Pinned, compareBool)
	r.t.Icon, r.a.Icon = pick(x.t.Icon, y.t.Icon, x.a.Icon, y.a.Icon, bytes.Compare)
	r.a.Icon = slices.Clone(r.a.Icon)
	var codes []ServiceCode
	r.t.Codes, codes = pick(x.t.Codes, y.t.Codes, x.a.BackupCodes, y.a.BackupCodes, func(a, b []ServiceCode) int {
		return slices.Compare(codeTexts(a), codeTexts(b))
	})
	r.a.BackupCodes = slices.Clone(codes)
	r.a.Key.Counter = max(x.a.Key.Counter, y.a.Key.Counter)
	r.a.LastUsed = maxTime(x.a.LastUsed, y.a.LastUsed)
	r.a.Modified = maxTime(x.a.Modified, y.a.Modified)
	r.a.Created = minTime(x.a.Created, y.a.Created)
	r.added = minStamp(x.added, y.added)
	r.deleted = maxStamp(x.deleted, y.deleted)
	r.spent = maps.Clone(x.spent)
	for c, at := range y.spent {
		if have, ok := r.spent[c]; ok {
			at = minTime(have, at)
		}
		if r.spent == nil {
			r.spent = map[string]time.Time{}
		}
		r.spent[c] = at
	}
	r.settle()
	return r
}

// mergeReplicas joins two replicas of one vault. Neither is changed. The
// data key and password slot come from the side whose password changed
// last (its key is the one that slot opens); the backup-code slots from
// the side whose code set is newer, re-wrapped for that key, without any
// whose code was used on either side; every other key known becomes an
// earlier key.
func mergeReplicas(x, y *replica) (*replica, error) {
	r := &replica{recs: make(map[string]*record, max(len(x.recs), len(y.recs)))}
	for id, rx := range x.recs {
		if ry, ok := y.recs[id]; ok {
			r.recs[id] = mergeRecords(rx, ry)
		} else {
			r.recs[id] = rx.clone()
		}
	}
	for id, ry := range y.recs {
		if _, ok := x.recs[id]; !ok {
			r.recs[id] = ry.clone()
		}
	}
	r.orderAt, r.order = pick(x.orderAt, y.orderAt, x.order, y.order, slices.Compare[[]string])
	r.order = slices.Clone(r.order)
	r.setAt.AutoLock, r.settings.AutoLock = pick(x.setAt.AutoLock, y.setAt.AutoLock, x.settings.AutoLock, y.settings.AutoLock, cmp.Compare[time.Duration])
	r.setAt.ClipboardClear, r.settings.ClipboardClear = pick(x.setAt.ClipboardClear, y.setAt.ClipboardClear, x.settings.ClipboardClear, y.settings.ClipboardClear, cmp.Compare[time.Duration])
	r.setAt.Sort, r.settings.Sort = pick(x.setAt.Sort, y.setAt.Sort, x.settings.Sort, y.settings.Sort, strings.Compare)
	r.setAt.BackupDir, r.settings.BackupDir = pick(x.setAt.BackupDir, y.setAt.BackupDir, x.settings.BackupDir, y.settings.BackupDir, strings.Compare)
	r.setAt.BackupKeep, r.settings.BackupKeep = pick(x.setAt.BackupKeep, y.setAt.BackupKeep, x.settings.BackupKeep, y.settings.BackupKeep, cmp.Compare[int])
	r.seq = max(x.seq, y.seq)

	r.usedCodes = maps.Clone(x.usedCodes)
	for s, at := range y.usedCodes {
		if r.usedCodes == nil {
			r.usedCodes = map[[saltSize]byte]Stamp{}
		}
		r.usedCodes[s] = maxStamp(r.usedCodes[s], at)
	}
	p := x // the key and the password slot
	if keyRank(y, x) > 0 {
		p = y
	}
	c := x // the backup-code slots
	if codesRank(y, x) > 0 {
		c = y
	}
	r.key, r.keyMade, r.pwAt, r.codesAt = slices.Clone(p.key), p.keyMade, p.pwAt, c.codesAt
	slots, err := mergeSlots(p, c, r.key, r.usedCodes)
	if err != nil {
		return nil, err
	}
	r.slots = slots
	r.earlier = mergeEarlier(r.key, x, y)
	return r, nil
}

// keyRank orders the sides by their last password change, then by when
// their key was made (a new set of codes makes a key, not a password), then
// by the key's bytes, so any two sides compare the same way whoever merges.
func keyRank(a, b *replica) int {
	if c := a.pwAt.Compare(b.pwAt); c != 0 {
		return c
	}
	if c := a.keyMade.Compare(b.keyMade); c != 0 {
		return c
	}
	return bytes.Compare(a.key, b.key)
}

func codesRank(a, b *replica) int {
	if c := a.codesAt.Compare(b.codesAt); c != 0 {
		return c
	}
	return keyRank(a, b)
}

// mergeSlots is the password slot of p, which wraps key, and the code
// slots of c, wrapped for key, less those whose code was used.
func mergeSlots(p, c *replica, key []byte, used map[[saltSize]byte]Stamp) ([]slot, error) {
	var out []slot
	for _, s := range p.slots {
		if s.kind == passwordSlot {
			out = append(out, s)
		}
	}
	from := c
	if !bytes.Equal(c.key, key) && slices.ContainsFunc(c.slots, func(s slot) bool { return s.kind == codeSlotV1 }) {
		// Version-1 code slots cannot be wrapped for another key without
		// their codes. Every key change replaces them with a new set, so a
		// side still holding them never has the newer set: take p's.
		from = p
	}
	for _, s := range from.slots {
		if !s.kind.isCode() {
			continue
		}
		if _, gone := used[s.salt]; gone {
			continue
		}
		if !bytes.Equal(from.key, key) {
			if err := s.wrapTo(key); err != nil {
				return nil, err
			}
		}
		out = append(out, s)
	}
	return out, nil
}

// mergeEarlier is every data key either side had, current or earlier,
// except key: newest (by when made) first, at most maxEarlierKeys.
func mergeEarlier(key []byte, sides ...*replica) []earlierKey {
	var all []earlierKey
	add := func(e earlierKey) {
		if bytes.Equal(e.key, key) {
			return
		}
		for i := range all {
			if bytes.Equal(all[i].key, e.key) {
				all[i].made = maxStamp(all[i].made, e.made)
				return
			}
		}
		all = append(all, earlierKey{key: slices.Clone(e.key), made: e.made})
	}
	for _, s := range sides {
		add(earlierKey{key: s.key, made: s.keyMade})
		for _, e := range s.earlier {
			add(e)
		}
	}
	sortEarlier(all)
	for _, e := range all[min(len(all), maxEarlierKeys):] {
		clear(e.key)
	}
	return all[:min(len(all), maxEarlierKeys)]
}

func sortEarlier(es []earlierKey) {
	slices.SortFunc(es, func(a, b earlierKey) int {
		if c := b.made.Compare(a.made); c != 0 {
			return c
		}
		return bytes.Compare(b.key, a.key)
	})
}

// keys are the replica's data keys: the current one first.
func (r *replica) keys() [][]byte {
	out := [][]byte{r.key}
	for _, e := range r.earlier {
		out = append(out, e.key)
	}
	return out
}

// wipe clears the replica's keys and secrets (best effort).
func (r *replica) wipe() {
	if r == nil {
		return
	}
	for _, rec := range r.recs {
		rec.a.wipe()
	}
	clear(r.key)
	for _, e := range r.earlier {
		clear(e.key)
	}
}

// Retention is how long tombstones of removed accounts, the marks of used
// backup codes and earlier data keys are kept: a computer that was away
// for less than this merges without bringing a removed account back, and
// a copy it made under an earlier key still opens. FORMAT.md says why 400
// days.
const Retention = 400 * 24 * time.Hour

// collect drops what Retention no longer needs, as of now: tombstones
// removed longer ago, used service codes no longer listed whose list is
// that old, marks of used backup codes that old, and earlier keys replaced
// that long ago. It runs when a vault is saved, never in a merge, which
// stays a pure function of its inputs.
func (r *replica) collect(now time.Time) {
	horizon := now.Add(-Retention).UnixMilli()
	for id, rec := range r.recs {
		if !rec.alive() && rec.deleted.Wall < horizon {
			rec.a.wipe()
			delete(r.recs, id)
			continue
		}
		if rec.t.Codes.Wall < horizon {
			listed := map[string]bool{}
			for _, c := range rec.a.BackupCodes {
				listed[c.Code] = true
			}
			maps.DeleteFunc(rec.spent, func(c string, _ time.Time) bool { return !listed[c] })
		}
	}
	maps.DeleteFunc(r.usedCodes, func(_ [saltSize]byte, at Stamp) bool { return at.Wall < horizon })
	// An earlier key goes once the key made after it is older than the
	// horizon: copies sealed under it were made before that.
	sortEarlier(r.earlier)
	next := r.keyMade
	for i, e := range r.earlier {
		if next.Wall < horizon && !next.IsZero() {
			for _, d := range r.earlier[i:] {
				clear(d.key)
			}
			r.earlier = r.earlier[:i]
			break
		}
		next = e.made
	}
	r.order = slices.DeleteFunc(r.order, func(id string) bool { _, ok := r.recs[id]; return !ok })
}
