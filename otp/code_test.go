package otp

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/binary"
	"fmt"
	"hash"
	"math"
	"strings"
	"testing"
	"time"
)

// refCode is an independent HOTP/Steam computation through crypto/hmac and
// fmt, sharing no code with the package's hand-rolled HMAC and formatting.
func refCode(alg Algorithm, secret []byte, counter uint64, digits int, steam bool) string {
	var h func() hash.Hash
	switch alg {
	case SHA1:
		h = sha1.New
	case SHA256:
		h = sha256.New
	case SHA512:
		h = sha512.New
	}
	mac := hmac.New(h, secret)
	binary.Write(mac, binary.BigEndian, counter)
	sum := mac.Sum(nil)
	off := int(sum[len(sum)-1] & 15)
	v := uint64(sum[off]&0x7f)<<24 | uint64(sum[off+1])<<16 | uint64(sum[off+2])<<8 | uint64(sum[off+3])
	if steam {
		const alphabet = "23456789BCDFGHJKMNPQRTVWXY"
		var b strings.Builder
		for range 5 {
			b.WriteByte(alphabet[v%26])
			v /= 26
		}
		return b.String()
	}
	mod := uint64(1)
	for range digits {
		mod *= 10
	}
	return fmt.Sprintf("%0*d", digits, v%mod)
}

// Published Steam Guard vectors from two unrelated open-source projects:
// KeePassXC's TestTotp.cpp (as reused by Authenticator Pro) and the
// MAKS11060/otp TypeScript library (20 zero bytes, by counter).
func TestSteamVectors(t *testing.T) {
	secret, err := ParseSecret("63BEDWCQZKTQWPESARIERL5DTTQFCJTK")
	if err != nil {
		t.Fatal(err)
	}
	k := Key{Type: Steam, Secret: secret, Algorithm: SHA1, Digits: SteamDigits, Period: 30}
	for unix, want := range map[int64]string{1511200518: "FR8RV", 1511200714: "9P3VP"} {
		if got := k.Code(time.Unix(unix, 0)); got != want {
			t.Errorf("KeePassXC vector at %d: got %s, want %s", unix, got, want)
		}
	}
	zero := Key{Type: Steam, Secret: make([]byte, 20), Algorithm: SHA1, Digits: SteamDigits, Period: 30}
	for counter, want := range []string{"RYH4D", "DR2DK"} {
		if got := zero.CodeAtCounter(uint64(counter)); got != want {
			t.Errorf("zero key at counter %d: got %s, want %s", counter, got, want)
		}
	}
	// The URI form must give the same codes.
	u, err := ParseURI("otpauth://totp/Steam:me?secret=63BEDWCQZKTQWPESARIERL5DTTQFCJTK&encoder=steam")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := u.Code(time.Unix(1511200518, 0)), "FR8RV"; got != want {
		t.Errorf("encoder=steam URI: got %s, want %s", got, want)
	}
}

// Every digit count, every hash, key lengths either side of the hash block
// size and times past 2038, against refCode.
func TestCodeAgainstReference(t *testing.T) {
	secret := make([]byte, 300)
	rand.Read(secret)
	times := []int64{0, 1, 59, 1<<31 - 1, 1 << 31, 1<<32 - 1, 1 << 32, 20000000000, 253402300799, math.MaxInt64}
	for _, alg := range []Algorithm{SHA1, SHA256, SHA512} {
		for _, n := range []int{1, 20, 63, 64, 65, 127, 128, 129, 300} {
			for digits := MinDigits; digits <= MaxDigits; digits++ {
				for _, period := range []uint32{1, 7, 30, 86400} {
					k := Key{Type: TOTP, Secret: secret[:n], Algorithm: alg, Digits: digits, Period: period}
					for _, unix := range times {
						step := uint64(unix) / uint64(period)
						want := refCode(alg, k.Secret, step, digits, false)
						if got := k.Code(time.Unix(unix, 0)); got != want {
							t.Fatalf("%v, %d-byte key %x, %d digits, period %d, at %d: got %s, want %s",
								alg, n, k.Secret, digits, period, unix, got, want)
						}
					}
				}
			}
			h := Key{Type: HOTP, Secret: secret[:n], Algorithm: alg, Digits: 6, Counter: math.MaxUint64}
			if got, want := h.Code(time.Time{}), refCode(alg, h.Secret, math.MaxUint64, 6, false); got != want {
				t.Errorf("HOTP at the last counter: got %s, want %s", got, want)
			}
		}
	}
}

