package vault

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// smallVault is the bytes of a saved vault with one account and cheap
// parameters, and the same vault as it would be read.
func smallVault(t testing.TB) []byte {
	t.Helper()
	v, path, _ := newTestVault(t)
	mustAdd(t, v, Account{Key: rfcKey(), Note: "n"})
	mustSave(t, v)
	v.Close()
	return mustRead(t, path)
}

// Offsets in a file whose first slot is the password slot.
const (
	offVersion   = len(magic)
	offCount     = prefixSize - 1
	offPwSlot    = prefixSize
	offPwSalt    = offPwSlot + 1
	offPwParams  = offPwSalt + saltSize
	offPwNonce   = offPwParams + 9
	offCodeSlots = offPwSlot + passwordSlotSz
)

func fixChecksum(b []byte) {
	sum := sha256.Sum256(b[:len(b)-checksumSize])
	copy(b[len(b)-checksumSize:], sum[:])
}

var errKinds = []error{ErrCorrupt, ErrNewerVersion, ErrHostileParams, ErrWrongPassword}

func kindOf(err error) error {
	for _, k := range errKinds {
		if errors.Is(err, k) {
			return k
		}
	}
	return err
}

func versionKind(b []byte) error {
	if binary.BigEndian.Uint16(b[offVersion:]) > formatVersion {
		return ErrNewerVersion
	}
	return ErrCorrupt
}

// Flip every bit of a small vault. With the checksum left as it is, every
// flip outside the version is plain corruption, found before any KDF.
func TestTamperEveryBitIsCorrupt(t *testing.T) {
	orig := smallVault(t)
	before := kdfRuns.Load()
	b := make([]byte, len(orig))
	for i := range orig {
		for bit := range 8 {
			copy(b, orig)
			b[i] ^= 1 << bit
			_, _, err := decryptFile(b, testPassword, testLimits)
			want := ErrCorrupt
			if i == offVersion || i == offVersion+1 {
				want = versionKind(b)
			}
			if got := kindOf(err); got != want {
				t.Fatalf("byte %d bit %d: got %v, want %v", i, bit, err, want)
			}
		}
	}
	if n := kdfRuns.Load() - before; n != 0 {
		t.Fatalf("damaged files ran the KDF %d times, want 0: damage must be caught first", n)
	}
}

// A deliberate edit recomputes the unkeyed checksum. Then the keyed checks
// must catch it: slot fields fail to unwrap (wrong password), everything
// else fails the payload's authentication, which covers the whole header.
func TestTamperEveryBitWithChecksumFixed(t *testing.T) {
	orig := smallVault(t)
	b := make([]byte, len(orig))
	body := len(orig) - checksumSize
	for i := range body {
		for bit := range 8 {
			copy(b, orig)
			b[i] ^= 1 << bit
			fixChecksum(b)
			_, _, err := decryptFile(b, testPassword, testLimits)
			got := kindOf(err)
			var ok bool
			switch {
			case i < offCount:
				ok = got == versionKind(b) || i < offVersion && got == ErrCorrupt
			case i == offCount, i == offPwSlot:
				ok = got == ErrCorrupt
			case i >= offPwParams && i < offPwNonce:
				ok = got == ErrWrongPassword || got == ErrHostileParams
			case i > offPwSlot && i < offCodeSlots:
				ok = got == ErrWrongPassword
			default: // backup-code slots and the payload
				ok = got == ErrCorrupt
			}
			if !ok {
				t.Fatalf("byte %d bit %d: got %v", i, bit, err)
			}
		}
	}
}

