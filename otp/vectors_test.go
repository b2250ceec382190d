package otp

import (
	"strings"
	"testing"
	"time"
)

var (
	seed20 = []byte("12345678901234567890")
	seed32 = []byte("12345678901234567890123456789012")
	seed64 = []byte(strings.Repeat("1234567890", 6) + "1234")
)

func TestRFC4226(t *testing.T) {
	want := []string{"755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"}
	k := Key{Type: HOTP, Secret: seed20, Algorithm: SHA1, Digits: 6}
	for c, w := range want {
		k.Counter = uint64(c)
		if got := k.Code(time.Time{}); got != w {
			t.Errorf("counter %d: got %s, want %s", c, got, w)
		}
	}
}

func TestRFC6238(t *testing.T) {
	tests := []struct {
		unix                 int64
		sha1, sha256, sha512 string
	}{
		{59, "94287082", "46119246", "90693936"},
		{1111111109, "07081804", "68084774", "25091201"},
		{1111111111, "14050471", "67062674", "99943326"},
		{1234567890, "89005924", "91819424", "93441116"},
		{2000000000, "69279037", "90698825", "38618901"},
		{20000000000, "65353130", "77737706", "47863826"},
	}
	for _, tt := range tests {
		at := time.Unix(tt.unix, 0)
		for _, c := range []struct {
			alg  Algorithm
			seed []byte
			want string
		}{{SHA1, seed20, tt.sha1}, {SHA256, seed32, tt.sha256}, {SHA512, seed64, tt.sha512}} {
			k := Key{Type: TOTP, Secret: c.seed, Algorithm: c.alg, Digits: 8, Period: 30}
			if got := k.Code(at); got != c.want {
				t.Errorf("%v at %d: got %s, want %s", c.alg, tt.unix, got, c.want)
			}
		}
	}
}

// The RFC's prose says every hash uses the 20-byte seed; its table does not.
// These are the codes the wrong reading gives; they must never come out.
func TestRFC6238SeedTrap(t *testing.T) {
	at := time.Unix(59, 0)
	for alg, wrong := range map[Algorithm]string{SHA256: "32247374", SHA512: "69342147"} {
		short := Key{Type: TOTP, Secret: seed20, Algorithm: alg, Digits: 8, Period: 30}
		if got := short.Code(at); got != wrong {
			t.Errorf("%v with the 20-byte seed: got %s, want the known wrong %s", alg, got, wrong)
		}
		seed := seed32
		if alg == SHA512 {
			seed = seed64
		}
		right := Key{Type: TOTP, Secret: seed, Algorithm: alg, Digits: 8, Period: 30}
		if got := right.Code(at); got == wrong {
			t.Errorf("%v with its own seed gave the 20-byte-seed code %s", alg, got)
		}
	}
}
