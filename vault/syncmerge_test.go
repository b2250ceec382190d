package vault

import (
	"path/filepath"
	"testing"
	"time"

	"latchkey/otp"
)

// pair is one vault open on two computers, each with its own file and its
// own clock, offset from a shared real time.
type pair struct {
	t      *testing.T
	real   time.Time
	a, b   *Vault
	pa, pb string
	codes  []string
}

func newPair(t *testing.T, offA, offB time.Duration) *pair {
	t.Helper()
	p := &pair{t: t, real: time.Date(2027, 5, 1, 10, 0, 0, 0, time.UTC)}
	dir := t.TempDir()
	p.pa, p.pb = filepath.Join(dir, "a", "vault.latchkey"), filepath.Join(dir, "b", "vault.latchkey")
	oa, ob := testOptions(), testOptions()
	oa.now = func() time.Time { return p.real.Add(offA) }
	ob.now = func() time.Time { return p.real.Add(offB) }
	var err error
	p.a, p.codes, err = create(p.pa, testPassword, oa)
	must(t, err)
	p.a.clock.node = 1
	k := hotpKey()
	mustAdd(t, p.a, Account{ID: "x", Key: k, Note: "first", BackupCodes: []ServiceCode{{Code: "1111"}, {Code: "2222"}}})
	mustSave(t, p.a)
	must(t, copyFile(p.pa, p.pb))
	p.b, err = open(p.pb, testPassword, ob)
	must(t, err)
	p.b.clock.node = 2
	t.Cleanup(func() { p.a.Close(); p.b.Close() })
	return p
}

func (p *pair) later(d time.Duration) { p.real = p.real.Add(d) }

// merge brings from's saved file into to.
func (p *pair) merge(to, from *Vault) Changes {
	p.t.Helper()
	mustSave(p.t, from)
	ch, err := to.MergeCopy(mustRead(p.t, from.Path()))
	must(p.t, err)
	return ch
}

func (p *pair) account(v *Vault, id string) Account {
	p.t.Helper()
	a, ok := v.Account(id)
	if !ok {
		p.t.Fatalf("account %s is not shown", id)
	}
	return a
}

// A computer whose clock is hours fast cannot make an edit it made before
// the other computer's win: the other computer merged it, so its own later
// edit is stamped after it, whatever the wall clocks say. Plain wall-clock
// times would let the 15:00 of the fast clock beat the real 10:05.
func TestFastClockCannotMakeOldEditsWin(t *testing.T) {
	p := newPair(t, 0, 5*time.Hour)
	x := p.account(p.b, "x")
	x.Key.Issuer = "from the fast clock"
	must(t, p.b.Update(x))
	p.merge(p.a, p.b) // A sees B's edit...
	p.later(5 * time.Minute)
	x = p.account(p.a, "x")
	x.Key.Issuer = "later, from the right clock"
	must(t, p.a.Update(x)) // ...and edits after it.
	p.merge(p.b, p.a)
	p.merge(p.a, p.b)
	for name, v := range map[string]*Vault{"A": p.a, "B": p.b} {
		if got := p.account(v, "x").Key.Issuer; got != "later, from the right clock" {
			t.Errorf("computer %s: issuer %q, want the later edit", name, got)
		}
	}
	if got := p.a.meta["x"].t.Issuer; got.Time().Before(p.real.Add(5 * time.Hour).Add(-5 * time.Minute)) {
		t.Errorf("A's stamp %v is not after B's fast clock", got)
	}
}

// And a computer whose clock is hours slow still wins with an edit made
// after it saw the other's.
func TestSlowClockEditAfterMergeWins(t *testing.T) {
	p := newPair(t, 0, -5*time.Hour)
	x := p.account(p.a, "x")
	x.Note = "A at 10:00"
	must(t, p.a.Update(x))
	p.merge(p.b, p.a)
	p.later(time.Minute)
	x = p.account(p.b, "x")
	x.Note = "B at 10:01 (its clock says 05:01)"
	must(t, p.b.Update(x))
	p.merge(p.a, p.b)
	if got := p.account(p.a, "x").Note; got != x.Note {
		t.Errorf("got note %q, want B's later one", got)
	}
}

