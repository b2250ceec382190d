package core

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"latchkey/core/coretest"
	"latchkey/internal/safetext"
	"latchkey/otp"
	"latchkey/vault"
)

func mustBytes(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestSyncMergesAndKeeps: every kind of conflict copy a sync tool leaves;
// the ones of this vault are merged, saved, verified and deleted, with what
// they brought; the others are kept untouched, each with its reason.
func TestSyncMergesAndKeeps(t *testing.T) {
	keys := coretest.Keys(t)
	path := filepath.Join(t.TempDir(), "sync", "vault.latchkey")
	coretest.Vault(t, path, vault.Account{ID: "keep", Key: keys[0]}, vault.Account{ID: "edit", Key: keys[1]}, vault.Account{ID: "drop", Key: keys[2]})
	dir := filepath.Dir(path)

	// Another computer: 2 added, 1 changed, 1 removed; its save became a
	// Syncthing conflict copy.
	fromB := coretest.OtherComputer(t, path, coretest.AddsEditsRemoves(t, keys, "edit", "drop"))
	syncthing := "vault.sync-conflict-20261201-101010-ABCDEFG.latchkey"
	write(t, filepath.Join(dir, syncthing), fromB)

	// A third computer's Dropbox copy, one more account.
	good := coretest.OtherComputer(t, path, coretest.Adds(t, vault.Account{Key: keys[5]}))
	dropbox := "vault (Alice's conflicted copy 2026-12-01).latchkey"
	write(t, filepath.Join(dir, dropbox), good)

	// A copy the person made, named as Google Drive names its copies: it
	// is merged (it holds "mine") but kept, as it may be their only record
	// of what was removed since.
	mine := "vault (3).latchkey"
	write(t, filepath.Join(dir, mine), coretest.OtherComputer(t, path, coretest.Adds(t, vault.Account{ID: "mine", Key: keys[6]})))

	// And what must be kept.
	truncated := "vault (conflicted copy 2026-12-01 101010).latchkey"
	write(t, filepath.Join(dir, truncated), good[:len(good)/2])
	another := "vault_conflict-20261201-101010.latchkey"
	otherVault := filepath.Join(t.TempDir(), "vault.latchkey")
	coretest.Vault(t, otherVault, vault.Account{Key: keys[6]})
	write(t, filepath.Join(dir, another), mustBytes(t, otherVault))
	newer := "vault (conflicted copy 2026-12-02).latchkey"
	nb := bytes.Clone(good)
	binary.BigEndian.PutUint16(nb[8:], 99)
	sum := sha256.Sum256(nb[:len(nb)-32])
	copy(nb[len(nb)-32:], sum[:])
	write(t, filepath.Join(dir, newer), nb)
	huge := "vault (1).latchkey"
	f, err := os.Create(filepath.Join(dir, huge))
	if err != nil {
		t.Fatal(err)
	}
	f.Write([]byte("LATCHKEY"))
	if err := f.Truncate(int64(vault.MaxFileSize) + 1); err != nil {
		t.Fatal(err)
	}
	f.Close()
	notVault := "vault-LAPTOP.latchkey"
	write(t, filepath.Join(dir, notVault), []byte("a note someone kept\n"))
	link := "vault (2).latchkey"
	elsewhere := filepath.Join(t.TempDir(), "vault.latchkey")
	write(t, elsewhere, good)
	if err := os.Symlink(elsewhere, filepath.Join(dir, link)); err != nil {
		t.Fatal(err)
	}
	ignored := "vault old copy.latchkey"
	write(t, filepath.Join(dir, ignored), good)
	before := map[string][]byte{}
	for _, n := range []string{truncated, another, newer, notVault, ignored, mine} {
		before[n] = mustBytes(t, filepath.Join(dir, n))
	}

	v := coretest.Open(t, path)
	rep, err := Sync(v, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]error{
		syncthing: nil, dropbox: nil,
		truncated: vault.ErrCorrupt, another: vault.ErrUnknownKey, newer: vault.ErrNewerVersion,
		huge: vault.ErrTooLarge, notVault: ErrNotAVault, link: ErrNotRegular,
		mine: ErrMaybeYours,
	}
	if len(rep.Copies) != len(want) {
		t.Errorf("got %d copies reported, want %d", len(rep.Copies), len(want))
	}
	for _, cr := range rep.Copies {
		w, known := want[cr.Name]
		switch {
		case !known:
			t.Errorf("%s: reported, want it ignored", cr.Name)
		case w == nil && (!cr.Merged || !cr.Removed || cr.Err != nil):
			t.Errorf("%s: merged %v removed %v err %v; want merged and removed", cr.Name, cr.Merged, cr.Removed, cr.Err)
		case w == ErrMaybeYours && (!cr.Merged || cr.Removed || !errors.Is(cr.Err, w)):
			t.Errorf("%s: merged %v removed %v err %v; want merged and kept", cr.Name, cr.Merged, cr.Removed, cr.Err)
		case w != nil && w != ErrMaybeYours && (cr.Merged || cr.Removed || !errors.Is(cr.Err, w)):
			t.Errorf("%s: merged %v removed %v err %v; want kept for %v", cr.Name, cr.Merged, cr.Removed, cr.Err, w)
		}
		if cr.Name == syncthing && cr.Changes.String() != "2 added, 1 changed, 1 removed" {
			t.Errorf("%s: got %q, want \"2 added, 1 changed, 1 removed\"", cr.Name, cr.Changes)
		}
		if cr.Name == dropbox && cr.Changes.String() != "1 added" {
			t.Errorf("%s: got %q, want \"1 added\"", cr.Name, cr.Changes)
		}
	}
	if !rep.Kept() {
		t.Error("Kept: got false with copies kept")
	}
	for _, n := range []string{syncthing, dropbox} {
		if _, err := os.Lstat(filepath.Join(dir, n)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s: still there after the merge (%v)", n, err)
		}
	}
	for n, b := range before {
		if got := mustBytes(t, filepath.Join(dir, n)); !bytes.Equal(got, b) {
			t.Errorf("%s: changed, want it untouched", n)
		}
	}
	if st, err := os.Stat(filepath.Join(dir, huge)); err != nil || st.Size() != int64(vault.MaxFileSize)+1 {
		t.Errorf("%s: got %v, %v; want it untouched", huge, st, err)
	}
	// The vault as saved holds all of it.
	v.Close()
	v = coretest.Open(t, path)
	defer v.Close()
	if n := len(v.Accounts()); n != 6 {
		t.Errorf("the saved vault holds %d accounts, want 6 (3 - 1 + 2 + 1 + 1)", n)
	}
	if a, _ := v.Account("edit"); a.Note != "edited on another computer" {
		t.Errorf("edit: note %q", a.Note)
	}
	if _, ok := v.Account("drop"); ok {
		t.Error("drop: still shown")
	}
}

// failingSave is a vault whose save fails, or which changes a copy on
// disk while it saves (the sync tool writing it again).
type failingSave struct {
	*vault.Vault
	saveErr error
	touch   string
}

func (f failingSave) Save() error {
	if f.saveErr != nil {
		return f.saveErr
	}
	if f.touch != "" {
		data, _ := os.ReadFile(f.touch)
		os.WriteFile(f.touch, append(data, 0), 0o600)
	}
	return f.Vault.Save()
}

// Nothing is deleted that was not saved and verified: a failed save keeps
// every copy, and a copy changed after its merge is kept.
func TestSyncDeletesOnlyWhatIsSaved(t *testing.T) {
	keys, path, _ := vaultInFolder(t)
	name := "vault.sync-conflict-20261201-101010-ABCDEFG.latchkey"
	cp := filepath.Join(filepath.Dir(path), name)
	fromB := coretest.OtherComputer(t, path, coretest.Adds(t, vault.Account{Key: keys[1]}))
	write(t, cp, fromB)
	v := coretest.Open(t, path)
	defer v.Close()

	broken := errors.New("disk full")
	rep, err := Sync(failingSave{Vault: v, saveErr: broken}, nil)
	if !errors.Is(err, broken) || len(rep.Copies) != 1 || rep.Copies[0].Removed || !errors.Is(rep.Copies[0].Err, ErrNotSaved) {
		t.Fatalf("a failed save: got %+v, %v; want the copy kept, not saved", rep, err)
	}
	if !bytes.Equal(mustBytes(t, cp), fromB) {
		t.Fatal("a failed save: the copy changed")
	}
	rep, err = Sync(failingSave{Vault: v, touch: cp}, nil)
	if err != nil || len(rep.Copies) != 1 || rep.Copies[0].Removed || !errors.Is(rep.Copies[0].Err, ErrChangedSince) {
		t.Fatalf("a copy changed during the save: got %+v, %v; want it kept", rep, err)
	}
	if _, err := os.Stat(cp); err != nil {
		t.Fatalf("the changed copy: %v", err)
	}
	// As it is now (a byte longer: damaged), it is kept and says why.
	rep, _ = Sync(v, nil)
	if len(rep.Copies) != 1 || !errors.Is(rep.Copies[0].Err, vault.ErrCorrupt) {
		t.Errorf("the damaged copy: got %+v, want kept as corrupt", rep.Copies)
	}
	if s := rep.Copies[0].Err.Error(); strings.Contains(s, string(keys[0].Secret)) {
		t.Error("the reason names a secret")
	}
}

// vaultInFolder makes a vault of one account (keys[0]) alone in a folder
// of its own, where a sync test puts its copies.
func vaultInFolder(t *testing.T) (keys []otp.Key, path, dir string) {
	t.Helper()
	keys = coretest.Keys(t)
	path = filepath.Join(t.TempDir(), "vault.latchkey")
	coretest.Vault(t, path, vault.Account{Key: keys[0]})
	return keys, path, filepath.Dir(path)
}

func write(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

// replacedWhileChecked is a sync tool writing a new version of the copy
// (by rename, as they do) just as Sync decides to delete it.
type replacedWhileChecked struct {
	*vault.Vault
	copy string
	with []byte
}

func (r replacedWhileChecked) SavedCoversEach(data [][]byte) []bool {
	ok := r.Vault.SavedCoversEach(data)
	tmp := r.copy + ".tmp"
	os.WriteFile(tmp, r.with, 0o600)
	os.Rename(tmp, r.copy)
	return ok
}

// A copy replaced by the sync tool between the merge's checks and the
// delete is never deleted unread: it stays at its name with its bytes,
// and nothing else is left in the folder.
func TestSyncNeverDeletesAReplacedCopy(t *testing.T) {
	keys, path, _ := vaultInFolder(t)
	fromB := coretest.OtherComputer(t, path, coretest.Adds(t, vault.Account{Key: keys[1]}))
	cp := filepath.Join(filepath.Dir(path), "vault.sync-conflict-20261201-101010-ABCDEFG.latchkey")
	write(t, cp, fromB)
	newer := append(slices.Clone(fromB), 0) // any other bytes
	v := coretest.Open(t, path)
	defer v.Close()
	rep, err := Sync(replacedWhileChecked{Vault: v, copy: cp, with: newer}, nil)
	if err != nil || len(rep.Copies) != 1 || rep.Copies[0].Removed || !errors.Is(rep.Copies[0].Err, ErrChangedSince) {
		t.Fatalf("a copy replaced during the checks: got %+v, %v; want it kept as changed", rep.Copies, err)
	}
	if got := mustBytes(t, cp); !bytes.Equal(got, newer) {
		t.Errorf("the replaced copy: got %d bytes, want the new version's %d", len(got), len(newer))
	}
	names, _ := os.ReadDir(filepath.Dir(path))
	for _, e := range names {
		if strings.Contains(e.Name(), "merging") {
			t.Errorf("left behind: %s", e.Name())
		}
	}
}

// A copy whose name held another file for the moment of the read (moved
// there and back, same size) was not what was read: it is kept, not
// deleted as merged, as its bytes never were.
func TestSyncNeverDeletesACopyItDidNotRead(t *testing.T) {
	keys, path, dir := vaultInFolder(t)
	// Two copies of one size (the size is checked too), adding different
	// accounts: notes of some lengths pad them.
	const pad = "q7Zr2kLx9VwB4mTn8HsJ1cYf6PdG3eUa0oKiN5tRbXlMzWyEjQhCvSgA"
	mines, decoys := map[int][]byte{}, map[int][]byte{}
	for n := range len(pad) {
		m := coretest.OtherComputer(t, path, coretest.Adds(t, vault.Account{ID: "mine", Key: keys[1], Note: pad[:n]}))
		d := coretest.OtherComputer(t, path, coretest.Adds(t, vault.Account{ID: "bait", Key: keys[1], Note: pad[:n]}))
		mines[len(m)], decoys[len(d)] = m, d
	}
	var mine, decoy []byte
	for size, m := range mines {
		if d, ok := decoys[size]; ok {
			mine, decoy = m, d
			break
		}
	}
	if mine == nil {
		t.Fatal("no two copies of one size: the test needs them")
	}
	cp := filepath.Join(dir, "vault.sync-conflict-20261201-101010-ABCDEFG.latchkey")
	write(t, cp, mine)
	held, other := filepath.Join(t.TempDir(), "held"), filepath.Join(t.TempDir(), "decoy")
	write(t, other, decoy)
	swapped := false
	readCopyFile = func(p string, max int64) ([]byte, fs.FileInfo, error) {
		if p != cp {
			return vault.ReadCopyInfoMax(p, max)
		}
		move := func(from, to string) {
			if err := os.Rename(from, to); err != nil {
				t.Fatal(err)
			}
		}
		swapped = true
		move(cp, held)
		move(other, cp)
		defer func() {
			move(cp, other)
			move(held, cp)
		}()
		return vault.ReadCopyInfoMax(p, max)
	}
	t.Cleanup(func() { readCopyFile = vault.ReadCopyInfoMax })
	v := coretest.Open(t, path)
	rep, err := Sync(v, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !swapped {
		t.Fatal("the copy was never read")
	}
	if _, ok := v.Account("mine"); !ok {
		if len(rep.Copies) != 1 || rep.Copies[0].Removed {
			t.Errorf("got %+v; want the copy kept, as its bytes were never read", rep.Copies)
		}
		if got, err := os.ReadFile(cp); err != nil || !bytes.Equal(got, mine) {
			t.Errorf("the copy: got %d bytes, %v; want it as it was", len(got), err)
		}
	}
}

// A copy that must go back where a new file now stands takes a conflict
// name of its own instead of replacing it; the next sync reads it.
func TestPutBackNeverReplaces(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "vault.sync-conflict-20261201-101010-ABCDEFG.latchkey")
	aside := filepath.Join(dir, ".aside")
	write(t, p, []byte("newer"))
	write(t, aside, []byte("older"))
	if err := putBack(aside, p, "vault.latchkey"); err != nil {
		t.Fatal(err)
	}
	if got := string(mustBytes(t, p)); got != "newer" {
		t.Errorf("the file at the name: got %q, want %q", got, "newer")
	}
	entries, _ := os.ReadDir(dir)
	var kept []string
	for _, e := range entries {
		if _, ok := ParseConflict("vault.latchkey", e.Name()); ok && e.Name() != filepath.Base(p) {
			kept = append(kept, e.Name())
			if got := string(mustBytes(t, filepath.Join(dir, e.Name()))); got != "older" {
				t.Errorf("%s: got %q, want %q", e.Name(), got, "older")
			}
		}
	}
	if len(kept) != 1 || len(entries) != 2 {
		t.Errorf("folder: got %d files, conflict copies besides the first %v; want the two versions, each under a conflict name", len(entries), kept)
	}
}

// A file named like an ambiguous copy ("vault (1).latchkey") that
// another Latchkey has open is a vault of its own: its lock file, where
// vault.LockPath puts it, says so, and Sync leaves it out.
func TestSyncSkipsAnOpenVault(t *testing.T) {
	keys, path, _ := vaultInFolder(t)
	own := filepath.Join(filepath.Dir(path), "vault (1).latchkey")
	write(t, own, coretest.OtherComputer(t, path, coretest.Adds(t, vault.Account{Key: keys[1]})))
	coretest.Open(t, own) // another window has it open
	if !vault.Exists(vault.LockPath(own)) {
		t.Fatalf("no lock file at %s while the vault is open", vault.LockPath(own))
	}
	v := coretest.Open(t, path)
	rep, err := Sync(v, nil)
	if err != nil || len(rep.Copies) != 0 {
		t.Errorf("got %+v, %v; want the open vault left out", rep.Copies, err)
	}
}

// shownSafely fails when text would act on a screen: a line break, an
// escape, a direction override.
func shownSafely(t *testing.T, what, text string) {
	t.Helper()
	if strings.ContainsFunc(text, safetext.Unsafe) {
		t.Errorf("%s: got %q, want every control character escaped", what, text)
	}
}

// A copy that is merged and saved but cannot be deleted says so with its
// own sentinel, stays at its name, and the message escapes the names in it
// (here the vault's folder, which holds a line break and an escape).
func TestSyncCannotDelete(t *testing.T) {
	keys := coretest.Keys(t)
	path := filepath.Join(t.TempDir(), "sync\n\x1b[2Jhere", "vault.latchkey")
	coretest.Vault(t, path, vault.Account{Key: keys[0]})
	name := "vault.sync-conflict-20261201-101010-ABCDEFG.latchkey"
	cp := filepath.Join(filepath.Dir(path), name)
	fromB := coretest.OtherComputer(t, path, coretest.Adds(t, vault.Account{Key: keys[1]}))
	write(t, cp, fromB)
	removeFile = func(p string) error { return &fs.PathError{Op: "remove", Path: p, Err: syscall.EACCES} }
	t.Cleanup(func() { removeFile = os.Remove })
	v := coretest.Open(t, path)
	rep, err := Sync(v, nil)
	if err != nil || len(rep.Copies) != 1 {
		t.Fatalf("got %+v, %v; want one copy reported", rep.Copies, err)
	}
	cr := rep.Copies[0]
	if !cr.Merged || cr.Removed || !errors.Is(cr.Err, ErrNotDeleted) || !errors.Is(cr.Err, syscall.EACCES) {
		t.Errorf("got merged %v removed %v err %v; want merged, kept, ErrNotDeleted wrapping the cause", cr.Merged, cr.Removed, cr.Err)
	}
	shownSafely(t, "the error", cr.Err.Error())
	shownSafely(t, "the reason", Reason(cr.Err))
	if !bytes.Equal(mustBytes(t, cp), fromB) {
		t.Error("the copy is not back at its name")
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	for _, e := range entries {
		if strings.Contains(e.Name(), "merging") {
			t.Errorf("left behind: %s", e.Name())
		}
	}
}

// passwordTries counts the copies Sync opens with the password: one KDF
// run each.
type passwordTries struct {
	*vault.Vault
	tried []int // how many bytes each was: which copy
}

func (p *passwordTries) MergeCopyWithPassword(data, password []byte) (vault.Changes, error) {
	p.tried = append(p.tried, len(data))
	return p.Vault.MergeCopyWithPassword(data, password)
}

// A folder of other vaults costs at most SyncPasswordTries key
// derivations a sync, and they go first to the names sync tools give:
// here a copy saved after new backup codes on another computer (a new
// key, the same password) is merged, two other vaults under Syncthing's
// names are tried and kept, and three more under names a person gives
// copies are kept untried, each saying why.
func TestSyncCapsPasswordTries(t *testing.T) {
	keys, path, dir := vaultInFolder(t)
	rekeyed := coretest.OtherComputer(t, path, func(v *vault.Vault) {
		coretest.Adds(t, vault.Account{ID: "b", Key: keys[1]})(v)
		if _, err := v.RegenerateBackupCodes(); err != nil {
			t.Fatal(err)
		}
	})
	real := "vault.sync-conflict-20261203-101010-ABCDEFG.latchkey"
	write(t, filepath.Join(dir, real), rekeyed)
	var others []string
	for i, name := range []string{
		"vault.sync-conflict-20261201-101010-ABCDEFG.latchkey",
		"vault.sync-conflict-20261202-101010-ABCDEFG.latchkey",
		"vault (1).latchkey", "vault (2).latchkey", "vault-LAPTOP.latchkey",
	} {
		other := filepath.Join(t.TempDir(), "vault.latchkey")
		coretest.Vault(t, other, vault.Account{Key: keys[2+i]}) // the same password, another vault
		write(t, filepath.Join(dir, name), mustBytes(t, other))
		others = append(others, name)
	}
	v := &passwordTries{Vault: coretest.Open(t, path)}
	rep, err := Sync(v, []byte(coretest.Password))
	if err != nil {
		t.Fatal(err)
	}
	if len(v.tried) != SyncPasswordTries {
		t.Errorf("got %d copies opened with the password, want %d", len(v.tried), SyncPasswordTries)
	}
	want := map[string]error{real: nil, others[0]: vault.ErrUnknownKey, others[1]: vault.ErrUnknownKey,
		others[2]: ErrPasswordNotTried, others[3]: ErrPasswordNotTried, others[4]: ErrPasswordNotTried}
	var names []string
	for _, cr := range rep.Copies {
		names = append(names, cr.Name)
		w := want[cr.Name]
		switch {
		case w == nil && !cr.Removed:
			t.Errorf("%s: got merged %v removed %v err %v; want merged and removed", cr.Name, cr.Merged, cr.Removed, cr.Err)
		case w != nil && (cr.Merged || !errors.Is(cr.Err, w)):
			t.Errorf("%s: got merged %v err %v; want kept for %v", cr.Name, cr.Merged, cr.Err, w)
		case w == ErrPasswordNotTried && !errors.Is(cr.Err, vault.ErrUnknownKey):
			t.Errorf("%s: got %v; want it to say the key is unknown too", cr.Name, cr.Err)
		case w == ErrPasswordNotTried && !strings.Contains(Reason(cr.Err), "not tried with the password"):
			t.Errorf("%s: reason %q does not say it was not tried", cr.Name, Reason(cr.Err))
		}
	}
	if len(names) != len(want) || !slices.IsSorted(names) {
		t.Errorf("reported %q, want the %d copies in name order", names, len(want))
	}
	if _, ok := v.Account("b"); !ok {
		t.Error("the rekeyed copy's account is not in the vault")
	}
}

// A copy whose password slot asks for more key-derivation work than the
// vault's caps is refused before any derivation, and takes none of the
// sync's tries.
func TestSyncNeverDerivesHostileCosts(t *testing.T) {
	keys, path, _ := vaultInFolder(t)
	other := filepath.Join(t.TempDir(), "vault.latchkey")
	coretest.Vault(t, other, vault.Account{Key: keys[1]})
	b := mustBytes(t, other)
	const slots = len("LATCHKEY") + 2 + 1
	if b[slots] != 1 {
		t.Fatalf("the first slot is of kind %d, want the password's (1)", b[slots])
	}
	binary.BigEndian.PutUint32(b[slots+1+16:], 64*vault.MaxMemory) // 64 GiB
	sum := sha256.Sum256(b[:len(b)-32])
	copy(b[len(b)-32:], sum[:])
	name := "vault.sync-conflict-20261201-101010-ABCDEFG.latchkey"
	write(t, filepath.Join(filepath.Dir(path), name), b)
	v := &passwordTries{Vault: coretest.Open(t, path)}
	rep, err := Sync(v, []byte(coretest.Password))
	if err != nil || len(rep.Copies) != 1 || !errors.Is(rep.Copies[0].Err, vault.ErrHostileParams) {
		t.Fatalf("got %+v, %v; want the copy kept as asking for hostile costs", rep.Copies, err)
	}
	if len(v.tried) != 0 {
		t.Errorf("got %d copies opened with the password, want none", len(v.tried))
	}
}

// A sync stopped after a copy was moved aside (the process killed) left
// it under a hidden name: the next sync gives it a visible name back,
// never over a file that took its name meanwhile, and merges it. A copy
// stopped halfway through being put back (under both names) keeps only
// its own. A read-only vault, which never moves copies, touches none.
func TestSyncRestoresWhatAStoppedSyncHid(t *testing.T) {
	keys, path, dir := vaultInFolder(t)
	taken := "vault.sync-conflict-20261201-101010-ABCDEFG.latchkey"
	hidden := "." + taken + ".merging-0123456789abcdef"
	write(t, filepath.Join(dir, hidden), coretest.OtherComputer(t, path, coretest.Adds(t, vault.Account{ID: "b", Key: keys[1]})))
	otherVault := filepath.Join(t.TempDir(), "vault.latchkey")
	coretest.Vault(t, otherVault, vault.Account{Key: keys[2]})
	theirs := mustBytes(t, otherVault)
	write(t, filepath.Join(dir, taken), theirs) // a new file at its name
	twice := "vault.sync-conflict-20261202-101010-ABCDEFG.latchkey"
	write(t, filepath.Join(dir, twice), coretest.OtherComputer(t, path, coretest.Adds(t, vault.Account{ID: "c", Key: keys[3]})))
	twiceHidden := "." + twice + ".merging-fedcba9876543210"
	if err := os.Link(filepath.Join(dir, twice), filepath.Join(dir, twiceHidden)); err != nil {
		t.Fatal(err)
	}
	before := map[string][]byte{}
	for _, n := range []string{hidden, taken, twice, twiceHidden} {
		before[n] = mustBytes(t, filepath.Join(dir, n))
	}

	ro, err := coretest.Options.OpenReadOnly(path, []byte(coretest.Password))
	if err != nil {
		t.Fatal(err)
	}
	Sync(ro, nil)
	ro.Close()
	for n, b := range before {
		if got, err := os.ReadFile(filepath.Join(dir, n)); err != nil || !bytes.Equal(got, b) {
			t.Errorf("read-only: %s changed (%v)", n, err)
		}
	}

	v := coretest.Open(t, path)
	rep, err := Sync(v, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"b", "c"} {
		if _, ok := v.Account(id); !ok {
			t.Errorf("account %s, of a hidden copy, is not in the vault", id)
		}
	}
	if !bytes.Equal(mustBytes(t, filepath.Join(dir, taken)), theirs) {
		t.Errorf("%s: replaced, want the file that took the name left as it is", taken)
	}
	var kept []string
	for _, cr := range rep.Copies {
		if !cr.Removed {
			kept = append(kept, cr.Name)
		}
	}
	if len(kept) != 1 || kept[0] != taken {
		t.Errorf("kept %q, want only %s (another vault)", kept, taken)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.Contains(e.Name(), "merging") || e.Name() == twice {
			t.Errorf("left behind: %s", e.Name())
		}
	}
}

// Only the hidden names moveAside makes, of conflict copies, are taken
// for copies moved aside.
func TestAsideOf(t *testing.T) {
	const v = "vault.latchkey"
	for _, c := range []struct {
		aside, name string
	}{
		{".vault.sync-conflict-20261201-101010-ABCDEFG.latchkey.merging-0123456789abcdef", "vault.sync-conflict-20261201-101010-ABCDEFG.latchkey"},
		{".vault (1).latchkey.merging-0123456789abcdef", "vault (1).latchkey"},
		{".vault.latchkey.merging-0123456789abcdef", ""}, // the vault itself is never moved aside
		{".vault.latchkey.tmp-123", ""},
		{".vault (1).latchkey.merging-0123456789ABCDEF", ""},
		{".vault (1).latchkey.merging-0123456789abcde", ""},
		{"vault (1).latchkey.merging-0123456789abcdef", ""},
		{".notes.txt.merging-0123456789abcdef", ""},
		{".merging-0123456789abcdef", ""},
	} {
		name, ok := asideOf(v, c.aside)
		if ok != (c.name != "") || name != c.name {
			t.Errorf("%q: got %q, %v; want %q", c.aside, name, ok, c.name)
		}
	}
}

// A copy that grows between the look at its size and the open is not read
// past that size: the budget counts what was looked at, so the read stops
// there, and the copy is kept to be read whole by the next sync.
func TestSyncReadsNoMoreThanItLookedAt(t *testing.T) {
	_, path, _ := vaultInFolder(t)
	cp := filepath.Join(filepath.Dir(path), "vault.sync-conflict-20261201-101010-ABCDEFG.latchkey")
	write(t, cp, []byte("LATCHKEY small"))
	var got []byte
	readCopyFile = func(p string, max int64) ([]byte, fs.FileInfo, error) {
		f, err := os.OpenFile(p, os.O_WRONLY|os.O_APPEND, 0)
		if err != nil {
			t.Fatal(err)
		}
		f.Write(make([]byte, 1<<20)) // grows, in place
		f.Close()
		data, st, err := vault.ReadCopyInfoMax(p, max)
		got = data
		return data, st, err
	}
	t.Cleanup(func() { readCopyFile = vault.ReadCopyInfoMax })
	rep, err := Sync(coretest.Open(t, path), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Copies) != 1 || !errors.Is(rep.Copies[0].Err, ErrChangedWhileRead) {
		t.Errorf("got %+v; want the copy kept as changed while read", rep.Copies)
	}
	if len(got) != 0 {
		t.Errorf("got %d bytes read of a copy looked at as %d; want none", len(got), len("LATCHKEY small"))
	}
}

// junk is what a stranger can drop in the synced folder: a vault's header,
// then garbage.
func junk(n int) []byte {
	b := make([]byte, n)
	copy(b, "LATCHKEY")
	for i := 8; i < n; i++ {
		b[i] = byte(i * 7)
	}
	return b
}

// keyTaker is a vault whose file on disk brings a new key when key is set.
type keyTaker struct {
	*vault.Vault
	key bool
}

func (k *keyTaker) MergeDisk() (vault.Changes, error) {
	ch, err := k.Vault.MergeDisk()
	ch.Key = ch.Key || k.key
	return ch, err
}

// A copy an earlier sync could not merge is not read again while it is
// the same file, and is reported for the same reason; one of a key the
// vault did not have is read again once the vault takes a new key, as it
// may open now.
func TestSyncDoesNotReadKeptCopiesAgain(t *testing.T) {
	keys, path, dir := vaultInFolder(t)
	other := filepath.Join(t.TempDir(), "vault.latchkey")
	coretest.Vault(t, other, vault.Account{Key: keys[1]})
	foreign, damaged := "vault.sync-conflict-20261201-101010-ABCDEFG.latchkey", "vault.sync-conflict-20261202-101010-ABCDEFG.latchkey"
	write(t, filepath.Join(dir, foreign), mustBytes(t, other))
	write(t, filepath.Join(dir, damaged), junk(4096))
	read := map[string]int{}
	readCopyFile = func(p string, max int64) ([]byte, fs.FileInfo, error) {
		read[filepath.Base(p)]++
		return vault.ReadCopyInfoMax(p, max)
	}
	t.Cleanup(func() { readCopyFile = vault.ReadCopyInfoMax })
	v := &keyTaker{Vault: coretest.Open(t, path)}
	kept := map[string]CopyReport{}
	sync := func(what string) SyncReport {
		t.Helper()
		clear(read)
		rep, err := syncKnown(v, nil, kept, nil, nil)
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		clear(kept)
		for _, c := range rep.Copies {
			if c.seen != nil {
				kept[c.Name] = c
			}
		}
		return rep
	}
	first := sync("the first sync")
	reasons := map[string]string{}
	for _, c := range first.Copies {
		reasons[c.Name] = Reason(c.Err)
	}
	if len(kept) != 2 || !errors.Is(kept[foreign].Err, vault.ErrUnknownKey) || kept[damaged].Err == nil || kept[damaged].Merged {
		t.Fatalf("the first sync: got %+v; want both kept, %s as of another key", first.Copies, foreign)
	}
	rep := sync("the second sync")
	if len(read) != 0 {
		t.Errorf("the second sync: read %v; want nothing read again", read)
	}
	for _, c := range rep.Copies {
		if c.Merged || Reason(c.Err) != reasons[c.Name] {
			t.Errorf("the second sync: %s: got merged %v, %q; want kept, %q", c.Name, c.Merged, Reason(c.Err), reasons[c.Name])
		}
	}
	if len(rep.Copies) != 2 {
		t.Errorf("the second sync: got %d copies reported, want 2", len(rep.Copies))
	}
	v.key = true
	sync("the sync after a new key")
	if read[foreign] != 1 || read[damaged] != 0 {
		t.Errorf("after a new key: got %v read; want %s alone", read, foreign)
	}
	// A new version is another file: it is read.
	v.key = false
	os.Remove(filepath.Join(dir, damaged))
	write(t, filepath.Join(dir, damaged), junk(8192))
	sync("the sync after a new version")
	if read[foreign] != 0 || read[damaged] != 1 {
		t.Errorf("after a new version: got %v read; want %s alone", read, damaged)
	}
}
