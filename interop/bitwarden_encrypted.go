package interop

import (
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Bitwarden's password-protected export: {"encrypted": true,
// "passwordProtected": true, "salt", "kdfType" (0 PBKDF2-SHA256, 1
// Argon2id), "kdfIterations", "kdfMemory" (MiB), "kdfParallelism",
// "encKeyValidation_DO_NOT_EDIT", "data"}. The derived key is stretched by
// HKDF-Expand-SHA256 into an AES key ("enc") and an HMAC key ("mac"); data
// is an EncString "2.iv|ciphertext|mac" (AES-256-CBC, HMAC-SHA256 over iv
// and ciphertext) holding the plain JSON export.

type bitwardenProtected struct {
	Salt           string `json:"salt"`
	KDFType        int    `json:"kdfType"`
	KDFIterations  int    `json:"kdfIterations"`
	KDFMemory      int    `json:"kdfMemory"`
	KDFParallelism int    `json:"kdfParallelism"`
	Validation     string `json:"encKeyValidation_DO_NOT_EDIT"`
	Data           string `json:"data"`
}

// Bitwarden's own upper limits for Argon2id.
const (
	maxBitwardenArgonMemory   = 1024 // MiB
	maxBitwardenArgonTime     = 10
	maxBitwardenArgonThreads  = 16
	bitwardenKDFPBKDF2        = 0
	bitwardenKDFArgon2id      = 1
	bitwardenEncAESCBCHMAC256 = "2"
)

func readBitwardenEncrypted(c *collector, data, pw []byte) error {
	var f bitwardenProtected
	if err := json.Unmarshal(data, &f); err != nil {
		return fmt.Errorf("bad JSON: %w", err)
	}
	key, err := deriveBitwarden(f, pw)
	if err != nil {
		return err
	}
	encKey, err1 := hkdf.Expand(sha256.New, key, "enc", 32)
	macKey, err2 := hkdf.Expand(sha256.New, key, "mac", 32)
	if err := errors.Join(err1, err2); err != nil {
		return err
	}
	if _, err := openEncString(f.Validation, encKey, macKey); err != nil {
		return err
	}
	plain, err := openEncString(f.Data, encKey, macKey)
	if err != nil {
		return err
	}
	if !json.Valid(plain) {
		return errors.New("decrypted export is not JSON")
	}
	return readBitwarden(c, plain, nil)
}

func deriveBitwarden(f bitwardenProtected, pw []byte) ([]byte, error) {
	switch f.KDFType {
	case bitwardenKDFPBKDF2:
		return derivePBKDF2(pbkdfSHA256, pw, []byte(f.Salt), f.KDFIterations)
	case bitwardenKDFArgon2id:
		if f.KDFMemory < 1 || f.KDFMemory > maxBitwardenArgonMemory || f.KDFIterations < 1 ||
			f.KDFIterations > maxBitwardenArgonTime || f.KDFParallelism < 1 || f.KDFParallelism > maxBitwardenArgonThreads {
			return nil, fmt.Errorf("%w: Argon2 %d MiB, %d passes, %d lanes", errKDFLimit, f.KDFMemory, f.KDFIterations, f.KDFParallelism)
		}
		salt := sha256.Sum256([]byte(f.Salt))
		return argon2.IDKey(pw, salt[:], uint32(f.KDFIterations), uint32(f.KDFMemory)<<10, uint8(f.KDFParallelism), 32), nil
	}
	return nil, fmt.Errorf("%w: key derivation type %d", ErrUnsupported, f.KDFType)
}

// openEncString checks and decrypts a Bitwarden EncString of type 2.
func openEncString(s string, encKey, macKey []byte) ([]byte, error) {
	typ, rest, ok := strings.Cut(s, ".")
	if !ok || typ != bitwardenEncAESCBCHMAC256 {
		return nil, fmt.Errorf("%w: encryption type %.3q", ErrUnsupported, typ)
	}
	parts, err := base64Parts(rest, "|", "encrypted field")
	if err != nil {
		return nil, err
	}
	iv, ct, mac := parts[0], parts[1], parts[2]
	h := hmac.New(sha256.New, macKey)
	h.Write(iv)
	h.Write(ct)
	if !hmac.Equal(h.Sum(nil), mac) {
		return nil, ErrWrongPassword
	}
	return openCBC(encKey, iv, ct)
}
