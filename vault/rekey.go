package vault

import (
	"crypto/rand"
	"errors"
	"fmt"
	"maps"
	"slices"
)

// Changing the password, opening with a backup code (which ends in a new
// password) and making new backup codes each make a new random data key:
// the payload is sealed under it and every slot wraps it, so an old copy of
// the file opened with an old password or a used code opens nothing saved
// since. Version-2 backup-code slots are re-wrapped for the new key from
// their public keys, so the codes keep working; version-1 code slots cannot
// be (wrapping for a code needs the code), so they are replaced by a new set
// the caller must show.
//
// Backups made before still open with the password and codes of their time.
// The vault keeps the keys they were sealed under (earlierKeys, in the
// payload, at most maxEarlierKeys), so it can still recognise them as its
// own: rotation ages them out, and ReencryptBackups or RemoveEarlierBackups
// deal with them at once.

// newDataKey returns a fresh random data key.
func newDataKey() []byte {
	k := make([]byte, keySize)
	rand.Read(k)
	return k
}

// keyState is what a key change replaces, kept to put back when the save
// that would make the change fails before the file was replaced.
type keyState struct {
	dataKey, passwordKEK   []byte
	earlierKeys            [][]byte
	earlierMade            []Stamp
	slots                  []slot
	usedCodeSlot           int
	needsPassword, dirty   bool
	keyMade, pwAt, codesAt Stamp
	usedCodes              map[[saltSize]byte]Stamp
}

func (v *Vault) keyState() keyState {
	return keyState{v.dataKey, v.passwordKEK, v.earlierKeys, v.earlierMade, v.slots, v.usedCodeSlot, v.needsPassword, v.dirty,
		v.keyMade, v.pwAt, v.codesAt, maps.Clone(v.usedCodes)}
}

func (v *Vault) setKeyState(s keyState) {
	v.dataKey, v.passwordKEK, v.earlierKeys, v.earlierMade, v.slots = s.dataKey, s.passwordKEK, s.earlierKeys, s.earlierMade, s.slots
	v.usedCodeSlot, v.needsPassword, v.dirty = s.usedCodeSlot, s.needsPassword, s.dirty
	v.keyMade, v.pwAt, v.codesAt, v.usedCodes = s.keyMade, s.pwAt, s.codesAt, s.usedCodes
}

// rekeySlots puts v under newKey in memory. ps, with its wrapping key kek,
// is a new password slot already wrapping newKey; nil re-wraps the current
// password slot with the kept wrapping key. Version-2 code slots are
// re-wrapped, except the one used to open the vault; with fresh, or when
// version-1 code slots remain, all are replaced by a new set, whose codes
// are returned. The old data key becomes the newest earlier key. v takes
// newKey and kek (also on error, when they are cleared); the replaced state
// is left to the caller to clear or restore. Called with v.mu held, or on a
// Vault no one else holds yet.
func (v *Vault) rekeySlots(newKey []byte, ps *slot, kek []byte, fresh bool) ([]string, error) {
	fail := func(err error) ([]string, error) {
		clear(newKey)
		if ps != nil {
			clear(kek)
		}
		return nil, err
	}
	slots := make([]slot, 0, len(v.slots))
	if ps != nil {
		slots = append(slots, *ps)
	} else {
		i := slices.IndexFunc(v.slots, func(s slot) bool { return s.kind == passwordSlot })
		if i < 0 || v.passwordKEK == nil {
			if !v.needsPassword && i >= 0 {
				// A merge brought a password set on another computer.
				return fail(fmt.Errorf("vault: the password was changed on another computer; open the vault again with it: %w", ErrNeedsPassword))
			}
			return fail(ErrNeedsPassword)
		}
		s := v.slots[i] // same salt and parameters: the same password opens it
		if err := s.wrap(v.passwordKEK, newKey); err != nil {
			return fail(err)
		}
		slots = append(slots, s)
		kek = v.passwordKEK
	}
	var codeSlots []slot
	for i, s := range v.slots {
		switch {
		case !s.kind.isCode() || i == v.usedCodeSlot:
		case s.kind == codeSlotV1:
			fresh = true
		default:
			if err := s.wrapTo(newKey); err != nil {
				return fail(err)
			}
			codeSlots = append(codeSlots, s)
		}
	}
	var codes []string
	if fresh {
		var err error
		if codeSlots, codes, err = makeCodeSlots(newKey); err != nil {
			return fail(err)
		}
	}
	// Stamped after everything the vault has seen: this key change is
	// later than any change merged so far.
	t := v.clock.tick()
	if v.usedCodeSlot >= 0 {
		// Its slot never comes back through a merge.
		used := maps.Clone(v.usedCodes)
		if used == nil {
			used = map[[saltSize]byte]Stamp{}
		}
		used[v.slots[v.usedCodeSlot].salt] = t
		v.usedCodes = used
	}
	earlier := append([][]byte{v.dataKey}, v.earlierKeys...)
	made := append([]Stamp{v.keyMade}, v.earlierMade...)
	v.dataKey, v.passwordKEK = newKey, kek
	v.pinKey()
	v.earlierKeys = earlier[:min(len(earlier), maxEarlierKeys)]
	v.earlierMade = made[:min(len(made), maxEarlierKeys)]
	v.keyMade = t
	if ps != nil {
		v.pwAt = t
	}
	if fresh {
		v.codesAt = t
	}
	v.slots = append(slots, codeSlots...)
	v.usedCodeSlot = -1
	v.needsPassword = false
	v.dirty = true
	return codes, nil
}

