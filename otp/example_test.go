package otp_test

import (
	"errors"
	"fmt"
	"time"

	"latchkey/otp"
)

// The secret is RFC 6238's SHA-1 seed, so the codes can be checked against
// the RFC's Appendix B.
func ExampleParseURI() {
	k, err := otp.ParseURI("otpauth://totp/ACME:alice@example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=ACME&digits=8")
	if err != nil {
		fmt.Println(err)
		return
	}
	at := time.Unix(59, 0)
	fmt.Println(k.Label(), k.Type, k.Algorithm, k.Digits, k.Period)
	fmt.Println(k.Code(at), k.Remaining(at))
	// Output:
	// ACME: alice@example.com totp SHA1 8 30
	// 94287082 1s
}

// Errors say which part is wrong and never quote the secret.
func ExampleParseURI_error() {
	_, err := otp.ParseURI("otpauth://totp/ACME:alice?secret=JBSWY3DPEHPK3PXP&digits=12")
	fmt.Println(err)
	var pe *otp.ParseError
	if errors.As(err, &pe) {
		fmt.Println("part:", pe.Part)
	}
	// Output:
	// otp: digits: 12 digits is out of range 6-10
	// part: digits
}

func ExampleKey_Code() {
	k := otp.Key{Type: otp.TOTP, Secret: []byte("12345678901234567890"), Algorithm: otp.SHA1, Digits: 8, Period: 30}
	fmt.Println(k.Code(time.Unix(1111111109, 0)))
	fmt.Println(k.Code(time.Unix(20000000000, 0))) // in the year 2603
	h := otp.Key{Type: otp.HOTP, Secret: []byte("12345678901234567890"), Algorithm: otp.SHA1, Digits: 6, Counter: 0}
	fmt.Println(h.Code(time.Time{}))
	// Output:
	// 07081804
	// 65353130
	// 755224
}

// A code typed 30 s after it was shown still verifies with a window of one
// step, and the offset tells how far the two clocks are apart.
func ExampleKey_Verify() {
	k := otp.Key{Type: otp.TOTP, Secret: []byte("12345678901234567890"), Algorithm: otp.SHA1, Digits: 8, Period: 30}
	shownAt := time.Unix(1111111111, 0) // RFC 6238: 14050471
	offset, ok := k.Verify("1405 0471", shownAt.Add(30*time.Second), 1)
	fmt.Println(offset, ok)
	_, ok = k.Verify("14050471", shownAt.Add(90*time.Second), 1)
	fmt.Println(ok)
	// Output:
	// -1 true
	// false
}
