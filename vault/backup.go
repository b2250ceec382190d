package vault

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"latchkey/otp"
)

// A backup is a vault file: the same container, payload and sentinels (see
// FORMAT.md), so a rotating backup, an exported backup and a copy of the
// vault itself all restore the same way.
//
// An exported backup (WriteBackup) is sealed under the vault's own data key
// and carries one password slot: a copy of the vault's, or a new one for a
// separate backup password. Backup-code slots go in only when asked for,
// since anyone holding the file and one unused code could then open it.

// BackupOptions say what opens an exported backup.
type BackupOptions struct {
	// Password protects the backup; nil copies the vault's password slot, so
	// the vault's password (as it is now) opens the backup.
	Password []byte
	// WithBackupCodes copies the vault's backup-code slots, so each of its
	// unused backup codes opens the backup too.
	WithBackupCodes bool
	// Replace lets the backup replace an existing file: an earlier
	// exported backup, or any other regular file the user chose to replace.
	// A vault, a lock or an automatic backup is never replaced.
	Replace bool
}

// WriteBackup writes an encrypted backup of the vault as it is in memory
// (saved or not) to path: atomically, mode 0600, read back and fully
// decrypted before it is moved to path. A separate password runs the
// calibrated key derivation once (about a second). Where it may write is
// WriteFile's rule (an existing file only with o.Replace; never a vault, a
// lock, an automatic backup or a symbolic link), checked before the key
// derivation. WriteBackup works on a read-only vault.
func (v *Vault) WriteBackup(path string, o BackupOptions) error {
	v.mu.Lock()
	if v.closed {
		v.mu.Unlock()
		return ErrClosed
	}
	if o.Password == nil && v.needsPassword {
		// The password slot still holds the forgotten password.
		v.mu.Unlock()
		return fmt.Errorf("vault: a backup under the vault password: %w", ErrNeedsPassword)
	}
	vaultPath, seq := v.path, v.seq
	dataKey := slices.Clone(v.dataKey)
	// Without the earlier keys: a backup's own password must not open the
	// vault's older backups.
	rep := v.replica()
	pt, err := encodeReplica(rep, false, false)
	rep.wipe()
	var slots []slot
	for i, s := range v.slots {
		switch {
		case s.kind == passwordSlot && o.Password == nil:
			slots = slices.Insert(slots, 0, s)
		case s.kind.isCode() && o.WithBackupCodes && i != v.usedCodeSlot:
			slots = append(slots, s)
		}
	}
	fsys, lim, params := v.fs, v.opts.limits, v.opts.kdfParams
	v.mu.Unlock()
	defer clear(dataKey)
	defer clear(pt)
	if err != nil {
		return err
	}
	wo := WriteOptions{Replace: o.Replace, Vault: vaultPath, Backup: true}
	if err := CheckWrite(path, wo); err != nil {
		return err
	}
	// wk is kept to check the written slot without a second KDF run.
	var wk []byte
	if o.Password != nil {
		if len(o.Password) == 0 {
			return ErrEmptyPassword
		}
		s, key, err := newPasswordSlotKey(o.Password, dataKey, params())
		wk = key
		defer clear(wk)
		if err != nil {
			return err
		}
		slots = slices.Insert(slots, 0, s)
	}
	if len(slots) == 0 || slots[0].kind != passwordSlot {
		return fmt.Errorf("vault: the vault has no password slot to copy: %w", ErrNeedsPassword)
	}
	data, err := marshalContainerSeq(slots, dataKey, pt, seq)
	if err != nil {
		return err
	}
	verify := func(b []byte) error {
		c, err := parseContainer(b, lim)
		if err != nil {
			return err
		}
		if len(c.slots) != len(slots) {
			return corruptf("backup has %d slots, want %d", len(c.slots), len(slots))
		}
		if wk != nil {
			k, err := c.slots[0].unwrap(wk)
			if err != nil || !bytes.Equal(k, dataKey) {
				return corruptf("backup password slot does not open")
			}
			clear(k)
		}
		return verifyFile(b, dataKey, lim)
	}
	return writeFile(fsys, path, data, verify, wo)
}