// rekeyAndSave is rekeySlots followed by a save. If the save fails before
// the file was replaced, the vault is as it was and no codes are returned.
// Once the file holds the new key, its codes are returned, also with an
// error (a failed backup, or a folder sync that failed after the rename).
// Called with v.mu held.
func (v *Vault) rekeyAndSave(newKey []byte, ps *slot, kek []byte, fresh bool) ([]string, error) {
	// What the file holds now is merged first, so this key change comes
	// after it (and wins over an earlier change made elsewhere). A file
	// that cannot be merged makes the save below fail.
	v.mergeDisk()
	old := v.keyState()
	codes, err := v.rekeySlots(newKey, ps, kek, fresh)
	if err != nil {
		return nil, err
	}
	sum := v.diskSum
	err = v.save(true)
	if err != nil && !errors.Is(err, ErrBackupFailed) && v.diskSum == sum {
		if ps != nil {
			clear(v.passwordKEK)
		}
		clear(v.dataKey)
		v.setKeyState(old)
		v.pinKey()
		return nil, err
	}
	if ps != nil && old.passwordKEK != nil {
		clear(old.passwordKEK)
	}
	for _, k := range old.earlierKeys[min(len(old.earlierKeys), maxEarlierKeys-1):] {
		clear(k) // dropped off the end of the earlier keys
	}
	return codes, err
}

