//go:build !windows

package vault

import "os"

// Rename replaces to with from in one step (rename(2)); the new name is an
// entry in the folder, made durable by SyncDir.
func (osFS) Rename(from, to string) error { return os.Rename(from, to) }

// SyncDir flushes the folder, so a rename in it survives a crash. On macOS
// Go's Sync is F_FULLFSYNC, which also empties the drive's cache.
func (osFS) SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
