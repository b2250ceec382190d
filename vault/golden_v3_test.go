package vault

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The golden files of version 3: a vault two computers changed apart and
// merged (a removal, a password change, a recovery with a backup code),
// and its damaged and relabelled copies. Written once with -golden.
func TestWriteGoldenV3(t *testing.T) {
	o := goldenOptions(t, 3, "v3-synced.latchkey")
	o.stateDir = ""
	clock := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	o.now = func() time.Time { clock = clock.Add(time.Second); return clock }
	dir := t.TempDir()
	pa, pb := filepath.Join(dir, "a", "v.latchkey"), filepath.Join(dir, "b", "v.latchkey")

	a, codes, err := create(pa, []byte(goldenOldPassword), o)
	must(t, err)
	a.clock.node = 0xa
	h := hotpKey()
	h.Counter = 1
	gone := rfcKey()
	gone.Issuer, gone.Secret = "Removed", []byte("a removed account's secret")
	mustAdd(t, a, Account{Key: rfcKey(), Tags: []string{"rfc"}, Note: "RFC 6238 appendix B"},
		Account{Key: h, BackupCodes: []ServiceCode{{Code: "1111-2222", Used: true, UsedAt: clock}}},
		Account{ID: "removed", Key: gone})
	mustSave(t, a)
	must(t, copyFile(pa, pb))
	b, err := open(pb, []byte(goldenOldPassword), o)
	must(t, err)
	b.clock.node = 0xb
	if _, err := b.Delete("removed"); err != nil {
		t.Fatal(err)
	}
	mustSave(t, b)
	b.Close()
	if _, err := a.SetPassword([]byte(goldenPassword)); err != nil {
		t.Fatal(err)
	}
	if _, err := a.MergeCopy(mustRead(t, pb)); err != nil { // under an earlier key: no KDF
		t.Fatal(err)
	}
	mustSave(t, a)
	a.Close()
	// A recovery with a code: that code's slot is gone for good.
	a, err = openWithBackupCode(pa, codes[1], o)
	must(t, err)
	if _, err := a.SetPassword([]byte(goldenPassword)); err != nil {
		t.Fatal(err)
	}
	if len(a.earlierKeys) != 2 || len(a.dead) != 1 || len(a.usedCodes) != 1 {
		t.Fatalf("got %d earlier keys, %d removed, %d used codes; want 2, 1, 1", len(a.earlierKeys), len(a.dead), len(a.usedCodes))
	}
	a.Close()
	good := mustRead(t, pa)
	if binary.BigEndian.Uint16(good[offVersion:]) != 3 {
		t.Fatal("not a version-3 file")
	}

	// The version-2 golden file saved by this version.
	up := filepath.Join(dir, "up.latchkey")
	must(t, os.WriteFile(up, mustRead(t, filepath.Join(goldenDir, "v2-rekeyed.latchkey")), 0o600))
	uv, err := open(up, []byte(goldenPassword), o)
	must(t, err)
	uv.dirty = true
	mustSave(t, uv)
	uv.Close()

	write := func(name string, b []byte) {
		must(t, os.WriteFile(filepath.Join(goldenDir, name), b, 0o644))
	}
	write("v3-synced.latchkey", good)
	write("v3-upgraded-from-v2.latchkey", mustRead(t, up))
	write("v3-tampered-payload.latchkey", flipped(good, len(good)-checksumSize-1))
	write("v3-truncated.latchkey", good[:len(good)-100])
	write("v3-newer-version.latchkey", withVersion(good, 4)) // the next version

	exp := strings.Join([]string{
		"v3-synced.latchkey\tpassword\t" + goldenPassword + "\tok",
		"v3-synced.latchkey\tpassword\t" + goldenOldPassword + "\twrong-password",
		"v3-synced.latchkey\tcode\t" + codes[0] + "\tok",
		"v3-synced.latchkey\tcode\t" + codes[1] + "\twrong-code",
		"v3-synced.latchkey\tcode\t" + strings.ToLower(codes[9]) + "\tok",
		"v3-upgraded-from-v2.latchkey\tpassword\t" + goldenPassword + "\tok",
		"v3-upgraded-from-v2.latchkey\tcode\tB0M3-HKES-JH4Q-M57Q-8DX8-7HFR-0K3G\tok",
		"v3-tampered-payload.latchkey\tpassword\t" + goldenPassword + "\tcorrupt",
		"v3-truncated.latchkey\tpassword\t" + goldenPassword + "\tcorrupt",
		"v3-newer-version.latchkey\tpassword\t" + goldenPassword + "\tnewer-version",
	}, "\n") + "\n"
	f, err := os.OpenFile(filepath.Join(goldenDir, "expected.txt"), os.O_APPEND|os.O_WRONLY, 0)
	must(t, err)
	defer f.Close()
	if _, err := f.WriteString("# Version 3: v3-synced.latchkey was changed on two computers and merged:\n# an account removed on one, a password change and a recovery with a code\n# on the other. v3-newer-version.latchkey is it relabelled version 4.\n" + exp); err != nil {
		t.Fatal(err)
	}
}

