package vault

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// A vault file replaced by an older copy of itself is found out: a backup
// holds a later save, and LastBackup names it.
func TestRollbackToOlderCopy(t *testing.T) {
	v, c, o, path := clockedVault(t, t.TempDir())
	for i, name := range []string{"one", "two", "three", "four", "five", "six"} {
		c.t = c.t.Add(time.Hour)
		a := rfcKey()
		a.Name = name
		a.Secret = []byte("a secret of its own: " + name)
		mustAdd(t, v, Account{Key: a})
		mustSave(t, v)
		if i == 0 {
			// A copy taken here, as a sync tool or a restored disk keeps.
			must(t, os.WriteFile(path+".copy", mustRead(t, path), 0o600))
		}
	}
	st, err := v.LastBackup()
	must(t, err)
	if st.Newer != "" || st.Pending {
		t.Fatalf("before the rollback: got %+v, want nothing newer, nothing pending", st)
	}
	newest := st.Path
	v.Close()
	must(t, os.Rename(path+".copy", path))

	v, err = open(path, testPassword, o)
	must(t, err)
	defer v.Close()
	if got := len(v.Accounts()); got != 1 {
		t.Fatalf("the old copy holds %d accounts, want 1", got)
	}
	st, err = v.LastBackup()
	must(t, err)
	if st.Newer != newest || !st.NewerTime.Equal(day0.Add(6*time.Hour)) {
		t.Errorf("after the rollback: got Newer %q at %v, want %q at %v", st.Newer, st.NewerTime, newest, day0.Add(6*time.Hour))
	}
	// Backing up now would only push the newer backups out.
	before, _ := Backups(st.Dir, path)
	c.t = c.t.Add(48 * time.Hour)
	st, err = v.BackupNow()
	must(t, err)
	after, _ := Backups(st.Dir, path)
	if len(after) != len(before) || st.Newer != newest {
		t.Errorf("BackupNow on a rolled-back vault: %d backups, then %d, Newer %q; want none written and %q", len(before), len(after), st.Newer, newest)
	}
	// A save of the old copy (a code copied in the window) does not hide
	// what it lacks.
	must(t, v.MarkUsed(v.Accounts()[0].ID))
	mustSave(t, v)
	if st, _ := v.LastBackup(); st.Newer != newest {
		t.Errorf("after a save of the old copy: got Newer %q, want still %q", st.Newer, newest)
	}
	// Merged back from the newer backup, it lacks nothing.
	b, err := openBackup(newest, testPassword, testOptions())
	must(t, err)
	if len(b.Accounts) != 6 {
		t.Fatalf("the newer backup holds %d accounts, want 6", len(b.Accounts))
	}
	if _, err := v.Merge(b.Accounts[:5], nil); err != nil {
		t.Fatal(err)
	}
	mustSave(t, v)
	if st, _ := v.LastBackup(); st.Newer != newest {
		t.Errorf("with one account still missing: got Newer %q, want still %q", st.Newer, newest)
	}
	if _, err := v.Merge(b.Accounts, func(_, _ Account) bool { return true }); err != nil {
		t.Fatal(err)
	}
	mustSave(t, v)
	if st, _ := v.LastBackup(); st.Newer != "" {
		t.Errorf("after merging the newer backup back: got Newer %q, want none", st.Newer)
	}
}

// A vault ahead of its backups (the last backup failed) is not older.
func TestVaultAheadOfBackupsIsNotOlder(t *testing.T) {
	v, path, _ := newSavedVault(t)
	// The backup folder becomes a file: the next backup fails.
	dir := BackupDirFor(path)
	must(t, os.RemoveAll(dir))
	must(t, os.WriteFile(dir, nil, 0o600))
	v.Delete(v.Accounts()[0].ID)
	wantErr(t, "save with the backup folder gone", v.Save(), ErrBackupFailed)
	must(t, os.Remove(dir))
	st, err := v.LastBackup()
	must(t, err)
	if st.Newer != "" {
		t.Errorf("got Newer %q, want none: the vault is ahead of its backups", st.Newer)
	}
}

// Files of an older Latchkey carry no save sequence: a vault file that is
// byte for byte an older backup, while a newer one exists, is a copy.
func TestRollbackWithoutSequence(t *testing.T) {
	v, path, _ := newTestVault(t)
	dir := BackupDirFor(path)
	must(t, os.RemoveAll(dir))
	must(t, os.Mkdir(dir, 0o700))
	legacy := func(name string) []byte {
		pt, err := encodePayload([]Account{{ID: name, Key: rfcKey(), Created: day0, Modified: day0}}, v.Settings(), nil)
		must(t, err)
		b, err := marshalContainer(v.slots, v.dataKey, pt)
		must(t, err)
		return b
	}
	older, newer := legacy("old"), legacy("new")
	must(t, os.WriteFile(filepath.Join(dir, backupName(path, day0)), older, 0o600))
	newest := filepath.Join(dir, backupName(path, day0.Add(time.Hour)))
	must(t, os.WriteFile(newest, newer, 0o600))
	v.Close()
	must(t, os.WriteFile(path, older, 0o600))
	v, err := open(path, testPassword, testOptions())
	must(t, err)
	defer v.Close()
	st, err := v.LastBackup()
	must(t, err)
	if st.Newer != newest {
		t.Errorf("got Newer %q, want %q", st.Newer, newest)
	}
	// The same vault equal to the newest backup is up to date.
	v.Close()
	must(t, os.WriteFile(path, newer, 0o600))
	v, err = open(path, testPassword, testOptions())
	must(t, err)
	if st, _ := v.LastBackup(); st.Newer != "" {
		t.Errorf("a vault equal to its newest backup: got Newer %q, want none", st.Newer)
	}
}

// The save sequence rides in the nonce: it rises by one a save and reads
// back, and a nonce stays unique.
func TestSaveSequence(t *testing.T) {
	v, path, _ := newTestVault(t)
	seqOf := func() uint64 {
		c, err := parseContainer(mustRead(t, path), testLimits)
		must(t, err)
		s, ok := c.seq()
		if !ok {
			t.Fatal("a saved vault carries no save sequence")
		}
		return s
	}
	first := seqOf()
	mustAdd(t, v, Account{Key: rfcKey()})
	mustSave(t, v)
	if got := seqOf(); got != first+1 {
		t.Errorf("after a save: sequence %d, want %d", got, first+1)
	}
	v.Close()
	v, err := open(path, testPassword, testOptions())
	must(t, err)
	mustAdd(t, v, Account{Key: hotpKey()})
	mustSave(t, v)
	if got := seqOf(); got != first+2 {
		t.Errorf("after a reopen and a save: sequence %d, want %d", got, first+2)
	}
	v.Close()
	c, _ := parseContainer(mustRead(t, path), testLimits)
	if c.nonce == ([nonceSize]byte{}) || string(c.nonce[:seqAt]) == string(make([]byte, seqAt)) {
		t.Error("the nonce's random part is empty")
	}
}
