package core

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"

	"latchkey/core/coretest"
	"latchkey/vault"
)

// opens counts, by name, the files opened in dir while it watches
// (inotify's IN_OPEN): what a sync reads, whoever reads it.
type opens struct {
	fd int
}

func watchOpens(t *testing.T, dir string) *opens {
	t.Helper()
	fd, err := unix.InotifyInit1(unix.IN_NONBLOCK | unix.IN_CLOEXEC)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { unix.Close(fd) })
	if _, err := unix.InotifyAddWatch(fd, dir, unix.IN_OPEN); err != nil {
		t.Fatal(err)
	}
	return &opens{fd: fd}
}

// take returns the names opened since the last call.
func (o *opens) take(t *testing.T) map[string]int {
	t.Helper()
	got := map[string]int{}
	buf := make([]byte, 64<<10)
	for {
		n, err := unix.Read(o.fd, buf)
		if errors.Is(err, unix.EAGAIN) {
			return got
		}
		if err != nil {
			t.Fatal(err)
		}
		for off := 0; off+unix.SizeofInotifyEvent <= n; {
			ev := (*unix.InotifyEvent)(unsafe.Pointer(&buf[off]))
			name := buf[off+unix.SizeofInotifyEvent : off+unix.SizeofInotifyEvent+int(ev.Len)]
			if ev.Mask&unix.IN_OPEN != 0 {
				got[string(bytes.TrimRight(name, "\x00"))]++
			}
			off += unix.SizeofInotifyEvent + int(ev.Len)
		}
	}
}

// Each conflict copy is opened once however it goes (read, merged,
// checked, moved aside, deleted), and the saved vault is read once to
// check them all: the vault file's opens do not grow with the copies.
func TestSyncReadsEachCopyOnce(t *testing.T) {
	keys := coretest.Keys(t)
	vaultOpens := map[int]int{}
	for _, n := range []int{1, 3} {
		path := filepath.Join(t.TempDir(), "vault.latchkey")
		coretest.Vault(t, path, vault.Account{Key: keys[0]})
		dir := filepath.Dir(path)
		var names []string
		for i := range n {
			name := Conflict{Tool: Syncthing, When: time.Date(2026, 12, 1+i, 10, 10, 10, 0, time.UTC), Who: "ABCDEFG"}.Name("vault.latchkey")
			write(t, filepath.Join(dir, name), coretest.OtherComputer(t, path, coretest.Adds(t, vault.Account{Key: keys[1+i]})))
			names = append(names, name)
		}
		v := coretest.Open(t, path)
		o := watchOpens(t, dir)
		rep, err := Sync(v, nil)
		if err != nil || len(rep.Copies) != n || rep.Kept() {
			t.Fatalf("%d copies: got %+v, %v; want each merged and removed", n, rep.Copies, err)
		}
		got := o.take(t)
		for _, name := range names {
			var count int
			for opened, c := range got {
				if strings.Contains(opened, name) { // under its name or moved aside
					count += c
				}
			}
			if count != 1 {
				t.Errorf("%d copies: %s opened %d times, want once (opens: %v)", n, name, count, got)
			}
		}
		vaultOpens[n] = got["vault.latchkey"]
	}
	t.Logf("the vault file: opened %d times by a sync of 1 copy, %d of 3", vaultOpens[1], vaultOpens[3])
	if vaultOpens[3] != vaultOpens[1] {
		t.Errorf("the vault file: opened %d times with 1 copy, %d with 3; want the same", vaultOpens[1], vaultOpens[3])
	}
}

// Only a regular file under a hidden name is a copy a sync moved aside
// (moveAside moves nothing else): a link, a folder or a FIFO a sync tool
// drops under such a name is left as it is, never given a visible name.
// On macOS and Windows a hard link to a symbolic link is one to its
// target, so putting back a planted link would give a file of the
// person's own (a key, the vault) a name in the synced folder.
func TestSyncRestoresOnlyRegularFiles(t *testing.T) {
	keys := coretest.Keys(t)
	path := filepath.Join(t.TempDir(), "vault.latchkey")
	coretest.Vault(t, path, vault.Account{Key: keys[0]})
	dir := filepath.Dir(path)
	secret := filepath.Join(t.TempDir(), "id_ed25519")
	write(t, secret, []byte("private key"))
	planted := map[string]func(string) error{
		"vault.sync-conflict-20261201-101010-ABCDEFG.latchkey": func(p string) error { return os.Symlink(secret, p) },
		"vault.sync-conflict-20261202-101010-ABCDEFG.latchkey": func(p string) error { return os.Mkdir(p, 0o700) },
		"vault.sync-conflict-20261203-101010-ABCDEFG.latchkey": func(p string) error { return syscall.Mkfifo(p, 0o600) },
	}
	for name, plant := range planted {
		if err := plant(filepath.Join(dir, "."+name+".merging-0123456789abcdef")); err != nil {
			t.Fatal(err)
		}
	}
	v := coretest.Open(t, path)
	if _, err := Sync(v, nil); err != nil {
		t.Fatal(err)
	}
	for name := range planted {
		if st, err := os.Lstat(filepath.Join(dir, name)); err == nil {
			t.Errorf("%s: got a visible %v, want nothing (a planted hidden entry is not a copy)", name, st.Mode().Type())
		}
		if _, err := os.Lstat(filepath.Join(dir, "."+name+".merging-0123456789abcdef")); err != nil {
			t.Errorf("%s: the planted hidden entry: got %v, want it left as it is", name, err)
		}
	}
}