// Different fields of one account edited on both sides both survive.
func TestFieldsMergeOneByOne(t *testing.T) {
	p := newPair(t, 0, 0)
	x := p.account(p.a, "x")
	x.Key.Name = "renamed on A"
	must(t, p.a.Update(x))
	p.later(time.Second)
	y := p.account(p.b, "x")
	y.Tags = []string{"tagged on B"}
	y.Pinned = true
	must(t, p.b.Update(y))
	ch := p.merge(p.a, p.b)
	got := p.account(p.a, "x")
	if got.Key.Name != "renamed on A" || len(got.Tags) != 1 || got.Tags[0] != "tagged on B" || !got.Pinned {
		t.Errorf("got name %q tags %v pinned %v; want A's name, B's tags and pin", got.Key.Name, got.Tags, got.Pinned)
	}
	if len(ch.Changed) != 1 || ch.String() != "1 changed" {
		t.Errorf("report: got %q (%v), want \"1 changed\"", ch, ch.Changed)
	}
}

// A removal stays when the other side did not change the account since;
// an edit made after the removal (on the side that did not see it) brings
// the account back with that edit.
func TestRemovalAndEditAfterIt(t *testing.T) {
	p := newPair(t, 0, 0)
	mustAdd(t, p.a, Account{ID: "y", Key: rfcKey()})
	p.merge(p.b, p.a)
	if _, err := p.a.Delete("y"); err != nil {
		t.Fatal(err)
	}
	ch := p.merge(p.b, p.a)
	if _, ok := p.b.Account("y"); ok || ch.String() != "1 removed" {
		t.Fatalf("a removal merged: got shown %v, report %q; want gone, \"1 removed\"", ok, ch)
	}
	// x: removed on A; B, not knowing, edits it afterwards.
	if _, err := p.a.Delete("x"); err != nil {
		t.Fatal(err)
	}
	p.later(time.Minute)
	x := p.account(p.b, "x")
	x.Note = "edited on B after A removed it"
	must(t, p.b.Update(x))
	ch = p.merge(p.a, p.b)
	back := p.account(p.a, "x")
	if back.Note != x.Note || back.Key.Issuer != x.Key.Issuer {
		t.Errorf("brought back as %q / %q, want B's account with its edit", back.Key.Issuer, back.Note)
	}
	if ch.String() != "1 added" {
		t.Errorf("report: got %q, want \"1 added\"", ch)
	}
	// An edit made before the removal does not bring it back.
	p.later(time.Minute)
	if _, err := p.b.Delete("x"); err != nil {
		t.Fatal(err)
	}
	p.merge(p.a, p.b)
	if _, ok := p.a.Account("x"); ok {
		t.Error("removed after the last edit: still shown")
	}
}

// HOTP counters take the higher; a service code used on either side stays
// used even when the other side edited the list; using a code is no edit,
// so it never overrides one.
func TestCountersCodesAndUse(t *testing.T) {
	p := newPair(t, 0, 0)
	x := p.account(p.a, "x")
	x.Key.Counter = 7
	x.BackupCodes[0].Used, x.BackupCodes[0].UsedAt = true, p.real
	must(t, p.a.Update(x))
	must(t, p.a.MarkUsed("x"))
	p.later(time.Minute)
	y := p.account(p.b, "x")
	y.Key.Counter = 3
	y.BackupCodes = append(y.BackupCodes, ServiceCode{Code: "3333"})
	y.Note = "B's note"
	must(t, p.b.Update(y))
	p.merge(p.a, p.b)
	p.merge(p.b, p.a)
	for name, v := range map[string]*Vault{"A": p.a, "B": p.b} {
		got := p.account(v, "x")
		if got.Key.Counter != 7 {
			t.Errorf("%s: counter %d, want 7", name, got.Key.Counter)
		}
		if len(got.BackupCodes) != 3 || !got.BackupCodes[0].Used || got.BackupCodes[1].Used || got.BackupCodes[2].Used {
			t.Errorf("%s: codes %+v, want B's three with 1111 used", name, got.BackupCodes)
		}
		if got.Note != "B's note" || got.LastUsed.IsZero() {
			t.Errorf("%s: note %q, last used %v; want B's edit and A's use", name, got.Note, got.LastUsed)
		}
	}
	if p.a.meta["x"].t.Key != p.b.meta["x"].t.Key {
		t.Error("the counters made a write")
	}
}