func TestCodeIgnoresTimeForHOTP(t *testing.T) {
	k := Key{Type: HOTP, Secret: seed20, Algorithm: SHA1, Digits: 6, Counter: 3}
	for _, unix := range []int64{0, 59, 2000000000} {
		if got, want := k.Code(time.Unix(unix, 0)), "969429"; got != want {
			t.Errorf("HOTP counter 3 at %d: got %s, want %s (RFC 4226)", unix, got, want)
		}
	}
	if got, want := k.NextCode(time.Time{}), "338314"; got != want {
		t.Errorf("HOTP NextCode at counter 3: got %s, want %s (RFC 4226 counter 4)", got, want)
	}
}

func TestStepBefore1970(t *testing.T) {
	k := Key{Type: TOTP, Secret: seed20, Algorithm: SHA1, Digits: 8, Period: 30}
	if got := k.Step(time.Unix(-100, 0)); got != 0 {
		t.Errorf("Step before 1970: got %d, want 0", got)
	}
	if got := k.Step(time.Unix(59, 0)); got != 1 {
		t.Errorf("Step at 59: got %d, want 1", got)
	}
}

func TestNextCode(t *testing.T) {
	k := Key{Type: TOTP, Secret: seed20, Algorithm: SHA1, Digits: 8, Period: 30}
	// RFC 6238: step 1 (t=59) is 94287082; the code of step 1 is "next" for
	// any time in step 0.
	for _, unix := range []int64{0, 29} {
		if got, want := k.NextCode(time.Unix(unix, 0)), "94287082"; got != want {
			t.Errorf("NextCode at %d: got %s, want %s", unix, got, want)
		}
	}
}

func TestRemaining(t *testing.T) {
	tests := []struct {
		period uint32
		at     time.Time
		want   time.Duration
	}{
		{30, time.Unix(59, 250e6), 750 * time.Millisecond},
		{30, time.Unix(60, 0), 30 * time.Second},
		{30, time.Unix(89, 999999999), time.Nanosecond},
		{1, time.Unix(5, 400e6), 600 * time.Millisecond},
		{86400, time.Unix(86400*3+3600, 0), 23 * time.Hour},
		{30, time.Unix(20000000000, 0), 10 * time.Second},
		{30, time.Unix(-10, 0), 40 * time.Second},
	}
	for _, tt := range tests {
		k := Key{Type: TOTP, Secret: seed20, Algorithm: SHA1, Digits: 6, Period: tt.period}
		if got := k.Remaining(tt.at); got != tt.want {
			t.Errorf("Remaining(period %d, %v): got %v, want %v", tt.period, tt.at.UnixNano(), got, tt.want)
		}
	}
	h := Key{Type: HOTP, Secret: seed20, Algorithm: SHA1, Digits: 6}
	if got := h.Remaining(time.Unix(59, 0)); got != 0 {
		t.Errorf("Remaining for HOTP: got %v, want 0", got)
	}
}

// Hand-built keys with bad fields give no code and never panic.
func TestInvalidKeyGivesNoCode(t *testing.T) {
	keys := []Key{
		{},
		{Type: TOTP, Secret: seed20, Algorithm: SHA1, Digits: 12, Period: 30},
		{Type: TOTP, Secret: seed20, Algorithm: SHA1, Digits: -1, Period: 30},
		{Type: TOTP, Secret: seed20, Algorithm: 0, Digits: 6, Period: 30},
		{Type: 7, Secret: seed20, Algorithm: SHA1, Digits: 6, Period: 30},
	}
	for _, k := range keys {
		if got := k.Code(time.Unix(59, 0)); got != "" {
			t.Errorf("Code(%+v): got %q, want empty", k, got)
		}
		if got := k.AppendCode(nil, time.Unix(59, 0)); len(got) != 0 {
			t.Errorf("AppendCode(%+v): got %q, want nothing", k, got)
		}
		if _, ok := k.Verify("", time.Unix(59, 0), 1); ok {
			t.Errorf("Verify(%+v, empty code): got ok, want no match", k)
		}
	}
	// A zero period does not divide by zero.
	k := Key{Type: TOTP, Secret: seed20, Algorithm: SHA1, Digits: 6}
	_ = k.Code(time.Unix(59, 0))
	if got := k.Remaining(time.Unix(59, 0)); got != 0 {
		t.Errorf("Remaining with period 0: got %v, want 0", got)
	}
}

