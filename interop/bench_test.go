package interop

import (
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/argon2"

	"latchkey/internal/testtool"
	"latchkey/otp"
)

// TestArgon2MatchesReference checks both Argon2id mappings (Stratum's fixed
// parameters, and libsodium's limits as Ente stores them) against the
// reference implementation's command-line tool.
func TestArgon2MatchesReference(t *testing.T) {
	testtool.Path(t, "argon2") // the reference tool, Debian package argon2
	pw, salt := []byte("correct horse"), []byte("sixteen byte sal")
	ente, err := deriveArgon2id(pw, salt, 8<<20, 2) // memLimit 8 MiB, opsLimit 2
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		args []string
		got  []byte
	}{
		{"Stratum t=3 m=64MiB p=4", []string{"-t", "3", "-k", "65536", "-p", "4"},
			argon2.IDKey(pw, salt, stratumArgonTime, stratumArgonMemory, stratumArgonThreads, 32)},
		{"Ente memLimit=8MiB opsLimit=2", []string{"-t", "2", "-k", "8192", "-p", "1"}, ente},
	} {
		cmd := exec.Command("argon2", append([]string{string(salt), "-id", "-l", "32", "-r"}, tt.args...)...)
		cmd.Stdin = strings.NewReader(string(pw))
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("%s: argon2: %v", tt.name, err)
		}
		if want := strings.TrimSpace(string(out)); hex.EncodeToString(tt.got) != want {
			t.Errorf("%s: got %x, want %s", tt.name, tt.got, want)
		}
	}
}

func BenchmarkRead(b *testing.B) {
	dir := testtool.Fixtures(b)
	for _, file := range []string{"aegis_plain.json", "2fas_authenticator_plain_v4.2fas", "andotp_plain.json", "bitwarden.json", "ente_auth.txt", "stratum_plain.json", "freeotp_plus.json"} {
		data, err := os.ReadFile(filepath.Join(dir, file))
		if err != nil {
			b.Fatal(err)
		}
		b.Run(file, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if _, err := Read(data, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	var sb strings.Builder
	for i := 0; i < MaxEntries; i++ {
		secret := otp.EncodeSecret([]byte(fmt.Sprintf("secret number %06d", i)))
		fmt.Fprintf(&sb, "otpauth://totp/Issuer%d:user%d?secret=%s&issuer=Issuer%d\n", i, i, secret, i)
	}
	big := []byte(sb.String())
	b.Run("10000 URIs", func(b *testing.B) {
		b.SetBytes(int64(len(big)))
		for b.Loop() {
			res, err := Read(big, nil)
			if err != nil || len(res.Entries) != MaxEntries {
				b.Fatalf("got %d entries, %v", len(res.Entries), err)
			}
		}
	})
}

// BenchmarkDecrypt is what a user waits for after typing the password: the
// apps' own KDF costs, with their real parameters.
func BenchmarkDecrypt(b *testing.B) {
	dir := testtool.Fixtures(b)
	for _, file := range []string{"aegis_encrypted.json", "2fas_authenticator_encrypted_v4.2fas", "andotp_encrypted.bin", "stratum_encrypted.bin", "stratum_encrypted_legacy.bin"} {
		data, err := os.ReadFile(filepath.Join(dir, file))
		if err != nil {
			b.Fatal(err)
		}
		b.Run(file, func(b *testing.B) {
			for b.Loop() {
				if _, err := Read(data, password("test")); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	// Ente derives with libsodium's "sensitive" limits: 1 GiB, 4 passes.
	b.Run("ente 1GiB 4 passes", func(b *testing.B) {
		if os.Getenv("LATCHKEY_BENCH_HEAVY") == "" {
			b.Skip("set LATCHKEY_BENCH_HEAVY=1 to allocate 1 GiB")
		}
		salt := []byte("sixteen byte sal")
		for b.Loop() {
			if _, err := deriveArgon2id([]byte("test"), salt, 1<<30, 4); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkReadMaxSize reads hostile files of the largest size accepted:
// what one dropped file can cost at most.
func BenchmarkReadMaxSize(b *testing.B) {
	fill := func(head, item, sep, tail string) []byte {
		var sb strings.Builder
		sb.WriteString(head)
		for sb.Len()+len(item)+len(sep)+len(tail) < MaxFileSize {
			if sb.Len() > len(head) {
				sb.WriteString(sep)
			}
			sb.WriteString(item)
		}
		sb.WriteString(tail)
		return []byte(sb.String())
	}
	for name, data := range map[string][]byte{
		"URI list of bad lines": fill("otpauth://totp/A:b?secret=JBSWY3DPEHPK3PXP\n", "otpauth://totp/x?secret=1", "\n", ""),
		"andOTP array":          fill("[", `{"secret":"JBSWY3DPEHPK3PXP","type":"TOTP","algorithm":"SHA1","digits":6,"period":30,"label":"x"}`, ",", "]"),
		"Aegis entries": fill(`{"version":1,"header":{"slots":null,"params":null},"db":{"version":3,"entries":[`,
			`{"type":"totp","name":"x","issuer":"y","info":{"secret":"JBSWY3DPEHPK3PXP","algo":"SHA1","digits":6,"period":30}}`, ",", "]}}"),
		"one huge note": fill(`[{"secret":"JBSWY3DPEHPK3PXP","type":"TOTP","algorithm":"SHA1","digits":6,"period":30,"label":"`, "x", "", `"}]`),
	} {
		if len(data) > MaxFileSize {
			b.Fatalf("%s: %d bytes, over the cap", name, len(data))
		}
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if _, err := Read(data, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
