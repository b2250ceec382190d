package core

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"latchkey/internal/safetext"
	"latchkey/vault"
)

// A Syncer is a vault open in a synced folder; *vault.Vault is one.
type Syncer interface {
	Path() string
	MergeCopy(data []byte) (vault.Changes, error)
	MergeCopyWithPassword(data, password []byte) (vault.Changes, error)
	MergeDisk() (vault.Changes, error)
	SavedCoversEach(copies [][]byte) []bool
	ReadOnly() bool
	Dirty() bool
	Save() error
}

var _ Syncer = (*vault.Vault)(nil)

// CopyReport is what Sync did with one conflict copy.
type CopyReport struct {
	Name     string // the file's name, beside the vault; untrusted: show it escaped
	Conflict Conflict
	// Merged: its changes are in the vault, saved; Changes says which.
	Merged  bool
	Changes vault.Changes
	// Removed: merged, verified in the saved vault file, and deleted.
	Removed bool
	// Err is why it was kept (not merged, or merged but not deleted); nil
	// when it was merged and removed.
	Err error

	// seen is the file as Sync looked at it, when the outcome is the
	// file's own (merged; or kept as damaged, foreign, of another key,
	// ...): while it is that same file, syncing it again does the same.
	seen fs.FileInfo
	// read: this sync took it from its budget and opened it.
	read bool
}

// SyncReport is what Sync did: with the vault file on disk, and with each
// conflict copy beside it, in name order.
type SyncReport struct {
	Disk   vault.Changes // what the file on disk brought (another computer's save)
	Copies []CopyReport
}

// Kept reports whether some copy was kept.
func (r SyncReport) Kept() bool {
	return slices.ContainsFunc(r.Copies, func(c CopyReport) bool { return !c.Removed })
}

// Changes is everything the merges brought, file and copies together.
func (r SyncReport) Changes() vault.Changes {
	ch := r.Disk
	for _, c := range r.Copies {
		if c.Merged {
			ch.Add(c.Changes)
		}
	}
	return ch
}

// Reasons a copy is kept, besides the vault's own errors (vault.ErrCorrupt,
// vault.ErrNewerVersion, vault.ErrUnknownKey, ...).
var (
	ErrNotRegular   = vault.ErrNotRegular // a link, folder, FIFO or device
	ErrNotAVault    = errors.New("not a latchkey vault")
	ErrNotSaved     = errors.New("merged, but the vault could not be saved")
	ErrNotCovered   = errors.New("merged, but the saved vault does not hold all of it")
	ErrChangedSince = errors.New("changed after it was merged")
	// ErrChangedWhileRead: written while it was read; the next sync reads
	// it whole.
	ErrChangedWhileRead = errors.New("changed while it was read")
	// ErrPasswordNotTried: sealed under a key this vault never had (it
	// wraps vault.ErrUnknownKey), and not tried with the password, as the
	// sync had tried it on SyncPasswordTries copies already.
	ErrPasswordNotTried = errors.New("not tried with the password: this sync tried it on as many copies as it may")
	// ErrLeftHidden: a copy an interrupted sync moved aside, which could
	// not be given a visible name again; CopyReport.Name is its hidden
	// name.
	ErrLeftHidden = errors.New("moved aside by an interrupted sync, and still hidden")
	// ErrNotDeleted: merged, saved and verified, but the file system
	// refused to delete it.
	ErrNotDeleted = errors.New("merged, but could not be deleted")
	// ErrMaybeYours: merged, but kept, as its name (OneDrive's
	// "vault-HOST", Google Drive's "vault (1)") is also one a person gives
	// a copy of their own, which may be the only record of what was
	// removed since.
	ErrMaybeYours = errors.New("merged, and kept: the name could be a copy of your own")
	// ErrOverBudget: not read, as this sync had read SyncMaxCopies copies
	// or SyncMaxBytes already; the file is untouched.
	ErrOverBudget = errors.New("not read: this sync read as many copies as it may")
)