// Backup is what a backup file holds, read-only. Wipe it when done.
type Backup struct {
	Path     string
	Accounts []Account
	Settings Settings
	// Created is when the backup was written: the time in a rotating
	// backup's name, else the file's modification time (the format itself
	// holds no date).
	Created time.Time
	// BackupCodes is how many backup-code slots the file carries.
	BackupCodes int
}

// Wipe zeroes the secrets (best effort: Go may have copied them).
func (b *Backup) Wipe() {
	for i := range b.Accounts {
		b.Accounts[i].wipe()
	}
}

// IsVaultFile reports whether data starts like a Latchkey vault or backup of
// any version, so an importer can hand every other file to other readers.
func IsVaultFile(data []byte) bool { return bytes.HasPrefix(data, []byte(magic)) }

// OpenBackup decrypts the backup (or vault) file at path with its password.
// Errors: ErrWrongPassword, ErrCorrupt (also for a file that is no Latchkey
// file at all), ErrNewerVersion, ErrHostileParams, ErrNoFile.
func OpenBackup(path string, password []byte) (*Backup, error) {
	return openBackup(path, password, defaultOptions())
}

func openBackup(path string, password []byte, o options) (*Backup, error) {
	data, err := readBackupFile(o.fs, path)
	if err != nil {
		return nil, err
	}
	b, err := readBackup(data, password, o.limits)
	if err != nil {
		return nil, fmt.Errorf("vault: backup %s: %w", path, err)
	}
	b.Path = path
	b.Created = backupTime(path)
	return b, nil
}

// ReadBackup decrypts a backup already read into memory (at most
// MaxFileSize bytes); Path and Created are left empty.
func ReadBackup(data, password []byte) (*Backup, error) {
	return readBackup(data, password, strictLimits)
}

func readBackup(data, password []byte, lim limits) (*Backup, error) {
	c, err := parseContainer(data, lim)
	if err != nil {
		return nil, err
	}
	dataKey, kek, _, _, err := c.unlockPassword(password)
	if err != nil {
		return nil, err
	}
	clear(kek)
	defer clear(dataKey)
	pt, err := c.openPayload(dataKey)
	if err != nil {
		return nil, err
	}
	defer clear(pt)
	accounts, settings, _, err := decodePayload(pt, c.version)
	if err != nil {
		return nil, err
	}
	b := &Backup{Accounts: accounts, Settings: settings}
	for _, s := range c.slots {
		if s.kind.isCode() {
			b.BackupCodes++
		}
	}
	return b, nil
}

// readBackupContainer reads and parses the backup at path.
func readBackupContainer(path string, o options) (*container, error) {
	data, err := readBackupFile(o.fs, path)
	if err != nil {
		return nil, err
	}
	c, err := parseContainer(data, o.limits)
	if err != nil {
		return nil, fmt.Errorf("vault: backup %s: %w", path, err)
	}
	return c, nil
}

func readBackupFile(fsys fileSystem, path string) ([]byte, error) {
	data, err := fsys.ReadFile(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("vault: backup %s: %w (%w)", path, ErrNoFile, err)
		}
		return nil, fmt.Errorf("vault: reading backup %s: %w", path, err)
	}
	return data, nil
}

// backupTime is the time in a rotating backup's name, else the file's
// modification time.
func backupTime(path string) time.Time {
	if t, ok := stampOf(path); ok {
		return t
	}
	if st, err := os.Stat(path); err == nil {
		return st.ModTime()
	}
	return time.Time{}
}

// stampOf reads the time out of "<name>.<stamp>.bak".
func stampOf(path string) (time.Time, bool) {
	base, ok := strings.CutSuffix(filepath.Base(path), ".bak")
	if !ok || len(base) < len(backupStamp) {
		return time.Time{}, false
	}
	t, err := time.Parse(backupStamp, base[len(base)-len(backupStamp):])
	return t, err == nil
}

