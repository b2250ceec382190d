package vault

import (
	"bytes"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
)

// A vault in a synced folder meets other copies of itself: the file the
// sync tool put in its place, the conflict copies it left beside it, this
// computer's own last save (localstate.go). Each is merged, never chosen
// over the other: see FORMAT.md, "Merging", for the rules.

// ErrUnknownKey: a copy of a vault does not open with any data key this
// vault has or had. It is another vault, or a copy made after a password
// change on another computer (then opening the vault with the new password
// merges it).
var ErrUnknownKey = errors.New("sealed under a key this vault never had: another vault, or a copy made after a password change elsewhere")

// Changes say what a merge brought in, by account label.
type Changes struct {
	Added, Changed, Removed []string
	// Settings: a setting changed.
	Settings bool
	// Key: the other copy's password or backup codes were changed later,
	// and the vault now uses its data key: the next unlock takes the new
	// password.
	Key bool
}

// Empty reports whether the merge changed nothing that shows.
func (c Changes) Empty() bool {
	return len(c.Added) == 0 && len(c.Changed) == 0 && len(c.Removed) == 0 && !c.Settings && !c.Key
}

// String is the short report: "2 added, 1 changed, 1 removed", or "no
// changes".
func (c Changes) String() string {
	var parts []string
	for _, p := range []struct {
		n    int
		what string
	}{{len(c.Added), "added"}, {len(c.Changed), "changed"}, {len(c.Removed), "removed"}} {
		if p.n > 0 {
			parts = append(parts, strconv.Itoa(p.n)+" "+p.what)
		}
	}
	if c.Settings {
		parts = append(parts, "settings changed")
	}
	if c.Key {
		parts = append(parts, "password or backup codes changed")
	}
	if len(parts) == 0 {
		return "no changes"
	}
	return strings.Join(parts, ", ")
}

// Add puts o's changes after c's, as one report of two merges in turn.
func (c *Changes) Add(o Changes) {
	c.Added = append(c.Added, o.Added...)
	c.Changed = append(c.Changed, o.Changed...)
	c.Removed = append(c.Removed, o.Removed...)
	c.Settings = c.Settings || o.Settings
	c.Key = c.Key || o.Key
}

// replica is the vault's state as the merge sees it: deep copies, so the
// result can be merged and installed without touching v until adopt.
// Called with v.mu held.
func (v *Vault) replica() *replica {
	r := &replica{
		recs:    make(map[string]*record, len(v.accounts)+len(v.dead)),
		order:   slices.Clone(v.order),
		orderAt: v.orderAt, settings: v.settings, setAt: v.setAt,
		key:     slices.Clone(v.dataKey),
		keyMade: v.keyMade, pwAt: v.pwAt, codesAt: v.codesAt,
		usedCodes: maps.Clone(v.usedCodes),
		slots:     slices.Clone(v.slots),
		seq:       v.seq,
	}
	for _, a := range v.accounts {
		m := v.meta[a.ID]
		r.recs[a.ID] = &record{a: a.clone(), t: m.t, added: m.added, deleted: m.deleted, spent: maps.Clone(m.spent)}
	}
	for id, d := range v.dead {
		r.recs[id] = d.clone()
	}
	for i, k := range v.earlierKeys {
		r.earlier = append(r.earlier, earlierKey{key: slices.Clone(k), made: v.earlierMade[i]})
	}
	return r
}