// SyncMaxCopies and SyncMaxBytes cap what one Sync reads of the copies
// beside the vault. Anyone who can drop files into the synced folder
// (another device, a shared folder) can leave many copies, and every
// sync (Watch runs one whenever the folder changes) would read them all.
// A real folder holds a few copies of some kilobytes; the caps are far
// above that, and room for four copies of the largest vault there is
// (vault.MaxFileSize). Copies past them are kept, unread, with
// ErrOverBudget.
const (
	SyncMaxCopies       = 32
	SyncMaxBytes  int64 = 256 << 20
)

// Sync merges the vault file on disk (when another computer's save
// replaced it) and every conflict copy a sync tool left beside it, saves
// the merge, and deletes each merged copy once the saved vault file is
// verified to hold all of it. A copy is read once, capped at
// vault.MaxFileSize, and opened with the vault's keys, never the KDF;
// given password, a copy none of them opens is tried with it (one KDF run
// each, SyncPasswordTries at most: a copy saved after a password change
// or new backup codes on another computer). A copy that does not merge
// (another vault, a key this vault never had, damaged, truncated, of a
// newer format, too large, not a regular file) is kept, untouched, with
// the reason. Nothing is deleted that was not merged, saved and verified.
// A copy that an interrupted sync left moved aside under a hidden name is
// first given a visible one back, never over a file, and merged as any.
// One sync reads SyncMaxCopies copies and SyncMaxBytes at most, a sync
// tool's names first; each copy's size is looked at before it is opened,
// and the copies past the caps are kept unread with ErrOverBudget.
//
// The error is the save's, or the folder's; the report holds what was
// done up to then.
func Sync(v Syncer, password []byte) (SyncReport, error) {
	return syncKnown(v, password, nil, nil, nil)
}

