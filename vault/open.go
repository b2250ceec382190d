package vault

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// options are the narrow knobs tests turn; the exported functions always use
// defaultOptions.
type options struct {
	fs     fileSystem
	limits limits
	// params, when set, replaces calibration (tests use cheap parameters).
	params *Params
	// unlockTarget is the unlock time Open upgrades weaker slots toward;
	// 0 turns upgrading off.
	unlockTarget time.Duration
	// unlockTime, when set, replaces the measured KDF time of an unlock,
	// so a test can decide whether an upgrade is due.
	unlockTime func(measured time.Duration) time.Duration
	now        func() time.Time
	// stateDir keeps this computer's own copy of each vault it saves and
	// its device id (localstate.go); "" keeps none.
	stateDir string
}

func defaultOptions() options {
	dir, _ := DefaultStateDir() // none found: no copy kept, the vault works on
	return options{fs: osFS{}, limits: strictLimits, unlockTarget: DefaultUnlockTime, now: time.Now, stateDir: dir}
}

func (o options) kdfParams() Params {
	if o.params != nil {
		return *o.params
	}
	return Calibrate(DefaultUnlockTime)
}

// Create makes a new vault at path (its folder gets mode 0700), protected by
// password, and returns it open together with BackupCodeCount backup codes
// to show the user once. It calibrates Argon2id to about a second on this
// machine. It refuses to replace an existing file (ErrExists), a link
// included. When only the first automatic backup fails, the vault is made
// all the same and LastBackup says why the backup failed.
func Create(path string, password []byte) (v *Vault, backupCodes []string, err error) {
	return create(path, password, defaultOptions())
}

func create(path string, password []byte, o options) (v *Vault, codes []string, err error) {
	if len(password) == 0 {
		return nil, nil, ErrEmptyPassword
	}
	path, _, err = resolvePath(path)
	if err != nil {
		return nil, nil, err
	}
	if err := o.fs.MkdirAll(filepath.Dir(path)); err != nil {
		return nil, nil, fmt.Errorf("vault: creating the vault's folder: %w", err)
	}
	lock, err := lockFile(path)
	if err != nil {
		return nil, nil, err
	}
	defer func() {
		if err != nil {
			unlockFile(lock)
		}
	}()
	if Exists(path) {
		return nil, nil, fmt.Errorf("vault: %s: %w", path, ErrExists)
	}
	v = &Vault{path: path, fs: o.fs, lock: lock, settings: DefaultSettings(), now: o.now, opts: o, usedCodeSlot: -1}
	v.initClock()
	v.loadBackupDirHere()
	v.dataKey = newDataKey()
	v.pinKey()
	born := v.clock.tick()
	v.keyMade, v.pwAt, v.codesAt = born, born, born
	ps, kek, err := newPasswordSlotKey(password, v.dataKey, o.kdfParams())
	if err != nil {
		clear(kek)
		return nil, nil, err
	}
	v.passwordKEK = kek
	v.slots = []slot{ps}
	codeSlots, codes, err := makeCodeSlots(v.dataKey)
	if err != nil {
		return nil, nil, err
	}
	v.slots = append(v.slots, codeSlots...)
	v.dirty = true
	// The vault is made even when its first automatic backup fails: the
	// codes must reach the user. LastBackup reports the failure.
	if err := v.save(false); err != nil && !errors.Is(err, ErrBackupFailed) {
		return nil, nil, err
	}
	return v, codes, nil
}

func makeCodeSlots(dataKey []byte) ([]slot, []string, error) {
	slots := make([]slot, 0, BackupCodeCount)
	codes := make([]string, 0, BackupCodeCount)
	for range BackupCodeCount {
		bits, code := newBackupCode()
		s, err := newCodeSlot(bits, dataKey)
		clear(bits)
		if err != nil {
			return nil, nil, err
		}
		slots = append(slots, s)
		codes = append(codes, code)
	}
	return slots, codes, nil
}