// adopt makes r the vault's state. r becomes the vault's (not copied). A
// new data key is pinned and the old one cleared; the password slot's
// wrapping key is kept only while the password slot is the same. Called
// with v.mu held.
func (v *Vault) adopt(r *replica) {
	var usedSalt *[saltSize]byte
	if v.usedCodeSlot >= 0 && v.usedCodeSlot < len(v.slots) {
		s := v.slots[v.usedCodeSlot].salt
		usedSalt = &s
	}
	oldPassword := slices.IndexFunc(v.slots, func(s slot) bool { return s.kind == passwordSlot })
	var oldPw slot
	if oldPassword >= 0 {
		oldPw = v.slots[oldPassword]
	}
	for i := range v.accounts {
		v.accounts[i].wipe()
	}
	for _, d := range v.dead {
		d.a.wipe()
	}
	vis := r.visible()
	v.accounts = make([]Account, len(vis))
	v.meta = make(map[string]*acctMeta, len(vis))
	for i, rec := range vis {
		v.accounts[i] = rec.a
		v.meta[rec.a.ID] = &acctMeta{t: rec.t, added: rec.added, deleted: rec.deleted, spent: rec.spent}
	}
	v.dead = map[string]*record{}
	for id, rec := range r.recs {
		if !rec.alive() {
			v.dead[id] = rec
		}
	}
	v.order, v.orderAt, v.settings, v.setAt = r.order, r.orderAt, r.settings, r.setAt
	if !bytes.Equal(v.dataKey, r.key) {
		clear(v.dataKey)
		v.dataKey = r.key
		v.pinKey()
		v.backupOwners = nil // which backups are this vault's, asked again
	} else {
		clear(r.key)
	}
	v.keyMade, v.pwAt, v.codesAt = r.keyMade, r.pwAt, r.codesAt
	clearKeys(v.earlierKeys)
	v.earlierKeys, v.earlierMade = nil, nil
	for _, e := range r.earlier {
		v.earlierKeys = append(v.earlierKeys, e.key)
		v.earlierMade = append(v.earlierMade, e.made)
	}
	v.usedCodes = r.usedCodes
	v.slots = r.slots
	v.seq = max(v.seq, r.seq)
	i := slices.IndexFunc(v.slots, func(s slot) bool { return s.kind == passwordSlot })
	if i < 0 || oldPassword < 0 || v.slots[i].salt != oldPw.salt || v.slots[i].params != oldPw.params {
		// Another password: its wrapping key is not the one kept.
		clear(v.passwordKEK)
		v.passwordKEK = nil
	}
	v.usedCodeSlot = -1
	if usedSalt != nil {
		v.usedCodeSlot = slices.IndexFunc(v.slots, func(s slot) bool { return s.kind.isCode() && s.salt == *usedSalt })
	}
	v.clock.see(r.maxStamp())
}

// openCopy parses a vault file held in memory and decrypts it with one of
// keys (no KDF): the copy's replica, or ErrUnknownKey, ErrCorrupt,
// ErrNewerVersion.
func openCopy(b []byte, lim limits, keys [][]byte) (*replica, error) {
	c, err := parseContainer(b, lim)
	if err != nil {
		return nil, err
	}
	for _, k := range keys {
		pt, err := c.openPayload(k)
		if err != nil {
			continue
		}
		unlock := lockMemory(pt)
		r, err := decodeReplica(pt, c.version, slices.Clone(k))
		clear(pt)
		unlock()
		if err != nil {
			return nil, err
		}
		r.slots = c.slots
		r.seq, _ = c.seq()
		return r, nil
	}
	return nil, ErrUnknownKey
}

// mergeIn merges r into the vault and reports what changed that shows.
// Called with v.mu held.
func (v *Vault) mergeIn(r *replica) (Changes, error) {
	before := v.replica()
	defer before.wipe()
	merged, err := mergeReplicas(before, r)
	if err != nil {
		return Changes{}, err
	}
	if len(merged.visible()) > MaxAccounts {
		merged.wipe()
		return Changes{}, fmt.Errorf("vault: a merge would hold more than %d accounts: %w", MaxAccounts, ErrTooLarge)
	}
	ch := diffReplicas(before, merged)
	same := equalReplicas(before, merged)
	v.adopt(merged)
	if !same {
		v.dirty = true
	}
	return ch, nil
}

// MergeCopy merges a copy of this vault, read into memory (at most
// MaxFileSize bytes: a conflict copy a sync tool left, an older copy), into
// the vault, without saving. It opens the copy with the vault's data key
// or one of its earlier keys, never with the KDF. Errors: ErrUnknownKey,
// ErrCorrupt, ErrNewerVersion, and ErrTooLarge when the result would hold
// more than MaxAccounts.
func (v *Vault) MergeCopy(data []byte) (Changes, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if err := v.writableOrReadOnly(); err != nil {
		return Changes{}, err
	}
	r, err := openCopy(data, v.opts.limits, v.keys())
	if err != nil {
		return Changes{}, err
	}
	defer r.wipe()
	return v.mergeIn(r)
}

// MergeCopyWithPassword is MergeCopy for a copy that none of the vault's
// keys opens: made after a password change or new backup codes on another
// computer. password (the copy's) opens it with one KDF run, capped as
// for any vault; it is merged only when it is this vault: it holds one of
// this vault's data keys as an earlier key, or this vault holds its key
// (else ErrUnknownKey: another vault with the same password). Errors as
// MergeCopy, and ErrWrongPassword, ErrHostileParams.
func (v *Vault) MergeCopyWithPassword(data, password []byte) (Changes, error) {
	v.mu.Lock()
	if err := v.writableOrReadOnly(); err != nil {
		v.mu.Unlock()
		return Changes{}, err
	}
	lim := v.opts.limits
	v.mu.Unlock()
	c, err := parseContainer(data, lim)
	if err != nil {
		return Changes{}, err
	}
	key, kek, _, _, err := c.unlockPassword(password)
	if err != nil {
		return Changes{}, err
	}
	clear(kek)
	defer clear(key)
	r, err := openCopy(data, lim, [][]byte{key})
	if err != nil {
		return Changes{}, err
	}
	defer r.wipe()
	v.mu.Lock()
	defer v.mu.Unlock()
	if err := v.writableOrReadOnly(); err != nil {
		return Changes{}, err
	}
	// The same password opens many vaults: only a copy whose key lineage
	// meets this vault's (one holds a data key the other had) is this
	// vault. Two vaults never share a random data key.
	if !sharesKey(r.keys(), v.keys()) {
		return Changes{}, fmt.Errorf("vault: the password opens it, but it shares no key with this vault: %w", ErrUnknownKey)
	}
	return v.mergeIn(r)
}

