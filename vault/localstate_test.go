package vault

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"latchkey/internal/testtool"
)

// withState gives p's two computers state folders of their own, as two
// computers have, and reopens them.
func withState(t *testing.T, p *pair) (stateA, stateB string) {
	t.Helper()
	stateA, stateB = filepath.Join(t.TempDir(), "a-state"), filepath.Join(t.TempDir(), "b-state")
	for _, c := range []struct {
		v     **Vault
		path  string
		state string
		node  uint64
	}{{&p.a, p.pa, stateA, 1}, {&p.b, p.pb, stateB, 2}} {
		o := (*c.v).opts
		o.stateDir = c.state
		(*c.v).Close()
		v, err := open(c.path, testPassword, o)
		must(t, err)
		v.clock.node = c.node
		*c.v = v
	}
	return stateA, stateB
}

// A sync tool replaced the vault file with the other computer's version
// and kept nothing of this one (Syncthing with "max conflicts" 0): this
// computer's own copy brings its change back when the vault is opened, and
// the next save puts it in the file.
func TestLocalCopyBringsBackWhatSyncReplaced(t *testing.T) {
	p := newPair(t, 0, 0)
	stateA, _ := withState(t, p)
	mustAdd(t, p.a, Account{ID: "only-on-a", Key: rfcKey()})
	mustSave(t, p.a)
	local := p.a.LocalCopy()
	if local.Err != nil || filepath.Dir(local.Path) != stateA {
		t.Fatalf("LocalCopy: got %+v, want a copy in %s", local, stateA)
	}
	if !bytes.Equal(mustRead(t, local.Path), mustRead(t, p.pa)) {
		t.Error("the local copy is not the saved file")
	}
	if st, err := os.Stat(local.Path); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("the local copy: got %v, %v; want mode 0600", st.Mode(), err)
	}
	if st, err := os.Stat(stateA); err != nil || st.Mode().Perm() != 0o700 {
		t.Errorf("the state folder: got %v, %v; want mode 0700", st.Mode(), err)
	}
	o := p.a.opts
	p.a.Close()
	mustAdd(t, p.b, Account{ID: "only-on-b", Key: hotpKey()})
	mustSave(t, p.b)
	testtool.SyncDeliver(t, p.pa, mustRead(t, p.pb))

	// Read-only (latchkey list) shows it, and writes nothing.
	before := mustRead(t, p.pa)
	ro, err := openReadOnly(p.pa, testPassword, o)
	must(t, err)
	if _, ok := ro.Account("only-on-a"); !ok {
		t.Error("read-only: this computer's account is not shown")
	}
	ro.Close()
	if !bytes.Equal(mustRead(t, p.pa), before) {
		t.Error("a read-only open wrote the file")
	}
	v, err := open(p.pa, testPassword, o)
	must(t, err)
	defer v.Close()
	if got := v.LocalCopy().Merged.String(); got != "1 added" {
		t.Errorf("LocalCopy.Merged: got %q, want \"1 added\"", got)
	}
	v.Close()
	ro, err = openReadOnly(p.pa, testPassword, testOptions()) // the file alone, no local copy
	must(t, err)
	defer ro.Close()
	for _, id := range []string{"only-on-a", "only-on-b", "x"} {
		if _, ok := ro.Account(id); !ok {
			t.Errorf("the saved file lacks %s", id)
		}
	}
}

// newPasswordOnA is a pair with local state in which A's password was
// changed to newOnA, then A closed; o are A's options, to open it again.
func newPasswordOnA(t *testing.T) (p *pair, o options) {
	t.Helper()
	p = newPair(t, 0, 0)
	withState(t, p)
	if _, err := p.a.SetPassword([]byte(newOnA)); err != nil {
		t.Fatal(err)
	}
	o = p.a.opts
	p.a.Close()
	return p, o
}

const newOnA = "new on A"

// A local copy that cannot be merged (damaged) is kept as it is and
// reported; the vault opens all the same.
func TestLocalCopyDamagedIsKept(t *testing.T) {
	p := newPair(t, 0, 0)
	withState(t, p)
	mustAdd(t, p.a, Account{Key: rfcKey()})
	mustSave(t, p.a)
	path, o := p.a.LocalCopy().Path, p.a.opts
	p.a.Close()
	damaged := mustRead(t, path)
	damaged[len(damaged)/2] ^= 1
	must(t, os.WriteFile(path, damaged, 0o600))
	v, err := open(p.pa, testPassword, o)
	must(t, err)
	defer v.Close()
	wantErr(t, "a damaged local copy", v.LocalCopy().Err, ErrCorrupt)
	if !bytes.Equal(mustRead(t, path), damaged) {
		t.Error("the damaged copy was changed")
	}
}

// The password was changed here, then a sync tool put the other
// computer's older file (old password) in place: the new password opens
// this computer's copy, the file is merged into it, and saved under the
// new password. The old password opens the file, and the copy is kept.
func TestLocalCopyAfterPasswordChangeHere(t *testing.T) {
	p, o := newPasswordOnA(t)
	p.later(time.Minute)
	mustAdd(t, p.b, Account{ID: "from-b", Key: rfcKey()})
	mustSave(t, p.b)
	testtool.SyncDeliver(t, p.pa, mustRead(t, p.pb))

	v, err := open(p.pa, testPassword, o) // the old password opens the file
	must(t, err)
	wantErr(t, "the local copy under the new password", v.LocalCopy().Err, ErrUnknownKey)
	v.Close()
	v, err = open(p.pa, []byte(newOnA), o)
	must(t, err)
	if _, ok := v.Account("from-b"); !ok {
		t.Error("B's account was not merged in")
	}
	v.Close()
	_, err = openReadOnly(p.pa, testPassword, testOptions())
	wantErr(t, "the old password after the save", err, ErrWrongPassword)
	ro, err := openReadOnly(p.pa, []byte(newOnA), testOptions())
	must(t, err)
	ro.Close()
}

// Another vault at the vault's path is never replaced by this computer's
// copy, even when the password opens the copy.
func TestLocalCopyNeverReplacesAnotherVault(t *testing.T) {
	p, o := newPasswordOnA(t)
	other, otherPath, _ := newTestVault(t)
	other.Close()
	testtool.SyncDeliver(t, p.pa, mustRead(t, otherPath))
	_, err := open(p.pa, []byte(newOnA), o)
	wantErr(t, "another vault in its place", err, ErrWrongPassword)
	if !bytes.Equal(mustRead(t, p.pa), mustRead(t, otherPath)) {
		t.Error("the other vault was changed")
	}
}

// A save refused (the file in the vault's place does not open with its
// keys: a password changed elsewhere) keeps the change in this computer's
// own copy, and the next open merges it: nothing made here is lost.
func TestRefusedSaveKeepsTheChangeHere(t *testing.T) {
	p := newPair(t, 0, 0)
	withState(t, p)
	if _, err := p.b.SetPassword([]byte("new on B")); err != nil {
		t.Fatal(err)
	}
	testtool.SyncDeliver(t, p.pa, mustRead(t, p.pb)) // B's file, under B's new key
	mustAdd(t, p.a, Account{ID: "made-on-a", Key: rfcKey()})
	err := p.a.Save()
	wantErr(t, "saving over B's file", err, ErrUnknownKey)
	o := p.a.opts
	p.a.Close() // the window locks; the change was never saved to the file
	v, err := open(p.pa, []byte("new on B"), o)
	must(t, err)
	defer v.Close()
	if _, ok := v.Account("made-on-a"); !ok {
		t.Errorf("the change made while the save was refused is lost (local copy: %+v)", v.LocalCopy())
	}
}