func TestTruncateAtEveryLength(t *testing.T) {
	orig := smallVault(t)
	for n := range len(orig) {
		_, _, err := decryptFile(orig[:n], testPassword, testLimits)
		if got := kindOf(err); got != ErrCorrupt {
			t.Fatalf("truncated to %d of %d bytes: got %v, want %v", n, len(orig), err, ErrCorrupt)
		}
	}
	_, _, err := decryptFile(append(orig, 0), testPassword, testLimits)
	wantErr(t, "one byte appended", err, ErrCorrupt)
	if _, _, err := decryptFile(orig, testPassword, testLimits); err != nil {
		t.Fatalf("the untouched file: %v", err)
	}
}

// hostile returns orig with the password slot's parameters replaced and
// the checksum fixed: a well-formed file asking for p.
func hostile(orig []byte, p Params) []byte {
	b := append([]byte(nil), orig...)
	binary.BigEndian.PutUint32(b[offPwParams:], p.Memory)
	binary.BigEndian.PutUint32(b[offPwParams+4:], p.Time)
	b[offPwParams+8] = p.Threads
	fixChecksum(b)
	return b
}

// flipped is orig with the byte at off changed (its low bit) and the
// checksum fixed, so only what is behind the checksum can notice.
func flipped(orig []byte, off int) []byte {
	b := append([]byte(nil), orig...)
	b[off] ^= 1
	fixChecksum(b)
	return b
}

// withVersion is orig claiming format version v, checksum fixed.
func withVersion(orig []byte, v uint16) []byte {
	b := append([]byte(nil), orig...)
	binary.BigEndian.PutUint16(b[offVersion:], v)
	fixChecksum(b)
	return b
}

var hostileCases = []Params{
	{Memory: 0xffffffff, Time: 3, Threads: 4},       // 4 TiB
	{Memory: MaxMemory + 1024, Time: 3, Threads: 4}, // just above the cap
	{Memory: 64 << 10, Time: 0xffffffff, Threads: 4},
	{Memory: 64 << 10, Time: MaxTime + 1, Threads: 4},
	{Memory: 0xffffffff, Time: 0xffffffff, Threads: 255},
	{Memory: 64 << 10, Time: 3, Threads: 0},
	{Memory: 64 << 10, Time: 0, Threads: 4},
	{Memory: 16, Time: 3, Threads: 4},       // below argon2's 8 KiB per lane
	{Memory: 32 << 10, Time: 3, Threads: 4}, // below Latchkey's floor
	{Memory: 64 << 10, Time: 2, Threads: 4},
	{Memory: 64 << 10, Time: 3, Threads: 1},
	{Memory: 4 << 20, Time: 64, Threads: 4},      // issue 11: once 221 s, then "wrong password"
	{Memory: 2 * MaxMemory, Time: 3, Threads: 4}, // more memory than Calibrate ever takes
	{Memory: 64 << 10, Time: 3, Threads: 5},      // more lanes than Latchkey writes
}

// Through the exported Open, with the real limits: refused before the KDF.
func TestHostileParamsRefused(t *testing.T) {
	orig := smallVault(t)
	path := t.TempDir() + "/hostile.latchkey"
	before := kdfRuns.Load()
	for _, p := range hostileCases {
		b := hostile(orig, p)
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := Open(path, testPassword)
		wantErr(t, p.String(), err, ErrHostileParams)
	}
	if n := kdfRuns.Load() - before; n != 0 {
		t.Fatalf("hostile files ran the KDF %d times, want 0", n)
	}
}

