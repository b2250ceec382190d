package vault

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// computer is one computer opening a shared vault file: its own state
// folder, so its own device id, copy of the vault and backup folder.
type computer struct {
	t    *testing.T
	name string
	o    options
}

func newComputer(t *testing.T, name string) *computer {
	o := testOptions()
	o.stateDir = filepath.Join(t.TempDir(), name+"-state")
	return &computer{t: t, name: name, o: o}
}

func (c *computer) open(path string) *Vault {
	c.t.Helper()
	v, err := open(path, testPassword, c.o)
	if err != nil {
		c.t.Fatalf("%s: open: %v", c.name, err)
	}
	c.t.Cleanup(func() { v.Close() })
	return v
}

// setBackupDir sets the computer's backup folder, saves and closes.
func (c *computer) setBackupDir(path, dir string) {
	c.t.Helper()
	v := c.open(path)
	s := v.Settings()
	s.BackupDir = dir
	must(c.t, v.SetSettings(s))
	mustSave(c.t, v)
	must(c.t, v.Close())
}

// backupDir is the folder the computer's Latchkey shows and backs up into.
func (c *computer) backupDir(path string) string {
	c.t.Helper()
	v := c.open(path)
	defer v.Close()
	s := v.Settings()
	st, err := v.LastBackup()
	must(c.t, err)
	want := s.BackupDir
	if want == "" {
		want = BackupDirFor(path)
	}
	if st.Dir != want {
		c.t.Fatalf("%s: settings say %q, the backups go to %q", c.name, s.BackupDir, st.Dir)
	}
	return s.BackupDir
}

// olderLatchkeySets does what a Latchkey from before this change does when
// its person picks a backup folder: the folder goes in the vault file, with
// a stamp later than what it has seen.
func olderLatchkeySets(t *testing.T, path, dir string) {
	t.Helper()
	o := testOptions()
	v, err := open(path, testPassword, o)
	must(t, err)
	defer v.Close()
	v.mu.Lock()
	v.settings.BackupDir = dir
	v.setAt.BackupDir = v.clock.tick()
	v.dirty = true
	v.mu.Unlock()
	if err := v.Save(); err != nil && !errors.Is(err, ErrBackupFailed) {
		t.Fatal(err)
	}
}

// newVaultFile makes a closed vault in a folder of its own and returns its
// path.
func newVaultFile(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "vault.latchkey")
	v, _, err := create(path, testPassword, testOptions())
	must(t, err)
	must(t, v.Close())
	return path
}

// wantOnlyInFile checks that the folder old, which an older Latchkey put
// in the vault file at path, is not c's backup folder (c has the default)
// and stays in the file for the computer that chose it.
func wantOnlyInFile(t *testing.T, c *computer, path, old string) {
	t.Helper()
	if got := c.backupDir(path); got != "" {
		t.Errorf("the file's folder %q: got %q here, want the default", old, got)
	}
	if got := fileBackupDir(t, path); got != old {
		t.Errorf("the file's folder: got %q, want %q kept for the computer that chose it", got, old)
	}
}

// fileBackupDir is the backup folder the vault file itself carries.
func fileBackupDir(t *testing.T, path string) string {
	t.Helper()
	b, err := readBackup(mustRead(t, path), testPassword, testLimits)
	must(t, err)
	return b.Settings.BackupDir
}

func folder(t *testing.T, name string) string {
	t.Helper()
	d := filepath.Join(t.TempDir(), name)
	must(t, os.MkdirAll(d, 0o700))
	return d
}

// Each computer keeps its own backup folder: one choosing never changes
// the other's, either way, and the vault file carries neither.
func TestBackupDirIsEachComputers(t *testing.T) {
	a, b := newComputer(t, "A"), newComputer(t, "B")
	path := filepath.Join(t.TempDir(), "Sync", "vault.latchkey")
	v, _, err := create(path, testPassword, a.o)
	must(t, err)
	must(t, v.Close())

	usb, winDir := folder(t, "usb"), folder(t, "win")
	a.setBackupDir(path, usb)
	if got := b.backupDir(path); got != "" {
		t.Errorf("B after A chose %s: got folder %q, want the default", usb, got)
	}
	b.setBackupDir(path, winDir)
	if got := a.backupDir(path); got != usb {
		t.Errorf("A after B chose %s: got folder %q, want %q", winDir, got, usb)
	}
	if got := b.backupDir(path); got != winDir {
		t.Errorf("B: got folder %q, want %q", got, winDir)
	}
	if got := fileBackupDir(t, path); got != "" {
		t.Errorf("the vault file carries backup folder %q, want none", got)
	}

	// Each one's backups go to its own folder.
	for _, c := range []struct {
		c   *computer
		dir string
	}{{a, usb}, {b, winDir}} {
		v := c.c.open(path)
		mustAdd(t, v, Account{Key: rfcKey()})
		mustSave(t, v)
		st, err := v.LastBackup()
		must(t, err)
		if filepath.Dir(st.Path) != c.dir || st.Pending {
			t.Errorf("%s: got newest backup %s (pending %v), want one in %s", c.c.name, st.Path, st.Pending, c.dir)
		}
		must(t, v.Close())
	}

	// Back to the default on B: A keeps its folder.
	b.setBackupDir(path, "")
	if got := a.backupDir(path); got != usb {
		t.Errorf("A after B went back to the default: got %q, want %q", got, usb)
	}
	if got := b.backupDir(path); got != "" {
		t.Errorf("B after going back to the default: got %q", got)
	}
}

