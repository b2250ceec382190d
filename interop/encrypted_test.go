package interop

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"golang.org/x/crypto/argon2"
)

// Writers of each encrypted format, built from its documented structure with
// the real key derivation and cipher. The real fixtures check the readers
// against the apps; these make the variants and broken files the fixtures
// lack.

func random(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}

func sealGCM(key, nonce, plain []byte) []byte {
	block, _ := aes.NewCipher(key)
	gcm, _ := cipher.NewGCMWithNonceSize(block, len(nonce))
	return gcm.Seal(nil, nonce, plain, nil)
}

func buildAegisEncrypted(t testing.TB, pw, db []byte, n, r, p int) []byte {
	t.Helper()
	salt, master := random(32), random(32)
	slotNonce, dbNonce := random(12), random(12)
	kek, err := deriveScrypt(pw, salt, n, r, p)
	if err != nil {
		kek = random(32) // parameters the reader must refuse before deriving
	}
	wrapped := sealGCM(kek, slotNonce, master)
	sealed := sealGCM(master, dbNonce, db)
	f := map[string]any{
		"version": 1,
		"header": map[string]any{
			"slots": []any{
				map[string]any{"type": 2, "uuid": "x", "key": hex.EncodeToString(random(48)),
					"key_params": map[string]string{"nonce": hex.EncodeToString(random(12)), "tag": hex.EncodeToString(random(16))}},
				map[string]any{"type": 1, "uuid": "y", "key": hex.EncodeToString(wrapped[:32]),
					"key_params": map[string]string{"nonce": hex.EncodeToString(slotNonce), "tag": hex.EncodeToString(wrapped[32:])},
					"n":          n, "r": r, "p": p, "salt": hex.EncodeToString(salt)},
			},
			"params": map[string]string{"nonce": hex.EncodeToString(dbNonce), "tag": hex.EncodeToString(sealed[len(sealed)-16:])},
		},
		"db": base64.StdEncoding.EncodeToString(sealed[:len(sealed)-16]),
	}
	b, _ := json.Marshal(f)
	return b
}

func buildAndOTP(pw, plain []byte, iter uint32) []byte {
	salt, nonce := random(12), random(12)
	key, _ := derivePBKDF2(pbkdfSHA1, pw, salt, int(iter))
	out := binary.BigEndian.AppendUint32(nil, iter)
	out = append(out, salt...)
	out = append(out, nonce...)
	return append(out, sealGCM(key, nonce, plain)...)
}

func buildAndOTPOld(pw, plain []byte) []byte {
	key := sha256.Sum256(pw)
	nonce := random(12)
	nonce[0] = 0xff // so the old file cannot pass as the new layout
	return append(nonce, sealGCM(key[:], nonce, plain)...)
}

func build2FAS(pw, services []byte) []byte {
	salt, iv := random(256), random(12)
	key, _ := derivePBKDF2(pbkdfSHA256, pw, salt, twoFASIterations)
	enc := base64.StdEncoding.EncodeToString(sealGCM(key, iv, services)) + ":" +
		base64.StdEncoding.EncodeToString(salt) + ":" + base64.StdEncoding.EncodeToString(iv)
	b, _ := json.Marshal(map[string]any{"services": []any{}, "groups": []any{}, "schemaVersion": 4, "servicesEncrypted": enc})
	return b
}

func buildStratum(pw, plain []byte) []byte {
	salt, nonce := random(16), random(12)
	key := argon2.IDKey(pw, salt, stratumArgonTime, stratumArgonMemory, stratumArgonThreads, 32)
	out := append([]byte(stratumHeader), salt...)
	out = append(out, nonce...)
	return append(out, sealGCM(key, nonce, plain)...)
}

func buildStratumLegacy(pw, plain []byte) []byte {
	salt, iv := random(20), random(16)
	key, _ := derivePBKDF2(pbkdfSHA1, pw, salt, 64000)
	pad := 16 - len(plain)%16
	padded := append(bytes.Clone(plain), bytes.Repeat([]byte{byte(pad)}, pad)...)
	block, _ := aes.NewCipher(key)
	ct := make([]byte, len(padded))
	cipher.NewCBCEncrypter(block, iv).CryptBlocks(ct, padded)
	out := append([]byte(stratumLegacyHeader), salt...)
	out = append(out, iv...)
	return append(out, ct...)
}

const (
	oneAegisDB   = `{"version":3,"entries":[{"type":"totp","uuid":"u","name":"alice","issuer":"Example","icon":null,"info":{"secret":"JBSWY3DPEHPK3PXP","algo":"SHA1","digits":6,"period":30}}]}`
	oneAndOTP    = `[{"secret":"JBSWY3DPEHPK3PXP","issuer":"Example","label":"alice","digits":6,"type":"TOTP","algorithm":"SHA1","period":30,"tags":["Work"]}]`
	one2FAS      = `[{"name":"Example","secret":"JBSWY3DPEHPK3PXP","otp":{"account":"alice","issuer":"Example","digits":6,"period":30,"algorithm":"SHA1","tokenType":"TOTP"}}]`
	oneStratum   = `{"Authenticators":[{"Type":2,"Issuer":"Example","Username":"alice","Secret":"JBSWY3DPEHPK3PXP","Algorithm":0,"Digits":6,"Period":30,"Counter":0}]}`
	oneAccountID = "Example: alice"
)