// A service code listed twice is one code (a file's marks are per code
// text): marking one entry used must not be undone by the unmarked twin in
// the same update, and the mark must survive a merge. Found by
// TestMergeProperties, seed 1796171127500366540.
func TestServiceCodeListedTwiceStaysUsed(t *testing.T) {
	p := newPair(t, 0, 0)
	x := p.account(p.a, "x")
	x.BackupCodes = append(x.BackupCodes, ServiceCode{Code: "1111"})
	must(t, p.a.Update(x))
	x = p.account(p.a, "x")
	x.BackupCodes[0].Used, x.BackupCodes[0].UsedAt = true, p.real
	must(t, p.a.Update(x))
	shown := func(name string, v *Vault) {
		t.Helper()
		got := p.account(v, "x")
		for _, c := range got.BackupCodes {
			if want := c.Code == "1111"; c.Used != want {
				t.Errorf("%s: code %q used %v, want %v (codes %+v)", name, c.Code, c.Used, want, got.BackupCodes)
			}
		}
		if _, ok := v.meta["x"].spent["1111"]; !ok {
			t.Errorf("%s: 1111 is not kept used", name)
		}
	}
	shown("A", p.a)
	p.merge(p.b, p.a)
	shown("B after the merge", p.b)
	// Unmarking one entry while the other stays marked keeps it used;
	// unmarking both undoes the mark.
	x = p.account(p.a, "x")
	x.BackupCodes[2].Used, x.BackupCodes[2].UsedAt = false, time.Time{}
	must(t, p.a.Update(x))
	shown("A, one entry unmarked", p.a)
	x = p.account(p.a, "x")
	x.BackupCodes[0].Used, x.BackupCodes[0].UsedAt = false, time.Time{}
	x.BackupCodes[2].Used, x.BackupCodes[2].UsedAt = false, time.Time{}
	must(t, p.a.Update(x))
	if _, ok := p.a.meta["x"].spent["1111"]; ok {
		t.Error("A: both entries unmarked, 1111 still kept used")
	}
}

// A vault backup code used on one computer stays used: its slot never
// comes back through a merge, and the code opens neither computer's file.
func TestUsedVaultCodeNeverComesBack(t *testing.T) {
	p := newPair(t, 0, 0)
	o := p.a.opts
	p.a.Close()
	var err error
	p.a, err = openWithBackupCode(p.pa, p.codes[2], o)
	must(t, err)
	if _, err := p.a.SetPassword([]byte("after recovery")); err != nil {
		t.Fatal(err)
	}
	// B's copy from before, which still holds the used code's slot.
	mustSave(t, p.b)
	must(t, copyFile(p.pb, p.pb+".old"))
	// B knows nothing of it and merges A's copy: a newer password.
	mustSave(t, p.a)
	_, err = p.b.MergeCopy(mustRead(t, p.pa))
	wantErr(t, "B merging a copy under A's new key", err, ErrUnknownKey)
	if _, err := p.b.MergeCopyWithPassword(mustRead(t, p.pa), []byte("after recovery")); err != nil {
		t.Fatal(err)
	}
	mustSave(t, p.b)
	// And A merges B's older copy, which still holds the slot.
	if _, err := p.a.MergeCopy(mustRead(t, p.pb+".old")); err != nil {
		t.Fatal(err)
	}
	mustSave(t, p.a)
	for name, v := range map[string]*Vault{"A": p.a, "B": p.b} {
		if got := v.BackupCodesLeft(); got != BackupCodeCount-1 {
			t.Errorf("%s: %d codes left, want %d", name, got, BackupCodeCount-1)
		}
	}
	p.a.Close()
	p.b.Close()
	for _, path := range []string{p.pa, p.pb} {
		_, err := openWithBackupCode(path, p.codes[2], testOptions())
		wantErr(t, "the used code on "+path, err, ErrWrongBackupCode)
		v, err := openWithBackupCode(path, p.codes[3], testOptions())
		if err != nil {
			t.Errorf("an unused code on %s: %v", path, err)
		} else {
			v.Close()
		}
	}
}