// MergeReport names, by label, what Merge did with each incoming account.
type MergeReport struct {
	Added      []string
	Duplicates []string // the same credential is already in the vault; skipped
	Replaced   []string // a duplicate that replace said to take over
}

// Merge adds accounts (from a backup or an import) that are not in the vault
// yet. A duplicate is the same credential (otp.Key.SameSecret), whatever its
// names; it is skipped unless replace (which may be nil) returns true, when
// the incoming account takes the existing one's place and id. Accounts keep
// their ids unless one is taken. All or nothing: on error the vault is
// unchanged. replace runs without the vault held, so it may call the vault.
// Merge does not save; call Save.
func (v *Vault) Merge(accounts []Account, replace func(existing, incoming Account) bool) (MergeReport, error) {
	v.mu.Lock()
	if err := v.writable(); err != nil {
		v.mu.Unlock()
		return MergeReport{}, err
	}
	current := make([]Account, len(v.accounts))
	for i, a := range v.accounts {
		current[i] = a.clone()
	}
	v.mu.Unlock()

	// Decide first, on a copy, so replace can ask the user without the vault
	// held; then apply what still holds.
	type decision struct {
		incoming Account
		target   string // existing id to replace; "" to add
	}
	var plan []decision
	var report MergeReport
	// Accounts bucketed by secret make finding duplicates linear; SameSecret
	// has the last word.
	bySecret := make(map[string][]int, len(current))
	for i, a := range current {
		bySecret[string(a.Key.Secret)] = append(bySecret[string(a.Key.Secret)], i)
	}
	find := func(k otp.Key, from []Account, idx []int) int {
		for _, i := range idx {
			if from[i].Key.SameSecret(k) {
				return i
			}
		}
		return -1
	}
	var fresh []Account
	freshBySecret := map[string][]int{}
	targeted := map[string]bool{} // existing ids already being replaced
	for _, in := range accounts {
		in = in.clone()
		if i := find(in.Key, current, bySecret[string(in.Key.Secret)]); i >= 0 {
			if !targeted[current[i].ID] && replace != nil && replace(current[i].clone(), in.clone()) {
				targeted[current[i].ID] = true
				plan = append(plan, decision{incoming: in, target: current[i].ID})
				report.Replaced = append(report.Replaced, label(in))
				continue
			}
			report.Duplicates = append(report.Duplicates, label(in))
			continue
		}
		if find(in.Key, fresh, freshBySecret[string(in.Key.Secret)]) >= 0 {
			report.Duplicates = append(report.Duplicates, label(in))
			continue
		}
		freshBySecret[string(in.Key.Secret)] = append(freshBySecret[string(in.Key.Secret)], len(fresh))
		fresh = append(fresh, in)
		plan = append(plan, decision{incoming: in})
		report.Added = append(report.Added, label(in))
	}

	v.mu.Lock()
	defer v.mu.Unlock()
	if err := v.writable(); err != nil {
		return MergeReport{}, err
	}
	if len(v.accounts)+len(fresh) > MaxAccounts {
		return MergeReport{}, fmt.Errorf("vault: more than %d accounts: %w", MaxAccounts, ErrTooLarge)
	}
	now := v.now()
	ids := make(map[string]bool, len(v.accounts)+len(plan))
	for _, a := range v.accounts {
		ids[a.ID] = true
	}
	for id := range v.dead {
		ids[id] = true // a removed account's id stays its own
	}
	next := slices.Clone(v.accounts)
	for _, d := range plan {
		a := d.incoming
		if a.Created.IsZero() {
			a.Created = now
		}
		if a.Modified.IsZero() {
			a.Modified = now
		}
		if d.target != "" {
			i := slices.IndexFunc(next, func(e Account) bool { return e.ID == d.target })
			if i < 0 {
				return MergeReport{}, fmt.Errorf("vault: account %q was deleted during the merge: %w", label(a), ErrNoAccount)
			}
			a.ID = d.target
			if err := a.validate(); err != nil {
				return MergeReport{}, err
			}
			next[i] = a
			continue
		}
		if a.ID == "" || ids[a.ID] {
			a.ID = newID()
		}
		ids[a.ID] = true
		if err := a.validate(); err != nil {
			return MergeReport{}, err
		}
		next = append(next, a)
	}
	// Stamped only once all is valid: a replaced account's changed fields
	// are writes, an added one is new in every field.
	for i := range next {
		if i >= len(v.accounts) {
			v.meta[next[i].ID] = v.newMeta(&next[i])
		} else if targeted[next[i].ID] {
			v.stampChanges(v.accounts[i], &next[i])
		}
	}
	for _, d := range plan {
		if d.target != "" {
			if i := v.index(d.target); i >= 0 {
				v.accounts[i].wipe()
			}
		}
	}
	v.accounts = next
	if len(plan) > 0 {
		v.dirty = true
	}
	return report, nil
}

