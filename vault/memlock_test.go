package vault

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"unsafe"
)

// lockedKB is VmLck from /proc/self/status: the memory this process has
// locked in RAM.
func lockedKB() (int, error) {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmLck:"); ok {
			return strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(v), " kB"))
		}
	}
	return 0, fmt.Errorf("no VmLck in /proc/self/status")
}

// memlockChild opens the vault in a fresh process, where nothing else is
// locked, and prints VmLck before, while open, and after Close.
func memlockChild(path string) error {
	before, err := lockedKB()
	if err != nil {
		return err
	}
	v, err := open(path, testPassword, testOptions())
	if err != nil {
		return err
	}
	during, _ := lockedKB()
	v.Close()
	after, _ := lockedKB()
	fmt.Println(before, during, after)
	return nil
}

// The data key stays in RAM (mlock) while the vault is open, and is
// unlocked again when it closes.
func TestDataKeyLockedWhileOpen(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("VmLck is in Linux's /proc")
	}
	v, path, _ := newSavedVault(t)
	v.Close()
	var out bytes.Buffer
	cmd := child(t, "memlock", path)
	cmd.Stdout = &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("child: %v", err)
	}
	var before, during, after int
	if _, err := fmt.Sscan(out.String(), &before, &during, &after); err != nil {
		t.Fatalf("child printed %q: %v", out.String(), err)
	}
	page := os.Getpagesize() / 1024
	t.Logf("VmLck before %d kB, open %d kB, closed %d kB", before, during, after)
	if during < before+page {
		t.Errorf("VmLck while the vault is open: got %d kB, want at least %d kB (%d before, plus the key's page)", during, before+page, before)
	}
	if after != before {
		t.Errorf("VmLck after Close: got %d kB, want %d kB as before opening", after, before)
	}
}

// A failure to lock is reported once, without anything secret, and the
// vault works on.
func TestMemlockFailureWarnsOnce(t *testing.T) {
	realLock, realOut := mlock, memlockWarnings
	defer func() {
		mlock, memlockWarnings = realLock, realOut
		pinned.Lock()
		pinned.warned = false
		pinned.Unlock()
	}()
	var warnings bytes.Buffer
	mlock = func([]byte) error { return fmt.Errorf("cannot allocate memory") }
	memlockWarnings = &warnings
	pinned.Lock()
	pinned.warned = false
	pinned.Unlock()

	v, path, _ := newSavedVault(t)
	key := fmt.Sprintf("%x", v.dataKey)
	v.Close()
	for range 2 {
		v, err := open(path, testPassword, testOptions())
		if err != nil {
			t.Fatalf("open with mlock failing: %v", err)
		}
		if got := v.Accounts()[0].Key.Code(t59); got != "94287082" {
			t.Errorf("code with mlock failing: got %s, want 94287082", got)
		}
		v.Close()
	}
	w := warnings.String()
	if strings.Count(w, "\n") != 1 || !strings.Contains(w, "locking memory failed") || !strings.Contains(w, "ulimit -l") {
		t.Errorf("warnings: got %q, want one line saying locking failed and what to do", w)
	}
	for _, secret := range []string{string(testPassword), key, key[:16]} {
		if strings.Contains(w, secret) {
			t.Errorf("the warning %q quotes a secret", w)
		}
	}
}

// Buffers sharing a page keep it locked until the last is released.
func TestLockedPagesAreCounted(t *testing.T) {
	page := make([]byte, 2*os.Getpagesize())
	// Two buffers on the page after the one page starts on.
	p := (uintptr(unsafe.Pointer(&page[0])) + pageSize) &^ (pageSize - 1)
	off := int(p - uintptr(unsafe.Pointer(&page[0])))
	a, b := page[off:off+16], page[off+100:off+116]
	count := func() int {
		pinned.Lock()
		defer pinned.Unlock()
		return pinned.pages[p]
	}
	unlockA := lockMemory(a)
	unlockB := lockMemory(b)
	if n := count(); n != 2 {
		t.Fatalf("two buffers on one page: got count %d, want 2", n)
	}
	unlockA()
	unlockA() // a second call does nothing
	if n := count(); n != 1 {
		t.Fatalf("after releasing one of two: got count %d, want 1", n)
	}
	unlockB()
	if n := count(); n != 0 {
		t.Fatalf("after releasing both: got count %d, want 0", n)
	}
}
