package vault

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"latchkey/otp"
)

var (
	backupPassword = []byte("a separate backup password")
	day0           = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
)

// richAccounts use every field, with times in UTC and without monotonic
// readings, so a decoded copy is reflect.DeepEqual to the original.
func richAccounts() []Account {
	steam := otp.Key{Type: otp.Steam, Issuer: "Steam", Name: "gamer", Secret: []byte("steam-secret-bytes!!"), Algorithm: otp.SHA1, Digits: 5, Period: 30}
	sha512 := otp.Key{Type: otp.TOTP, Issuer: "Vault <&> \"Corp\"", Name: "ops@example.org", Secret: bytes.Repeat([]byte{0xA5}, 64), Algorithm: otp.SHA512, Digits: 8, Period: 60}
	h := hotpKey()
	h.Counter = 41
	return []Account{
		{ID: "a1", Key: rfcKey(), Tags: []string{"work", "mail"}, Pinned: true, Note: "primary login",
			Icon: []byte("\x89PNG fake icon"), Created: day0, Modified: day0.Add(time.Hour), LastUsed: day0.Add(2 * time.Hour),
			BackupCodes: []ServiceCode{{Code: "1111-2222"}, {Code: "3333-4444", Used: true, UsedAt: day0.Add(3 * time.Hour)}}},
		{ID: "a2", Key: h, Created: day0, Modified: day0},
		{ID: "a3", Key: steam, Note: "ünïcode ✓", Created: day0, Modified: day0},
		{ID: "a4", Key: sha512, Tags: []string{"ops"}, Created: day0, Modified: day0},
	}
}

func richVault(t testing.TB) (*Vault, string, []string) {
	t.Helper()
	v, path, codes := newTestVault(t)
	mustAdd(t, v, richAccounts()...)
	s := v.Settings()
	s.Sort = SortIssuer
	s.AutoLock = 7 * time.Minute
	s.ClipboardClear = 0
	s.BackupKeep = 4
	if err := v.SetSettings(s); err != nil {
		t.Fatal(err)
	}
	mustSave(t, v)
	return v, path, codes
}

func wantSameAccounts(t *testing.T, what string, got, want []Account) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: got %d accounts, want %d", what, len(got), len(want))
	}
	for i := range want {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Errorf("%s: account %d:\n got %+v\nwant %+v", what, i, got[i], want[i])
		}
	}
}

// The whole round trip: vault -> backup -> new vault, every field equal.
func TestBackupRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		name      string
		opts      BackupOptions
		password  []byte
		wantCodes int
	}{
		{"vault password", BackupOptions{}, testPassword, 0},
		{"vault password with codes", BackupOptions{WithBackupCodes: true}, testPassword, BackupCodeCount},
		{"backup password", BackupOptions{Password: backupPassword}, backupPassword, 0},
		{"backup password with codes", BackupOptions{Password: backupPassword, WithBackupCodes: true}, backupPassword, BackupCodeCount},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v, _, codes := richVault(t)
			want := richAccounts()
			out := filepath.Join(t.TempDir(), "backup.latchkey")
			if err := v.WriteBackup(out, tc.opts); err != nil {
				t.Fatalf("WriteBackup: %v", err)
			}
			st, err := os.Stat(out)
			if err != nil {
				t.Fatal(err)
			}
			if st.Mode().Perm() != 0o600 {
				t.Errorf("backup mode %v, want 0600", st.Mode().Perm())
			}
			b, err := openBackup(out, tc.password, testOptions())
			if err != nil {
				t.Fatalf("OpenBackup: %v", err)
			}
			wantSameAccounts(t, "opened backup", b.Accounts, want)
			if b.Settings != v.Settings() {
				t.Errorf("settings: got %+v, want %+v", b.Settings, v.Settings())
			}
			if b.BackupCodes != tc.wantCodes {
				t.Errorf("backup-code slots: got %d, want %d", b.BackupCodes, tc.wantCodes)
			}
			if d := time.Since(b.Created); d < 0 || d > time.Minute {
				t.Errorf("Created %v is not the file's modification time (now %v)", b.Created, time.Now())
			}
			if !bytes.Equal(tc.password, testPassword) {
				_, err := openBackup(out, testPassword, testOptions())
				wantErr(t, "vault password on a backup with its own", err, ErrWrongPassword)
			}

			newPath := filepath.Join(t.TempDir(), "new", "vault.latchkey")
			nv, fresh, err := restoreAsNew(out, tc.password, newPath, testOptions())
			if err != nil {
				t.Fatalf("RestoreAsNew: %v", err)
			}
			wantSameAccounts(t, "restored vault", nv.Accounts(), want)
			if nv.Settings() != v.Settings() {
				t.Errorf("restored settings: got %+v, want %+v", nv.Settings(), v.Settings())
			}
			nv.Close()
			// The password that opened the backup opens the new vault.
			nv, err = open(newPath, tc.password, testOptions())
			if err != nil {
				t.Fatalf("open the restored vault: %v", err)
			}
			wantSameAccounts(t, "restored vault reopened", nv.Accounts(), want)
			nv.Close()
			// Codes: the vault's own when the backup carried them, else a
			// fresh set returned once.
			if tc.wantCodes > 0 {
				if fresh != nil {
					t.Errorf("got %d fresh codes from a backup that carries codes, want none", len(fresh))
				}
			} else if len(fresh) != BackupCodeCount {
				t.Fatalf("got %d fresh codes, want %d", len(fresh), BackupCodeCount)
			}
			check := []string{codes[3]}
			if tc.wantCodes == 0 {
				check = []string{fresh[0], fresh[BackupCodeCount-1]}
				_, err := openWithBackupCode(newPath, codes[3], testOptions())
				wantErr(t, "the old vault's code on a restore without codes", err, ErrWrongBackupCode)
			}
			for _, code := range check {
				openCode(t, newPath, code).Close()
			}
		})
	}
}