// label names an account in reports; never empty.
func label(a Account) string {
	if l := a.Key.Label(); l != "" {
		return l
	}
	return "(unnamed account)"
}

// RestoreAsNew makes a new vault at newPath from the backup (or vault copy)
// at backupPath, opened with password: the way to carry everything to a new
// machine. It refuses to replace an existing file (ErrExists).
//
// The new vault is the backup's vault continued: the same data key, the
// same password slot (the password that opened the backup now opens the
// vault; change it with SetPassword) and the backup's code slots, so codes
// printed for it keep working. A backup without code slots gets a fresh
// set, returned once for the user to keep (nil otherwise). Settings come
// along, but the backup folder is this computer's (backupdir.go): its
// choice for newPath, else one an older Latchkey wrote in the backup when
// it is a folder here, else the default beside the new vault.
func RestoreAsNew(backupPath string, password []byte, newPath string) (*Vault, []string, error) {
	return restoreAsNew(backupPath, password, newPath, defaultOptions())
}

func restoreAsNew(backupPath string, password []byte, newPath string, o options) (*Vault, []string, error) {
	if Exists(newPath) { // before any key derivation; checked again under the lock
		return nil, nil, fmt.Errorf("vault: %s: %w", newPath, ErrExists)
	}
	c, err := readBackupContainer(backupPath, o)
	if err != nil {
		return nil, nil, err
	}
	dataKey, kek, _, _, err := c.unlockPassword(password)
	if err != nil {
		return nil, nil, fmt.Errorf("vault: backup %s: %w", backupPath, err)
	}
	// Everything that can fail about the backup fails before anything is
	// made at newPath.
	v := &Vault{path: newPath, fs: o.fs, now: o.now, opts: o, usedCodeSlot: -1, passwordKEK: kek}
	if err := v.load(c, dataKey); err != nil {
		clear(kek)
		return nil, nil, fmt.Errorf("vault: backup %s: %w", backupPath, err)
	}
	codes, err := v.restoreAt(newPath)
	if err != nil {
		v.Close()
		return nil, nil, err
	}
	return v, codes, nil
}

// RestoreWithBackupCode is RestoreAsNew for someone who lost the password
// too: one of the backup's backup codes opens it, newPassword becomes the
// new vault's password (calibrated key derivation, about a second), and the
// new vault is sealed under a new data key, so neither the backup's
// password nor the used code opens it. The backup's other codes keep
// working, wrapped for the new key; when none is left, or the backup's
// codes were made by format version 1 (they cannot follow a new key), a
// fresh set is returned.
func RestoreWithBackupCode(backupPath, code, newPath string, newPassword []byte) (*Vault, []string, error) {
	return restoreWithBackupCode(backupPath, code, newPath, newPassword, defaultOptions())
}

