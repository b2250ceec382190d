package interop

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"os"
	"testing"

	"golang.org/x/crypto/argon2"
)

// sealEncString writes a Bitwarden EncString of type 2 (AES-256-CBC with
// PKCS#7 padding, HMAC-SHA256 over iv and ciphertext).
func sealEncString(encKey, macKey, plain []byte) string {
	iv := random(16)
	pad := 16 - len(plain)%16
	padded := append(append([]byte{}, plain...), make([]byte, pad)...)
	for i := len(plain); i < len(padded); i++ {
		padded[i] = byte(pad)
	}
	block, _ := aes.NewCipher(encKey)
	ct := make([]byte, len(padded))
	cipher.NewCBCEncrypter(block, iv).CryptBlocks(ct, padded)
	h := hmac.New(sha256.New, macKey)
	h.Write(iv)
	h.Write(ct)
	b64 := base64.StdEncoding.EncodeToString
	return "2." + b64(iv) + "|" + b64(ct) + "|" + b64(h.Sum(nil))
}

// buildBitwardenProtected writes a password-protected Bitwarden export of
// plain as its documented structure says; argon selects Argon2id.
func buildBitwardenProtected(pw, plain []byte, argon bool, iter, memMiB, lanes int) []byte {
	salt := base64.StdEncoding.EncodeToString(random(16))
	var key []byte
	kdfType := bitwardenKDFPBKDF2
	if argon {
		kdfType = bitwardenKDFArgon2id
		s := sha256.Sum256([]byte(salt))
		key = argon2.IDKey(pw, s[:], uint32(iter), uint32(memMiB)<<10, uint8(lanes), 32)
	} else {
		key, _ = derivePBKDF2(pbkdfSHA256, pw, []byte(salt), iter)
	}
	encKey, _ := hkdf.Expand(sha256.New, key, "enc", 32)
	macKey, _ := hkdf.Expand(sha256.New, key, "mac", 32)
	f := map[string]any{
		"encrypted": true, "passwordProtected": true, "salt": salt, "kdfType": kdfType,
		"kdfIterations": iter, "kdfMemory": memMiB, "kdfParallelism": lanes,
		"encKeyValidation_DO_NOT_EDIT": sealEncString(encKey, macKey, []byte("5f3c7e0a-5d1e-4f6b-9b0e-0d3c1a2b4c5d")),
		"data":                         sealEncString(encKey, macKey, plain),
	}
	b, _ := json.Marshal(f)
	return b
}

func TestBitwardenPasswordProtected(t *testing.T) {
	plain, err := os.ReadFile("testdata/bitwarden_rich.json")
	if err != nil {
		t.Fatal(err)
	}
	pw := []byte("correct horse")
	for name, file := range map[string][]byte{
		"PBKDF2":   buildBitwardenProtected(pw, plain, false, 5000, 0, 0),
		"Argon2id": buildBitwardenProtected(pw, plain, true, 2, 16, 2),
	} {
		t.Run(name, func(t *testing.T) {
			res, err := Read(file, password(string(pw)))
			if err != nil {
				t.Fatalf("Read: %v", err)
			}
			if res.Format != BitwardenEncrypted || len(res.Entries) != 3 || len(res.Skipped) != 1 {
				t.Errorf("got %v with %d entries and %d skipped, want %v with 3 and 1", res.Format, len(res.Entries), len(res.Skipped), BitwardenEncrypted)
			}
			if len(res.Entries) > 0 && (res.Entries[0].Key.Label() != "Example: alice@example.com" || !res.Entries[0].Pinned) {
				t.Errorf("entry 0: got %s pinned %v, want Example: alice@example.com pinned", res.Entries[0].Key.Label(), res.Entries[0].Pinned)
			}
			if _, err := Read(file, password("wrong")); !errors.Is(err, ErrWrongPassword) {
				t.Errorf("wrong password: got %v, want ErrWrongPassword", err)
			}
		})
	}
	hostile := buildBitwardenProtected(pw, plain, true, 2, 16, 2)
	var f map[string]any
	json.Unmarshal(hostile, &f)
	for _, tt := range []struct {
		field string
		value any
		want  error
	}{
		{"kdfMemory", 1 << 20, errKDFLimit},
		{"kdfIterations", 1000, errKDFLimit},
		{"kdfParallelism", 0, errKDFLimit},
		{"kdfType", 7, ErrUnsupported},
	} {
		g := map[string]any{}
		for k, v := range f {
			g[k] = v
		}
		g[tt.field] = tt.value
		b, _ := json.Marshal(g)
		if _, err := Read(b, password("x")); !errors.Is(err, tt.want) {
			t.Errorf("%s=%v: got %v, want %v", tt.field, tt.value, err, tt.want)
		}
	}
	// An account-restricted export needs the Bitwarden account's key.
	restricted := []byte(`{"encrypted":true,"encKeyValidation_DO_NOT_EDIT":"2.a|b|c","data":"2.a|b|c"}`)
	if _, err := Read(restricted, password("x")); !errors.Is(err, ErrUnsupported) {
		t.Errorf("account-restricted export: got %v, want ErrUnsupported", err)
	}
}
