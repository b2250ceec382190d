package vault

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// fileSystem is every file operation a save makes, so tests can fail each in
// turn. osFS is the only real implementation.
type fileSystem interface {
	CreateTemp(dir, pattern string) (tempFile, error) // mode 0600
	ReadFile(name string) ([]byte, error)             // capped at MaxFileSize
	Rename(from, to string) error
	Link(from, to string) error // fails with fs.ErrExist when to exists
	Remove(name string) error
	SyncDir(dir string) error
	ReadDir(dir string) ([]string, error)
	MkdirAll(dir string) error // mode 0700
}

type tempFile interface {
	io.Writer
	Sync() error
	Close() error
	Name() string
}

type osFS struct{}

var _ fileSystem = osFS{}

func (osFS) CreateTemp(dir, pattern string) (tempFile, error) {
	// os.CreateTemp opens with 0600 whatever the umask; chmod anyway in case
	// a platform differs, since the file holds the whole vault.
	f, err := os.CreateTemp(dir, pattern)
	if err != nil {
		return nil, err
	}
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, err
	}
	return f, nil
}

func (osFS) ReadFile(name string) ([]byte, error) {
	// The kind is checked before the open: opening a FIFO waits for a
	// writer, forever if none comes.
	st, err := os.Stat(name)
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, notRegular(name, st.Mode())
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if st, err = f.Stat(); err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, notRegular(name, st.Mode())
	}
	if st.Size() > int64(MaxFileSize) {
		return nil, fmt.Errorf("vault: %s is larger than %d bytes: %w", name, MaxFileSize, ErrCorrupt)
	}
	// The size is only a hint (the file may grow): the limit is what counts.
	b := make([]byte, 0, st.Size()+1)
	b, err = readAllLimited(f, b, int64(MaxFileSize))
	return b, err
}

func readAllLimited(r io.Reader, b []byte, limit int64) ([]byte, error) {
	lr := &io.LimitedReader{R: r, N: limit + 1}
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		n, err := lr.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if int64(len(b)) > limit {
			return nil, fmt.Errorf("vault: file larger than %d bytes: %w", limit, ErrCorrupt)
		}
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

func (osFS) Remove(name string) error  { return os.Remove(name) }
func (osFS) MkdirAll(dir string) error { return os.MkdirAll(dir, 0o700) }

func (osFS) ReadDir(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		if e.Type().IsRegular() {
			names = append(names, e.Name())
		}
	}
	return names, err
}

// writeAtomic replaces path with data so that, whatever fails and whenever
// the machine stops, path holds either its old content or data in full:
// temp file in the same folder, fsync, read back and check, rename, fsync
// the folder. verify gets the bytes read back. On error the temp file is
// removed and path is untouched (unless only the folder sync failed, when
// the rename may or may not survive a crash: the error says so).
//
// replaced reports whether path now holds data, which can be true with an
// error when only the folder sync failed.
func writeAtomic(fsys fileSystem, path string, data []byte, verify func([]byte) error) (replaced bool, err error) {
	err = writeAtomicSteps(fsys, path, data, verify, renameOver(fsys), &replaced)
	return replaced, err
}

// renameOver puts the temporary file in place, replacing what is there.
func renameOver(fsys fileSystem) func(tmp, path string) error {
	return func(tmp, path string) error {
		if err := fsys.Rename(tmp, path); err != nil {
			return fmt.Errorf("vault: replacing %s: %w", path, err)
		}
		return nil
	}
}

// tempPrefix starts the name of every temporary file a save makes, hidden
// and tied to the vault's name so Open can sweep leftovers of a crash.
func tempPrefix(path string) string { return "." + filepath.Base(path) + ".tmp-" }