// syncKnown is Sync, given the copies an earlier sync kept (by name): one
// it could not merge that is still the same file is not read again, and
// is reported kept for the same reason (unless it was of a key the vault
// did not have, and the vault file on disk brought a new key). The copies
// named in came (seen arriving since) are read before the others of
// their kind: junk left over from an earlier sync's budget does not
// stand before them. Then come those not in tried (names an earlier sync
// read): a sync that reads on past the last one's budget reaches the
// copies it left, not the same ones again (one that could not be read,
// and so is not known, would else take the budget each time).
func syncKnown(v Syncer, password []byte, known map[string]CopyReport, came, tried map[string]bool) (SyncReport, error) {
	var rep SyncReport
	path := v.Path()
	dir, vaultName := filepath.Dir(path), filepath.Base(path)
	ch, err := v.MergeDisk()
	if err != nil {
		return rep, escapeNames(err, path, dir)
	}
	rep.Disk = ch
	entries, err := os.ReadDir(dir)
	if err != nil {
		return rep, escapeNames(fmt.Errorf("listing %s: %w", dir, err), dir)
	}
	if !v.ReadOnly() {
		restored, hidden := restoreAside(dir, vaultName, entries)
		rep.Copies = hidden
		if restored {
			if entries, err = os.ReadDir(dir); err != nil {
				return rep, escapeNames(fmt.Errorf("listing %s: %w", dir, err), dir)
			}
		}
	}
	// The conflict copies, each name parsed once (not at every comparison).
	var copies []CopyReport
	for _, e := range entries {
		if c, ok := ParseConflict(vaultName, e.Name()); ok {
			copies = append(copies, CopyReport{Name: e.Name(), Conflict: c})
		}
	}
	// Names that are a sync tool's first, so the password's few tries and
	// the read budget go to them before names a person gives copies of
	// their own; among each, what came since the last sync first, then
	// what no sync read yet; the report is in name order.
	slices.SortStableFunc(copies, func(a, b CopyReport) int {
		if c := compareBool(a.Conflict.Tool.Ambiguous(), b.Conflict.Tool.Ambiguous()); c != 0 {
			return c
		}
		if c := compareBool(!came[a.Name], !came[b.Name]); c != 0 {
			return c
		}
		return compareBool(tried[a.Name], tried[b.Name])
	})
	merged := map[string]mergedCopy{}
	tries := 0 // of the password, each one KDF run
	var budget readBudget
	for _, cr := range copies {
		p := filepath.Join(dir, cr.Name)
		if cr.Conflict.Tool.Ambiguous() && vault.Exists(vault.LockPath(p)) {
			continue // a vault of its own that someone opened, not a copy
		}
		st, err := lstat(p)
		if err == nil {
			if k, ok := known[cr.Name]; ok && !k.Merged && sameVersion(k.seen, st) && !(rep.Disk.Key && unknownKey(k)) {
				cr.Err, cr.seen = k.Err, k.seen
				rep.Copies = append(rep.Copies, cr)
				continue
			}
			err = budget.take(p, st)
		}
		var data []byte
		if err == nil {
			cr.read = st.Mode().IsRegular()
			data, err = readCopy(p, st)
		}
		if err == nil {
			cr.Changes, err = v.MergeCopy(data)
		}
		if errors.Is(err, vault.ErrUnknownKey) && password != nil {
			if tries == SyncPasswordTries {
				err = fmt.Errorf("%w: %w", ErrPasswordNotTried, err)
			} else {
				tries++
				cr.Changes, err = v.MergeCopyWithPassword(data, password)
				if errors.Is(err, vault.ErrWrongPassword) {
					err = fmt.Errorf("%w, and the vault's password does not open it", vault.ErrUnknownKey)
				}
			}
		}
		if err != nil {
			cr.Err = escapeNames(err, p, dir)
			if st != nil && fileOwn(err) {
				cr.seen = st
			}
		} else {
			cr.Merged, cr.seen = true, st
			merged[cr.Name] = mergedCopy{data: data, st: st}
		}
		rep.Copies = append(rep.Copies, cr)
	}
	slices.SortFunc(rep.Copies, func(a, b CopyReport) int { return strings.Compare(a.Name, b.Name) })
	if len(merged) == 0 && !v.Dirty() {
		return rep, nil
	}
	if err := v.Save(); err != nil && !errors.Is(err, vault.ErrBackupFailed) {
		for i := range rep.Copies {
			if rep.Copies[i].Merged {
				rep.Copies[i].Err = escapeNames(fmt.Errorf("%w: %w", ErrNotSaved, err), path, dir)
			}
		}
		return rep, escapeNames(err, path, dir)
	}
	// Only what the saved file holds may go: it is read and decrypted
	// once for all the copies.
	var check []int
	var datas [][]byte
	for i, cr := range rep.Copies {
		switch {
		case !cr.Merged:
		case cr.Conflict.Tool.Ambiguous():
			rep.Copies[i].Err = ErrMaybeYours
		default:
			check = append(check, i)
			datas = append(datas, merged[cr.Name].data)
		}
	}
	if len(check) == 0 {
		return rep, nil
	}
	covered := v.SavedCoversEach(datas)
	for k, i := range check {
		cr := &rep.Copies[i]
		if !covered[k] {
			cr.Err = ErrNotCovered
			continue
		}
		cr.Err = removeMerged(filepath.Join(dir, cr.Name), vaultName, merged[cr.Name].st)
		cr.Removed = cr.Err == nil
	}
	return rep, nil
}

// SyncPasswordTries is how many copies one Sync opens with the password at
// most: each costs a KDF run (up to the vault's caps on its cost, about a
// second as Latchkey calibrates it), and a folder of other vaults must
// not cost minutes. Copies past it are kept with ErrPasswordNotTried.
const SyncPasswordTries = 3

// unknownKey reports whether c was kept as sealed under a key the vault
// did not have: when the vault takes a new key, it may open now.
func unknownKey(c CopyReport) bool { return errors.Is(c.Err, vault.ErrUnknownKey) }

