package interop_test

import (
	"bytes"
	"fmt"

	"latchkey/interop"
	"latchkey/otp"
)

func ExampleDetect() {
	f, encrypted, err := interop.Detect([]byte(`{"version":1,"header":{"slots":[],"params":{}},"db":"c2VjcmV0"}`))
	fmt.Println(f, encrypted, err)
	// Output: Aegis (encrypted) true <nil>
}

func ExampleWriteAegis() {
	k, err := otp.ParseURI("otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXP")
	if err != nil {
		panic(err)
	}
	var buf bytes.Buffer
	entries := []interop.Entry{{Key: k, Tags: []string{"Work"}, Note: "desk drawer", Pinned: true}}
	if err := interop.WriteAegis(&buf, entries); err != nil {
		panic(err)
	}
	// Any Aegis-compatible app reads it; so does Read.
	res, err := interop.Read(buf.Bytes(), nil)
	if err != nil {
		panic(err)
	}
	e := res.Entries[0]
	fmt.Println(res.Format, e.Key.Label(), e.Tags, e.Note, e.Pinned)
	// Output: Aegis Example: alice [Work] desk drawer true
}