// A conflict copy, a backup merged in, and a backup restored carry no
// computer's folder to another.
func TestBackupDirThroughMergesAndRestores(t *testing.T) {
	a, b := newComputer(t, "A"), newComputer(t, "B")
	dir := t.TempDir()
	pa, pb := filepath.Join(dir, "a", "vault.latchkey"), filepath.Join(dir, "b", "vault.latchkey")
	v, _, err := create(pa, testPassword, a.o)
	must(t, err)
	must(t, v.Close())
	must(t, os.MkdirAll(filepath.Dir(pb), 0o700))
	must(t, copyFile(pa, pb))

	mine, theirs := folder(t, "b-backups"), folder(t, "a-backups")
	b.setBackupDir(pb, mine)
	// A chooses later, and changes a setting that does travel.
	va := a.open(pa)
	s := va.Settings()
	s.BackupDir, s.Sort = theirs, SortIssuer
	must(t, va.SetSettings(s))
	mustSave(t, va)
	exported := filepath.Join(t.TempDir(), "export.latchkey")
	must(t, va.WriteBackup(exported, BackupOptions{}))
	must(t, va.Close())

	vb := b.open(pb)
	ch, err := vb.MergeCopy(mustRead(t, pa)) // the conflict copy
	must(t, err)
	if got := vb.Settings(); got.BackupDir != mine || got.Sort != SortIssuer || !ch.Settings {
		t.Errorf("B after merging A's copy: got folder %q, sort %q, settings changed %v; want %q, issuer, true", got.BackupDir, got.Sort, ch.Settings, mine)
	}
	if _, err := vb.MergeCopy(mustRead(t, exported)); err != nil {
		t.Fatal(err)
	}
	if got := vb.Settings().BackupDir; got != mine {
		t.Errorf("B after merging A's backup: got folder %q, want %q", got, mine)
	}
	mustSave(t, vb)
	must(t, vb.Close())
	if got := b.backupDir(pb); got != mine {
		t.Errorf("B reopened: got folder %q, want %q", got, mine)
	}

	// Restored on B, A's backup gets B's default, though A's folder
	// exists here too.
	nv, _, err := restoreAsNew(exported, testPassword, filepath.Join(t.TempDir(), "restored.latchkey"), b.o)
	must(t, err)
	defer nv.Close()
	if got := nv.Settings().BackupDir; got != "" {
		t.Errorf("restored on B: got folder %q, want the default", got)
	}
	if st, err := nv.LastBackup(); err != nil || st.Dir != BackupDirFor(nv.Path()) {
		t.Errorf("restored on B: got backups in %q, %v; want %q", st.Dir, err, BackupDirFor(nv.Path()))
	}
}

