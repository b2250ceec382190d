package vault

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// vault1000 is a saved vault of 1,000 accounts whose password slot has
// parameters p (cheap ones leave the KDF out of the figure).
func vault1000(b *testing.B, p Params) (*Vault, options) {
	o := testOptions()
	o.params = &p
	if p == FloorParams {
		o.limits = strictLimits
	}
	path := filepath.Join(b.TempDir(), "v", "vault.latchkey")
	v, _, err := create(path, testPassword, o)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { v.Close() })
	accounts := make([]Account, 1000)
	for i := range accounts {
		k := rfcKey()
		k.Name = fmt.Sprintf("user%04d@example.com", i)
		k.Secret = fmt.Appendf(nil, "secret-%013d", i)
		accounts[i] = Account{Key: k, Tags: []string{"work"}, Note: "a short note"}
	}
	mustAdd(b, v, accounts...)
	mustSave(b, v)
	return v, o
}

var kdfCases = []struct {
	name string
	p    Params
}{{"no-kdf", cheapParams}, {"floor-kdf", FloorParams}}

// Back up 1,000 accounts to a file: encrypt, write, fsync, read back,
// decrypt to verify, rename. With a separate backup password the KDF runs
// once (at the floor here; calibrated to about a second in real use).
func BenchmarkBackup1000(b *testing.B) {
	for _, kc := range kdfCases {
		v, _ := vault1000(b, kc.p)
		out := filepath.Join(b.TempDir(), "backup.latchkey")
		b.Run("vault-password/"+kc.name, func(b *testing.B) {
			for b.Loop() {
				if err := v.WriteBackup(out, BackupOptions{}); err != nil {
					b.Fatal(err)
				}
			}
			st, _ := os.Stat(out)
			b.ReportMetric(float64(st.Size()), "file-bytes")
		})
		b.Run("backup-password/"+kc.name, func(b *testing.B) {
			for b.Loop() {
				if err := v.WriteBackup(out, BackupOptions{Password: backupPassword}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// Restore 1,000 accounts: open the backup (one KDF run), then either merge
// into an empty vault and save, or make a new vault of it.
func BenchmarkRestore1000(b *testing.B) {
	for _, kc := range kdfCases {
		v, o := vault1000(b, kc.p)
		backup := filepath.Join(b.TempDir(), "backup.latchkey")
		if err := v.WriteBackup(backup, BackupOptions{}); err != nil {
			b.Fatal(err)
		}
		b.Run("open/"+kc.name, func(b *testing.B) {
			for b.Loop() {
				bk, err := openBackup(backup, testPassword, o)
				if err != nil || len(bk.Accounts) != 1000 {
					b.Fatal(err)
				}
			}
		})
		b.Run("open-merge-save/"+kc.name, func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				empty, _, err := create(filepath.Join(b.TempDir(), "e.latchkey"), testPassword, testOptions())
				if err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				bk, err := openBackup(backup, testPassword, o)
				if err != nil {
					b.Fatal(err)
				}
				r, err := empty.Merge(bk.Accounts, nil)
				if err != nil || len(r.Added) != 1000 {
					b.Fatalf("merge: %v, added %d", err, len(r.Added))
				}
				if err := empty.Save(); err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				empty.Close()
				b.StartTimer()
			}
		})
		b.Run("as-new/"+kc.name, func(b *testing.B) {
			for b.Loop() {
				nv, _, err := restoreAsNew(backup, testPassword, filepath.Join(b.TempDir(), "n.latchkey"), o)
				if err != nil {
					b.Fatal(err)
				}
				nv.Close()
			}
		})
	}
}

// Merge 1,000 accounts into a vault that already has them all: the
// duplicate check alone.
func BenchmarkMergeDuplicates1000(b *testing.B) {
	v, _ := vault1000(b, cheapParams)
	accounts := v.Accounts()
	for b.Loop() {
		r, err := v.Merge(accounts, nil)
		if err != nil || len(r.Duplicates) != 1000 {
			b.Fatal(err)
		}
	}
}
