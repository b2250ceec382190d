//go:build !linux && !darwin && !windows

package vault

// RenameExclusive: none here; renameNoReplace links instead.
func (osFS) RenameExclusive(from, to string) error { return errNoExclusiveRename }
