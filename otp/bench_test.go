package otp

import (
	"testing"
	"time"

	pqotp "github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// benchTimes are the same 1024 consecutive steps for every contender.
var benchTimes = func() (ts [1024]time.Time) {
	for i := range ts {
		ts[i] = time.Unix(1700000000+int64(i)*30, 0)
	}
	return ts
}()

// sink keeps the compiler from dropping the work.
var sink string

// BenchmarkCode compares Latchkey with pquerna/otp on the same key and the
// same times, per hash; bench.sh turns the numbers into a pass or fail.
func BenchmarkCode(b *testing.B) {
	for _, c := range []struct {
		name string
		alg  Algorithm
		seed []byte
	}{{"", SHA1, seed20}, {"SHA256/", SHA256, seed32}, {"SHA512/", SHA512, seed64}} {
		k := Key{Type: TOTP, Secret: c.seed, Algorithm: c.alg, Digits: 6, Period: 30}
		b32 := EncodeSecret(k.Secret)
		opts := totp.ValidateOpts{Period: 30, Digits: pqotp.DigitsSix, Algorithm: pquernaAlg(c.alg)}
		b.Run(c.name+"latchkey", func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				sink = k.Code(benchTimes[i&1023])
			}
		})
		b.Run(c.name+"latchkey-append", func(b *testing.B) {
			b.ReportAllocs()
			buf := make([]byte, 0, MaxDigits)
			for i := 0; b.Loop(); i++ {
				buf = k.AppendCode(buf[:0], benchTimes[i&1023])
			}
		})
		b.Run(c.name+"pquerna", func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				code, err := totp.GenerateCodeCustom(b32, benchTimes[i&1023], opts)
				if err != nil {
					b.Fatal(err)
				}
				sink = code
			}
		})
	}
}

// BenchmarkVerify is a typed code checked one step either side, as the UI
// would; every candidate is always computed.
func BenchmarkVerify(b *testing.B) {
	k := Key{Type: TOTP, Secret: seed20, Algorithm: SHA1, Digits: 6, Period: 30}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		k.Verify("123456", benchTimes[i&1023], 1)
	}
}

func BenchmarkParseURI(b *testing.B) {
	const uri = "otpauth://totp/Example:alice@google.com?secret=JBSWY3DPEHPK3PXP&issuer=Example&algorithm=SHA1&digits=6&period=30"
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseURI(uri); err != nil {
			b.Fatal(err)
		}
	}
}
