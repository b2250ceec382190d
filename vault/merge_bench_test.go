package vault

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"
)

// Merging two 1,000-account copies of one vault that each made 100 changes
// apart (on each: 30 added, 40 edited, 20 removed, 10 HOTP counters
// advanced; 48 accounts changed, as two ids were both edited and advanced), the case of two computers that were offline for a while: the
// copy is parsed, opened with the data key, decoded, merged, compared and
// installed. kdf-runs/op counts the password KDF runs: none.
//
//	go test ./vault -run X -bench MergeTwo1000 -benchtime 20x
func BenchmarkMergeTwo1000(b *testing.B) {
	dir := b.TempDir()
	pa, pb := filepath.Join(dir, "a", "v.latchkey"), filepath.Join(dir, "b", "v.latchkey")
	clock := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	o := testOptions()
	o.fs = quickFS{}
	o.now = func() time.Time { clock = clock.Add(time.Millisecond); return clock }
	a, _, err := create(pa, testPassword, o)
	if err != nil {
		b.Fatal(err)
	}
	s := a.Settings()
	s.BackupKeep = -1
	must(b, a.SetSettings(s))
	accounts := make([]Account, 1000)
	for i := range accounts {
		k := rfcKey()
		if i%10 == 0 {
			k = hotpKey()
		}
		k.Name = fmt.Sprintf("account %d", i)
		k.Secret = []byte(fmt.Sprintf("secret number %06d", i))
		accounts[i] = Account{ID: fmt.Sprintf("id-%04d", i), Key: k, Note: "a note", Tags: []string{"work"}}
	}
	mustAdd(b, a, accounts...)
	mustSave(b, a)
	must(b, copyFile(pa, pb))
	bv, err := open(pb, testPassword, o)
	must(b, err)
	a.clock.node, bv.clock.node = 1, 2
	change := func(v *Vault, side int) {
		base := side * 500 // the two sides change different accounts, and some the same
		for i := range 30 {
			k := rfcKey()
			k.Secret = []byte(fmt.Sprintf("new on %d: %d", side, i))
			mustAdd(b, v, Account{Key: k})
		}
		for i := range 40 {
			x, _ := v.Account(fmt.Sprintf("id-%04d", (base+i*7)%1000))
			x.Note = fmt.Sprintf("edited on %d", side)
			must(b, v.Update(x))
		}
		for i := range 20 {
			if _, err := v.Delete(fmt.Sprintf("id-%04d", base+300+i)); err != nil {
				b.Fatal(err)
			}
		}
		for i := range 10 {
			x, _ := v.Account(fmt.Sprintf("id-%04d", (base+i*10)%1000))
			x.Key.Counter += uint64(side + 1)
			must(b, v.Update(x))
		}
		mustSave(b, v)
	}
	change(a, 0)
	change(bv, 1)
	a.Close()
	bv.Close()
	aData, bData := mustRead(b, pa), mustRead(b, pb)

	fresh := func() *Vault {
		// Vault A as opened, without the KDF: its data key is known here.
		c, err := parseContainer(aData, o.limits)
		must(b, err)
		key, _, _, _, err := c.unlockPassword(testPassword)
		must(b, err)
		v := &Vault{path: pa, fs: o.fs, now: o.now, opts: o, usedCodeSlot: -1}
		must(b, v.load(c, key))
		v.diskSum = [32]byte{}
		return v
	}
	v := fresh()
	ch, err := v.MergeCopy(bData)
	must(b, err)
	if ch.String() != "30 added, 48 changed, 20 removed" {
		b.Fatalf("the merge brought %q", ch)
	}
	if n := len(v.Accounts()); n != 1000+30+30-20-20 {
		b.Fatalf("merged: %d accounts", n)
	}
	v.Close()
	var runs int64
	b.ResetTimer()
	for b.Loop() {
		b.StopTimer()
		v := fresh()
		before := kdfRuns.Load()
		b.StartTimer()
		if _, err := v.MergeCopy(bData); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		runs += kdfRuns.Load() - before
		v.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(runs)/float64(b.N), "kdf-runs/op")
	b.ReportMetric(float64(len(bData))/1024, "copy-KiB")
}