func TestAppendCodeAllocatesNothing(t *testing.T) {
	at := time.Unix(20000000000, 0)
	for _, k := range []Key{
		{Type: TOTP, Secret: seed20, Algorithm: SHA1, Digits: 6, Period: 30},
		{Type: TOTP, Secret: seed32, Algorithm: SHA256, Digits: 8, Period: 30},
		{Type: TOTP, Secret: seed64, Algorithm: SHA512, Digits: 10, Period: 30},
		{Type: TOTP, Secret: make([]byte, 200), Algorithm: SHA512, Digits: 10, Period: 30},
		{Type: HOTP, Secret: seed20, Algorithm: SHA1, Digits: 6, Counter: 9},
		{Type: Steam, Secret: seed20, Algorithm: SHA1, Digits: 5, Period: 30},
	} {
		buf := make([]byte, 0, MaxDigits)
		if n := testing.AllocsPerRun(100, func() { buf = k.AppendCode(buf[:0], at) }); n != 0 {
			t.Errorf("AppendCode(%v, %d digits): got %v allocs, want 0", k.Algorithm, k.Digits, n)
		}
		if n := testing.AllocsPerRun(100, func() { k.Verify("123456", at, 3) }); n != 0 {
			t.Errorf("Verify(%v): got %v allocs, want 0", k.Algorithm, n)
		}
	}
}

func TestVerify(t *testing.T) {
	k := Key{Type: TOTP, Secret: seed20, Algorithm: SHA1, Digits: 8, Period: 30}
	now := time.Unix(1111111111, 0) // RFC 6238: 14050471 at step 0x23523ED
	tests := []struct {
		code   string
		at     time.Time
		window int
		offset int
		ok     bool
	}{
		{"14050471", now, 0, 0, true},
		{"1405 0471", now, 0, 0, true},
		{"14050472", now, 1, 0, false},
		{"1405047", now, 1, 0, false},
		{"140504711", now, 1, 0, false},
		{"", now, 1, 0, false},
		{"14050471", now.Add(30 * time.Second), 1, -1, true}, // typed late
		{"14050471", now.Add(-30 * time.Second), 1, 1, true}, // typed early
		{"14050471", now.Add(30 * time.Second), 0, 0, false},
		{"14050471", now.Add(-90 * time.Second), 3, 3, true},
		{"14050471", now.Add(-90 * time.Second), 2, 0, false},
		{"14050471", now.Add(30 * time.Second), -5, 0, false}, // a negative window is 0
		// RFC 6238 t=59 (step 1) typed at t=0: one step ahead, and no step
		// before 0 is tried.
		{"94287082", time.Unix(0, 0), 1, 1, true},
		{"94287082", time.Unix(0, 0), 0, 0, false},
	}
	for _, tt := range tests {
		off, ok := k.Verify(tt.code, tt.at, tt.window)
		if off != tt.offset || ok != tt.ok {
			t.Errorf("Verify(%q, %d, window %d): got %d, %v; want %d, %v", tt.code, tt.at.Unix(), tt.window, off, ok, tt.offset, tt.ok)
		}
	}
}

func TestVerifyWindowCap(t *testing.T) {
	k := Key{Type: TOTP, Secret: seed20, Algorithm: SHA1, Digits: 8, Period: 1}
	at := time.Unix(1000000, 0)
	edge := refCode(SHA1, seed20, 1000000+MaxWindow, 8, false)
	beyond := refCode(SHA1, seed20, 1000000+MaxWindow+1, 8, false)
	if off, ok := k.Verify(edge, at, 1<<30); !ok || off != MaxWindow {
		t.Errorf("code at +MaxWindow with a huge window: got %d, %v; want %d, true", off, ok, MaxWindow)
	}
	if _, ok := k.Verify(beyond, at, 1<<30); ok && beyond != edge {
		t.Errorf("code at +MaxWindow+1: got a match, want the window capped at %d", MaxWindow)
	}
}