// Open unlocks the vault at path with its password. Every error names the
// file. Errors: ErrWrongPassword, ErrCorrupt, ErrNewerVersion,
// ErrHostileParams, ErrLocked, ErrNoFile (wrapping fs.ErrNotExist) when there
// is no file, and ErrNotRegular for a folder, FIFO or device (refused before
// it is opened or a lock made). The file is never written on failure. A
// symbolic link is followed: the real file is locked and saved, and the link
// stays a link (Path is the real file).
//
// When the password slot's parameters cost less than half of what this
// machine now affords in DefaultUnlockTime, Open re-wraps the data key at
// stronger parameters (one more KDF run) and saves at once; if that save
// fails the upgrade stays pending as an unsaved change.
func Open(path string, password []byte) (*Vault, error) {
	return open(path, password, defaultOptions())
}

func open(path string, password []byte, o options) (*Vault, error) {
	v, c, err := readLocked(path, o)
	if err != nil {
		return nil, err
	}
	dataKey, kek, _, elapsed, err := c.unlockPassword(password)
	base := c
	if errors.Is(err, ErrWrongPassword) {
		// Perhaps a password set on this computer, whose save a sync tool
		// replaced with an older copy under the password before: this
		// computer's own copy opens with it.
		if lc, k, kk, el, ok := v.unlockLocal(password); ok {
			base, dataKey, kek, elapsed, err = lc, k, kk, el, nil
		}
	}
	if err != nil {
		v.Close()
		return nil, fmt.Errorf("vault: %s: %w", path, err)
	}
	if err := v.load(base, dataKey); err != nil {
		clear(kek)
		v.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	v.passwordKEK = kek
	v.loadBackupDirHere()
	v.sweepTemps()
	if base == c {
		v.mergeLocal()
	} else if err := v.mergeFileIntoLocal(); err != nil {
		v.Close()
		return nil, fmt.Errorf("vault: %s: %w", path, err)
	}
	if o.unlockTime != nil {
		elapsed = o.unlockTime(elapsed)
	}
	if i := slices.IndexFunc(v.slots, func(s slot) bool { return s.kind == passwordSlot }); o.unlockTarget > 0 && i >= 0 && v.passwordKEK != nil {
		p := v.slots[i].params
		if better := scale(p, elapsed, o.unlockTarget); p.weaker(better) {
			if ns, nk, err := newPasswordSlotKey(password, v.dataKey, better); err == nil {
				v.slots[i] = ns
				clear(v.passwordKEK)
				v.passwordKEK = nk
				v.dirty = true
			}
		}
	}
	if v.dirty {
		// An upgrade of the parameters or changes of this computer the
		// file lacked: best effort, on failure they wait for the next Save.
		v.Save()
	}
	return v, nil
}

// unlockPassword unwraps the data key from the password slot, reporting the
// slot's wrapping key (kek, kept to wrap a new data key later without the
// password), its index and how long the KDF took.
func (c *container) unlockPassword(password []byte) (dataKey, kek []byte, i int, elapsed time.Duration, err error) {
	i = slices.IndexFunc(c.slots, func(s slot) bool { return s.kind == passwordSlot })
	if i < 0 {
		return nil, nil, -1, 0, fmt.Errorf("no password slot: %w", ErrWrongPassword)
	}
	s := &c.slots[i]
	start := time.Now()
	wk := passwordKey(password, s.salt[:], s.params)
	elapsed = time.Since(start)
	dataKey, err = s.unwrap(wk)
	if err != nil {
		clear(wk)
		return nil, nil, -1, 0, ErrWrongPassword
	}
	return dataKey, wk, i, elapsed, nil
}

// unlockCode tries bits on every backup-code slot (cheap: an HKDF, and for
// a version-2 slot an X25519 multiplication, each).
func (c *container) unlockCode(bits []byte) (dataKey []byte, i int, err error) {
	for i := range c.slots {
		if !c.slots[i].kind.isCode() {
			continue
		}
		if dataKey, err := c.slots[i].unwrapCode(bits); err == nil {
			return dataKey, i, nil
		}
	}
	return nil, -1, ErrWrongBackupCode
}

// decryptFile opens a whole vault file held in memory with its password:
// the container without the file handling (see readBackup).
func decryptFile(b, password []byte, lim limits) ([]Account, Settings, error) {
	bk, err := readBackup(b, password, lim)
	if err != nil {
		return nil, Settings{}, err
	}
	return bk.Accounts, bk.Settings, nil
}

// sweepTemps removes temporary files a crashed save left beside the vault
// and in its backup folder. Only the lock holder may do this, since a live
// save owns its temporary file.
func (v *Vault) sweepTemps() {
	base := filepath.Base(v.path)
	sweep := func(dir string, match func(string) bool) {
		names, _ := v.fs.ReadDir(dir)
		for _, n := range names {
			if match(n) {
				v.fs.Remove(filepath.Join(dir, n))
			}
		}
	}
	sweep(filepath.Dir(v.path), func(n string) bool { return strings.HasPrefix(n, tempPrefix(v.path)) })
	sweep(v.backupDir(), func(n string) bool {
		return strings.HasPrefix(n, "."+base+".") && strings.Contains(n, ".bak.tmp-")
	})
}

// OpenWithBackupCode unlocks the vault with one of its backup codes; every
// error names the file. A code
// with a typo gives ErrBackupCodeTypo before the file is even read; a
// well-formed code that opens nothing gives ErrWrongBackupCode. The vault
// then refuses to save (ErrNeedsPassword) until SetPassword; that save removes
// the code's slot, so each code opens the vault once. Backups made before
// still accept the code.
func OpenWithBackupCode(path string, code string) (*Vault, error) {
	return openWithBackupCode(path, code, defaultOptions())
}

func openWithBackupCode(path, code string, o options) (*Vault, error) {
	bits, err := parseBackupCode(code)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	defer clear(bits)
	v, c, err := readLocked(path, o)
	if err != nil {
		return nil, err
	}
	dataKey, i, err := c.unlockCode(bits)
	if err != nil {
		v.Close()
		return nil, fmt.Errorf("vault: %s: %w", path, err)
	}
	if err := v.load(c, dataKey); err != nil {
		v.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	v.loadBackupDirHere()
	v.sweepTemps()
	v.usedCodeSlot = i
	v.needsPassword = true
	v.mergeLocal()
	return v, nil
}

// readLocked locks path and parses it; the returned Vault holds the lock.
func readLocked(path string, o options) (*Vault, *container, error) {
	// Resolved and checked first, so a mistyped path leaves no stray lock
	// file and the lock is the real file's whatever name was given.
	path, exists, err := resolvePath(path)
	if err != nil {
		return nil, nil, err
	}
	if !exists {
		return nil, nil, fmt.Errorf("vault: %s: %w (%w)", path, ErrNoFile, fs.ErrNotExist)
	}
	lock, err := lockFile(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil, fmt.Errorf("vault: %s: %w (%w)", path, ErrNoFile, err)
		}
		return nil, nil, err
	}
	v := &Vault{path: path, fs: o.fs, lock: lock, now: o.now, opts: o, usedCodeSlot: -1}
	b, err := o.fs.ReadFile(path)
	if err != nil {
		v.Close()
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil, fmt.Errorf("vault: %s: %w (%w)", path, ErrNoFile, err)
		}
		return nil, nil, fmt.Errorf("vault: reading %s: %w", path, err)
	}
	c, err := parseContainer(b, o.limits)
	if err != nil {
		v.Close()
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	v.diskSum = sha256.Sum256(b)
	return v, c, nil
}

// load decrypts and decodes the payload into v.
func (v *Vault) load(c *container, dataKey []byte) error {
	pt, err := c.openPayload(dataKey)
	if err != nil {
		clear(dataKey)
		return err
	}
	unlockPT := lockMemory(pt)
	defer func() { clear(pt); unlockPT() }()
	r, err := decodeReplica(pt, c.version, dataKey)
	if err != nil {
		clear(dataKey)
		return err
	}
	r.slots = c.slots
	r.seq, _ = c.seq()
	v.initClock()
	v.adopt(r)
	return nil
}

// Save writes the vault atomically and durably, verifies what it wrote, and
// then writes a verified rotating backup (unless Settings.BackupKeep < 0).
// It never runs the password KDF. On failure the file on disk is untouched
// and the changes stay in memory (Dirty stays true). A file that changed on
// disk since it was read (another computer's save, brought by a sync tool)
// is merged first and the merge saved; one that cannot be merged (another
// vault, a damaged file) is left as it is (ErrChangedOnDisk). After a save,
// this computer's own copy is written (LocalCopy). If only the backup
// fails, the vault is saved and the error wraps ErrBackupFailed.
// With nothing to save (Dirty is false) it does nothing.
func (v *Vault) Save() error {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.readOnly {
		return ErrReadOnly
	}
	if !v.dirty && !v.closed && !v.needsPassword {
		return nil
	}
	return v.save(true)
}

func (v *Vault) save(checkDisk bool) error {
	if err := v.savable(); err != nil {
		return err
	}
	for attempt := 1; ; attempt++ {
		err := v.saveOnce(checkDisk)
		if errors.Is(err, errDiskMoved) && attempt < 3 {
			continue // replaced again while this save was written: merge that too
		}
		return err
	}
}

// errDiskMoved: the vault file changed between the merge and the rename.
var errDiskMoved = errors.New("vault: the file changed while it was being saved")

// saveOnce merges the file on disk when it changed (checkDisk), then
// writes. The file on disk is replaced only if it is still what was
// merged.
func (v *Vault) saveOnce(checkDisk bool) error {
	if checkDisk {
		// Never refuse because another computer saved meanwhile: what is
		// there is merged, and the merge is saved. Only a file none of the
		// vault's keys opens (another vault, or one saved after a password
		// change elsewhere) or a damaged one is refused; the change is then
		// kept in this computer's own copy, which the next open merges.
		if _, err := v.mergeDisk(); err != nil {
			if errors.Is(err, ErrUnknownKey) || errors.Is(err, ErrCorrupt) {
				if data, slots, serr := v.seal(); serr == nil && len(slots) > 0 {
					v.writeLocal(data)
				}
			}
			return err
		}
	}
	data, slots, err := v.seal()
	if err != nil {
		return err
	}
	verify := func(b []byte) error { return verifyFile(b, v.dataKey, v.opts.limits) }
	place := func(tmp, path string) error {
		if checkDisk {
			cur, err := v.fs.ReadFile(path)
			switch {
			case err == nil && sha256.Sum256(cur) != v.diskSum:
				return errDiskMoved
			case err != nil && !errors.Is(err, fs.ErrNotExist):
				return fmt.Errorf("vault: checking %s before replacing it: %w", path, err)
			}
		}
		return renameOver(v.fs)(tmp, path)
	}
	var replaced bool
	err = writeAtomicSteps(v.fs, v.path, data, verify, place, &replaced)
	if replaced {
		// The new file is in place (perhaps not yet durable): it is what a
		// later save must find on disk.
		v.diskSum = sha256.Sum256(data)
		v.slots = slots
		v.usedCodeSlot = -1
		v.seq++
	}
	if err != nil {
		return err
	}
	v.dirty = false
	v.writeLocal(data)
	v.backupErr = v.backup(data)
	if v.backupErr != nil {
		return fmt.Errorf("%w: %w", ErrBackupFailed, v.backupErr)
	}
	return nil
}

// seal encodes and encrypts the vault as the next save writes it, with
// the slots it will have.
func (v *Vault) seal() ([]byte, []slot, error) {
	slots := slices.Clone(v.slots)
	if v.usedCodeSlot >= 0 {
		slots = slices.Delete(slots, v.usedCodeSlot, v.usedCodeSlot+1)
	}
	r := v.replica()
	r.collect(v.now())
	pt, err := encodeReplica(r, true, true)
	r.wipe()
	if err != nil {
		return nil, nil, err
	}
	unlockPT := lockMemory(pt)
	data, err := marshalContainerSeq(slots, v.dataKey, pt, v.seq+1)
	clear(pt)
	unlockPT()
	return data, slots, err
}

// verifyFile parses b and decrypts and decodes its payload with dataKey.
func verifyFile(b, dataKey []byte, lim limits) error {
	c, err := parseContainer(b, lim)
	if err != nil {
		return err
	}
	pt, err := c.openPayload(dataKey)
	if err != nil {
		return err
	}
	defer clear(pt)
	_, _, _, err = decodePayload(pt, c.version)
	return err
}

func (v *Vault) backup(data []byte) error {
	keep := v.settings.BackupKeep
	if keep < 0 {
		return nil
	}
	dir := v.backupDir()
	if v.backupHere == "" {
		if err := v.fs.MkdirAll(dir); err != nil {
			return fmt.Errorf("vault: creating the backup folder: %w", err)
		}
	} else if _, err := v.fs.ReadDir(dir); err != nil {
		// A folder the user chose (a USB stick, a synced folder) is never
		// created: a missing one is most likely unmounted, and a copy on the
		// local disk in its place would only look like a backup.
		return fmt.Errorf("vault: the backup folder %s is not reachable: %w", dir, err)
	}
	name := filepath.Join(dir, deviceBackupName(v.path, v.Device(), v.now()))
	verify := func(b []byte) error { return verifyFile(b, v.dataKey, v.opts.limits) }
	if _, err := writeAtomic(v.fs, name, data, verify); err != nil {
		return err
	}
	v.rememberBackup(name, true)
	return rotate(v.fs, dir, v.path, v.Device(), keep, v.ownsBackup)
}

// backupDir is where this computer puts the vault's automatic backups.
func (v *Vault) backupDir() string {
	if v.backupHere != "" {
		return v.backupHere
	}
	return BackupDirFor(v.path)
}

// BackupCodesLeft is how many unused backup codes open this vault.
func (v *Vault) BackupCodesLeft() int {
	v.mu.Lock()
	defer v.mu.Unlock()
	n := 0
	for i, s := range v.slots {
		if s.kind.isCode() && i != v.usedCodeSlot {
			n++
		}
	}
	return n
}

// PasswordParams are the Argon2id parameters of the password slot.
func (v *Vault) PasswordParams() Params {
	v.mu.Lock()
	defer v.mu.Unlock()
	for _, s := range v.slots {
		if s.kind == passwordSlot {
			return s.params
		}
	}
	return Params{}
}

// MarkUsed records that a code of the account was just shown or copied. It
// changes LastUsed only, not Modified.
func (v *Vault) MarkUsed(id string) error {
	v.mu.Lock()
	defer v.mu.Unlock()
	i, err := v.writableIndex(id, "account")
	if err != nil {
		return err
	}
	v.accounts[i].LastUsed = v.now()
	v.dirty = true
	return nil
}

// Close releases the lock and wipes the data key and secrets from memory
// (best effort: Go may have copied them). Unsaved changes are dropped; call
// Save first, or SaveAndClose. Close is idempotent.
func (v *Vault) Close() error {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.close()
}

// SaveAndClose saves what is unsaved and closes, in one hold of the vault:
// a change another goroutine makes is either saved or refused with
// ErrClosed, never made after a separate save and then dropped by the
// close (the window's lock, while an import's worker adds accounts). The
// vault is closed even when the save fails; both errors are returned.
func (v *Vault) SaveAndClose() error {
	v.mu.Lock()
	defer v.mu.Unlock()
	var err error
	if !v.closed && v.dirty {
		err = v.save(true)
	}
	return errors.Join(err, v.close())
}

func (v *Vault) close() error {
	if v.closed {
		return nil
	}
	v.closed = true
	clear(v.dataKey)
	v.unpinKey()
	v.dataKey = nil
	clear(v.passwordKEK)
	v.passwordKEK = nil
	for _, k := range v.earlierKeys {
		clear(k)
	}
	v.earlierKeys = nil
	for i := range v.accounts {
		v.accounts[i].wipe()
	}
	v.accounts = nil
	for _, d := range v.dead {
		d.a.wipe()
	}
	v.dead = nil
	err := unlockFile(v.lock)
	v.lock = nil
	return err
}
