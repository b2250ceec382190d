package qrimport_test

import (
	"fmt"

	"latchkey/otp"
	"latchkey/qrimport"
)

func ExampleReadText() {
	r, err := qrimport.ReadText("otpauth://totp/Example:alice@google.com?secret=JBSWY3DPEHPK3PXP&issuer=Example\nhttps://example.com")
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, k := range r.Keys {
		fmt.Println(k.Label(), k.Type, k.Digits)
	}
	for _, p := range r.Problems {
		fmt.Println(p)
	}
	// Output:
	// Example: alice@google.com totp 6
	// this QR code holds a web link, not an authenticator key
}

func ExampleMigrationURIs() {
	keys := []otp.Key{
		{Type: otp.TOTP, Issuer: "Example", Name: "alice", Secret: []byte("secret-one"), Algorithm: otp.SHA1, Digits: 6, Period: 30},
		{Type: otp.TOTP, Issuer: "Bank", Name: "bob", Secret: []byte("secret-two"), Algorithm: otp.SHA256, Digits: 6, Period: 30},
	}
	uris, skipped, err := qrimport.MigrationURIs(keys)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(uris), "export code")
	for _, k := range skipped {
		fmt.Println("not exported:", k.Label())
	}
	// Output:
	// 1 export code
	// not exported: Bank: bob
}