// place moves the finished temporary file to path; its error is returned
// as it is.
func writeAtomicSteps(fsys fileSystem, path string, data []byte, verify func([]byte) error, place func(tmp, path string) error, renamed *bool) (err error) {
	dir := filepath.Dir(path)
	f, err := fsys.CreateTemp(dir, tempPrefix(path)+"*")
	if err != nil {
		return fmt.Errorf("vault: creating a temporary file: %w", err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil && !*renamed {
			fsys.Remove(tmp)
		}
	}()
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("vault: writing %s: %w", tmp, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("vault: flushing %s to disk: %w", tmp, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("vault: closing %s: %w", tmp, err)
	}
	back, err := fsys.ReadFile(tmp)
	if err != nil {
		return fmt.Errorf("vault: reading back %s: %w", tmp, err)
	}
	if !bytes.Equal(back, data) {
		return fmt.Errorf("vault: %s reads back different from what was written: %w", tmp, ErrCorrupt)
	}
	if verify != nil {
		if err := verify(back); err != nil {
			return fmt.Errorf("vault: verifying %s: %w", tmp, err)
		}
	}
	if err := place(tmp, path); err != nil {
		return err
	}
	*renamed = true
	if err := fsys.SyncDir(dir); err != nil {
		return fmt.Errorf("vault: %s was replaced but its folder could not be flushed to disk: %w", path, err)
	}
	return nil
}

// BackupDirFor is where backups of the vault at path go by default: a
// "backups" folder beside it.
func BackupDirFor(path string) string {
	return filepath.Join(filepath.Dir(path), "backups")
}

// backupStamp is sortable as text: newest last.
const backupStamp = "20060102T150405.000000000Z"

// backupName is "<vault file name>.<UTC time>.bak", the name of backups
// made before each computer named its own.
func backupName(path string, t time.Time) string {
	return filepath.Base(path) + "." + t.UTC().Format(backupStamp) + ".bak"
}

// deviceBackupName is "<vault file name>.<device>.<UTC time>.bak": each
// computer names, and rotates, its own backups of a synced vault.
func deviceBackupName(path, device string, t time.Time) string {
	return filepath.Base(path) + "." + device + "." + t.UTC().Format(backupStamp) + ".bak"
}

// parseBackupName reads a backup's name: the device that made it ("" for
// a backup made before computers named theirs) and when.
func parseBackupName(vaultPath, name string) (device string, t time.Time, ok bool) {
	rest, ok := strings.CutPrefix(name, filepath.Base(vaultPath)+".")
	if !ok {
		return "", time.Time{}, false
	}
	if rest, ok = strings.CutSuffix(rest, ".bak"); !ok {
		return "", time.Time{}, false
	}
	if dev, stamp, found := strings.Cut(rest, "."); found && len(dev) == 16 && isLowerHex(dev) {
		device, rest = dev, stamp
	}
	t, err := time.Parse(backupStamp, rest)
	if err != nil || t.UTC().Format(backupStamp) != rest {
		return "", time.Time{}, false
	}
	return device, t, true
}

func isLowerHex(s string) bool {
	for _, c := range s {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// Backups lists the backups of the vault at path in dir, newest first.
func Backups(dir, path string) ([]string, error) {
	return listBackups(osFS{}, dir, path)
}

func listBackups(fsys fileSystem, dir, path string) ([]string, error) {
	names, err := fsys.ReadDir(dir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("vault: listing backups: %w", err)
	}
	type backup struct {
		path string
		t    time.Time
	}
	var found []backup
	for _, n := range names {
		if _, t, ok := parseBackupName(path, n); ok {
			found = append(found, backup{filepath.Join(dir, n), t})
		}
	}
	// Newest first; at the same time, by name, so the order is one.
	slices.SortFunc(found, func(a, b backup) int {
		if c := b.t.Compare(a.t); c != 0 {
			return c
		}
		return strings.Compare(b.path, a.path)
	})
	out := make([]string, len(found))
	for i, b := range found {
		out[i] = b.path
	}
	return out, nil
}

// backupDevice is the device in a backup's name ("" when it has none).
func backupDevice(vaultPath, p string) string {
	d, _, _ := parseBackupName(vaultPath, filepath.Base(p))
	return d
}

// rotationDays is how many daily backups survive beyond the last keep saves.
const rotationDays = 7

// rotate keeps the newest keep backups this device made plus the newest
// one of each of the last rotationDays days that have one, and deletes the
// rest of this device's. Only backups named with device and that mine
// accepts count or are deleted (nil: all), so another computer syncing the
// same vault, and another vault of the same name sharing the folder, keep
// theirs; backups named before computers named theirs are never rotated.
func rotate(fsys fileSystem, dir, path, device string, keep int, mine func(string) bool) error {
	all, err := listBackups(fsys, dir, path)
	if err != nil {
		return err
	}
	all = slices.DeleteFunc(all, func(p string) bool {
		return backupDevice(path, p) != device || (mine != nil && !mine(p))
	})
	days := map[string]bool{}
	var firstErr error
	for i, p := range all {
		t, _ := stampOf(p)
		day := t.UTC().Format("20060102")
		keepIt := i < keep
		if !days[day] && len(days) < rotationDays {
			days[day] = true
			keepIt = true
		}
		if !keepIt {
			if err := fsys.Remove(p); err != nil && firstErr == nil {
				firstErr = fmt.Errorf("vault: removing old backup: %w", err)
			}
		}
	}
	return firstErr
}
