package vault

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// Each computer keeps its own copy of its last save of each vault, outside
// the vault's folder: a sync tool may replace the vault file with another
// computer's version and keep nothing of this one (Syncthing does, with
// "max conflicts" at 0), so the vault merges this copy back whenever it is
// opened. The copy is the saved file byte for byte (encrypted the same
// way), in the state folder, named by a hash of the vault's real path.
// The state folder also holds the device id: this computer's name in clock
// stamps and in the names of its automatic backups; and each vault's
// backup folder on this computer (backupdir.go).

// stateKey names a vault's entries in the state folder: 32 hex digits of
// SHA-256 of its real path, made absolute. A path is as given when it
// names no link (latchkey --vault vault.latchkey): by the name alone, the
// vaults of that name in every folder would share one entry.
func stateKey(vaultPath string) string {
	if abs, err := filepath.Abs(vaultPath); err == nil {
		vaultPath = abs
	}
	sum := sha256.Sum256([]byte(vaultPath))
	return hex.EncodeToString(sum[:16])
}

// DefaultStateDir is where this computer keeps its own copies of the
// vaults it saves and its device id: $XDG_STATE_HOME/latchkey when that is
// set, else the per-user config folder's latchkey/state.
func DefaultStateDir() (string, error) {
	if d := os.Getenv("XDG_STATE_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, defaultFolderName), nil
	}
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("vault: finding the state folder: %w", err)
	}
	return filepath.Join(dir, defaultFolderName, "state"), nil
}

// deviceFile holds this computer's device id: 16 hex digits.
const deviceFile = "device"

var deviceIDs sync.Map // state folder -> uint64

// deviceID is this computer's device id: read from the state folder, made
// there (at random) the first time; without a usable state folder, one
// derived from the host name, which is stable too.
func (o options) deviceID() uint64 {
	if o.stateDir == "" {
		return hostDevice()
	}
	if id, ok := deviceIDs.Load(o.stateDir); ok {
		return id.(uint64)
	}
	id, err := readDevice(o.fs, o.stateDir)
	if errors.Is(err, fs.ErrNotExist) {
		id, err = makeDevice(o.fs, o.stateDir)
	}
	if err != nil {
		return hostDevice()
	}
	actual, _ := deviceIDs.LoadOrStore(o.stateDir, id)
	return actual.(uint64)
}

func readDevice(fsys fileSystem, dir string) (uint64, error) {
	b, err := fsys.ReadFile(filepath.Join(dir, deviceFile))
	if err != nil {
		return 0, err
	}
	text := strings.TrimSuffix(string(b), "\n")
	if len(text) != 16 || strings.ToLower(text) != text {
		return 0, fmt.Errorf("vault: the device id in %s is malformed", dir)
	}
	raw, err := hex.DecodeString(text)
	if err != nil {
		return 0, fmt.Errorf("vault: the device id in %s is malformed", dir)
	}
	return binary.BigEndian.Uint64(raw), nil
}

// makeDevice writes a new random device id, unless another process wrote
// one first: then that one is this computer's.
func makeDevice(fsys fileSystem, dir string) (uint64, error) {
	var b [8]byte
	rand.Read(b[:])
	id := binary.BigEndian.Uint64(b[:])
	if err := fsys.MkdirAll(dir); err != nil {
		return 0, err
	}
	var placed bool
	err := writeAtomicSteps(fsys, filepath.Join(dir, deviceFile), []byte(fmt.Sprintf("%016x\n", id)), nil,
		func(tmp, path string) error { return placeNew(fsys, tmp, path) }, &placed)
	if errors.Is(err, ErrExists) {
		return readDevice(fsys, dir)
	}
	return id, err
}

func hostDevice() uint64 {
	h, _ := os.Hostname()
	sum := sha256.Sum256([]byte("latchkey device\x00" + h))
	return binary.BigEndian.Uint64(sum[:8])
}

// Device is this computer's device id as it appears in clock stamps and
// in the names of the automatic backups it makes: 16 hex digits.
func (v *Vault) Device() string { return fmt.Sprintf("%016x", v.clock.node) }

// localPath is this computer's copy of the vault: the state folder's
// "<32 hex digits of SHA-256 of the vault's real, absolute path>.latchkey"; "" when
// there is no state folder.
func (o options) localPath(vaultPath string) string {
	if o.stateDir == "" {
		return ""
	}
	return filepath.Join(o.stateDir, stateKey(vaultPath)+".latchkey")
}

