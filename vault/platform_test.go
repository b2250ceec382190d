package vault

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// The lock contract every platform's lockFile keeps (flock on Unix,
// LockFileEx on Windows): a second lock on the same path fails with
// ErrLocked, even from the same process, and unlocking or closing frees it.
func TestLockFileContract(t *testing.T) {
	path := filepath.Join(t.TempDir(), "vault.latchkey")
	first, err := lockFile(path)
	if err != nil {
		t.Fatalf("first lock: %v", err)
	}
	_, err = lockFile(path)
	wantErr(t, "second lock while the first is held", err, ErrLocked)
	if err := unlockFile(first); err != nil {
		t.Fatalf("unlock: %v", err)
	}

	second, err := lockFile(path)
	if err != nil {
		t.Fatalf("lock after unlock: got %v, want success", err)
	}
	// Closing without unlocking (a crash) frees the lock too.
	second.Close()
	third, err := lockFile(path)
	if err != nil {
		t.Fatalf("lock after close: got %v, want success", err)
	}
	defer unlockFile(third)

	other, err := lockFile(filepath.Join(filepath.Dir(path), "other.latchkey"))
	if err != nil {
		t.Fatalf("lock on another vault in the same folder: got %v, want success", err)
	}
	unlockFile(other)
	if _, err := os.Stat(path + ".lock"); err != nil {
		t.Errorf("the lock file: got %v, want it kept", err)
	}
	if err := unlockFile(nil); err != nil {
		t.Errorf("unlockFile(nil): got %v, want nil", err)
	}
}

// The locked vault can still be read: Windows locks are mandatory, so they
// must sit on the sidecar, never on the vault a read-only command reads.
func TestLockLeavesVaultReadable(t *testing.T) {
	v, path, _ := newTestVault(t)
	defer v.Close()
	if _, err := (osFS{}).ReadFile(path); err != nil {
		t.Fatalf("reading the vault while it is locked: %v", err)
	}
}

// osFS's Rename replaces an existing file, and SyncDir succeeds on the
// folder that holds it, on each platform's implementation.
func TestOSRenameReplaces(t *testing.T) {
	dir := t.TempDir()
	from, to := filepath.Join(dir, "new"), filepath.Join(dir, "old")
	for p, s := range map[string]string{from: "new content", to: "old content"} {
		if err := os.WriteFile(p, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := (osFS{}).Rename(from, to); err != nil {
		t.Fatalf("rename over an existing file: %v", err)
	}
	if got := string(mustRead(t, to)); got != "new content" {
		t.Errorf("after rename: got %q, want %q", got, "new content")
	}
	if _, err := os.Stat(from); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the source after rename: got %v, want it gone", err)
	}
	if err := (osFS{}).SyncDir(dir); err != nil {
		t.Errorf("SyncDir: %v", err)
	}
	err := (osFS{}).Rename(filepath.Join(dir, "missing"), to)
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("rename of a missing file: got %v, want os.ErrNotExist", err)
	}
}

var errBusy = errors.New("busy")

func TestRetryBusy(t *testing.T) {
	errOther := errors.New("other")
	tests := []struct {
		name      string
		results   []error // what op returns on each call; the last repeats
		wantErr   error
		wantCalls int
		wantWaits []time.Duration
	}{
		{"success at once", []error{nil}, nil, 1, nil},
		{"other error at once", []error{errOther}, errOther, 1, nil},
		{"busy then success", []error{errBusy, errBusy, nil}, nil, 3, ms(5, 10)},
		{"busy then other", []error{errBusy, errOther}, errOther, 2, ms(5)},
		{"busy for ever", []error{errBusy}, errBusy, busyTries, ms(5, 10, 20, 40, 80, 160, 320)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			calls := 0
			var waits []time.Duration
			op := func() error {
				r := tt.results[min(calls, len(tt.results)-1)]
				calls++
				return r
			}
			err := retryBusy(op, func(err error) bool { return errors.Is(err, errBusy) }, func(d time.Duration) { waits = append(waits, d) })
			if !errors.Is(err, tt.wantErr) || (err == nil) != (tt.wantErr == nil) {
				t.Errorf("got error %v, want %v", err, tt.wantErr)
			}
			if calls != tt.wantCalls {
				t.Errorf("got %d calls, want %d", calls, tt.wantCalls)
			}
			want := tt.wantWaits
			if len(waits) != len(want) {
				t.Fatalf("got waits %v, want %v", waits, want)
			}
			for i := range want {
				if waits[i] != want[i] {
					t.Errorf("wait %d: got %v, want %v", i, waits[i], want[i])
				}
			}
		})
	}
}

func ms(n ...int) []time.Duration {
	var d []time.Duration
	for _, v := range n {
		d = append(d, time.Duration(v)*time.Millisecond)
	}
	return d
}