func TestBackupFailures(t *testing.T) {
	v, _, _ := richVault(t)
	dir := t.TempDir()
	good := filepath.Join(dir, "good.latchkey")
	if err := v.WriteBackup(good, BackupOptions{Password: backupPassword}); err != nil {
		t.Fatal(err)
	}
	orig := mustRead(t, good)
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	flipped := bytes.Clone(orig)
	flipped[len(flipped)/2] ^= 0x40
	newer := bytes.Clone(orig)
	binary.BigEndian.PutUint16(newer[len(magic):], formatVersion+1)
	edited := bytes.Clone(orig)
	edited[len(edited)-checksumSize-1] ^= 1 // in the payload, checksum fixed: a forgery
	fixChecksum(edited)
	for _, tc := range []struct {
		name     string
		path     string
		password []byte
		want     error
		message  string
	}{
		{"wrong password", good, []byte("not it"), ErrWrongPassword, "wrong password"},
		{"flipped bit", write("flipped", flipped), backupPassword, ErrCorrupt, "corrupt"},
		{"truncated", write("truncated", orig[:len(orig)-100]), backupPassword, ErrCorrupt, "corrupt"},
		{"empty", write("empty", nil), backupPassword, ErrCorrupt, "corrupt"},
		{"edited payload", write("edited", edited), backupPassword, ErrCorrupt, "corrupt"},
		{"newer format", write("newer", newer), backupPassword, ErrNewerVersion, "newer version"},
		{"not a backup", write("plain.json", []byte(`{"db":{"entries":[]}}`)), backupPassword, ErrCorrupt, "not a latchkey vault"},
		{"hostile parameters", write("hostile", hostile(orig, Params{Memory: 0xffffffff, Time: 3, Threads: 4})), backupPassword, ErrHostileParams, "made by something else"},
		{"missing", filepath.Join(dir, "none"), backupPassword, ErrNoFile, "not found"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := openBackup(tc.path, tc.password, testOptions())
			wantErr(t, "OpenBackup", err, tc.want)
			if !strings.Contains(err.Error(), tc.message) {
				t.Errorf("got message %q, want it to say %q", err, tc.message)
			}
			if strings.Contains(err.Error(), string(tc.password)) || strings.Contains(err.Error(), string(backupPassword)) {
				t.Errorf("message %q quotes the password", err)
			}
			newPath := filepath.Join(t.TempDir(), "vault.latchkey")
			_, _, err = restoreAsNew(tc.path, tc.password, newPath, testOptions())
			wantErr(t, "RestoreAsNew", err, tc.want)
			if Exists(newPath) {
				t.Errorf("a failed restore left a file at %s", newPath)
			}
		})
	}
	// The strict limits refuse a test vault's cheap parameters as hostile:
	// the exported functions never accept less than Latchkey writes.
	_, err := OpenBackup(good, backupPassword)
	wantErr(t, "exported OpenBackup on cheap parameters", err, ErrHostileParams)
}