// LocalCopyStatus is what the vault did with this computer's own copy.
type LocalCopyStatus struct {
	Path string // "" when this vault keeps none (no state folder)
	// Merged is what the copy held that the vault file lacked when the
	// vault was opened: changes a sync tool had replaced.
	Merged Changes
	// Err is why the copy could not be read, merged or written (it is
	// then kept as it is); nil when all went well.
	Err error
}

// LocalCopy reports on this computer's own copy of the vault.
func (v *Vault) LocalCopy() LocalCopyStatus {
	v.mu.Lock()
	defer v.mu.Unlock()
	return LocalCopyStatus{Path: v.opts.localPath(v.path), Merged: v.localMerged, Err: v.localErr}
}

// writeLocal keeps data, the file just saved, as this computer's copy.
// A failure is remembered (LocalCopy), never the save's. Called with v.mu
// held.
func (v *Vault) writeLocal(data []byte) {
	p := v.opts.localPath(v.path)
	if p == "" || v.readOnly {
		return
	}
	v.localErr = nil
	if err := v.fs.MkdirAll(v.opts.stateDir); err != nil {
		v.localErr = fmt.Errorf("vault: this computer's copy of the vault: creating %s: %w", v.opts.stateDir, err)
		return
	}
	verify := func(b []byte) error { return verifyFile(b, v.dataKey, v.opts.limits) }
	if _, err := writeAtomic(v.fs, p, data, verify); err != nil {
		v.localErr = fmt.Errorf("vault: this computer's copy of the vault: %w", err)
	}
}

// mergeLocal merges this computer's copy into the vault just opened. A
// copy that cannot be merged is kept as it is and reported (LocalCopy).
// Called with v.mu held.
func (v *Vault) mergeLocal() {
	p := v.opts.localPath(v.path)
	if p == "" {
		return
	}
	b, err := v.fs.ReadFile(p)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return
	case err != nil:
		v.localErr = fmt.Errorf("vault: this computer's copy of the vault, %s: %w", p, err)
		return
	}
	if sha256.Sum256(b) == v.diskSum {
		return
	}
	r, err := openCopy(b, v.opts.limits, v.keys())
	if err != nil {
		v.localErr = fmt.Errorf("vault: this computer's copy of the vault, %s, was kept as it is: %w", p, err)
		return
	}
	defer r.wipe()
	ch, err := v.mergeIn(r)
	if err != nil {
		v.localErr = fmt.Errorf("vault: merging this computer's copy of the vault, %s: %w", p, err)
		return
	}
	v.localMerged = ch
}

// unlockLocal opens this computer's own copy with password, when the
// vault file does not open with it: the password was changed here and a
// sync tool then put an older copy in the vault's place. Only a copy that
// the vault file belongs to (the file opens with one of the copy's keys)
// is used; another vault at the path is never replaced by it. Called on a
// vault read but not loaded, holding the lock.
func (v *Vault) unlockLocal(password []byte) (lc *container, key, kek []byte, elapsed time.Duration, ok bool) {
	p := v.opts.localPath(v.path)
	if p == "" {
		return nil, nil, nil, 0, false
	}
	b, err := v.fs.ReadFile(p)
	if err != nil {
		return nil, nil, nil, 0, false
	}
	lc, err = parseContainer(b, v.opts.limits)
	if err != nil {
		return nil, nil, nil, 0, false
	}
	file, err := v.fs.ReadFile(v.path)
	if err != nil || sha256.Sum256(file) != v.diskSum || sha256.Sum256(b) == v.diskSum {
		return nil, nil, nil, 0, false
	}
	key, kek, _, elapsed, err = lc.unlockPassword(password)
	if err != nil {
		return nil, nil, nil, 0, false
	}
	lr, err := openCopy(b, v.opts.limits, [][]byte{key})
	if err == nil {
		var fr *replica
		fr, err = openCopy(file, v.opts.limits, lr.keys())
		fr.wipe()
		lr.wipe()
	}
	if err != nil {
		clear(key)
		clear(kek)
		return nil, nil, nil, 0, false
	}
	return lc, key, kek, elapsed, true
}

// mergeFileIntoLocal merges the vault file into the vault loaded from this
// computer's own copy (unlockLocal), which the next save writes.
func (v *Vault) mergeFileIntoLocal() error {
	file, err := v.fs.ReadFile(v.path)
	if err != nil {
		return err
	}
	fr, err := openCopy(file, v.opts.limits, v.keys())
	if err != nil {
		return err
	}
	defer fr.wipe()
	if _, err := v.mergeIn(fr); err != nil {
		return err
	}
	cur := v.replica()
	defer cur.wipe()
	v.localMerged = diffReplicas(fr, cur)
	v.dirty = true
	return nil
}