func TestEncryptedVariants(t *testing.T) {
	pw := []byte("correct horse")
	tests := []struct {
		name   string
		file   []byte
		format Format
	}{
		{"aegis", buildAegisEncrypted(t, pw, []byte(oneAegisDB), 1<<10, 8, 1), AegisEncrypted},
		{"andOTP", buildAndOTP(pw, []byte(oneAndOTP), 1000), AndOTPEncrypted},
		{"andOTP old format", buildAndOTPOld(pw, []byte(oneAndOTP)), AndOTPEncrypted},
		{"2FAS", build2FAS(pw, []byte(one2FAS)), TwoFASEncrypted},
		{"Stratum", buildStratum(pw, []byte(oneStratum)), StratumEncrypted},
		{"Stratum legacy", buildStratumLegacy(pw, []byte(oneStratum)), StratumLegacy},
		{"Ente", buildEnte(t, pw, []byte("otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXP\n"), 64<<10, 1), EnteEncrypted},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Read(tt.file, func() ([]byte, error) { return pw, nil })
			if err != nil {
				t.Fatalf("Read: %v", err)
			}
			if res.Format != tt.format || len(res.Entries) != 1 || res.Entries[0].Key.Label() != oneAccountID {
				t.Fatalf("got %v with %d entries, want %v with %s", res.Format, len(res.Entries), tt.format, oneAccountID)
			}
			if got := res.Entries[0].Key.Code(testTime); got != exampleCode {
				t.Errorf("code: got %s, want %s", got, exampleCode)
			}
			_, err = Read(tt.file, password("wrong"))
			if !errors.Is(err, ErrWrongPassword) {
				t.Errorf("wrong password: got %v, want ErrWrongPassword", err)
			}
			// Cut anywhere, the file must fail cleanly, never panic.
			for _, n := range []int{0, 1, 17, 40, len(tt.file) - 1} {
				if n > len(tt.file) {
					continue
				}
				if _, err := Read(tt.file[:n], func() ([]byte, error) { return pw, nil }); err == nil {
					t.Errorf("cut to %d bytes: got no error, want one", n)
				}
			}
			// One flipped bit in the last byte (ciphertext or tag) must be caught.
			bad := bytes.Clone(tt.file)
			if bad[len(bad)-1] == '}' {
				return // JSON formats: their tag is inside, covered by the cut test
			}
			bad[len(bad)-1] ^= 1
			if _, err := Read(bad, func() ([]byte, error) { return pw, nil }); err == nil {
				t.Errorf("flipped bit: got no error, want one")
			}
		})
	}
}

func TestHostileKDFParameters(t *testing.T) {
	pw := []byte("pw")
	for _, tt := range []struct {
		name string
		file []byte
		want error
	}{
		{"scrypt N=2^30", buildAegisEncrypted(t, pw, []byte(oneAegisDB), 1<<30, 8, 1), errKDFLimit},
		{"scrypt p=2^20", buildAegisEncrypted(t, pw, []byte(oneAegisDB), 1<<15, 8, 1<<20), errKDFLimit},
		{"scrypt N not a power of two", buildAegisEncrypted(t, pw, []byte(oneAegisDB), 1000, 8, 1), ErrUnsupported},
		{"scrypt r=0", buildAegisEncrypted(t, pw, []byte(oneAegisDB), 1<<10, 0, 1), ErrUnsupported},
	} {
		_, err := Read(tt.file, password("pw"))
		if !errors.Is(err, tt.want) {
			t.Errorf("%s: got %v, want %v", tt.name, err, tt.want)
		}
	}
	// andOTP with 4 billion iterations: refused, read as the old format, whose
	// key does not fit: a wrong password, at once.
	f := buildAndOTPOld(pw, []byte(oneAndOTP))
	copy(f, []byte{0xff, 0xff, 0xff, 0xff})
	if _, err := Read(f, password("pw")); !errors.Is(err, ErrWrongPassword) {
		t.Errorf("andOTP 2^32-1 iterations: got %v, want ErrWrongPassword", err)
	}
}

func TestPasswordCallback(t *testing.T) {
	file := buildAndOTP([]byte("pw"), []byte(oneAndOTP), 1000)
	cancelled := errors.New("cancelled by the user")
	_, err := Read(file, func() ([]byte, error) { return nil, cancelled })
	if !errors.Is(err, cancelled) {
		t.Errorf("got %v, want the callback's error", err)
	}
	calls := 0
	_, err = Read([]byte(oneAndOTP), func() ([]byte, error) { calls++; return nil, nil })
	if err != nil || calls != 0 {
		t.Errorf("plain file: got %v and %d password calls, want nil and 0", err, calls)
	}
}

func ExampleRead() {
	file := []byte("otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXP\n" +
		"otpauth://totp/Broken:bob?secret=not-base32!\n")
	res, err := Read(file, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Format)
	for _, e := range res.Entries {
		fmt.Println("read:", e.Key.Label())
	}
	for _, s := range res.Skipped {
		fmt.Println("skipped:", s.Label, "-", s.Reason)
	}
	// Output:
	// otpauth URI list
	// read: Example: alice
	// skipped: line 2 (Broken:bob) - otp: secret: not valid base32
}

// JBSWY3DPEHPK3PXP at 2009-02-13T23:31:30Z (T=1234567890, step 41152263),
// from oathtool -b --totp --now=@1234567890 JBSWY3DPEHPK3PXP.
var testTime = time.Unix(1234567890, 0)

const exampleCode = "742275"