func sharesKey(a, b [][]byte) bool {
	for _, x := range a {
		for _, y := range b {
			if subtle.ConstantTimeCompare(x, y) == 1 {
				return true
			}
		}
	}
	return false
}

// covered reports whether base holds everything the copy in data does:
// the copy opens with keys, and merging it into base would change
// nothing. What a save drops by age (tombstones older than Retention) is
// first left out of both, so it does not make the copy hold more. v.mu
// is held.
func (v *Vault) covered(base *replica, data []byte, keys [][]byte) bool {
	r, err := openCopy(data, v.opts.limits, keys)
	if err != nil {
		return false
	}
	defer r.wipe()
	merged, err := mergeReplicas(base, r)
	if err != nil {
		return false
	}
	defer merged.wipe()
	now := v.now()
	merged.collect(now)
	base.collect(now)
	return equalReplicas(base, merged)
}

// MergeDisk merges the vault file as it is on disk now, when it changed
// since it was last read or written (a sync tool replaced it), into the
// vault. The vault is then Dirty when it holds anything the file lacks;
// Save writes it. A file that is gone is no error (the next Save writes it
// again). Errors: those of MergeCopy, naming the file.
func (v *Vault) MergeDisk() (Changes, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if err := v.writableOrReadOnly(); err != nil {
		return Changes{}, err
	}
	return v.mergeDisk()
}

// mergeDisk is MergeDisk with v.mu held.
func (v *Vault) mergeDisk() (Changes, error) {
	cur, err := v.fs.ReadFile(v.path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return Changes{}, nil
	case err != nil:
		return Changes{}, fmt.Errorf("vault: reading %s: %w", v.path, err)
	}
	sum := sha256.Sum256(cur)
	if sum == v.diskSum {
		return Changes{}, nil
	}
	r, err := openCopy(cur, v.opts.limits, v.keys())
	if err != nil {
		return Changes{}, fmt.Errorf("vault: %s changed on disk and cannot be merged: %w: %w", v.path, ErrChangedOnDisk, err)
	}
	defer r.wipe()
	wasDirty := v.dirty
	ch, err := v.mergeIn(r)
	if err != nil {
		return Changes{}, fmt.Errorf("vault: merging %s: %w", v.path, err)
	}
	v.diskSum = sum
	// Dirty now means: the vault holds what the file does not.
	cur2 := v.replica()
	defer cur2.wipe()
	v.dirty = wasDirty || !equalReplicas(cur2, r)
	return ch, nil
}

// keys are the data keys that open copies of this vault: the current one
// first. Not copies: called with v.mu held, used before it is released.
func (v *Vault) keys() [][]byte {
	return append([][]byte{v.dataKey}, v.earlierKeys...)
}

// writableOrReadOnly: a read-only vault may merge in memory (it shows what
// other copies hold) but never saves.
func (v *Vault) writableOrReadOnly() error {
	if v.closed {
		return ErrClosed
	}
	return nil
}

// equalReplicas reports whether two replicas say the same: the same
// records, order, settings and key lineage, and the same slots (a slot by
// what it is, not how it is wrapped: a merge re-wraps code slots). The
// save sequence is the file's, not the vault's, and is left out.
func equalReplicas(a, b *replica) bool {
	if !bytes.Equal(a.key, b.key) || a.keyMade != b.keyMade || a.pwAt != b.pwAt || a.codesAt != b.codesAt ||
		a.orderAt != b.orderAt || !slices.Equal(a.order, b.order) || a.settings != b.settings || a.setAt != b.setAt ||
		len(a.recs) != len(b.recs) || !maps.Equal(a.usedCodes, b.usedCodes) || len(a.earlier) != len(b.earlier) {
		return false
	}
	for id, ra := range a.recs {
		rb, ok := b.recs[id]
		if !ok || !sameRecord(ra, rb) {
			return false
		}
	}
	for _, ea := range a.earlier {
		if !slices.ContainsFunc(b.earlier, func(eb earlierKey) bool { return eb.made == ea.made && bytes.Equal(eb.key, ea.key) }) {
			return false
		}
	}
	ids := func(r *replica) []string {
		out := make([]string, len(r.slots))
		for i, s := range r.slots {
			out[i] = string(s.identity())
		}
		slices.Sort(out)
		return out
	}
	return slices.Equal(ids(a), ids(b))
}

