package vault

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"latchkey/internal/testtool"
)

// Saving never refuses because another computer saved meanwhile: the
// file on disk is merged and the merge saved.
func TestSaveMergesTheFileOnDisk(t *testing.T) {
	p := newPair(t, 0, 0)
	mustAdd(t, p.b, Account{ID: "from-b", Key: rfcKey()})
	mustSave(t, p.b)
	testtool.SyncDeliver(t, p.pa, mustRead(t, p.pb)) // the sync tool brings B's file
	mustAdd(t, p.a, Account{ID: "from-a", Key: hotpKey()})
	mustSave(t, p.a)
	if p.a.Dirty() {
		t.Error("after the merged save: got Dirty true")
	}
	ro, err := openReadOnly(p.pa, testPassword, testOptions())
	must(t, err)
	defer ro.Close()
	for _, id := range []string{"x", "from-a", "from-b"} {
		if _, ok := ro.Account(id); !ok {
			t.Errorf("the saved file lacks %s", id)
		}
	}
	if _, ok := p.a.Account("from-b"); !ok {
		t.Error("the open vault lacks B's account after saving")
	}
}

// A file none of the vault's keys opens is another vault: the save is
// refused, the file left as it is, the change kept in memory.
func TestSaveRefusesAnotherVault(t *testing.T) {
	v, path, _ := newTestVault(t)
	other, otherPath, _ := newTestVault(t)
	other.Close()
	otherBytes := mustRead(t, otherPath)
	testtool.SyncDeliver(t, path, otherBytes)
	mustAdd(t, v, Account{Key: rfcKey()})
	err := v.Save()
	wantErr(t, "saving over another vault", err, ErrChangedOnDisk)
	wantErr(t, "saving over another vault", err, ErrUnknownKey)
	if !bytes.Equal(mustRead(t, path), otherBytes) || !v.Dirty() {
		t.Error("the refused save changed the file or dropped the change")
	}
}

// The file replaced again between the merge and the rename (the sync tool
// was quicker): the save merges that too instead of writing over it.
func TestSaveMergesAReplaceDuringTheSave(t *testing.T) {
	p := newPair(t, 0, 0)
	mustAdd(t, p.b, Account{ID: "from-b", Key: rfcKey()})
	mustSave(t, p.b)
	bBytes := mustRead(t, p.pb)
	fsys := &racingFS{t: t, vault: p.pa, data: bBytes}
	p.a.fs = fsys
	mustAdd(t, p.a, Account{ID: "from-a", Key: hotpKey()})
	mustSave(t, p.a)
	if !fsys.done {
		t.Fatal("the file was never replaced during the save")
	}
	ro, err := openReadOnly(p.pa, testPassword, testOptions())
	must(t, err)
	defer ro.Close()
	for _, id := range []string{"from-a", "from-b"} {
		if _, ok := ro.Account(id); !ok {
			t.Errorf("the saved file lacks %s", id)
		}
	}
}

// racingFS replaces the vault file once, just after a save read back its
// temporary file: after the merge, before the rename.
type racingFS struct {
	osFS
	t     *testing.T
	vault string
	data  []byte
	done  bool
}

func (f *racingFS) ReadFile(name string) ([]byte, error) {
	b, err := f.osFS.ReadFile(name)
	if !f.done && strings.Contains(filepath.Base(name), ".tmp-") {
		f.done = true
		testtool.SyncDeliver(f.t, f.vault, f.data)
	}
	return b, err
}

// MergeDisk brings in what the sync tool put in place and says what came;
// the vault is dirty only when it holds what the file lacks.
func TestMergeDisk(t *testing.T) {
	p := newPair(t, 0, 0)
	mustAdd(t, p.b, Account{ID: "from-b", Key: rfcKey()})
	x := p.account(p.b, "x")
	x.Note = "changed on B"
	must(t, p.b.Update(x))
	if _, err := p.b.Delete("x"); err != nil {
		t.Fatal(err)
	}
	mustSave(t, p.b)
	testtool.SyncDeliver(t, p.pa, mustRead(t, p.pb))
	ch, err := p.a.MergeDisk()
	must(t, err)
	if ch.String() != "1 added, 1 removed" || p.a.Dirty() {
		t.Errorf("got %q, dirty %v; want \"1 added, 1 removed\", not dirty", ch, p.a.Dirty())
	}
	if ch, err := p.a.MergeDisk(); err != nil || !ch.Empty() {
		t.Errorf("again: got %q, %v; want no changes", ch, err)
	}
	p.later(time.Minute)
	mustAdd(t, p.a, Account{ID: "from-a", Key: hotpKey()})
	mustAdd(t, p.b, Account{ID: "from-b2", Key: hotpKey()})
	mustSave(t, p.b)
	testtool.SyncDeliver(t, p.pa, mustRead(t, p.pb))
	ch, err = p.a.MergeDisk()
	must(t, err)
	if ch.String() != "1 added" || !p.a.Dirty() {
		t.Errorf("with a change of its own: got %q, dirty %v; want \"1 added\", dirty", ch, p.a.Dirty())
	}
}