func TestWriteBackupRefuses(t *testing.T) {
	v, path, _ := newTestVault(t)
	before := mustRead(t, path)
	err := v.WriteBackup(path, BackupOptions{})
	wantErr(t, "backup over the vault itself", err, ErrProtected)
	if !bytes.Equal(mustRead(t, path), before) {
		t.Fatal("a refused backup changed the vault")
	}
	err = v.WriteBackup(filepath.Join(t.TempDir(), "b"), BackupOptions{Password: []byte{}})
	wantErr(t, "empty backup password", err, ErrEmptyPassword)
	err = v.WriteBackup(filepath.Join(t.TempDir(), "missing", "folder", "b"), BackupOptions{})
	if err == nil {
		t.Error("backup into a missing folder: got no error, want one")
	}
	v.Close()
	wantErr(t, "backup of a closed vault", v.WriteBackup(filepath.Join(t.TempDir(), "b"), BackupOptions{}), ErrClosed)
}

// A vault opened with a backup code still holds the forgotten password's
// slot: a backup under "the vault password" would be one nobody can open.
func TestWriteBackupAfterBackupCode(t *testing.T) {
	v, path, codes := newTestVault(t)
	v.Close()
	v, err := openWithBackupCode(path, codes[0], testOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	out := filepath.Join(t.TempDir(), "b")
	wantErr(t, "backup under the old password", v.WriteBackup(out, BackupOptions{}), ErrNeedsPassword)
	if err := v.WriteBackup(out, BackupOptions{Password: backupPassword, WithBackupCodes: true}); err != nil {
		t.Fatal(err)
	}
	b, err := openBackup(out, backupPassword, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	if b.BackupCodes != BackupCodeCount-1 {
		t.Errorf("got %d code slots, want %d (the used one left out)", b.BackupCodes, BackupCodeCount-1)
	}
}

func TestRestoreAsNewRefusesExisting(t *testing.T) {
	v, _, _ := richVault(t)
	out := filepath.Join(t.TempDir(), "b")
	if err := v.WriteBackup(out, BackupOptions{}); err != nil {
		t.Fatal(err)
	}
	_, other, _ := newTestVault(t)
	before := mustRead(t, other)
	_, _, err := restoreAsNew(out, testPassword, other, testOptions())
	wantErr(t, "restore over an existing vault", err, ErrExists)
	if !bytes.Equal(mustRead(t, other), before) {
		t.Fatal("a refused restore changed the existing vault")
	}
}

// A backup folder an older Latchkey wrote in the backup that is not here
// falls back to the default; one that exists is adopted on this computer.
func TestRestoreAsNewBackupDir(t *testing.T) {
	for _, exists := range []bool{true, false} {
		v, path, _ := newTestVault(t)
		v.Close()
		dir := filepath.Join(t.TempDir(), "synced")
		if exists {
			os.Mkdir(dir, 0o700)
		}
		olderLatchkeySets(t, path, dir)
		v, err := open(path, testPassword, testOptions())
		if err != nil {
			t.Fatal(err)
		}
		out := filepath.Join(t.TempDir(), "b")
		if err := v.WriteBackup(out, BackupOptions{}); err != nil {
			t.Fatal(err)
		}
		v.Close()
		if !exists {
			os.RemoveAll(dir)
		}
		o := testOptions()
		o.stateDir = t.TempDir()
		nv, _, err := restoreAsNew(out, testPassword, filepath.Join(t.TempDir(), "v"), o)
		if err != nil {
			t.Fatal(err)
		}
		want := ""
		if exists {
			want = dir
		}
		if got := nv.Settings().BackupDir; got != want {
			t.Errorf("folder exists %v: got backup folder %q, want %q", exists, got, want)
		}
		nv.Close()
	}
}

func key(issuer, name, secret string) otp.Key {
	return otp.Key{Type: otp.TOTP, Issuer: issuer, Name: name, Secret: []byte(secret), Algorithm: otp.SHA1, Digits: 6, Period: 30}
}

func TestMerge(t *testing.T) {
	v, _, _ := newTestVault(t)
	existing := mustAdd(t, v,
		Account{Key: key("GitHub", "alice", "github-secret-000000")},
		Account{Key: key("Mail", "alice", "mail-secret-00000000")})
	incoming := []Account{
		{ID: "x1", Key: key("GitHub", "alice (old name)", "github-secret-000000"), Note: "from the backup"},
		{ID: existing[1].ID, Key: key("Bank", "alice", "bank-secret-00000000")}, // an id already taken
		{ID: "x3", Key: key("Bank", "alice again", "bank-secret-00000000")},     // repeats the one before
		{ID: "x4", Key: key("Shop", "", "shop-secret-00000000"), Tags: []string{"t"}},
	}
	r, err := v.Merge(incoming, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := MergeReport{Added: []string{"Bank: alice", "Shop"}, Duplicates: []string{"GitHub: alice (old name)", "Bank: alice again"}}
	if !reflect.DeepEqual(r, want) {
		t.Fatalf("got report %+v, want %+v", r, want)
	}
	got := v.Accounts()
	if names(got) != "alice,alice,alice," {
		t.Errorf("got names %q, want alice,alice,alice,", names(got))
	}
	if got[0].Note != "" || got[0].Key.Name != "alice" {
		t.Errorf("the existing GitHub account was overwritten: %+v", got[0])
	}
	if got[2].ID == existing[1].ID || got[2].ID == "" {
		t.Errorf("an incoming account took an existing id %q", got[2].ID)
	}
	if got[3].ID != "x4" || got[3].Tags[0] != "t" {
		t.Errorf("got %+v, want id x4 and its tag kept", got[3])
	}
	if !v.Dirty() {
		t.Error("Merge left the vault clean, want unsaved changes")
	}

	// replace says which duplicates take over; it may call the vault.
	var asked []string
	r, err = v.Merge(incoming[:1], func(old, in Account) bool {
		asked = append(asked, old.Key.Name+" <- "+in.Key.Name)
		_ = v.Accounts() // no deadlock
		return true
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := (MergeReport{Replaced: []string{"GitHub: alice (old name)"}}); !reflect.DeepEqual(r, want) {
		t.Fatalf("got report %+v, want %+v", r, want)
	}
	if len(asked) != 1 || asked[0] != "alice <- alice (old name)" {
		t.Errorf("replace was asked %q, want once about alice", asked)
	}
	a, ok := v.Account(existing[0].ID)
	if !ok || a.Key.Name != "alice (old name)" || a.Note != "from the backup" {
		t.Errorf("replaced account: got %+v (found %v), want the incoming fields under the old id", a, ok)
	}
	if n := len(v.Accounts()); n != 4 {
		t.Errorf("got %d accounts after replacing, want 4", n)
	}
}

func TestMergeAllOrNothing(t *testing.T) {
	v, _, _ := newTestVault(t)
	mustAdd(t, v, Account{Key: key("A", "a", "aaaaaaaaaaaaaaaaaaaa")})
	mustSave(t, v)
	bad := key("B", "b", "bbbbbbbbbbbbbbbbbbbb")
	bad.Digits = 3
	_, err := v.Merge([]Account{{Key: key("C", "c", "cccccccccccccccccccc")}, {Key: bad}}, nil)
	if err == nil {
		t.Fatal("merging an invalid account: got no error")
	}
	if got := names(v.Accounts()); got != "a" || v.Dirty() {
		t.Errorf("after a failed merge: accounts %q, dirty %v; want a, false", got, v.Dirty())
	}
	many := make([]Account, MaxAccounts)
	for i := range many {
		many[i] = Account{Key: key("X", fmt.Sprint(i), fmt.Sprintf("secret-%014d", i))}
	}
	_, err = v.Merge(many, nil)
	wantErr(t, "merging past the account cap", err, ErrTooLarge)
	if n := len(v.Accounts()); n != 1 {
		t.Errorf("after a refused merge: %d accounts, want 1", n)
	}
}

func TestOpenReadOnly(t *testing.T) {
	v, path, _ := richVault(t)
	// A crashed save's leftover: only the lock holder may sweep it.
	leftover := filepath.Join(filepath.Dir(path), tempPrefix(path)+"crash")
	if err := os.WriteFile(leftover, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	before := mustRead(t, path)
	ro, err := openReadOnly(path, testPassword, testOptions())
	if err != nil {
		t.Fatalf("read-only open while the vault is open elsewhere: %v", err)
	}
	wantSameAccounts(t, "read-only", ro.Accounts(), richAccounts())
	if !ro.ReadOnly() || v.ReadOnly() {
		t.Errorf("ReadOnly: got %v and %v, want true and false", ro.ReadOnly(), v.ReadOnly())
	}
	a := ro.Accounts()[0]
	for name, err := range map[string]error{
		"Save":         ro.Save(),
		"Update":       ro.Update(a),
		"Move":         ro.Move(a.ID, 1),
		"MarkUsed":     ro.MarkUsed(a.ID),
		"SetSettings":  ro.SetSettings(DefaultSettings()),
		"SetPassword":  second(ro.SetPassword([]byte("x"))),
		"Reencrypt":    second(ro.ReencryptBackups()),
		"RemoveOld":    second(ro.RemoveEarlierBackups()),
		"Restore":      ro.Restore(Account{ID: "new", Key: rfcKey()}, 0),
		"Add":          second(ro.Add(Account{Key: hotpKey()})),
		"Delete":       second(ro.Delete(a.ID)),
		"Merge":        second(ro.Merge([]Account{{Key: hotpKey()}}, nil)),
		"Regenerate":   second(ro.RegenerateBackupCodes()),
		"BackupNow":    second(ro.BackupNow()),
		"kept unsaved": nil,
	} {
		if name == "kept unsaved" {
			continue
		}
		wantErr(t, name+" on a read-only vault", err, ErrReadOnly)
	}
	if !strings.Contains(ro.Save().Error(), "read-only") {
		t.Errorf("got %q, want a message that says read-only", ro.Save())
	}
	// Reading and exporting still work.
	out := filepath.Join(t.TempDir(), "b")
	if err := ro.WriteBackup(out, BackupOptions{}); err != nil {
		t.Errorf("WriteBackup on a read-only vault: %v", err)
	}
	if _, err := ro.LastBackup(); err != nil {
		t.Errorf("LastBackup on a read-only vault: %v", err)
	}
	ro.Close()
	if !bytes.Equal(mustRead(t, path), before) {
		t.Error("a read-only open changed the vault file")
	}
	if !Exists(leftover) {
		t.Error("a read-only open swept the lock holder's temporary files")
	}
	// Closing the read-only vault did not release the other's lock.
	_, err = open(path, testPassword, testOptions())
	wantErr(t, "open after the read-only one closed", err, ErrLocked)
	_, err = openReadOnly(path, []byte("wrong"), testOptions())
	wantErr(t, "read-only with a wrong password", err, ErrWrongPassword)
	_, err = openReadOnly(filepath.Join(t.TempDir(), "none"), testPassword, testOptions())
	wantErr(t, "read-only with no file", err, ErrNoFile)
}

func second[T any](_ T, err error) error { return err }

// clock is a fake time source that moves only when told.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

// clockedVault creates a vault at dir/v/vault.latchkey on a clock that
// stands at day0 until told; o opens it again on that clock.
func clockedVault(t *testing.T, dir string) (v *Vault, c *clock, o options, path string) {
	t.Helper()
	c = &clock{t: day0}
	o = testOptions()
	o.now = c.now
	path = filepath.Join(dir, "v", "vault.latchkey")
	v, _, err := create(path, testPassword, o)
	if err != nil {
		t.Fatal(err)
	}
	return v, c, o, path
}

// Retention: keep the newest Keep plus the newest of each of the last seven
// days, on a fake clock; then every kept backup restores to the state it
// was written at.
func TestRetentionAndRestoreEveryBackup(t *testing.T) {
	v, c, o, path := clockedVault(t, t.TempDir())
	defer v.Close()
	s := v.Settings()
	s.BackupKeep = 3
	if err := v.SetSettings(s); err != nil {
		t.Fatal(err)
	}
	// Ten days, three saves a day (09:00, 12:00, 18:00), each adding an
	// account named after its time.
	for d := range 10 {
		for _, h := range []int{9, 12, 18} {
			c.t = day0.AddDate(0, 0, d).Add(time.Duration(h-9) * time.Hour)
			k := rfcKey()
			k.Name = c.t.Format("0102T15")
			mustAdd(t, v, Account{Key: k})
			mustSave(t, v)
		}
	}
	got, err := Backups(BackupDirFor(path), path)
	if err != nil {
		t.Fatal(err)
	}
	// Worked out by hand: day 10's three saves, then 18:00 of days 9 to 4.
	want := []string{"0310T18", "0310T12", "0310T09", "0309T18", "0308T18", "0307T18", "0306T18", "0305T18", "0304T18"}
	var gotNames []string
	for _, p := range got {
		t, _ := stampOf(p)
		gotNames = append(gotNames, t.Format("0102T15"))
	}
	if strings.Join(gotNames, " ") != strings.Join(want, " ") {
		t.Fatalf("kept backups:\n got %v\nwant %v", gotNames, want)
	}
	for _, p := range got {
		stamp, _ := stampOf(p)
		newPath := filepath.Join(t.TempDir(), "restored.latchkey")
		nv, _, err := restoreAsNew(p, testPassword, newPath, o)
		if err != nil {
			t.Fatalf("restore from %s: %v", filepath.Base(p), err)
		}
		accounts := nv.Accounts()
		nv.Close()
		// The backup written at stamp holds every account up to it.
		n := int(stamp.Sub(day0).Hours()/24)*3 + map[int]int{9: 1, 12: 2, 18: 3}[stamp.Hour()]
		if len(accounts) != n || accounts[n-1].Key.Name != stamp.Format("0102T15") {
			t.Errorf("restore from %s: got %d accounts ending %q, want %d ending %q",
				filepath.Base(p), len(accounts), names(accounts[len(accounts)-1:]), n, stamp.Format("0102T15"))
		}
	}
}

// LastBackup and BackupNow: the status the app shows, a backup folder that
// goes away and comes back, and the daily copy without changes.
func TestLastBackupAndBackupNow(t *testing.T) {
	dir := t.TempDir()
	v, c, _, _ := clockedVault(t, dir)
	defer v.Close()
	st, err := v.LastBackup()
	if err != nil || !st.Last.Equal(day0) || st.Pending || st.Kept != 1 || !st.Enabled {
		t.Fatalf("after create: got %+v, %v; want the backup of %v, nothing pending", st, err, day0)
	}

	// The folder goes away (a USB stick pulled out): a file stands where it
	// was, so it can be neither listed nor made.
	stick := filepath.Join(dir, "stick")
	s := v.Settings()
	s.BackupDir = filepath.Join(stick, "backups")
	if err := v.SetSettings(s); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(stick, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	c.t = day0.Add(time.Hour)
	err = v.Save()
	wantErr(t, "save with the backup folder gone", err, ErrBackupFailed)
	st, err = v.LastBackup()
	if err != nil || !st.Pending || st.Err == nil || !st.Last.IsZero() {
		t.Errorf("folder gone: got %+v, %v; want pending, the error in the status, no last backup", st, err)
	}
	_, err = v.BackupNow()
	wantErr(t, "BackupNow with the folder gone", err, ErrBackupFailed)

	// Unmounted, the stick's folder is simply missing: it must not be made
	// on the local disk, where it would only look like a backup.
	os.Remove(stick)
	_, err = v.BackupNow()
	wantErr(t, "BackupNow with the folder missing", err, ErrBackupFailed)
	if _, err := os.Stat(s.BackupDir); !os.IsNotExist(err) {
		t.Errorf("a missing chosen backup folder was created (stat: %v)", err)
	}

	// It comes back: BackupNow catches up without any change.
	if err := os.MkdirAll(s.BackupDir, 0o700); err != nil {
		t.Fatal(err)
	}
	c.t = day0.Add(2 * time.Hour)
	st, err = v.BackupNow()
	if err != nil || st.Pending || !st.Last.Equal(c.t) || st.Err != nil {
		t.Fatalf("folder back: got %+v, %v; want a backup at %v, nothing pending", st, err, c.t)
	}
	// Up to date and younger than a day: nothing to write.
	c.t = c.t.Add(BackupInterval - time.Minute)
	if st, err := v.BackupNow(); err != nil || st.Kept != 1 {
		t.Errorf("fresh backup: got %+v, %v; want still 1 backup", st, err)
	}
	// A day old: a fresh daily copy of the same vault.
	c.t = c.t.Add(2 * time.Minute)
	st, err = v.BackupNow()
	if err != nil || st.Kept != 2 || !st.Last.Equal(c.t) {
		t.Errorf("day-old backup: got %+v, %v; want a second backup at %v", st, err, c.t)
	}

	// A backup that no longer verifies is passed over.
	if err := os.WriteFile(st.Path, []byte("LATCHKEY garbage"), 0o600); err != nil {
		t.Fatal(err)
	}
	st2, _ := v.LastBackup()
	if st2.Path == st.Path || st2.Last.IsZero() || st2.Pending {
		t.Errorf("newest backup damaged: got %+v, want the older one, which holds the same vault", st2)
	}

	// Backups off.
	s = v.Settings()
	s.BackupKeep = -1
	if err := v.SetSettings(s); err != nil {
		t.Fatal(err)
	}
	mustSave(t, v)
	st, _ = v.LastBackup()
	if st.Enabled || st.Pending != false {
		t.Errorf("backups off: got %+v, want disabled and nothing pending", st)
	}
}

// recordFS records every byte any write makes, so a test can prove that no
// secret ever reaches the disk in the clear, not even in a temporary file.
type recordFS struct {
	osFS
	written *bytes.Buffer
}

type recordFile struct {
	tempFile
	written *bytes.Buffer
}

func (r recordFS) CreateTemp(dir, pattern string) (tempFile, error) {
	f, err := r.osFS.CreateTemp(dir, pattern)
	if err != nil {
		return nil, err
	}
	return recordFile{f, r.written}, nil
}

func (r recordFile) Write(b []byte) (int, error) {
	r.written.Write(b)
	return r.tempFile.Write(b)
}

func TestNoPlaintextWritten(t *testing.T) {
	var written bytes.Buffer
	o := testOptions()
	o.fs = recordFS{written: &written}
	dir := t.TempDir()
	path := filepath.Join(dir, "v", "vault.latchkey")
	v, _, err := create(path, testPassword, o)
	if err != nil {
		t.Fatal(err)
	}
	mustAdd(t, v, richAccounts()...)
	mustSave(t, v)
	for i, opts := range []BackupOptions{{}, {WithBackupCodes: true}, {Password: backupPassword}} {
		if err := v.WriteBackup(filepath.Join(dir, fmt.Sprintf("export%d", i)), opts); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := v.BackupNow(); err != nil {
		t.Fatal(err)
	}
	v.Close()
	nv, _, err := restoreAsNew(filepath.Join(dir, "export0"), testPassword, filepath.Join(dir, "new", "v.latchkey"), o)
	if err != nil {
		t.Fatal(err)
	}
	nv.Close()

	secrets := []string{"alice@example.com", "primary login", "3333-4444", "ops@example.org", "12345678901234567890",
		otp.EncodeSecret(rfcKey().Secret), string(testPassword), string(backupPassword)}
	if written.Len() < 10000 {
		t.Fatalf("recorded only %d bytes; the recorder missed the writes", written.Len())
	}
	var onDisk bytes.Buffer
	filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err == nil && fi.Mode().IsRegular() {
			b, _ := os.ReadFile(p)
			onDisk.Write(b)
		}
		return nil
	})
	for _, s := range secrets {
		if bytes.Contains(written.Bytes(), []byte(s)) {
			t.Errorf("%q was written in the clear", s)
		}
		if bytes.Contains(onDisk.Bytes(), []byte(s)) {
			t.Errorf("%q is on disk in the clear", s)
		}
	}
}

func TestIsVaultFile(t *testing.T) {
	data := smallVault(t)
	for _, tc := range []struct {
		b    []byte
		want bool
	}{{data, true}, {data[:8], true}, {[]byte("LATCHKE"), false}, {[]byte(`{"version":1}`), false}, {nil, false}} {
		if got := IsVaultFile(tc.b); got != tc.want {
			t.Errorf("IsVaultFile(%.12q): got %v, want %v", tc.b, got, tc.want)
		}
	}
	b, err := readBackup(data, testPassword, testLimits)
	if err != nil || len(b.Accounts) != 1 || b.BackupCodes != BackupCodeCount {
		t.Errorf("readBackup of a vault: got %+v, %v; want 1 account, %d codes", b, err, BackupCodeCount)
	}
	b.Wipe()
	if !bytes.Equal(b.Accounts[0].Key.Secret, make([]byte, len(rfcKey().Secret))) {
		t.Error("Wipe left the secret in place")
	}
}

// FuzzReadBackup: no input makes reading a backup panic, and what opens
// is a valid vault payload.
func FuzzReadBackup(f *testing.F) {
	f.Add(smallVault(f))
	f.Add([]byte("LATCHKEY\x00\x01"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := readBackup(data, testPassword, testLimits)
		if err != nil {
			if kindOf(err) == nil {
				t.Fatalf("error of no known kind: %v", err)
			}
			return
		}
		for _, a := range b.Accounts {
			if err := a.validate(); err != nil {
				t.Fatalf("opened an invalid account: %v", err)
			}
		}
	})
}

var _ = errors.Is

// Password and machine both lost: a backup code opens an automatic backup
// (they carry every code slot) and sets a new password.
func TestRestoreWithBackupCode(t *testing.T) {
	v, path, codes := richVault(t)
	backups, err := Backups(BackupDirFor(path), path)
	if err != nil || len(backups) == 0 {
		t.Fatalf("no automatic backup: %v", err)
	}
	newPath := filepath.Join(t.TempDir(), "v.latchkey")
	newPw := []byte("a brand new password")

	_, _, err = restoreWithBackupCode(backups[0], "0000-0000", newPath, newPw, testOptions())
	wantErr(t, "a mistyped code", err, ErrBackupCodeTypo)
	_, _, otherCodes := newTestVault(t)
	_, _, err = restoreWithBackupCode(backups[0], otherCodes[0], newPath, newPw, testOptions())
	wantErr(t, "another vault's code", err, ErrWrongBackupCode)
	_, _, err = restoreWithBackupCode(backups[0], codes[0], newPath, nil, testOptions())
	wantErr(t, "no new password", err, ErrEmptyPassword)
	noCodes := filepath.Join(t.TempDir(), "b")
	if err := v.WriteBackup(noCodes, BackupOptions{}); err != nil {
		t.Fatal(err)
	}
	_, _, err = restoreWithBackupCode(noCodes, codes[0], newPath, newPw, testOptions())
	wantErr(t, "a code on a backup without code slots", err, ErrWrongBackupCode)
	if Exists(newPath) {
		t.Fatal("a failed restore left a vault")
	}

	nv, fresh, err := restoreWithBackupCode(backups[0], codes[2], newPath, newPw, testOptions())
	if err != nil {
		t.Fatalf("restore with a backup code: %v", err)
	}
	wantSameAccounts(t, "restored with a code", nv.Accounts(), richAccounts())
	if fresh != nil || nv.BackupCodesLeft() != BackupCodeCount-1 || nv.NeedsPassword() {
		t.Errorf("got %d fresh codes, %d left, needs password %v; want none, %d, false", len(fresh), nv.BackupCodesLeft(), nv.NeedsPassword(), BackupCodeCount-1)
	}
	nv.Close()
	nv, err = open(newPath, newPw, testOptions())
	if err != nil {
		t.Fatalf("the new password: %v", err)
	}
	nv.Close()
	_, err = open(newPath, testPassword, testOptions())
	wantErr(t, "the old password on the restored vault", err, ErrWrongPassword)
	_, err = openWithBackupCode(newPath, codes[2], testOptions())
	wantErr(t, "the code used to restore", err, ErrWrongBackupCode)
	openCode(t, newPath, codes[3]).Close()
	_, _, err = restoreWithBackupCode(backups[0], codes[3], newPath, newPw, testOptions())
	wantErr(t, "restore over the new vault", err, ErrExists)
}

// Two vaults of the same file name back up into one synced folder: each
// rotates only its own backups and counts only its own.
func TestSharedBackupFolder(t *testing.T) {
	c := &clock{t: day0}
	o := testOptions()
	o.now = c.now
	shared := filepath.Join(t.TempDir(), "Sync", "latchkey")
	if err := os.MkdirAll(shared, 0o700); err != nil {
		t.Fatal(err)
	}
	var vaults []*Vault
	for _, machine := range []string{"home", "work"} {
		v, _, err := create(filepath.Join(t.TempDir(), machine, "vault.latchkey"), testPassword, o)
		if err != nil {
			t.Fatal(err)
		}
		defer v.Close()
		s := v.Settings()
		s.BackupDir, s.BackupKeep = shared, 2
		if err := v.SetSettings(s); err != nil {
			t.Fatal(err)
		}
		vaults = append(vaults, v)
	}
	// Same day, alternating saves: 5 each.
	for i := range 10 {
		c.t = c.t.Add(time.Minute)
		v := vaults[i%2]
		k := rfcKey()
		k.Name = fmt.Sprint(i)
		mustAdd(t, v, Account{Key: k})
		mustSave(t, v)
	}
	all, err := Backups(shared, vaults[0].Path())
	if err != nil {
		t.Fatal(err)
	}
	// Each keeps its newest 2 (the day's newest is among them): 4 in all.
	if len(all) != 4 {
		t.Errorf("got %d backups in the shared folder, want 4 (2 of each)", len(all))
	}
	for i, v := range vaults {
		st, err := v.LastBackup()
		if err != nil || st.Kept != 2 || st.Pending {
			t.Errorf("vault %d: got %+v, %v; want 2 of its own kept, nothing pending", i, st, err)
		}
		b, err := openBackup(st.Path, testPassword, o)
		if err != nil {
			t.Fatal(err)
		}
		if want := fmt.Sprint(8 + i); b.Accounts[len(b.Accounts)-1].Key.Name != want {
			t.Errorf("vault %d: newest backup ends with %q, want %q", i, b.Accounts[len(b.Accounts)-1].Key.Name, want)
		}
	}
}