func restoreWithBackupCode(backupPath, code, newPath string, newPassword []byte, o options) (*Vault, []string, error) {
	if len(newPassword) == 0 {
		return nil, nil, ErrEmptyPassword
	}
	bits, err := parseBackupCode(code)
	if err != nil {
		return nil, nil, err
	}
	defer clear(bits)
	if Exists(newPath) { // before any key derivation; checked again under the lock
		return nil, nil, fmt.Errorf("vault: %s: %w", newPath, ErrExists)
	}
	c, err := readBackupContainer(backupPath, o)
	if err != nil {
		return nil, nil, err
	}
	dataKey, used, err := c.unlockCode(bits)
	if err != nil {
		return nil, nil, fmt.Errorf("vault: backup %s: %w", backupPath, err)
	}
	v := &Vault{path: newPath, fs: o.fs, now: o.now, opts: o, usedCodeSlot: -1}
	if err := v.load(c, dataKey); err != nil {
		return nil, nil, fmt.Errorf("vault: backup %s: %w", backupPath, err)
	}
	v.usedCodeSlot = used
	newKey := newDataKey()
	ps, kek, err := newPasswordSlotKey(newPassword, newKey, o.kdfParams())
	if err != nil {
		clear(newKey)
		clear(kek)
		v.Close()
		return nil, nil, err
	}
	codes, err := v.rekeySlots(newKey, &ps, kek, false)
	if err != nil {
		v.Close()
		return nil, nil, err
	}
	more, err := v.restoreAt(newPath)
	if err != nil {
		v.Close()
		return nil, nil, err
	}
	return v, append(codes, more...), nil
}

// restoreAt writes the loaded v as a new vault file at newPath, holding its
// lock, and gives it backup codes if it has none.
func (v *Vault) restoreAt(newPath string) (codes []string, err error) {
	if newPath, _, err = resolvePath(newPath); err != nil {
		return nil, err
	}
	v.path = newPath
	if Exists(newPath) {
		return nil, fmt.Errorf("vault: %s: %w", newPath, ErrExists)
	}
	if err := v.fs.MkdirAll(filepath.Dir(newPath)); err != nil {
		return nil, fmt.Errorf("vault: creating the vault's folder: %w", err)
	}
	if v.lock, err = lockFile(newPath); err != nil {
		return nil, err
	}
	if Exists(newPath) { // again, under the lock
		return nil, fmt.Errorf("vault: %s: %w", newPath, ErrExists)
	}
	if !slices.ContainsFunc(v.slots, func(s slot) bool { return s.kind.isCode() }) {
		var codeSlots []slot
		codeSlots, codes, err = makeCodeSlots(v.dataKey)
		if err != nil {
			return nil, err
		}
		v.slots = append(v.slots, codeSlots...)
	}
	// This computer's folder for the new path, if it chose one; else the
	// one an older Latchkey wrote in the backup, when it is a folder here.
	v.loadBackupDirHere()
	v.dirty = true
	// A failed rotating backup leaves the vault saved; LastBackup reports it.
	if err := v.save(false); err != nil && !errors.Is(err, ErrBackupFailed) {
		return nil, err
	}
	return codes, nil
}

// BackupStatus is what the app shows about automatic backups.
type BackupStatus struct {
	Dir     string // where the rotating backups go
	Enabled bool   // false when Settings.BackupKeep < 0
	// Last is when the newest backup that verifies (it decrypts with the
	// vault's key) was written; zero when there is none. Path is that file.
	Last time.Time
	Path string
	// Pending: the vault file holds changes that no verified backup has,
	// because a backup failed or the folder was unreachable.
	Pending bool
	// Err is why the last backup attempt of this session failed, or why
	// the folder cannot be listed; nil otherwise.
	Err error
	// Kept is how many backups of this vault the folder holds.
	Kept int
	// Newer is set when the vault file is older than one of its backups:
	// it was replaced by an older copy (or rolled back by a sync or a
	// restored disk). Newer is that backup (the latest save among them),
	// NewerTime when it was written. Restoring it brings the vault back.
	Newer     string
	NewerTime time.Time
}