// What the merged golden file keeps besides its accounts: the removed
// account as a tombstone, the two data keys it had before, the used code;
// and merging an older copy of it changes nothing shown.
func TestGoldenV3Bookkeeping(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v.latchkey")
	must(t, os.WriteFile(path, mustRead(t, filepath.Join(goldenDir, "v3-synced.latchkey")), 0o600))
	o := defaultOptions()
	o.unlockTarget, o.stateDir = 0, ""
	v, err := open(path, []byte(goldenPassword), o)
	must(t, err)
	defer v.Close()
	if len(v.dead) != 1 || v.dead["removed"] == nil || len(v.earlierKeys) != 2 || len(v.usedCodes) != 1 {
		t.Fatalf("got %d removed, %d earlier keys, %d used codes; want the one removed, 2, 1", len(v.dead), len(v.earlierKeys), len(v.usedCodes))
	}
	if v.BackupCodesLeft() != BackupCodeCount-1 {
		t.Errorf("got %d codes left, want %d", v.BackupCodesLeft(), BackupCodeCount-1)
	}
	runs := kdfRuns.Load()
	for _, old := range []string{"v3-synced.latchkey", "v3-upgraded-from-v2.latchkey"} {
		ch, err := v.MergeCopy(mustRead(t, filepath.Join(goldenDir, old)))
		if old == "v3-synced.latchkey" && (err != nil || !ch.Empty()) {
			t.Errorf("merging itself: got %v, %v; want no changes", ch, err)
		}
		if old != "v3-synced.latchkey" {
			wantErr(t, "another vault", err, ErrUnknownKey)
		}
	}
	if kdfRuns.Load() != runs {
		t.Error("merging ran the KDF")
	}
	checkGoldenContent(t, v)
}

// Files of versions 1 and 2 are written as version 3 by their first save,
// and still open with their password and codes.
func TestUpgradeToVersion3(t *testing.T) {
	for name, code := range map[string]string{
		"v1-floor.latchkey":   "QW56-QQXY-D58Y-M6FT-3TQQ-QV6Z-266S",
		"v2-rekeyed.latchkey": "B0M3-HKES-JH4Q-M57Q-8DX8-7HFR-0K3G",
	} {
		path := filepath.Join(t.TempDir(), name)
		must(t, os.WriteFile(path, mustRead(t, filepath.Join(goldenDir, name)), 0o600))
		o := defaultOptions()
		o.unlockTarget, o.stateDir = 0, ""
		v, err := open(path, []byte(goldenPassword), o)
		must(t, err)
		if b := mustRead(t, path); binary.BigEndian.Uint16(b[offVersion:]) != binary.BigEndian.Uint16(mustRead(t, filepath.Join(goldenDir, name))[offVersion:]) {
			t.Errorf("%s: opening changed the file's version", name)
		}
		v.dirty = true
		mustSave(t, v)
		v.Close()
		if got := binary.BigEndian.Uint16(mustRead(t, path)[offVersion:]); got != 3 {
			t.Errorf("%s: saved as version %d, want 3", name, got)
		}
		cv, err := openWithBackupCode(path, code, o)
		if err != nil {
			t.Fatalf("%s: a code after the upgrade: %v", name, err)
		}
		cv.Close()
		v, err = open(path, []byte(goldenPassword), o)
		must(t, err)
		checkGoldenContent(t, v)
		v.Close()
	}
}
