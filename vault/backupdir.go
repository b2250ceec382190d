package vault

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// The automatic-backup folder is a fact about one computer, like its
// device id: a USB stick's mount point on one is nothing on another. So
// each computer keeps its own in its state folder, beside its copy of the
// vault, as "<32 hex digits of SHA-256 of the vault's real, absolute path>.settings",
// and never in the vault file, which a sync tool carries to the others.
//
// The payload's backup_dir is what Latchkey wrote before: it is still
// read, merged by its stamp and written back as found (so an older
// Latchkey elsewhere keeps its own choice, and the merge stays a merge),
// but it is never this computer's folder, except once: opened on a
// computer with no choice of its own, a folder it names that exists here
// is adopted and kept here.

// maxLocalSettings caps the file read: a path of MaxTextLen bytes, quoted.
const maxLocalSettings = 16 << 10

// localSettings is the state folder's per-vault file.
type localSettings struct {
	BackupDir string `json:"backup_dir"`
}

// sessionBackupDirs holds the choices made without a state folder, by
// vault path, for as long as the program runs (the window closes and opens
// the vault on every lock).
var sessionBackupDirs sync.Map // stateKey -> string

// localSettingsPath is this computer's settings for the vault at
// vaultPath; "" when there is no state folder.
func (o options) localSettingsPath(vaultPath string) string {
	if o.stateDir == "" {
		return ""
	}
	return filepath.Join(o.stateDir, stateKey(vaultPath)+".settings")
}

// readBackupDirHere is this computer's backup folder for the vault, and
// whether it chose one. An entry that cannot be used (damaged, too large,
// a link, not a regular file) is the default, chosen: it never fails an
// open, and the next choice replaces it.
func (v *Vault) readBackupDirHere() (dir string, chosen bool) {
	p := v.opts.localSettingsPath(v.path)
	if p == "" {
		d, ok := sessionBackupDirs.Load(stateKey(v.path))
		if !ok {
			return "", false
		}
		return d.(string), true
	}
	// ReadCopy's rules: a regular file, capped, never through a link.
	b, _, err := ReadCopyInfoMax(p, maxLocalSettings)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "", false
	case err != nil:
		return "", true
	}
	ls, err := decodeLocalSettings(b)
	if err != nil {
		return "", true
	}
	return ls.BackupDir, true
}

func decodeLocalSettings(b []byte) (localSettings, error) {
	var ls localSettings
	d := json.NewDecoder(bytes.NewReader(b))
	if err := d.Decode(&ls); err != nil {
		return localSettings{}, fmt.Errorf("vault: this computer's settings do not decode: %w", ErrCorrupt)
	}
	if d.More() {
		return localSettings{}, fmt.Errorf("vault: this computer's settings have trailing data: %w", ErrCorrupt)
	}
	if err := (Settings{BackupDir: ls.BackupDir}).validate(); err != nil {
		return localSettings{}, fmt.Errorf("vault: this computer's settings: %w (%w)", err, ErrCorrupt)
	}
	return ls, nil
}

// storeBackupDirHere keeps dir as this computer's backup folder for the
// vault, through WriteFile's rules (0600, never through a link). Called
// with v.mu held, or before v is shared.
func (v *Vault) storeBackupDirHere(dir string) error {
	if v.readOnly {
		return fmt.Errorf("vault: %s: %w", v.path, ErrReadOnly)
	}
	p := v.opts.localSettingsPath(v.path)
	if p == "" {
		sessionBackupDirs.Store(stateKey(v.path), dir)
		return nil
	}
	data, err := json.Marshal(localSettings{BackupDir: dir})
	if err != nil {
		return fmt.Errorf("vault: encoding this computer's settings: %w", err)
	}
	data = append(data, '\n')
	if err := v.fs.MkdirAll(v.opts.stateDir); err != nil {
		return fmt.Errorf("vault: this computer's settings: creating %s: %w", v.opts.stateDir, err)
	}
	verify := func(b []byte) error { _, err := decodeLocalSettings(b); return err }
	if err := writeFile(v.fs, p, data, verify, WriteOptions{Replace: true}); err != nil {
		return fmt.Errorf("vault: keeping this computer's backup folder: %w", err)
	}
	return nil
}

// loadBackupDirHere sets the vault's backup folder on this computer: its
// own choice; without one, the folder an older Latchkey wrote in the file
// when it is a folder here (kept as this computer's choice unless the vault
// is read-only),
// else the default. Called on a vault just loaded.
func (v *Vault) loadBackupDirHere() {
	if dir, chosen := v.readBackupDirHere(); chosen {
		v.backupHere = dir
		return
	}
	v.backupHere = ""
	old := v.settings.BackupDir
	if old == "" {
		return
	}
	if !filepath.IsAbs(old) {
		return // another system's path, or a forged one
	}
	if networkPath(old) {
		// Looked at on every open while there is no choice here: a
		// share away from its network waits for a timeout, and Windows
		// sends the sign-in to whatever answers to the name. Chosen
		// again here, it is this computer's.
		return
	}
	if st, err := os.Stat(old); err != nil || !st.IsDir() {
		// Another computer's folder, or a stick not plugged in: the
		// default for now, and asked again at the next open.
		return
	}
	v.backupHere = old
	// Best effort (and refused read-only): not kept, it is adopted again
	// at the next open.
	v.storeBackupDirHere(old)
}

// networkPath reports whether p names a folder on another machine, by
// how it is spelt (`\\server\share`, "//server/share"), without asking
// the network.
func networkPath(p string) bool {
	return strings.HasPrefix(p, `\\`) || strings.HasPrefix(p, "//")
}