// The later password change wins; copies made under the other's key
// still merge, since its key is kept as an earlier key.
func TestLaterPasswordWins(t *testing.T) {
	p := newPair(t, 0, 0)
	if _, err := p.a.SetPassword([]byte("A's new password")); err != nil {
		t.Fatal(err)
	}
	p.later(time.Minute)
	if _, err := p.b.SetPassword([]byte("B's later password")); err != nil {
		t.Fatal(err)
	}
	x := p.account(p.a, "x")
	x.Note = "A, after its change"
	must(t, p.a.Update(x))
	mustSave(t, p.a)
	ch, err := p.b.MergeCopyWithPassword(mustRead(t, p.pa), []byte("A's new password"))
	must(t, err)
	if ch.Key || len(ch.Changed) != 1 {
		t.Errorf("B merging A: got %+v, want A's edit and B's key kept", ch)
	}
	mustSave(t, p.b)
	// A cannot open B's copy: it never had B's key. Its next unlock takes
	// B's password.
	_, err = p.a.MergeCopy(mustRead(t, p.pb))
	wantErr(t, "A merging B's copy", err, ErrUnknownKey)
	_, err = openReadOnly(p.pb, []byte("A's new password"), testOptions())
	wantErr(t, "B's file with A's password", err, ErrWrongPassword)
	v, err := openReadOnly(p.pb, []byte("B's later password"), testOptions())
	must(t, err)
	v.Close()
	// A goes on under its own key; B merges what A saves without the KDF:
	// A's key is one of B's earlier keys now.
	p.later(time.Minute)
	x.Note = "A, still under its key"
	must(t, p.a.Update(x))
	runs := kdfRuns.Load()
	ch = p.merge(p.b, p.a)
	if kdfRuns.Load() != runs {
		t.Errorf("merging a copy under an earlier key ran the KDF %d times", kdfRuns.Load()-runs)
	}
	if got := p.account(p.b, "x").Note; got != x.Note || ch.Key {
		t.Errorf("B after merging A's copy: note %q, key changed %v; want %q, B's key", got, ch.Key, x.Note)
	}
}

// Settings merge field by field.
func TestSettingsMergeByField(t *testing.T) {
	p := newPair(t, 0, 0)
	s := p.a.Settings()
	s.AutoLock = time.Minute
	must(t, p.a.SetSettings(s))
	p.later(time.Second)
	s = p.b.Settings()
	s.Sort = SortIssuer
	must(t, p.b.SetSettings(s))
	ch := p.merge(p.a, p.b)
	if got := p.a.Settings(); got.AutoLock != time.Minute || got.Sort != SortIssuer || !ch.Settings {
		t.Errorf("got %+v (changes %+v), want A's auto-lock and B's sort", got, ch)
	}
}

// The manual order is a register of its own: the later reorder wins, and
// accounts it does not list follow in the order they were added.
func TestOrderMerges(t *testing.T) {
	p := newPair(t, 0, 0)
	mustAdd(t, p.a, Account{ID: "y", Key: rfcKey()}, Account{ID: "z", Key: rfcKey()})
	p.merge(p.b, p.a)
	must(t, p.a.Move("z", 0))
	p.later(time.Second)
	mustAdd(t, p.b, Account{ID: "w", Key: otp.Key{Type: otp.TOTP, Secret: []byte("w secret"), Algorithm: otp.SHA1, Digits: 6, Period: 30}})
	p.merge(p.a, p.b)
	p.merge(p.b, p.a)
	for name, v := range map[string]*Vault{"A": p.a, "B": p.b} {
		if got := names(v.Accounts()); got != names([]Account{p.account(v, "z"), p.account(v, "x"), p.account(v, "y"), p.account(v, "w")}) {
			t.Errorf("%s: order %s, want z x y w", name, got)
		}
	}
}

// Another vault with the same password opens with it, but is not this
// vault: it shares no data key, and is refused.
func TestPasswordOpensAnotherVaultNotMerged(t *testing.T) {
	v, _, _ := newTestVault(t)
	other, otherPath, _ := newSavedVault(t)
	other.Close()
	_, err := v.MergeCopyWithPassword(mustRead(t, otherPath), testPassword)
	wantErr(t, "another vault with the same password", err, ErrUnknownKey)
	if len(v.Accounts()) != 0 || v.Dirty() {
		t.Error("the refused merge changed the vault")
	}
}
