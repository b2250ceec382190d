package vault

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// Unlock at the parameters Create would choose on this machine: the delay a
// user waits. Run with -benchtime=5x; each op is about a second.
func BenchmarkUnlockCalibrated(b *testing.B) {
	p := Calibrate(DefaultUnlockTime)
	b.Logf("calibrated parameters: %v", p)
	benchUnlock(b, p)
}

func BenchmarkUnlockFloor(b *testing.B) { benchUnlock(b, FloorParams) }

func benchUnlock(b *testing.B, p Params) {
	o := testOptions()
	o.params = &p
	o.limits = strictLimits
	path := filepath.Join(b.TempDir(), "v.latchkey")
	v, _, err := create(path, testPassword, o)
	if err != nil {
		b.Fatal(err)
	}
	v.Close()
	data := mustRead(b, path)
	for b.Loop() {
		if _, _, err := decryptFile(data, testPassword, strictLimits); err != nil {
			b.Fatal(err)
		}
	}
}

// Save with 1,000 accounts: write, fsync, read back, verify, rename, fsync
// the folder, plus (by default) the verified rotating backup. No KDF.
func BenchmarkSave1000(b *testing.B) {
	for _, keep := range []int{10, -1} {
		name := "with-backup"
		if keep < 0 {
			name = "no-backup"
		}
		b.Run(name, func(b *testing.B) {
			v, path, _ := newTestVault(b)
			accounts := make([]Account, 1000)
			for i := range accounts {
				k := rfcKey()
				k.Name = fmt.Sprintf("user%04d@example.com", i)
				accounts[i] = Account{Key: k, Tags: []string{"work"}, Note: "a short note"}
			}
			id := mustAdd(b, v, accounts...)[0].ID
			s := v.Settings()
			s.BackupKeep = keep
			if err := v.SetSettings(s); err != nil {
				b.Fatal(err)
			}
			mustSave(b, v)
			kdf := kdfRuns.Load()
			for b.Loop() {
				// A real change, so every save writes.
				if err := v.MarkUsed(id); err != nil {
					b.Fatal(err)
				}
				if err := v.Save(); err != nil {
					b.Fatal(err)
				}
			}
			if kdfRuns.Load() != kdf {
				b.Fatal("Save ran the KDF")
			}
			st, _ := os.Stat(path)
			b.ReportMetric(float64(st.Size()), "file-bytes")
		})
	}
}

// How long a file asking for 4 TiB of Argon2 memory takes to be refused.
func BenchmarkRefuseHostile(b *testing.B) {
	data := hostile(smallVault(b), Params{Memory: 0xffffffff, Time: 0xffffffff, Threads: 255})
	path := filepath.Join(b.TempDir(), "hostile.latchkey")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := Open(path, testPassword); err == nil {
			b.Fatal("hostile file opened")
		}
	}
}

func BenchmarkOpenWithBackupCode(b *testing.B) {
	v, path, codes := newTestVault(b)
	v.Close()
	data := mustRead(b, path)
	c, err := parseContainer(data, testLimits)
	if err != nil {
		b.Fatal(err)
	}
	bits, err := parseBackupCode(codes[BackupCodeCount-1]) // the last slot: the worst case
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, _, err := c.unlockCode(bits); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCalibrate(b *testing.B) {
	for b.Loop() {
		p := Calibrate(DefaultUnlockTime)
		b.Logf("%v", p)
	}
}
