package otp

import (
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/subtle"
	"encoding/binary"
	"math"
	"time"
)

// The HMAC is computed by hand over stack buffers with the one-shot Sum
// functions, so a code costs no allocation (crypto/hmac allocates per use).
const maxBlock = sha512.BlockSize

// hmacSum writes HMAC(alg, key, msg) into out and returns its length.
func hmacSum(alg Algorithm, key []byte, msg [8]byte, out *[sha512.Size]byte) int {
	block := sha1.BlockSize
	if alg == SHA512 {
		block = sha512.BlockSize
	}
	var k [maxBlock]byte
	if len(key) > block {
		switch alg {
		case SHA1:
			s := sha1.Sum(key)
			copy(k[:], s[:])
		case SHA256:
			s := sha256.Sum256(key)
			copy(k[:], s[:])
		default:
			s := sha512.Sum512(key)
			copy(k[:], s[:])
		}
	} else {
		copy(k[:], key)
	}
	var inner [maxBlock + 8]byte
	var outer [maxBlock + sha512.Size]byte
	for i := 0; i < block; i++ {
		inner[i] = k[i] ^ 0x36
		outer[i] = k[i] ^ 0x5c
	}
	copy(inner[block:], msg[:])
	switch alg {
	case SHA1:
		s := sha1.Sum(inner[:block+8])
		copy(outer[block:], s[:])
		s = sha1.Sum(outer[:block+sha1.Size])
		return copy(out[:], s[:])
	case SHA256:
		s := sha256.Sum256(inner[:block+8])
		copy(outer[block:], s[:])
		s = sha256.Sum256(outer[:block+sha256.Size])
		return copy(out[:], s[:])
	default:
		s := sha512.Sum512(inner[:block+8])
		copy(outer[block:], s[:])
		s = sha512.Sum512(outer[:block+sha512.Size])
		return copy(out[:], s[:])
	}
}

// truncate is RFC 4226's dynamic truncation to a 31-bit value.
func truncate(alg Algorithm, key []byte, counter uint64) uint32 {
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], counter)
	var sum [sha512.Size]byte
	n := hmacSum(alg, key, msg, &sum)
	off := sum[n-1] & 0x0f
	return binary.BigEndian.Uint32(sum[off:off+4]) & 0x7fffffff
}

const steamAlphabet = "23456789BCDFGHJKMNPQRTVWXY"

// codeable reports whether k's type, hash and length are ones appendCode can
// format. It is the cheap part of Validate, checked on every code so that a
// hand-built key with a bad field gives no code rather than a panic.
func (k *Key) codeable() bool {
	switch k.Algorithm {
	case SHA1, SHA256, SHA512:
	default:
		return false
	}
	switch k.Type {
	case Steam:
		return true
	case TOTP, HOTP:
		return k.Digits >= MinDigits && k.Digits <= MaxDigits
	}
	return false
}

// appendCode formats the truncated value of step counter as k's code. An
// unusable key (see codeable) appends nothing.
func (k *Key) appendCode(dst []byte, counter uint64) []byte {
	if !k.codeable() {
		return dst
	}
	v := truncate(k.Algorithm, k.Secret, counter)
	if k.Type == Steam {
		for i := 0; i < SteamDigits; i++ {
			dst = append(dst, steamAlphabet[v%uint32(len(steamAlphabet))])
			v /= uint32(len(steamAlphabet))
		}
		return dst
	}
	// 10 digits need more than 32 bits of modulus: work in 64 bits.
	n := uint64(v)
	if k.Digits < 10 {
		n %= pow10[k.Digits]
	}
	var buf [MaxDigits]byte
	for i := k.Digits - 1; i >= 0; i-- {
		buf[i] = byte('0' + n%10)
		n /= 10
	}
	return append(dst, buf[:k.Digits]...)
}

var pow10 = [...]uint64{1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10}

// Step is the time step t falls in. Times before 1970 count as step 0.
func (k *Key) Step(t time.Time) uint64 {
	s := t.Unix()
	if s < 0 || k.Period == 0 {
		return 0
	}
	return uint64(s) / uint64(k.Period)
}

