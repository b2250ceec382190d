package ui

import (
	"errors"
	"strings"

	"latchkey/core"
	"latchkey/otp"
	"latchkey/qrimport"
	"latchkey/vault"
)

// advice turns an error into a sentence that says what went wrong and what
// to do. Errors from our packages never hold a secret, so their text may be
// shown as it is.
func advice(err error) string {
	var pe *otp.ParseError
	var batch *qrimport.BatchError
	var content *qrimport.ContentError
	switch {
	case err == nil:
		return ""
	case errors.Is(err, vault.ErrWrongPassword):
		return "wrong password. Check Caps Lock and try again, or use a backup code."
	case errors.Is(err, vault.ErrLocked):
		return "Latchkey is already open on this vault in another window. Switch to that window, or close it first."
	// Before ErrCorrupt and ErrUnknownKey, which it wraps: saves merge
	// what another computer saved, so this is a file that cannot be merged.
	case errors.Is(err, vault.ErrChangedOnDisk) && errors.Is(err, vault.ErrUnknownKey):
		return "the vault file was replaced by one this vault cannot open: another vault, or one saved after the password or backup codes were changed on another computer. Latchkey leaves it as it is and cannot save into it. Lock, then unlock with the new password: what this computer saved is merged back. Or put the right file back from a backup."
	case errors.Is(err, vault.ErrChangedOnDisk):
		return "the vault file was replaced by a damaged one (a sync tool or another program wrote it). Latchkey leaves it as it is and cannot save into it. Put the file back from a backup, then lock and unlock: what this computer saved is merged back."
	case errors.Is(err, vault.ErrCorrupt):
		return "the vault file is damaged. Restore it from a backup copy."
	case errors.Is(err, vault.ErrNewerVersion):
		return "the vault was written by a newer Latchkey. Update Latchkey to open it."
	case errors.Is(err, vault.ErrExists):
		return "a vault already exists there. Unlock it instead."
	case errors.Is(err, vault.ErrBackupCodeTypo):
		return "that backup code has a typo. Check each character and try again."
	case errors.Is(err, vault.ErrWrongBackupCode):
		return "that backup code does not open this vault, or it was already used."
	case errors.Is(err, vault.ErrNoAccount):
		return "that account no longer exists."
	case errors.Is(err, core.ErrWrongPassword):
		return "three wrong passwords, or the file is damaged. The password is the one chosen when exporting from the other app; export again if it is lost."
	case errors.As(err, &batch):
		return batch.Error() + ". Add all the export's QR codes at once: select every screenshot, or show them all on the screen and scan."
	case errors.As(err, &content) && content.Content == qrimport.ContentWebLink:
		return "this QR code is a web link, not a key. Sign in to the service, open its two-factor settings and scan the setup QR code shown there."
	case errors.As(err, &content):
		return content.Error() + ". Look for the QR code on the service's two-factor setup page."
	case errors.Is(err, qrimport.ErrNoQRCode):
		return "no QR code found. Make sure the whole code is visible and sharp, or zoom in and try again."
	case errors.Is(err, qrimport.ErrNotImage):
		return qrimport.ErrNotImage.Error() + "."
	case errors.As(err, &pe):
		// Said without the package's name: "the secret is not valid base32".
		return "the " + pe.Part + " " + isPhrase(pe.Msg)
	}
	return withoutPackage(err.Error())
}

// isPhrase turns a parse error's message ("not valid base32") into the
// rest of a sentence ("is not valid base32").
func isPhrase(msg string) string {
	if strings.HasPrefix(msg, "not ") || strings.HasPrefix(msg, "too ") {
		return "is " + msg
	}
	return "is wrong: " + msg
}

// withoutPackage drops a Go package's name from the start of an error's
// text ("otp: ", "qrimport: "): people do not know them.
func withoutPackage(msg string) string {
	for _, p := range []string{"otp: ", "qrimport: ", "core: ", "vault: ", "interop: ", "kit: "} {
		msg = strings.TrimPrefix(msg, p)
	}
	return msg
}

// capitalise starts a sentence with a capital letter.
func capitalise(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}