// readBudget is what one sync has read of the copies, against
// SyncMaxCopies and SyncMaxBytes.
type readBudget struct {
	copies int
	bytes  int64
}

// take counts the copy at p, as lstat found it (st), when it fits the
// budget; else it is ErrOverBudget. What is never opened costs nothing:
// anything but a regular file (refused after a look), and a file over
// vault.MaxFileSize, refused here by its size.
func (b *readBudget) take(p string, st fs.FileInfo) error {
	if !st.Mode().IsRegular() {
		return nil
	}
	if st.Size() > int64(vault.MaxFileSize) {
		return fmt.Errorf("%s is larger than %d bytes, more than a vault holds: %w", p, vault.MaxFileSize, vault.ErrTooLarge)
	}
	if b.copies == SyncMaxCopies || b.bytes+st.Size() > SyncMaxBytes {
		return ErrOverBudget
	}
	b.copies++
	b.bytes += st.Size()
	return nil
}

// fileOwn reports whether err, why a copy was not merged, is the file's
// own doing: the same file gives it again, in Watch's syncs (no
// password, so no key derivation that might open it).
func fileOwn(err error) bool {
	for _, e := range []error{ErrNotAVault, ErrNotRegular, vault.ErrCorrupt, vault.ErrTooLarge, vault.ErrNewerVersion, vault.ErrUnknownKey, vault.ErrHostileParams} {
		if errors.Is(err, e) {
			return !errors.Is(err, ErrPasswordNotTried) && !errors.Is(err, ErrChangedWhileRead)
		}
	}
	return false
}

func compareBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

// mergedCopy is a copy merged in this sync: its bytes were data while
// the file was st.
type mergedCopy struct {
	data []byte
	st   fs.FileInfo
}

// readCopy reads the conflict copy at p, which lstat found as st, once
// through vault.ReadCopyInfoMax (capped at the size st has, checked before
// anything is read; anything but a regular file is refused, a link not
// followed), refusing what is no vault at all. st is the file the bytes
// came from: the name is looked at before and after the read, and both
// times it is the file that was opened.
func readCopy(p string, st fs.FileInfo) (data []byte, err error) {
	data, opened, err := readCopyFile(p, st.Size()) // ErrNotRegular, ErrTooLarge before any read
	if errors.Is(err, vault.ErrTooLarge) {
		return nil, ErrChangedWhileRead // it grew since st: what was looked at, and counted, is not what is there
	}
	if err != nil {
		return nil, err
	}
	// The name may have held the file opened only for the moment of the
	// open (moved there and back): then what was read is not st. The
	// file's identity alone is compared: an open file's times may be
	// told apart from its name's on some systems; its size is the data's.
	after, err := lstat(p)
	if err != nil || !sameVersion(st, after) || !os.SameFile(st, opened) || int64(len(data)) != st.Size() {
		return nil, ErrChangedWhileRead
	}
	if !vault.IsVaultFile(data) {
		return nil, ErrNotAVault
	}
	return data, nil
}

// sameVersion reports whether a and b are one file, not written since:
// the same file (not another moved to its name), size and modification
// time. A sync tool writes a new version to a temporary file and renames
// it over the old, which makes another file; one writing in place changes
// the time.
func sameVersion(a, b fs.FileInfo) bool {
	return a != nil && b != nil && os.SameFile(a, b) && a.Size() == b.Size() && a.ModTime().Equal(b.ModTime()) && a.Mode() == b.Mode()
}

