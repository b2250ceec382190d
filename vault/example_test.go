package vault_test

import (
	"fmt"
	"os"
	"path/filepath"

	"latchkey/otp"
	"latchkey/vault"
)

func Example() {
	dir, _ := os.MkdirTemp("", "latchkey-example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "vault.latchkey")

	// Create calibrates Argon2id to about a second and returns the backup
	// codes, to be shown to the user once.
	v, codes, err := vault.Create(path, []byte("correct horse battery staple"))
	if err != nil {
		fmt.Println(err)
		return
	}
	key, _ := otp.ParseURI("otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXP")
	v.Add(vault.Account{Key: key, Tags: []string{"work"}})
	if err := v.Save(); err != nil {
		fmt.Println(err)
	}
	v.Close()

	v, err = vault.Open(path, []byte("correct horse battery staple"))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer v.Close()
	fmt.Println(len(codes), "backup codes")
	for _, a := range v.Accounts() {
		fmt.Println(a.Key.Label(), a.Tags)
	}
	// Output:
	// 10 backup codes
	// Example: alice [work]
}