// SetPassword makes pw the vault's password, at parameters calibrated on
// this machine (about a second of KDF, run without holding the vault, so
// other calls are not blocked), seals the vault under a new data key and
// saves at once: someone who has just chosen a new password must be able to
// rely on it, and an old copy of the file with the old password (or the
// backup code that opened the vault) must not open what is saved from now
// on. It ends the need for a password after OpenWithBackupCode, and drops
// that code's slot.
//
// The other backup codes keep working. Codes made by format version 1
// cannot follow a new key: then every code is replaced, and the new codes
// are returned to be shown once (nil otherwise). If the save fails before
// the file was replaced, nothing changed (the old password still opens the
// vault); a failed backup after a good save is an error wrapping
// ErrBackupFailed, with the codes.
func (v *Vault) SetPassword(pw []byte) ([]string, error) {
	if len(pw) == 0 {
		return nil, ErrEmptyPassword
	}
	v.mu.Lock()
	if err := v.writable(); err != nil {
		v.mu.Unlock()
		return nil, err
	}
	params := v.opts.kdfParams
	v.mu.Unlock()
	newKey := newDataKey()
	ps, kek, err := newPasswordSlotKey(pw, newKey, params())
	if err != nil {
		clear(newKey)
		clear(kek)
		return nil, err
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	if err := v.writable(); err != nil {
		clear(newKey)
		clear(kek)
		return nil, err
	}
	return v.rekeyAndSave(newKey, &ps, kek, false)
}

// RegenerateBackupCodes replaces every backup code with a new set, seals the
// vault under a new data key and saves at once, so the old set stops
// working as soon as the new one is shown. The password stays. On error no
// codes are returned and the old set stays, unless the file holding the new
// set was written (a failed backup, wrapping ErrBackupFailed): then the
// codes come with the error and must be shown.
func (v *Vault) RegenerateBackupCodes() ([]string, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if err := v.savable(); err != nil {
		return nil, err
	}
	codes, err := v.rekeyAndSave(newDataKey(), nil, nil, true)
	if errors.Is(err, ErrBackupFailed) {
		return codes, nil // LastBackup reports the failed backup
	}
	return codes, err
}

// EarlierBackups lists, newest first, the automatic backups in the vault's
// backup folder sealed under one of its earlier data keys: made before a
// password change, a recovery or new backup codes, they still open with the
// password and codes of their time. It reads and decrypts them (no KDF).
func (v *Vault) EarlierBackups() ([]string, error) {
	v.mu.Lock()
	if v.closed {
		v.mu.Unlock()
		return nil, ErrClosed
	}
	keys := cloneKeys(v.earlierKeys)
	dir, path, fsys, lim := v.backupDir(), v.path, v.fs, v.opts.limits
	v.mu.Unlock()
	defer clearKeys(keys)
	if len(keys) == 0 {
		return nil, nil
	}
	all, err := listBackups(fsys, dir, path)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, p := range all {
		if b, err := fsys.ReadFile(p); err == nil && sealedWithAny(b, lim, keys) >= 0 {
			out = append(out, p)
		}
	}
	return out, nil
}

// ReencryptBackups rewrites each automatic backup that EarlierBackups lists
// under the vault's current key and slots: the accounts and settings it
// held, openable with today's password and codes only. Each is written like
// a save (temporary file, fsync, read back, full decrypt, rename). It
// returns the backups rewritten; on error the rest are left as they were.
// When none is left, the vault forgets its earlier keys and saves.
func (v *Vault) ReencryptBackups() ([]string, error) {
	return v.dealWithEarlierBackups(func(p string, c *container, key []byte) error {
		pt, err := c.openPayload(key)
		if err != nil {
			return err
		}
		r, err := decodeReplica(pt, c.version, nil)
		clear(pt)
		if err != nil {
			return err
		}
		defer r.wipe()
		accounts := r.visible()
		// Sealed under today's key and slots, it says so: a merge of it
		// never takes it for a later key change.
		r.keyMade, r.pwAt, r.codesAt = v.keyMade, v.pwAt, v.codesAt
		npt, err := encodeReplica(r, false, true)
		if err != nil {
			return err
		}
		defer clear(npt)
		slots := slices.Clone(v.slots)
		if v.usedCodeSlot >= 0 {
			slots = slices.Delete(slots, v.usedCodeSlot, v.usedCodeSlot+1)
		}
		// Keep the backup's save number, so a vault rolled back to an
		// older copy is still told from it (LastBackup).
		seq, _ := c.seq()
		data, err := marshalContainerSeq(slots, v.dataKey, npt, seq)
		if err != nil {
			return err
		}
		verify := func(b []byte) error {
			got, _, _, err := readSealed(b, v.dataKey, v.opts.limits)
			if err == nil && len(got) != len(accounts) {
				err = corruptf("backup has %d accounts, want %d", len(got), len(accounts))
			}
			wipeAccounts(got)
			return err
		}
		_, err = writeAtomic(v.fs, p, data, verify)
		return err
	})
}

// RemoveEarlierBackups deletes each automatic backup that EarlierBackups
// lists (only files of the vault's own backup folder, named as its
// backups, that decrypt with one of its earlier keys) and returns them.
// When none is left, the vault forgets its earlier keys and saves.
func (v *Vault) RemoveEarlierBackups() ([]string, error) {
	return v.dealWithEarlierBackups(func(p string, _ *container, _ []byte) error {
		return v.fs.Remove(p)
	})
}

// dealWithEarlierBackups calls do for each backup under an earlier key,
// with the vault held, then forgets the earlier keys if all went well.
func (v *Vault) dealWithEarlierBackups(do func(p string, c *container, key []byte) error) ([]string, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if err := v.savable(); err != nil {
		return nil, err
	}
	if len(v.earlierKeys) == 0 {
		return nil, nil
	}
	all, err := listBackups(v.fs, v.backupDir(), v.path)
	if err != nil {
		return nil, err
	}
	var done []string
	for _, p := range all {
		b, err := v.fs.ReadFile(p)
		if err != nil {
			return done, fmt.Errorf("vault: reading backup %s: %w", p, err)
		}
		i := sealedWithAny(b, v.opts.limits, v.earlierKeys)
		if i < 0 {
			continue // the current key's, or another vault's
		}
		c, err := parseContainer(b, v.opts.limits)
		if err != nil {
			return done, err
		}
		if err := do(p, c, v.earlierKeys[i]); err != nil {
			return done, fmt.Errorf("vault: backup %s: %w", p, err)
		}
		delete(v.backupOwners, p)
		done = append(done, p)
	}
	clearKeys(v.earlierKeys)
	v.earlierKeys, v.earlierMade = nil, nil
	v.dirty = true
	return done, v.save(true)
}

// readSealed decrypts and decodes the vault file b with dataKey.
func readSealed(b, dataKey []byte, lim limits) ([]Account, Settings, [][]byte, error) {
	c, err := parseContainer(b, lim)
	if err != nil {
		return nil, Settings{}, nil, err
	}
	pt, err := c.openPayload(dataKey)
	if err != nil {
		return nil, Settings{}, nil, err
	}
	defer clear(pt)
	return decodePayload(pt, c.version)
}

func wipeAccounts(as []Account) {
	for i := range as {
		as[i].wipe()
	}
}

func cloneKeys(keys [][]byte) [][]byte {
	out := make([][]byte, len(keys))
	for i, k := range keys {
		out[i] = slices.Clone(k)
	}
	return out
}

func clearKeys(keys [][]byte) {
	for _, k := range keys {
		clear(k)
	}
}