// removeMerged deletes the copy at p only while it is the file whose
// bytes were merged (st). It is first moved aside under a private name and
// checked there, so a sync tool writing a new file at p meanwhile writes
// one that is kept, never one that is deleted unread.
func removeMerged(p, vaultName string, st fs.FileInfo) error {
	now, err := lstat(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil // gone already: the sync tool or the other computer
	}
	if err != nil || !sameVersion(st, now) {
		return ErrChangedSince
	}
	aside, err := moveAside(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return escapeNames(fmt.Errorf("%w: %w", ErrNotDeleted, err), p)
	}
	if now, err := lstat(aside); err != nil || !sameVersion(st, now) {
		if err := putBack(aside, p, vaultName); err != nil {
			return escapeNames(fmt.Errorf("%w, and could not be put back: %w", ErrChangedSince, err), p, aside)
		}
		return ErrChangedSince
	}
	if err := removeFile(aside); err != nil && !errors.Is(err, fs.ErrNotExist) {
		putBack(aside, p, vaultName) // best effort: the bytes are merged and saved
		return escapeNames(fmt.Errorf("%w: %w", ErrNotDeleted, err), p, aside)
	}
	return nil
}

// moveAside renames p to a hidden, unguessable name in its folder (one no
// sync tool or person writes to) and returns that name. The rename is one
// step: whatever is at p then is what moves.
func moveAside(p string) (string, error) {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	aside := filepath.Join(filepath.Dir(p), asidePrefix+filepath.Base(p)+asideMark+hex.EncodeToString(b[:]))
	if err := os.Rename(p, aside); err != nil {
		return "", err
	}
	return aside, nil
}

// putBack returns a copy moved aside to p, never over a file that appeared
// at p since: then it takes a new conflict name of its own, which the next
// sync merges like any other.
func putBack(aside, p, vaultName string) error {
	targets := []string{p}
	for i := range 3 {
		c := Conflict{Tool: NextcloudOld, When: time.Now().Add(time.Duration(i) * time.Second)}
		targets = append(targets, filepath.Join(filepath.Dir(p), c.Name(vaultName)))
	}
	var err error
	for _, t := range targets {
		if err = vault.RenameNoReplace(aside, t); err == nil {
			return nil
		}
	}
	return err
}

// asidePrefix and asideMark make the hidden name a copy is moved aside to
// while it is deleted: "." + its name + ".merging-" + 16 hex digits.
const (
	asidePrefix = "."
	asideMark   = ".merging-"
)

// asideOf is the name of the copy that aside (a base name) was moved
// aside from, when it is one.
func asideOf(vaultName, aside string) (string, bool) {
	rest, ok := strings.CutPrefix(aside, asidePrefix)
	if !ok || len(rest) < len(asideMark)+16 {
		return "", false
	}
	name, tag := rest[:len(rest)-len(asideMark)-16], rest[len(rest)-len(asideMark)-16:]
	hexPart, ok := strings.CutPrefix(tag, asideMark)
	if !ok || strings.Trim(hexPart, "0123456789abcdef") != "" {
		return "", false
	}
	if _, ok := ParseConflict(vaultName, name); !ok {
		return "", false
	}
	return name, true
}

// restoreAside gives back a visible name to each copy a sync moved aside
// and did not finish with (the process was stopped between the move and
// the delete): its own name when that is free, else a new conflict name,
// never over a file. Where its name holds the same file (a put-back that
// was stopped after the link), the hidden name is only removed. Only a
// regular file is a copy moved aside; anything else under such a name is
// left as it is. restored says whether a name was given back; hidden
// reports each copy that stays hidden, and why.
func restoreAside(dir, vaultName string, entries []os.DirEntry) (restored bool, hidden []CopyReport) {
	for _, e := range entries {
		name, ok := asideOf(vaultName, e.Name())
		if !ok {
			continue
		}
		aside, p := filepath.Join(dir, e.Name()), filepath.Join(dir, name)
		a, err := lstat(aside)
		if err != nil || !a.Mode().IsRegular() {
			// Not one moveAside made (it moves regular files alone): a
			// link planted here would be put back as a hard link to its
			// target on macOS and Windows, giving the person's own file a
			// name in the synced folder.
			continue
		}
		if sameVersion(a, lstatOrNil(p)) {
			err = os.Remove(aside)
		} else {
			err = putBack(aside, p, vaultName)
		}
		if err == nil {
			restored = true
			continue
		}
		c, _ := ParseConflict(vaultName, name)
		hidden = append(hidden, CopyReport{Name: e.Name(), Conflict: c,
			Err: escapeNames(fmt.Errorf("%w: %w", ErrLeftHidden, err), aside, p, dir)})
	}
	return restored, hidden
}

