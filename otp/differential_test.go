package otp

import (
	"crypto/rand"
	"encoding/base32"
	"encoding/binary"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	pqotp "github.com/pquerna/otp"
	"github.com/pquerna/otp/hotp"
	"github.com/pquerna/otp/totp"

	"latchkey/internal/testtool"
)

// diffScale multiplies the number of random keys the differential tests try;
// LATCHKEY_OTP_DIFF=100 makes a soak of it.
func diffScale(t *testing.T) int {
	v := os.Getenv("LATCHKEY_OTP_DIFF")
	if v == "" {
		return 1
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		t.Fatalf("LATCHKEY_OTP_DIFF=%q: want a positive number", v)
	}
	return n
}

// randUint64 is uniform in [0, n) (n > 0), from crypto/rand.
func randUint64(n uint64) uint64 {
	var b [8]byte
	rand.Read(b[:])
	return binary.LittleEndian.Uint64(b[:]) % n
}

func randSecret(maxLen int) []byte {
	b := make([]byte, 1+randUint64(uint64(maxLen)))
	rand.Read(b)
	return b
}

var algorithms = []Algorithm{SHA1, SHA256, SHA512}

// randPeriod favours the periods services use but covers the whole range.
func randPeriod() uint32 {
	switch randUint64(4) {
	case 0:
		return 30
	case 1:
		return []uint32{1, 7, 15, 60, 86400}[randUint64(5)]
	}
	return 1 + uint32(randUint64(MaxPeriod))
}

// randTime is a Unix time, about half of them past 2038 (up to year 9999).
func randTime() int64 {
	if randUint64(2) == 0 {
		return int64(randUint64(1 << 31))
	}
	return 1<<31 + int64(randUint64(253402300799-1<<31))
}

func pquernaAlg(a Algorithm) pqotp.Algorithm {
	switch a {
	case SHA256:
		return pqotp.AlgorithmSHA256
	case SHA512:
		return pqotp.AlgorithmSHA512
	}
	return pqotp.AlgorithmSHA1
}

// pquerna/otp formats any digit count (its Digits is a plain int), so it
// checks 6 to 10 digits, TOTP, HOTP and Steam. Its TOTP counter is computed
// in float64, exact for every time below 2^53 / 86400 s: year 9999 is fine.
func TestDifferentialPquerna(t *testing.T) {
	keys := 10000 * diffScale(t)
	codes := 0
	for range keys {
		k := Key{Type: TOTP, Secret: randSecret(100), Algorithm: algorithms[randUint64(3)],
			Digits: MinDigits + int(randUint64(MaxDigits-MinDigits+1)), Period: randPeriod()}
		b32 := EncodeSecret(k.Secret)
		opts := totp.ValidateOpts{Period: uint(k.Period), Digits: pqotp.Digits(k.Digits), Algorithm: pquernaAlg(k.Algorithm)}
		for range 4 {
			at := time.Unix(randTime(), 0)
			want, err := totp.GenerateCodeCustom(b32, at, opts)
			if err != nil {
				t.Fatal(err)
			}
			if got := k.Code(at); got != want {
				t.Fatalf("TOTP %v, %d digits, period %d, key %x, at %d: got %s, want %s (pquerna)",
					k.Algorithm, k.Digits, k.Period, k.Secret, at.Unix(), got, want)
			}
			codes++
		}

		h := k
		h.Type, h.Period, h.Counter = HOTP, 0, randUint64(1<<63)*2+randUint64(2)
		want, err := hotp.GenerateCodeCustom(b32, h.Counter, hotp.ValidateOpts{Digits: pqotp.Digits(h.Digits), Algorithm: pquernaAlg(h.Algorithm)})
		if err != nil {
			t.Fatal(err)
		}
		if got := h.Code(time.Time{}); got != want {
			t.Fatalf("HOTP %v, %d digits, key %x, counter %d: got %s, want %s (pquerna)", h.Algorithm, h.Digits, h.Secret, h.Counter, got, want)
		}

		s := Key{Type: Steam, Secret: k.Secret, Algorithm: SHA1, Digits: SteamDigits, Period: 30}
		at := time.Unix(randTime(), 0)
		want, err = totp.GenerateCodeCustom(b32, at, totp.ValidateOpts{Period: 30, Digits: 5, Algorithm: pqotp.AlgorithmSHA1, Encoder: pqotp.EncoderSteam})
		if err != nil {
			t.Fatal(err)
		}
		if got := s.Code(at); got != want {
			t.Fatalf("Steam key %x at %d: got %s, want %s (pquerna)", s.Secret, at.Unix(), got, want)
		}
		codes += 2
	}
	t.Logf("%d random keys, %d codes agree with pquerna/otp", keys, codes)
}

// oathtool (OATH Toolkit, C) checks 6 to 8 digits, odd periods and every
// hash, with -w printing a run of consecutive codes per call.
func TestDifferentialOathtool(t *testing.T) {
	testtool.Path(t, "oathtool")
	const run = 15 // codes after the first, per call
	calls := 1000 * diffScale(t)
	var (
		mu    sync.Mutex
		codes int
		wg    sync.WaitGroup
		sem   = make(chan struct{}, 4)
	)
	for i := range calls {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			var k Key
			var at time.Time
			if i%5 == 4 {
				// oathtool's HOTP is SHA-1 only.
				k = Key{Type: HOTP, Secret: randSecret(64), Algorithm: SHA1, Digits: 6 + int(randUint64(3)), Counter: randUint64(1 << 62)}
			} else {
				k = Key{Type: TOTP, Secret: randSecret(100), Algorithm: algorithms[randUint64(3)], Digits: 6 + int(randUint64(3)), Period: randPeriod()}
				at = time.Unix(randTime(), 0)
			}
			oath := testtool.OATH{Secret: base32.StdEncoding.EncodeToString(k.Secret), HOTP: k.Type == HOTP, Digits: k.Digits,
				Counter: k.Counter, At: at, Window: run}
			if k.Type == TOTP {
				oath.Algorithm, oath.Period = strings.ToLower(k.Algorithm.String()), int(k.Period)
			}
			got, err := oath.Codes()
			if err != nil {
				t.Error(err)
				return
			}
			for j, want := range got {
				var mine string
				if k.Type == HOTP {
					mine = k.CodeAtCounter(k.Counter + uint64(j))
				} else {
					mine = k.Code(at.Add(time.Duration(j) * time.Duration(k.Period) * time.Second))
				}
				if mine != want {
					t.Errorf("oathtool %+v, code %d: got %s, want %s", oath, j, mine, want)
					return
				}
			}
			mu.Lock()
			codes += len(got)
			mu.Unlock()
		}()
	}
	wg.Wait()
	t.Logf("%d oathtool calls, %d codes agree", calls, codes)
}
