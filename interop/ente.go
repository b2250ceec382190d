package interop

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"unicode/utf8"
)

// Ente Auth's encrypted export (docs/auth/migration/export.md of Ente):
// {"version": 1, "kdfParams": {"memLimit", "opsLimit", "salt"},
// "encryptedData", "encryptionNonce"}, all binary in base64. The key is
// libsodium's crypto_pwhash (Argon2id) of the password; the data is one
// crypto_secretstream_xchacha20poly1305 message whose header is
// encryptionNonce. Inside is Ente's plain text export: one URI per line.

type enteFile struct {
	Version   int `json:"version"`
	KDFParams struct {
		MemLimit int64  `json:"memLimit"`
		OpsLimit int64  `json:"opsLimit"`
		Salt     string `json:"salt"`
	} `json:"kdfParams"`
	EncryptedData   string `json:"encryptedData"`
	EncryptionNonce string `json:"encryptionNonce"`
}

func readEnteEncrypted(c *collector, data, pw []byte) error {
	var f enteFile
	if err := json.Unmarshal(data, &f); err != nil {
		return fmt.Errorf("bad JSON: %w", err)
	}
	if f.Version != 1 {
		return fmt.Errorf("%w: export version %d", ErrUnsupported, f.Version)
	}
	salt, err1 := base64.StdEncoding.DecodeString(f.KDFParams.Salt)
	header, err2 := base64.StdEncoding.DecodeString(f.EncryptionNonce)
	ct, err3 := base64.StdEncoding.DecodeString(f.EncryptedData)
	if err := errors.Join(err1, err2, err3); err != nil {
		return fmt.Errorf("bad export: %w", err)
	}
	if len(header) != streamHeaderSize {
		return fmt.Errorf("bad export: nonce of %d bytes, want %d", len(header), streamHeaderSize)
	}
	key, err := deriveArgon2id(pw, salt, f.KDFParams.MemLimit, f.KDFParams.OpsLimit)
	if err != nil {
		return err
	}
	s, err := newStreamPull(key, header)
	if err != nil {
		return err
	}
	plain, _, err := s.pull(ct)
	if err != nil {
		return ErrWrongPassword
	}
	if !utf8.Valid(plain) {
		return errors.New("decrypted export is not text")
	}
	return readURIList(c, plain, nil)
}