// lstat is os.Lstat with the file's identity taken now: Windows looks it
// up only when os.SameFile asks, by the path, which may name another file
// by then (or none: a copy moved aside).
func lstat(p string) (fs.FileInfo, error) {
	st, err := os.Lstat(p)
	if err == nil {
		os.SameFile(st, st)
	}
	return st, err
}

func lstatOrNil(p string) fs.FileInfo {
	st, _ := lstat(p)
	return st
}

// readCopyFile is vault.ReadCopyInfoMax; tests move files while it runs.
var readCopyFile = vault.ReadCopyInfoMax

// removeFile deletes a merged copy; tests make it fail.
var removeFile = os.Remove

// escapeNames shows each of names (paths) in err's text escaped: a file
// name may hold a line break, a terminal escape or a direction override.
// Whatever else the text holds that acts on a screen is escaped too. The
// error still wraps err.
func escapeNames(err error, names ...string) error {
	err = safetext.NamesEscaped(err, names...)
	if err == nil {
		return nil
	}
	return safetext.Reworded(err, oneLine(err.Error()))
}

// oneLine escapes what safetext.Message keeps (line breaks and tabs) as
// well: a reason is shown on one line.
func oneLine(s string) string {
	return strings.NewReplacer("\n", `\x0a`, "\t", `\x09`).Replace(safetext.Message(s))
}

// Reason says in a few words why a copy was kept, the same from the
// window and the command line; it names no secret.
func Reason(err error) string {
	switch {
	case err == nil:
		return ""
	case errors.Is(err, ErrNotSaved):
		return oneLine(err.Error())
	}
	for _, r := range reasons {
		if errors.Is(err, r.err) {
			return r.why
		}
	}
	return oneLine(err.Error())
}

// reasons are why a copy was kept, checked in order.
var reasons = []struct {
	err error
	why string
}{
	{ErrChangedSince, "it changed after it was merged; sync again"},
	{ErrChangedWhileRead, "it changed while it was read; sync again"},
	{ErrLeftHidden, "an interrupted sync left it hidden, and it could not be given its name back; rename it without the leading dot and the .merging- ending, then sync again"},
	{ErrNotDeleted, "merged and saved, but it could not be deleted; delete it, or sync again"},
	{ErrMaybeYours, "merged; kept, as the name could be a copy of your own (delete it when it is not)"},
	{ErrNotCovered, "merged, but the saved vault does not hold all of it yet; sync again"},
	{ErrOverBudget, fmt.Sprintf("not read: this sync already read as many copies as one may (%d, or %d MiB in all); remove the copies that are not needed, then sync again", SyncMaxCopies, SyncMaxBytes>>20)},
	{ErrPasswordNotTried, fmt.Sprintf("sealed under a key this vault never had, and not tried with the password: each try takes a key derivation, and this sync already tried %d other copies (move away the copies that are not of this vault, then sync again)", SyncPasswordTries)},
	{vault.ErrUnknownKey, "sealed under a key this vault never had: another vault, or saved after a password change on another computer (open the vault with the new password, then sync again)"},
	{vault.ErrNewerVersion, "made by a newer version of Latchkey"},
	{vault.ErrTooLarge, "larger than any vault"},
	{vault.ErrCorrupt, "damaged or truncated"},
	{ErrNotAVault, "not a Latchkey vault"},
	{ErrNotRegular, "not a regular file"},
	{vault.ErrHostileParams, "asks for key-derivation work Latchkey never writes"},
}