// LastBackup reports the newest verified automatic backup and whether the
// saved vault has changes it lacks, so the app can show when the vault was
// last backed up and remind the user. It reads and decrypts backups (no
// KDF). Its only error is ErrClosed: an unreachable folder is reported in
// the status (Pending, Err).
//
// It also tells a vault file older than its backups (Newer): a backup
// holding a later save than the vault file (the save sequence, FORMAT.md),
// unless the vault was saved since and holds every account of that backup
// as new (it was merged back); or, for files without a sequence, a vault
// file that is byte for byte an older backup while a newer one exists.
func (v *Vault) LastBackup() (BackupStatus, error) {
	v.mu.Lock()
	if v.closed {
		v.mu.Unlock()
		return BackupStatus{}, ErrClosed
	}
	st := BackupStatus{Dir: v.backupDir(), Enabled: v.settings.BackupKeep >= 0, Err: v.backupErr}
	dataKey, diskSum, path, fsys, lim, seq := slices.Clone(v.dataKey), v.diskSum, v.path, v.fs, v.opts.limits, v.seq
	device := v.Device()
	held := make(map[string]time.Time, len(v.accounts)) // id: last modified
	for _, a := range v.accounts {
		held[a.ID] = a.Modified
	}
	v.mu.Unlock()
	defer clear(dataKey)
	all, err := listBackups(fsys, st.Dir, path)
	if err != nil {
		// The folder is unreachable: as good as no backup.
		st.Pending = st.Enabled
		if st.Err == nil {
			st.Err = err
		}
		return st, nil
	}
	// The newest that fully verifies; Kept counts every backup that opens
	// with the vault's key (another vault's backups may share the folder).
	var newest string    // the newest of this vault's backups, by name
	var newestSeq uint64 // its save sequence number; 0: none
	var newerSeq uint64  // the highest sequence above the vault's
	var newer *container // that backup
	sameAsOlder := false // the vault file is a backup other than the newest
	for _, p := range all {
		b, err := fsys.ReadFile(p)
		if err != nil {
			continue
		}
		c, err := parseContainer(b, lim)
		if err != nil || !c.opensWith(dataKey) {
			continue
		}
		st.Kept++
		bseq, _ := c.seq()
		// A rollback is told from this computer's own backups (and those
		// named before computers named theirs): another computer's newer
		// backup may arrive before its save of the vault does.
		dev := backupDevice(path, p)
		own := dev == "" || dev == device
		if newest == "" {
			newest, newestSeq = p, bseq
		} else if own && sha256.Sum256(b) == diskSum {
			sameAsOlder = true
		}
		if own && seq > 0 && bseq > seq && bseq > newerSeq {
			newerSeq, st.Newer, newer = bseq, p, c
		}
		if st.Path == "" && verifyFile(b, dataKey, lim) == nil {
			st.Last, _ = stampOf(p)
			st.Path = p
			st.Pending = st.Enabled && sha256.Sum256(b) != diskSum
		}
	}
	if newer != nil && !sameAsOlder && holdsAll(held, newer, dataKey) {
		// Not a copy of an older backup, and every account of the newer
		// backup is here, as new (merged back since): nothing is missing.
		st.Newer = ""
	}
	if st.Newer == "" && sameAsOlder && (seq == 0 || newestSeq == 0) {
		// No sequence numbers to compare (files of an older Latchkey):
		// only a copy can make the vault equal an older backup again, as
		// every save seals with a fresh nonce.
		st.Newer = newest
	}
	if st.Newer != "" {
		st.NewerTime, _ = stampOf(st.Newer)
	}
	if st.Path == "" {
		st.Pending = st.Enabled
	}
	return st, nil
}

