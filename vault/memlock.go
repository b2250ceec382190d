package vault

import (
	"fmt"
	"io"
	"os"
	"sync"
	"unsafe"
)

// The decrypted payload and the data key are kept out of swap where the
// system allows (mlock), so they never reach the disk unencrypted. This is
// best effort: a failure, such as a locked-memory limit too small, is
// reported once and the vault works on.
//
// mlock works on whole pages and does not nest, so the locked pages are
// counted: a page is unlocked when the last buffer on it is released.
var pinned struct {
	sync.Mutex
	pages  map[uintptr]int
	warned bool
}

// memlockWarnings receives the one warning; tests replace it.
var memlockWarnings io.Writer = os.Stderr

var pageSize = uintptr(os.Getpagesize())

// lockMemory keeps b in RAM until the returned function runs (once; more
// calls do nothing). It never fails: without mlock b is merely unlocked.
func lockMemory(b []byte) (unlock func()) {
	if len(b) == 0 {
		return func() {}
	}
	start := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	first, last := start&^(pageSize-1), (start+uintptr(len(b))-1)&^(pageSize-1)
	pinned.Lock()
	defer pinned.Unlock()
	if err := mlock(b); err != nil {
		if !pinned.warned {
			pinned.warned = true
			fmt.Fprintf(memlockWarnings, "latchkey: warning: the decrypted vault may be written to swap: locking memory failed (%v); raise the locked-memory limit (ulimit -l)\n", err)
		}
		return func() {}
	}
	if pinned.pages == nil {
		pinned.pages = map[uintptr]int{}
	}
	for p := first; p <= last; p += pageSize {
		pinned.pages[p]++
	}
	var once sync.Once
	return func() {
		once.Do(func() {
			pinned.Lock()
			defer pinned.Unlock()
			for p := first; p <= last; p += pageSize {
				if pinned.pages[p]--; pinned.pages[p] > 0 {
					continue
				}
				delete(pinned.pages, p)
				// munlock takes whole pages: one byte of b on page p
				// unlocks exactly p.
				off := 0
				if p > start {
					off = int(p - start)
				}
				munlock(b[off : off+1])
			}
		})
	}
}

// newKeyBuffer returns a buffer for a key on a page of its own, so that
// locking it keeps nothing else in RAM and unlocking it unlocks nothing else.
func newKeyBuffer(n int) []byte {
	return make([]byte, max(int(pageSize), n))[:n:n]
}

// pinKey keeps the data key out of swap until Close: it moves v.dataKey to
// a page of its own and locks that. Call it whenever v.dataKey is replaced.
func (v *Vault) pinKey() {
	v.unpinKey()
	k := newKeyBuffer(len(v.dataKey))
	copy(k, v.dataKey)
	clear(v.dataKey)
	v.dataKey = k
	v.keyUnlock = lockMemory(k)
}

// unpinKey releases what pinKey locked; v.dataKey should be cleared first.
func (v *Vault) unpinKey() {
	if v.keyUnlock != nil {
		v.keyUnlock()
		v.keyUnlock = nil
	}
}
