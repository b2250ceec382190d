package vault

import (
	"errors"
	"os"
	"time"

	"golang.org/x/sys/windows"
)

// Rename replaces to with from in one step, as os.Rename does (MoveFileEx
// with MOVEFILE_REPLACE_EXISTING), and with MOVEFILE_WRITE_THROUGH, so it
// returns only once the move is on disk: that is what flushing the folder
// gives on Unix. The temporary file's content was flushed before (Sync is
// FlushFileBuffers here). Windows refuses to replace a file another program
// holds open without sharing deletion (a virus scanner, the search indexer,
// a read-only Latchkey reading the vault), usually for a moment: such a
// refusal is tried again for about half a second.
func (osFS) Rename(from, to string) error {
	return retryBusy(func() error { return moveFile(from, to, windows.MOVEFILE_REPLACE_EXISTING) }, isBusy, time.Sleep)
}

// moveFile is MoveFileEx with MOVEFILE_WRITE_THROUGH and flags.
func moveFile(from, to string, flags uint32) error {
	f, err := windows.UTF16PtrFromString(from)
	if err != nil {
		return &os.LinkError{Op: "rename", Old: from, New: to, Err: err}
	}
	t, err := windows.UTF16PtrFromString(to)
	if err != nil {
		return &os.LinkError{Op: "rename", Old: from, New: to, Err: err}
	}
	if err := windows.MoveFileEx(f, t, flags|windows.MOVEFILE_WRITE_THROUGH); err != nil {
		return &os.LinkError{Op: "rename", Old: from, New: to, Err: err}
	}
	return nil
}

func isBusy(err error) bool {
	return errors.Is(err, windows.ERROR_ACCESS_DENIED) || errors.Is(err, windows.ERROR_SHARING_VIOLATION)
}

// SyncDir does nothing: Windows cannot open a folder for flushing, and
// Rename has already written the move through to the disk.
func (osFS) SyncDir(string) error { return nil }

// RenameExclusive renames from to to in one step unless something is at
// to (fs.ErrExist): MoveFileEx without MOVEFILE_REPLACE_EXISTING, on FAT
// as on NTFS. A symbolic link at from is moved itself, where a hard link
// (CreateHardLink) would be made to its target.
func (osFS) RenameExclusive(from, to string) error {
	return retryBusy(func() error { return moveFile(from, to, 0) }, isBusy, time.Sleep)
}