// holdsAll reports whether every account of the backup c is in held (by
// id) and modified no earlier there.
func holdsAll(held map[string]time.Time, c *container, dataKey []byte) bool {
	pt, err := c.openPayload(dataKey)
	if err != nil {
		return false
	}
	defer clear(pt)
	accounts, _, _, err := decodePayload(pt, c.version)
	if err != nil {
		return false
	}
	defer func() {
		for i := range accounts {
			accounts[i].wipe()
		}
	}()
	for _, a := range accounts {
		if m, ok := held[a.ID]; !ok || m.Before(a.Modified) {
			return false
		}
	}
	return true
}

// ownsBackup reports whether the backup at p was made from this vault: it
// decrypts with the vault's data key or one of its earlier keys (no JSON
// decoding, so it is cheap), and remembers the answer. A file that cannot
// be read now is not counted and not remembered. Called with v.mu held.
func (v *Vault) ownsBackup(p string) bool {
	if owned, ok := v.backupOwners[p]; ok {
		return owned
	}
	b, err := v.fs.ReadFile(p)
	if err != nil {
		return false
	}
	owned := sealedWithAny(b, v.opts.limits, append([][]byte{v.dataKey}, v.earlierKeys...)) >= 0
	v.rememberBackup(p, owned)
	return owned
}

func (v *Vault) rememberBackup(p string, owned bool) {
	if v.backupOwners == nil {
		v.backupOwners = map[string]bool{}
	}
	v.backupOwners[p] = owned
}

// sealedWithAny returns the index of the first of keys the vault file b
// opens with, or -1.
func sealedWithAny(b []byte, lim limits, keys [][]byte) int {
	c, err := parseContainer(b, lim)
	if err != nil {
		return -1
	}
	for i, k := range keys {
		if pt, err := c.openPayload(k); err == nil {
			clear(pt)
			return i
		}
	}
	return -1
}

// sealedWith reports whether the vault file b opens with dataKey.
func sealedWith(b, dataKey []byte, lim limits) bool {
	c, err := parseContainer(b, lim)
	return err == nil && c.opensWith(dataKey)
}

func (c *container) opensWith(dataKey []byte) bool {
	pt, err := c.openPayload(dataKey)
	clear(pt)
	return err == nil
}

// BackupInterval is how old the newest backup may grow before BackupNow
// writes a fresh copy even without changes.
const BackupInterval = 24 * time.Hour

// BackupNow writes a verified rotating backup of the saved vault file when
// no verified backup holds it (an earlier backup failed, or the folder was
// unreachable) or the newest is older than BackupInterval. The app calls it
// at start, daily, and when a backup folder may be back. It needs the lock:
// a read-only vault gets ErrReadOnly. It writes nothing while the vault file
// is older than a backup (Newer): a copy of the old file would only look
// like the latest backup and push the newer ones out.
func (v *Vault) BackupNow() (BackupStatus, error) {
	v.mu.Lock()
	if err := v.writable(); err != nil {
		v.mu.Unlock()
		return BackupStatus{}, err
	}
	v.mu.Unlock()
	// A folder that cannot be listed is tried anyway: writing says why.
	st, _ := v.LastBackup()
	if !st.Enabled || st.Newer != "" || (!st.Pending && v.now().Sub(st.Last) < BackupInterval) {
		return st, nil
	}
	v.mu.Lock()
	if err := v.writable(); err != nil {
		v.mu.Unlock()
		return st, err
	}
	data, err := v.fs.ReadFile(v.path)
	switch {
	case err != nil:
		err = fmt.Errorf("vault: reading %s to back it up: %w", v.path, err)
	case sha256.Sum256(data) != v.diskSum:
		// Another computer saved: merge, and the save backs it up.
		v.dirty = true
		err = v.save(true)
	default:
		v.backupErr = v.backup(data)
		err = v.backupErr
		if err != nil {
			err = fmt.Errorf("%w: %w", ErrBackupFailed, err)
		}
	}
	v.mu.Unlock()
	if err != nil {
		st.Pending, st.Err = true, err
		return st, err
	}
	return v.LastBackup()
}
