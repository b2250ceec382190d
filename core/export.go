package core

import (
	"bytes"

	"latchkey/interop"
	"latchkey/otp"
	"latchkey/qrimport"
	"latchkey/vault"
)

// The plain exports. Each asks c first, as what it makes lets anyone who
// reads it make the person's codes; the caller writes or shows the result
// and clears it when done. An encrypted backup is WriteBackup (backup.go).

// URIList is one otpauth:// URI a line, for any authenticator.
func URIList(accounts []vault.Account, c Confirmer) ([]byte, error) {
	if !c.ConfirmPlain(FormatURIList) {
		return nil, ErrDeclined
	}
	var b bytes.Buffer
	for _, a := range accounts {
		b.WriteString(a.Key.URI())
		b.WriteByte('\n')
	}
	return b.Bytes(), nil
}

// Aegis is a plain Aegis vault with what Latchkey keeps beside the keys
// (tags, note, pin, icon): the format most open authenticators import.
func Aegis(accounts []vault.Account, c Confirmer) ([]byte, error) {
	if !c.ConfirmPlain(FormatAegis) {
		return nil, ErrDeclined
	}
	entries := make([]interop.Entry, len(accounts))
	for i, a := range accounts {
		entries[i] = toEntry(a)
	}
	var b bytes.Buffer
	if err := interop.WriteAegis(&b, entries); err != nil {
		clear(b.Bytes())
		return nil, err
	}
	return b.Bytes(), nil
}

// GoogleQR is Google Authenticator's export: QR codes of size pixels, ten
// accounts a code. skipped are the keys Google's app cannot hold, to be
// named to the person.
func GoogleQR(accounts []vault.Account, size int, c Confirmer) (pngs [][]byte, skipped []otp.Key, err error) {
	if !c.ConfirmPlain(FormatGoogleQR) {
		return nil, nil, ErrDeclined
	}
	keys := make([]otp.Key, len(accounts))
	for i, a := range accounts {
		keys[i] = a.Key
	}
	return qrimport.MigrationPNGs(keys, size)
}