// A vault an older Latchkey gave a backup folder: a computer without a
// folder of its own adopts it when it is a folder here, and keeps it;
// otherwise the default, until it is one. A computer's own choice is never
// overridden by an older Latchkey writing the file's.
func TestBackupDirFromAnOlderLatchkey(t *testing.T) {
	a, b := newComputer(t, "A"), newComputer(t, "B")
	path := newVaultFile(t)
	usb := filepath.Join(t.TempDir(), "media", "usb", "latchkey") // not plugged in yet
	olderLatchkeySets(t, path, usb)

	// Not here: the default, and the vault saves and backs up.
	va := a.open(path)
	if got := va.Settings().BackupDir; got != "" {
		t.Errorf("the older folder, missing here: got %q, want the default", got)
	}
	mustAdd(t, va, Account{Key: rfcKey()})
	if err := va.Save(); err != nil {
		t.Errorf("save with the older folder missing here: %v", err)
	}
	must(t, va.Close())
	if _, err := os.Stat(a.o.localSettingsPath(path)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a folder not adopted was kept as A's choice (stat: %v)", err)
	}
	if got := fileBackupDir(t, path); got != usb {
		t.Errorf("the file's folder: got %q, want the older Latchkey's %q kept for it", got, usb)
	}

	// Plugged in: adopted, and kept as A's, whatever the file says after.
	must(t, os.MkdirAll(usb, 0o700))
	if got := a.backupDir(path); got != usb {
		t.Fatalf("the older folder, here: got %q, want %q", got, usb)
	}
	other := folder(t, "other")
	olderLatchkeySets(t, path, other)
	if got := a.backupDir(path); got != usb {
		t.Errorf("A after an older Latchkey chose %s: got %q, want its own %q", other, got, usb)
	}

	// B chose its own before: an older Latchkey's later choice, though a
	// folder here, does not change it.
	mine := folder(t, "b-own")
	b.setBackupDir(path, mine)
	olderLatchkeySets(t, path, usb)
	if got := b.backupDir(path); got != mine {
		t.Errorf("B after an older Latchkey chose %s: got %q, want its own %q", usb, got, mine)
	}
}

// A folder another system wrote ("C:\..." read on Linux, "/media/..." on
// Windows), or a relative one, does not make the vault corrupt: it opens,
// with the default folder here.
func TestBackupDirOfAnotherSystem(t *testing.T) {
	foreign := "/media/alice/USB/latchkey"
	if filepath.IsAbs(foreign) {
		foreign = `C:\Users\alice\latchkey`
	}
	for _, old := range []string{foreign, "testdata"} { // testdata: a folder here, relative to the test
		a := newComputer(t, "A")
		path := newVaultFile(t)
		olderLatchkeySets(t, path, old)
		wantOnlyInFile(t, a, path, old)
	}
}

// A read-only open shows the folder it would adopt but keeps nothing.
func TestBackupDirReadOnlyWritesNothing(t *testing.T) {
	a := newComputer(t, "A")
	path := newVaultFile(t)
	old := folder(t, "old")
	olderLatchkeySets(t, path, old)
	ro, err := openReadOnly(path, testPassword, a.o)
	must(t, err)
	defer ro.Close()
	if got := ro.Settings().BackupDir; got != old {
		t.Errorf("read-only: got folder %q, want %q", got, old)
	}
	s := ro.Settings()
	s.BackupDir = folder(t, "new")
	wantErr(t, "SetSettings read-only", ro.SetSettings(s), ErrReadOnly)
	if _, err := os.Stat(a.o.localSettingsPath(path)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a read-only open kept a backup folder (stat: %v)", err)
	}
}

// A damaged, oversize, linked or otherwise unusable entry is the default;
// the vault opens. A choice is written 0600 and never through a link.
func TestBackupDirLocalStateDamaged(t *testing.T) {
	mine := folder(t, "mine")
	old := folder(t, "old")
	for name, plant := range map[string]func(t *testing.T, p string){
		"not json":   func(t *testing.T, p string) { must(t, os.WriteFile(p, []byte("{\"backup_dir\":"), 0o600)) },
		"trailing":   func(t *testing.T, p string) { must(t, os.WriteFile(p, []byte(`{"backup_dir":"/x"} {}`), 0o600)) },
		"relative":   func(t *testing.T, p string) { must(t, os.WriteFile(p, []byte(`{"backup_dir":"usb/x"}`), 0o600)) },
		"wrong type": func(t *testing.T, p string) { must(t, os.WriteFile(p, []byte(`{"backup_dir":7}`), 0o600)) },
		"too long path": func(t *testing.T, p string) {
			writeJSON(t, p, localSettings{BackupDir: "/" + strings.Repeat("a", MaxTextLen)})
		},
		"oversize": func(t *testing.T, p string) {
			writeJSON(t, p, map[string]string{"backup_dir": mine, "pad": strings.Repeat("x", maxLocalSettings)})
		},
		"folder": func(t *testing.T, p string) { must(t, os.Mkdir(p, 0o700)) },
		"link":   func(t *testing.T, p string) { must(t, os.Symlink(filepath.Join(filepath.Dir(p), "elsewhere"), p)) },
	} {
		t.Run(name, func(t *testing.T) {
			a := newComputer(t, "A")
			path := newVaultFile(t)
			olderLatchkeySets(t, path, old) // would be adopted without an entry
			must(t, os.MkdirAll(a.o.stateDir, 0o700))
			p := a.o.localSettingsPath(path)
			plant(t, p)
			if got := a.backupDir(path); got != "" {
				t.Errorf("got folder %q, want the default", got)
			}
			if name != "link" && name != "folder" {
				a.setBackupDir(path, mine)
				if got := a.backupDir(path); got != mine {
					t.Errorf("after choosing anew: got %q, want %q", got, mine)
				}
			}
		})
	}

	a := newComputer(t, "A")
	path := filepath.Join(t.TempDir(), "vault.latchkey")
	v, _, err := create(path, testPassword, a.o)
	must(t, err)
	defer v.Close()
	s := v.Settings()
	s.BackupDir = mine
	must(t, v.SetSettings(s))
	p := a.o.localSettingsPath(path)
	if st, err := os.Lstat(p); err != nil || st.Mode().Perm() != 0o600 || !st.Mode().IsRegular() {
		t.Fatalf("the entry: got %v, %v; want a regular file, mode 0600", st, err)
	}
	// A link put in its place is not written through: the choice is
	// refused, and nothing changes.
	target := filepath.Join(t.TempDir(), "target")
	must(t, os.WriteFile(target, []byte("keep"), 0o600))
	must(t, os.Remove(p))
	must(t, os.Symlink(target, p))
	s.BackupDir = old
	if err := v.SetSettings(s); !errors.Is(err, ErrNotRegular) {
		t.Errorf("choosing with a link as the entry: got %v, want ErrNotRegular", err)
	}
	if got := string(mustRead(t, target)); got != "keep" {
		t.Errorf("the link's target: got %q, want it untouched", got)
	}
	if got := v.Settings().BackupDir; got != mine {
		t.Errorf("after a refused choice: got %q, want %q", got, mine)
	}
}