func TestVerifyHOTPOnlyForward(t *testing.T) {
	k := Key{Type: HOTP, Secret: seed20, Algorithm: SHA1, Digits: 6, Counter: 5}
	rfc := []string{"755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"}
	for c, code := range rfc {
		off, ok := k.Verify(code, time.Time{}, 3)
		wantOK := c >= 5 && c <= 8
		if ok != wantOK || (ok && off != c-5) {
			t.Errorf("HOTP counter 5, code of counter %d: got %d, %v; want %d, %v", c, off, ok, c-5, wantOK)
		}
	}
	// Near the end of the counter space nothing wraps around to 0.
	end := Key{Type: HOTP, Secret: seed20, Algorithm: SHA1, Digits: 6, Counter: math.MaxUint64 - 1}
	last := refCode(SHA1, seed20, math.MaxUint64, 6, false)
	if off, ok := end.Verify(last, time.Time{}, 5); !ok || off != 1 {
		t.Errorf("HOTP code of the last counter: got %d, %v; want 1, true", off, ok)
	}
	if off, ok := end.Verify(rfc[0], time.Time{}, 5); ok && rfc[0] != last && rfc[0] != end.Code(time.Time{}) {
		t.Errorf("HOTP near the end matched counter 0's code at offset %d", off)
	}
}

func TestVerifySteamIgnoresCase(t *testing.T) {
	secret, _ := ParseSecret("63BEDWCQZKTQWPESARIERL5DTTQFCJTK")
	k := Key{Type: Steam, Secret: secret, Algorithm: SHA1, Digits: 5, Period: 30}
	for _, code := range []string{"FR8RV", "fr8rv", "FR8 RV"} {
		if off, ok := k.Verify(code, time.Unix(1511200518, 0), 0); !ok || off != 0 {
			t.Errorf("Verify(%q): got %d, %v; want 0, true", code, off, ok)
		}
	}
}

// When the typed code appears at several steps in the window, Verify must
// report the one nearest zero, the earlier one on a tie. Collisions of
// 6-digit codes are found by searching random keys with the reference code.
func TestVerifyNearestOffset(t *testing.T) {
	const window = MaxWindow
	at := time.Unix(1700000000, 0)
	base := uint64(at.Unix() / 30)
	found := 0
	for try := 0; try < 2000 && found < 5; try++ {
		secret := make([]byte, 20)
		rand.Read(secret)
		seen := map[string][]int{}
		for off := -window; off <= window; off++ {
			c := refCode(SHA1, secret, base+uint64(off), 6, false)
			seen[c] = append(seen[c], off)
		}
		k := Key{Type: TOTP, Secret: secret, Algorithm: SHA1, Digits: 6, Period: 30}
		for code, offs := range seen {
			if len(offs) < 2 {
				continue
			}
			found++
			want := offs[0]
			for _, o := range offs[1:] {
				if abs(o) < abs(want) || (abs(o) == abs(want) && o < want) {
					want = o
				}
			}
			if got, ok := k.Verify(code, at, window); !ok || got != want {
				t.Errorf("key %x, code %s at offsets %v: got %d, %v; want %d, true", secret, code, offs, got, ok, want)
			}
		}
	}
	if found == 0 {
		t.Fatal("found no colliding codes to test with; want at least one")
	}
}

// A tie found once by searching with a separate program: for this key the
// code of step base-38 equals that of base+38. Verify must take the earlier.
func TestVerifyTiePrefersEarlier(t *testing.T) {
	secret := []byte("latchkey-tie-00000886")
	at := time.Unix(1700000000, 0)
	base := uint64(at.Unix() / 30)
	code := refCode(SHA1, secret, base-38, 6, false)
	if code != refCode(SHA1, secret, base+38, 6, false) || code != "444675" {
		t.Fatalf("reference: got %s and %s, want both 444675", code, refCode(SHA1, secret, base+38, 6, false))
	}
	for off := -37; off <= 37; off++ {
		if refCode(SHA1, secret, base+uint64(off), 6, false) == code {
			t.Fatalf("reference: code also at offset %d, want only at -38 and +38", off)
		}
	}
	k := Key{Type: TOTP, Secret: secret, Algorithm: SHA1, Digits: 6, Period: 30}
	if off, ok := k.Verify(code, at, 40); !ok || off != -38 {
		t.Errorf("Verify(tie at -38 and +38): got %d, %v; want -38, true", off, ok)
	}
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