// counterAt is the moving factor for a code at t: the step for time-based
// keys, the stored counter for HOTP.
func (k *Key) counterAt(t time.Time) uint64 {
	if k.Type == HOTP {
		return k.Counter
	}
	return k.Step(t)
}

// AppendCode appends the code valid at t (for HOTP: at k.Counter) to dst.
// It allocates nothing when dst has room. A key whose type, algorithm or
// digits are invalid (see Validate) appends nothing.
func (k *Key) AppendCode(dst []byte, t time.Time) []byte {
	return k.appendCode(dst, k.counterAt(t))
}

// Code returns the code valid at t (for HOTP: at k.Counter), or "" for a key
// whose type, algorithm or digits are invalid.
func (k Key) Code(t time.Time) string {
	var buf [MaxDigits]byte
	return string(k.appendCode(buf[:0], k.counterAt(t)))
}

// CodeAtCounter returns the code for an explicit moving factor: an HOTP
// counter or a TOTP step.
func (k Key) CodeAtCounter(counter uint64) string {
	var buf [MaxDigits]byte
	return string(k.appendCode(buf[:0], counter))
}

// NextCode is the code of the step after the one t falls in. For HOTP it is
// the code at Counter+1.
func (k Key) NextCode(t time.Time) string {
	return k.CodeAtCounter(k.counterAt(t) + 1)
}

// Remaining is how long the code valid at t stays valid. HOTP codes do not
// expire: it returns 0 for them.
func (k Key) Remaining(t time.Time) time.Duration {
	if !k.Type.TimeBased() || k.Period == 0 {
		return 0
	}
	p := int64(k.Period)
	s := t.Unix()
	if s < 0 {
		// Step clamps times before 1970 to step 0, which ends at p.
		return time.Unix(p, 0).Sub(t)
	}
	// Worked in remainders so that no multiplication can overflow.
	return time.Duration(p-s%p)*time.Second - time.Duration(t.Nanosecond())
}

// MaxWindow caps Verify's window so a caller cannot make it scan for long.
const MaxWindow = 100

// Verify checks a code a person typed against the codes within window steps
// of t (time-based keys: both sides; HOTP: Counter to Counter+window, since a
// counter only moves forward). It reports the offset of the step that matched,
// nearest zero first (and the earlier step on a tie), which for TOTP measures
// clock drift (RFC 6238 section 5.2) and for HOTP says how far to advance the
// counter (to Counter+offset+1). Every candidate is compared in constant time
// and all are always computed, so timing reveals nothing about which matched.
// Spaces in code are ignored; Steam codes compare case-insensitively. The
// window is capped at MaxWindow; a key that gives no code matches nothing.
func (k Key) Verify(code string, t time.Time, window int) (offset int, ok bool) {
	// A key that gives no code must not match an empty one.
	if !k.codeable() {
		return 0, false
	}
	window = max(0, min(window, MaxWindow))
	var typed [MaxDigits]byte
	n := 0
	for i := 0; i < len(code); i++ {
		c := code[i]
		if c == ' ' {
			continue
		}
		if c >= 'a' && c <= 'z' && k.Type == Steam {
			c -= 'a' - 'A'
		}
		if n == len(typed) {
			return 0, false
		}
		typed[n] = c
		n++
	}
	base := k.counterAt(t)
	found := 0
	var buf [MaxDigits]byte
	// Try 0, -1, +1, -2, +2... so the first match is the one nearest zero.
	for i := 0; i <= 2*window; i++ {
		off := (i + 1) / 2
		if i%2 == 1 {
			off = -off
		}
		// Steps before 0 or past the end of the counter do not exist.
		var c uint64
		switch {
		case off < 0 && (k.Type == HOTP || uint64(-off) > base):
			continue
		case off < 0:
			c = base - uint64(-off)
		case base > math.MaxUint64-uint64(off):
			continue
		default:
			c = base + uint64(off)
		}
		got := k.appendCode(buf[:0], c)
		match := subtle.ConstantTimeCompare(got, typed[:n])
		first := match & subtle.ConstantTimeEq(int32(found), 0)
		offset = subtle.ConstantTimeSelect(first, off, offset)
		found |= match
	}
	return offset, found == 1
}
