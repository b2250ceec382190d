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

// Back up a vault under its own password, then carry it to a new machine.
func ExampleVault_WriteBackup() {
	dir, _ := os.MkdirTemp("", "latchkey-example")
	defer os.RemoveAll(dir)
	password := []byte("correct horse battery staple")

	v, _, err := vault.Create(filepath.Join(dir, "vault.latchkey"), password)
	if err != nil {
		fmt.Println(err)
		return
	}
	key, _ := otp.ParseURI("otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXP")
	v.Add(vault.Account{Key: key})
	backup := filepath.Join(dir, "backup.latchkey")
	// No Password: the vault's password opens the backup. WithBackupCodes
	// lets the vault's backup codes open it too.
	if err := v.WriteBackup(backup, vault.BackupOptions{WithBackupCodes: true}); err != nil {
		fmt.Println(err)
	}
	v.Close()

	// On the new machine.
	nv, freshCodes, err := vault.RestoreAsNew(backup, password, filepath.Join(dir, "new", "vault.latchkey"))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer nv.Close()
	for _, a := range nv.Accounts() {
		fmt.Println(a.Key.Label())
	}
	fmt.Println(len(freshCodes), "new codes:", nv.BackupCodesLeft(), "old ones still open it")
	// Output:
	// Example: alice
	// 0 new codes: 10 old ones still open it
}
