package ui

import (
	"errors"
	"slices"
	"strings"

	"latchkey/core"
	"latchkey/otp"
	"latchkey/qrimport"
	"latchkey/vault"
)

// advice turns an error into sentences that say what went wrong and what
// to do, starting with a capital and ending with a full stop. Errors from
// our packages never hold a secret, so their text may be shown as it is,
// without the package names people do not know.
func advice(err error) string {
	if err == nil {
		return ""
	}
	return sentence(adviceText(err))
}

func adviceText(err error) string {
	var pe *otp.ParseError
	var batch *qrimport.BatchError
	var content *qrimport.ContentError
	switch {
	case errors.Is(err, vault.ErrWrongPassword):
		return "Wrong password. Check Caps Lock and try again, or use a backup code."
	case errors.Is(err, vault.ErrLocked):
		return "Latchkey is already open on this vault in another window. Switch to that window, or close it first."
	// Before ErrCorrupt and ErrUnknownKey, which it wraps: saves merge
	// what another computer saved, so this is a file that cannot be merged.
	case errors.Is(err, vault.ErrChangedOnDisk) && errors.Is(err, vault.ErrUnknownKey):
		return "The vault file was replaced by one this vault cannot open: another vault, or one saved after the password or backup codes were changed on another computer. Latchkey leaves it as it is and cannot save into it. Lock, then unlock with the new password: what this computer saved is merged back. Or put the right file back from a backup."
	case errors.Is(err, vault.ErrChangedOnDisk):
		return "The vault file was replaced by a damaged one (a sync tool or another program wrote it). Latchkey leaves it as it is and cannot save into it. Put the file back from a backup, then lock and unlock: what this computer saved is merged back."
	case errors.Is(err, vault.ErrCorrupt), errors.Is(err, vault.ErrHostileParams):
		return "The vault file is damaged. Restore it from a backup copy."
	case errors.Is(err, vault.ErrNewerVersion):
		return "The vault was written by a newer Latchkey. Update Latchkey to open it."
	case errors.Is(err, vault.ErrExists):
		return "A file already exists there. Choose another name, or unlock the vault that is there."
	case errors.Is(err, vault.ErrBackupCodeTypo):
		return "That backup code has a typo. Check each character and try again."
	case errors.Is(err, vault.ErrWrongBackupCode):
		return "That backup code does not open this vault, or it was already used."
	case errors.Is(err, vault.ErrNoAccount):
		return "That account no longer exists."
	case errors.Is(err, vault.ErrNotFound):
		return "The file was not found. Check that it was not moved or deleted."
	case errors.Is(err, vault.ErrEmptyPassword):
		return "The password is empty. Type a password."
	case errors.Is(err, vault.ErrNeedsPassword):
		return "Set a new password first, then try again."
	case errors.Is(err, vault.ErrBackupFailed):
		return "Saved, but the backup copy failed. Check the backup folder in Settings."
	case errors.Is(err, vault.ErrNotRegular):
		return "That is not a regular file. Choose a file, not a folder or a device."
	case errors.Is(err, vault.ErrProtected):
		return "Latchkey never writes over a vault, its lock or its backups. Choose another name."
	case errors.Is(err, vault.ErrReadOnly):
		return "The vault is open read-only, so nothing can be changed. Close the other window that has it open."
	case errors.Is(err, vault.ErrClosed):
		return "The vault was locked meanwhile. Unlock it and try again."
	case errors.Is(err, core.ErrWrongPassword):
		return "Three wrong passwords, or the file is damaged. The password is the one chosen when exporting from the other app; export again if it is lost."
	case errors.Is(err, core.ErrPasswordRequired):
		return "The file is encrypted. Give the password chosen when exporting it."
	case errors.Is(err, core.ErrUnknownFormat):
		return "This is not an export file of an authenticator app Latchkey knows. Export again from the other app, as a plain or encrypted backup file."
	case errors.Is(err, core.ErrUnsupported):
		return "This kind of export file is not supported yet. Export again from the other app in another format."
	case errors.Is(err, core.ErrTooLarge), errors.Is(err, vault.ErrTooLarge), errors.Is(err, qrimport.ErrTooLarge):
		return "The file is too large to be what Latchkey expects. Check that it is the right file."
	case errors.As(err, &batch):
		return batch.Error() + ". Add all the export's QR codes at once: select every screenshot, or show them all on the screen and scan."
	case errors.As(err, &content) && content.Content == qrimport.ContentWebLink:
		return "This QR code is a web link, not a key. Sign in to the service, open its two-factor settings and scan the setup QR code shown there."
	case errors.As(err, &content):
		return content.Error() + ". Look for the QR code on the service's two-factor setup page."
	case errors.Is(err, qrimport.ErrIncompleteBatch):
		return "Some QR codes of a Google Authenticator export are missing. Add all its QR codes at once."
	case errors.Is(err, qrimport.ErrNoQRCode):
		return "No QR code found. Make sure the whole code is visible and sharp, or zoom in and try again."
	case errors.Is(err, qrimport.ErrNotImage):
		return "This is " + qrimport.ErrNotImage.Error() + ". Take a screenshot of the QR code as PNG and try that."
	case errors.Is(err, qrimport.ErrEmpty):
		return "There is nothing to read. Copy the link or the image again."
	case errors.As(err, &pe):
		// Said without the package's name: "the secret is not valid base32".
		return "The " + pe.Part + " " + isPhrase(pe.Msg)
	}
	return withoutPackage(err.Error())
}

// sentence starts s with a capital and ends it with a full stop.
func sentence(s string) string {
	s = capitalise(strings.TrimSpace(s))
	if s != "" && !strings.HasSuffix(s, ".") && !strings.HasSuffix(s, "?") && !strings.HasSuffix(s, "!") {
		s += "."
	}
	return s
}

// isPhrase turns a parse error's message ("not valid base32") into the
// rest of a sentence ("is not valid base32").
func isPhrase(msg string) string {
	if strings.HasPrefix(msg, "not ") || strings.HasPrefix(msg, "too ") {
		return "is " + msg
	}
	return "is wrong: " + msg
}

// withoutPackage drops the Go package names from an error's chain of
// contexts ("otp: ", "qrimport: "): people do not know them.
func withoutPackage(msg string) string {
	parts := strings.Split(msg, ": ")
	kept := parts[:0]
	for _, p := range parts {
		if !slices.Contains(packageNames, p) {
			kept = append(kept, p)
		}
	}
	return strings.Join(kept, ": ")
}

var packageNames = []string{"otp", "qrimport", "core", "vault", "interop", "kit", "input", "latchkey"}

// capitalise starts a sentence with a capital letter.
func capitalise(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}