func sameRecord(a, b *record) bool {
	return a.t == b.t && a.added == b.added && a.deleted == b.deleted &&
		sameShown(a.a, b.a) && a.a.Key.Type == b.a.Key.Type &&
		a.a.Created.Equal(b.a.Created) && a.a.Modified.Equal(b.a.Modified) && a.a.LastUsed.Equal(b.a.LastUsed) &&
		maps.EqualFunc(a.spent, b.spent, time.Time.Equal) &&
		slices.EqualFunc(a.a.BackupCodes, b.a.BackupCodes, func(x, y ServiceCode) bool { return x.UsedAt.Equal(y.UsedAt) })
}

// diffReplicas lists, by label, the accounts shown after but not before,
// before but not after, and those whose shown values differ.
func diffReplicas(before, after *replica) Changes {
	var ch Changes
	was := map[string]*record{}
	for _, r := range before.visible() {
		was[r.a.ID] = r
	}
	for _, r := range after.visible() {
		old, ok := was[r.a.ID]
		delete(was, r.a.ID)
		switch {
		case !ok:
			ch.Added = append(ch.Added, label(r.a))
		case !sameShown(old.a, r.a):
			ch.Changed = append(ch.Changed, label(r.a))
		}
	}
	for _, r := range before.visible() {
		if _, gone := was[r.a.ID]; gone {
			ch.Removed = append(ch.Removed, label(r.a))
		}
	}
	// The file's backup folder is no computer's setting (backupdir.go).
	bs, as := before.settings, after.settings
	bs.BackupDir, as.BackupDir = "", ""
	ch.Settings = bs != as
	ch.Key = !bytes.Equal(before.key, after.key)
	return ch
}

// sameShown reports whether two states of an account look the same to
// the person: the times of use and modification aside.
func sameShown(a, b Account) bool {
	return sameKey(a.Key, b.Key) && a.Key.Issuer == b.Key.Issuer && a.Key.Name == b.Key.Name &&
		a.Key.Counter == b.Key.Counter && a.Note == b.Note && slices.Equal(a.Tags, b.Tags) &&
		a.Pinned == b.Pinned && bytes.Equal(a.Icon, b.Icon) &&
		slices.EqualFunc(a.BackupCodes, b.BackupCodes, func(x, y ServiceCode) bool {
			return x.Code == y.Code && x.Used == y.Used
		})
}

// initClock starts the vault's clock on this device, past every stamp the
// vault holds. Called once its state is loaded.
func (v *Vault) initClock() {
	v.clock = hlc{node: v.opts.deviceID(), now: v.now}
	if v.meta == nil {
		v.meta = map[string]*acctMeta{}
	}
	if v.dead == nil {
		v.dead = map[string]*record{}
	}
}

// identity is what a slot is, whatever key it wraps and however: its
// kind, salt, and password parameters or code public key. A merge
// re-wraps code slots with fresh ephemeral keys; they stay the same slots.
func (s *slot) identity() []byte {
	b := append([]byte{byte(s.kind)}, s.salt[:]...)
	switch s.kind {
	case passwordSlot:
		b = binary.BigEndian.AppendUint32(b, s.params.Memory)
		b = binary.BigEndian.AppendUint32(b, s.params.Time)
		b = append(b, s.params.Threads)
	case codeSlot:
		b = append(b, s.codePub[:]...)
	}
	return b
}

// SavedCoversEach reports, for each of copies, whether the vault file as
// saved on disk holds everything the copy does: it opens with the
// vault's keys, and merging the copy into it would change nothing. It is
// the check before a merged conflict copy is deleted: only what the saved
// file holds may go. The saved file is read and decrypted once for all.
func (v *Vault) SavedCoversEach(copies [][]byte) []bool {
	out := make([]bool, len(copies))
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.closed {
		return out
	}
	saved, err := v.fs.ReadFile(v.path)
	if err != nil || sha256.Sum256(saved) != v.diskSum {
		return out
	}
	keys := v.keys()
	onDisk, err := openCopy(saved, v.opts.limits, keys)
	if err != nil {
		return out
	}
	defer onDisk.wipe()
	// covered drops from onDisk what a save drops by age; the saved file
	// was collected when it was written, so the copies that follow meet
	// the same replica as the first.
	for i, data := range copies {
		out[i] = v.covered(onDisk, data, keys)
	}
	return out
}
