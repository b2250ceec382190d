package interop

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/pbkdf2"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"hash"
	"strings"

	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/scrypt"
)

// Caps on the key derivation parameters a file may ask for, so that a
// hostile file cannot make Read allocate gigabytes or spin for minutes. Each
// is checked before anything is derived and sits at or a little above what
// the app itself ever writes (noted beside it): more means the file is
// damaged or was not made by that app.
const (
	// Aegis always writes scrypt N=2^15, r=8, p=1: 32 MiB and work N·r·p =
	// 2^18. A file may ask for 8 times that per slot, and 16 times in all
	// over its password slots.
	maxScryptMemory = 256 << 20 // bytes, 128·N·r
	maxScryptWork   = 1 << 22   // N·r·p, per file
	// Bitwarden allows up to 2,000,000 PBKDF2 iterations; andOTP writes
	// 140,000 to 160,000, 2FAS 10,000, Authenticator Pro 64,000.
	maxPBKDF2Iter = 2_000_000
	// Ente's sensitive profile: 1 GiB and 4 passes; lighter devices halve
	// the memory and double the passes, keeping the product.
	maxArgonMemory = 1 << 30 // bytes
	maxArgonWork   = 4 << 30 // bytes·passes
	minArgonMemory = 8 << 10 // bytes, libsodium's minimum
	maxArgonOps    = 1 << 16
)

// errKDFLimit says a file asked for more work than its app ever writes.
var errKDFLimit = errors.New("the file asks for more key-derivation work than its app ever writes: it is damaged or was made by something else")

// scryptWork checks scrypt's parameters against the caps and returns the
// work N·r·p they ask for.
func scryptWork(n, r, p int) (int, error) {
	if n < 2 || n&(n-1) != 0 || r < 1 || p < 1 {
		return 0, fmt.Errorf("%w: scrypt N=%d r=%d p=%d", ErrUnsupported, n, r, p)
	}
	if uint64(n)*uint64(r)*128 > maxScryptMemory || uint64(n)*uint64(r)*uint64(p) > maxScryptWork {
		return 0, fmt.Errorf("%w: scrypt N=%d r=%d p=%d", errKDFLimit, n, r, p)
	}
	return n * r * p, nil
}

func deriveScrypt(pw, salt []byte, n, r, p int) ([]byte, error) {
	if _, err := scryptWork(n, r, p); err != nil {
		return nil, err
	}
	return scrypt.Key(pw, salt, n, r, p, 32)
}

func derivePBKDF2(h func() hash.Hash, pw, salt []byte, iter int) ([]byte, error) {
	if iter < 1 || iter > maxPBKDF2Iter {
		return nil, fmt.Errorf("%w: %d PBKDF2 iterations", errKDFLimit, iter)
	}
	return pbkdf2.Key(h, string(pw), salt, iter, 32)
}

var (
	pbkdfSHA1   = sha1.New
	pbkdfSHA256 = sha256.New
)

// deriveArgon2id maps libsodium's crypto_pwhash limits (memory in bytes,
// passes) onto Argon2id with one lane, as libsodium does.
func deriveArgon2id(pw, salt []byte, memLimit, opsLimit int64) ([]byte, error) {
	if len(salt) != 16 {
		return nil, fmt.Errorf("%w: Argon2 salt of %d bytes", ErrUnsupported, len(salt))
	}
	if memLimit < minArgonMemory || memLimit > maxArgonMemory || opsLimit < 1 || opsLimit > maxArgonOps ||
		memLimit*opsLimit > maxArgonWork {
		return nil, fmt.Errorf("%w: Argon2 memory %d bytes, %d passes", errKDFLimit, memLimit, opsLimit)
	}
	return argon2.IDKey(pw, salt, uint32(opsLimit), uint32(memLimit/1024), 1, 32), nil
}

// openGCM decrypts AES-GCM ciphertext with its tag appended. A failed
// authentication is reported as ErrWrongPassword: with a password-derived
// key the two cannot be told apart.
func openGCM(key, nonce, sealed []byte) ([]byte, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	gcm, err := cipher.NewGCMWithNonceSize(block, len(nonce))
	if err != nil || len(nonce) == 0 {
		return nil, fmt.Errorf("%w: nonce of %d bytes", ErrUnsupported, len(nonce))
	}
	if len(sealed) < gcm.Overhead() {
		return nil, errors.New("ciphertext shorter than its tag")
	}
	plain, err := gcm.Open(nil, nonce, sealed, nil)
	if err != nil {
		return nil, ErrWrongPassword
	}
	return plain, nil
}

// openCBC decrypts AES-CBC with PKCS#7 padding. Bad padding means a wrong key.
func openCBC(key, iv, ct []byte) ([]byte, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	if len(iv) != aes.BlockSize || len(ct) == 0 || len(ct)%aes.BlockSize != 0 {
		return nil, errors.New("ciphertext is not whole AES blocks")
	}
	plain := make([]byte, len(ct))
	cipher.NewCBCDecrypter(block, iv).CryptBlocks(plain, ct)
	pad := int(plain[len(plain)-1])
	if pad == 0 || pad > aes.BlockSize {
		return nil, ErrWrongPassword
	}
	for _, b := range plain[len(plain)-pad:] {
		if int(b) != pad {
			return nil, ErrWrongPassword
		}
	}
	return plain[:len(plain)-pad], nil
}

// base64Parts splits an encrypted field of three base64 parts joined by sep
// (Bitwarden's iv|ct|mac, 2FAS's ct:salt:iv) and decodes them; what names
// the field in errors.
func base64Parts(s, sep, what string) ([3][]byte, error) {
	var out [3][]byte
	parts := strings.Split(s, sep)
	if len(parts) != len(out) {
		return out, fmt.Errorf("%s in %d parts, want 3", what, len(parts))
	}
	var errs [3]error
	for i, p := range parts {
		out[i], errs[i] = base64.StdEncoding.DecodeString(p)
	}
	if err := errors.Join(errs[:]...); err != nil {
		return out, fmt.Errorf("bad %s: %w", what, err)
	}
	return out, nil
}