func writeJSON(t *testing.T, p string, x any) {
	t.Helper()
	b, err := json.Marshal(x)
	must(t, err)
	must(t, os.WriteFile(p, b, 0o600))
}

// Without a state folder, a choice lasts while the program runs (the
// window reopens the vault on every unlock) and still stays out of the
// file.
func TestBackupDirWithoutStateFolder(t *testing.T) {
	v, path, _ := newTestVault(t)
	dir := folder(t, "usb")
	s := v.Settings()
	s.BackupDir = dir
	must(t, v.SetSettings(s))
	mustSave(t, v)
	must(t, v.Close())
	v2, err := open(path, testPassword, testOptions())
	must(t, err)
	defer v2.Close()
	if got := v2.Settings().BackupDir; got != dir {
		t.Errorf("reopened: got folder %q, want %q", got, dir)
	}
	if got := fileBackupDir(t, path); got != "" {
		t.Errorf("the file carries %q, want no folder", got)
	}
}

// A network folder an older Latchkey chose ("\\nas\backups" on Windows)
// is not adopted: looking at it while there is no choice here, on every
// unlock, would wait for a server that is not there (a laptop away from
// home), and on Windows send the person's sign-in to whatever answers to
// that name on the network. Written "//host/..." here, where Linux reads
// it as a local folder, so the test sees the rule.
func TestBackupDirNetworkFolderNotAdopted(t *testing.T) {
	a := newComputer(t, "A")
	path := newVaultFile(t)
	share := "/" + folder(t, "nas") // a folder here, named as a share is
	olderLatchkeySets(t, path, share)
	wantOnlyInFile(t, a, path, share)
}

// Two vaults of the same name in two folders, each opened by that name
// from its folder (latchkey --vault vault.latchkey): the state folder's
// entries went by the name as given, so the second took the first's
// backup folder (and its own copy was the first's).
func TestBackupDirByRelativeName(t *testing.T) {
	a := newComputer(t, "A")
	dir1, dir2 := t.TempDir(), t.TempDir()
	for _, d := range []string{dir1, dir2} {
		v, _, err := create(filepath.Join(d, "vault.latchkey"), testPassword, testOptions())
		must(t, err)
		must(t, v.Close())
	}
	usb := folder(t, "usb")
	t.Chdir(dir1)
	a.setBackupDir("vault.latchkey", usb)
	if got := a.backupDir("vault.latchkey"); got != usb {
		t.Fatalf("the first vault: got %q, want %q", got, usb)
	}
	first := a.o.localPath("vault.latchkey")
	t.Chdir(dir2)
	if a.o.localPath("vault.latchkey") == first {
		t.Errorf("the second vault, by the same name: got the first's own copy %s", first)
	}
	if got := a.backupDir("vault.latchkey"); got != "" {
		t.Errorf("the second vault, by the same name: got %q, the first's; want the default", got)
	}
	if got := a.backupDir(filepath.Join(dir1, "vault.latchkey")); got != usb {
		t.Errorf("the first vault by its full path: got %q, want %q", got, usb)
	}
}
