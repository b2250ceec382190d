package vault

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Two computers syncing one vault back up into one folder (it is synced
// too): each names its backups with its device id and rotates only its
// own, so one never deletes the other's; backups named before computers
// named theirs are never rotated away.
func TestEachComputerRotatesItsOwnBackups(t *testing.T) {
	p := newPair(t, 0, 0)
	shared := filepath.Join(t.TempDir(), "Sync", "backups")
	must(t, os.MkdirAll(shared, 0o700))
	legacy := filepath.Join(shared, backupName(p.pa, p.real.Add(-48*time.Hour)))
	must(t, copyFile(p.pa, legacy))
	for _, v := range []*Vault{p.a, p.b} {
		s := v.Settings()
		s.BackupDir, s.BackupKeep = shared, 2
		must(t, v.SetSettings(s))
	}
	for i := range 10 {
		p.later(time.Minute)
		v := []*Vault{p.a, p.b}[i%2]
		k := rfcKey()
		k.Name = fmt.Sprint(i)
		mustAdd(t, v, Account{Key: k})
		mustSave(t, v)
	}
	all, err := Backups(shared, p.pa)
	must(t, err)
	count := map[string]int{}
	for _, b := range all {
		count[backupDevice(p.pa, b)]++
	}
	if count[p.a.Device()] != 2 || count[p.b.Device()] != 2 || count[""] != 1 || len(all) != 5 {
		t.Errorf("got %v in %d backups; want 2 of each computer's and the older one kept", count, len(all))
	}
	if !strings.Contains(filepath.Base(all[0]), "."+p.b.Device()+".") {
		t.Errorf("newest backup %s, want B's (it saved last)", filepath.Base(all[0]))
	}
	if _, err := os.Stat(legacy); err != nil {
		t.Errorf("the backup named before devices: %v", err)
	}
	// Neither computer takes the other's newer backup for a rollback.
	for name, v := range map[string]*Vault{"A": p.a, "B": p.b} {
		st, err := v.LastBackup()
		must(t, err)
		if st.Newer != "" || st.Kept != 5 {
			t.Errorf("%s: got Newer %q, Kept %d; want no rollback, 5 backups of this vault", name, st.Newer, st.Kept)
		}
	}
}

func TestParseBackupName(t *testing.T) {
	const v = "/x/vault.latchkey"
	for name, want := range map[string]string{
		"vault.latchkey.20260301T090000.000000000Z.bak":                  "",
		"vault.latchkey.00000000000000ab.20260301T090000.000000000Z.bak": "00000000000000ab",
	} {
		dev, ts, ok := parseBackupName(v, name)
		if !ok || dev != want || ts.IsZero() {
			t.Errorf("%s: got %q, %v, %v; want device %q", name, dev, ts, ok, want)
		}
	}
	for _, name := range []string{
		"vault.latchkey.00000000000000AB.20260301T090000.000000000Z.bak",
		"vault.latchkey.0000000000000ab.20260301T090000.000000000Z.bak",
		"vault.latchkey.20260301T090000.000000000Z.bak.tmp",
		"vault.latchkey.x.20260301T090000.000000000Z.bak",
		"vault.latchkey.20260301T090000Z.bak",
		"other.latchkey.20260301T090000.000000000Z.bak",
	} {
		if dev, _, ok := parseBackupName(v, name); ok {
			t.Errorf("%s: accepted, device %q", name, dev)
		}
	}
}