// A vault or backup asking for more work than Latchkey ever writes is
// refused as damaged, not as a wrong password, and at once: before the caps
// matched what Calibrate chooses, a 1.4 KB file asking for 4 GiB and 64
// passes ran for 221 s. The bound is a generous regression guard (refusing
// takes well under a millisecond), not a speed target.
func TestHostileCostRefusedAtOnce(t *testing.T) {
	orig := smallVault(t)
	dir := t.TempDir()
	for _, p := range []Params{{Memory: 4 << 20, Time: 64, Threads: 4}, {Memory: MaxMemory, Time: MaxTime + 1, Threads: 4}} {
		path := filepath.Join(dir, "hostile.latchkey")
		if err := os.WriteFile(path, hostile(orig, p), 0o600); err != nil {
			t.Fatal(err)
		}
		before := kdfRuns.Load()
		start := time.Now()
		_, errOpen := Open(path, testPassword)
		_, errBackup := OpenBackup(path, testPassword)
		_, errRead := ReadBackup(hostile(orig, p), testPassword)
		elapsed := time.Since(start)
		for what, err := range map[string]error{"Open": errOpen, "OpenBackup": errBackup, "ReadBackup": errRead} {
			wantErr(t, what+" "+p.String(), err, ErrHostileParams)
			if errors.Is(err, ErrWrongPassword) || !strings.Contains(err.Error(), "damaged or was made by something else") {
				t.Errorf("%s %v: got %q, want it to say the file is damaged or made by something else", what, p, err)
			}
		}
		if n := kdfRuns.Load() - before; n != 0 {
			t.Errorf("%v: the KDF ran %d times, want 0", p, n)
		}
		if elapsed > time.Second {
			t.Errorf("%v: refusing took %v, want well under a second", p, elapsed)
		}
	}
}

// Whatever a machine measures, Calibrate's extrapolation (also used to
// upgrade a slot on unlock) stays within the caps a reader enforces: a
// vault made on the fastest machine still opens everywhere.
func TestCalibrationWithinCaps(t *testing.T) {
	for _, elapsed := range []time.Duration{time.Nanosecond, time.Microsecond, time.Millisecond, 50 * time.Millisecond, time.Second} {
		for _, p := range []Params{FloorParams, {Memory: MaxMemory / 2, Time: 3, Threads: 4}, {Memory: MaxMemory, Time: 3, Threads: 4}, {Memory: MaxMemory, Time: MaxTime, Threads: 4}} {
			got := scale(p, elapsed, DefaultUnlockTime)
			if err := strictLimits.check(got); err != nil {
				t.Errorf("scale(%v, %v): got %v, which a reader refuses: %v", p, elapsed, got, err)
			}
		}
	}
}

func TestLimitsAcceptTheFloorAndCaps(t *testing.T) {
	for _, p := range []Params{FloorParams, {Memory: MaxMemory, Time: MaxTime, Threads: MaxThreads}} {
		if err := strictLimits.check(p); err != nil {
			t.Errorf("%v: got %v, want accepted", p, err)
		}
	}
}

func FuzzParseContainer(f *testing.F) {
	orig := smallVault(f)
	f.Add(orig)
	f.Add(orig[:prefixSize+10])
	f.Add(orig[:len(orig)-checksumSize])
	f.Add(hostile(orig, Params{Memory: 0xffffffff, Time: 1, Threads: 1}))
	f.Fuzz(func(t *testing.T, b []byte) {
		// As given, and with a valid checksum appended so the fuzzer gets
		// past the checksum into the structure.
		sum := sha256.Sum256(b)
		for _, in := range [][]byte{b, append(b[:len(b):len(b)], sum[:]...)} {
			c, err := parseContainer(in, testLimits)
			if err != nil {
				if k := kindOf(err); k != ErrCorrupt && k != ErrNewerVersion && k != ErrHostileParams {
					t.Fatalf("got %v, want one of the sentinels", err)
				}
				continue
			}
			// One encoding per container: no malleability.
			if got := c.bytes(); string(got) != string(in) {
				t.Fatalf("parse then encode: got %d bytes, want the %d read", len(got), len(in))
			}
		}
	})
}

func FuzzDecrypt(f *testing.F) {
	orig := smallVault(f)
	f.Add(orig)
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _, err := decryptFile(b, testPassword, testLimits)
		if err != nil {
			found := false
			for _, k := range errKinds {
				found = found || errors.Is(err, k)
			}
			if !found {
				t.Fatalf("got %v, want one of the sentinels", err)
			}
		}
	})
}
