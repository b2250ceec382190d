package vault

import (
	"bufio"
	"encoding/binary"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Golden files of every released format version live in testdata/golden,
// with the outcome each must give in expected.txt. They are never deleted
// or regenerated: a format change that breaks one breaks users' vaults.
// -golden writes the files of the current version that do not exist yet
// and appends their lines to expected.txt. The files of version 1 were
// written by version 1's writer, which no longer exists.
var writeGolden = flag.Bool("golden", false, "write missing golden vault files of this format version")

const goldenDir = "testdata/golden"

var goldenPassword = "correct horse battery staple"

// goldenOldPassword is the password of the version-2 golden vault before
// its password (and so its data key) was changed.
const goldenOldPassword = "the password before the change"

// goldenOptions are the options golden files of a version are written with
// (the floor KDF), when -golden asks for them and marker, the version's
// last file, is not there yet; otherwise the test is skipped.
func goldenOptions(t *testing.T, version int, marker string) options {
	t.Helper()
	if !*writeGolden {
		t.Skip("run with -golden to write missing golden files")
	}
	if Exists(filepath.Join(goldenDir, marker)) {
		t.Skipf("golden files of version %d exist; they are never rewritten", version)
	}
	o := defaultOptions()
	o.params = &FloorParams
	o.unlockTarget = 0
	return o
}

func TestWriteGolden(t *testing.T) {
	o := goldenOptions(t, 2, "v2-rekeyed.latchkey")
	fixed := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)
	o.now = func() time.Time { return fixed }
	dir := t.TempDir()

	// A vault whose password was changed: its data key changed, its
	// version-2 code slots were re-wrapped and the old key is an earlier key.
	tmp := filepath.Join(dir, "v.latchkey")
	v, codes, err := create(tmp, []byte(goldenOldPassword), o)
	if err != nil {
		t.Fatal(err)
	}
	h := hotpKey()
	h.Counter = 1
	mustAdd(t, v, Account{Key: rfcKey(), Tags: []string{"rfc"}, Note: "RFC 6238 appendix B"},
		Account{Key: h, BackupCodes: []ServiceCode{{Code: "1111-2222", Used: true, UsedAt: fixed}}})
	mustSave(t, v)
	if fresh, err := v.SetPassword([]byte(goldenPassword)); err != nil || fresh != nil {
		t.Fatalf("SetPassword: got new codes %v, %v; want the old ones kept", fresh, err)
	}
	v.Close()
	good := mustRead(t, tmp)

	// A version-1 file saved by this version: upgraded, its version-1 code
	// slots carried as they are.
	up := filepath.Join(dir, "up.latchkey")
	if err := os.WriteFile(up, mustRead(t, filepath.Join(goldenDir, "v1-floor.latchkey")), 0o600); err != nil {
		t.Fatal(err)
	}
	uv, err := open(up, []byte(goldenPassword), o)
	if err != nil {
		t.Fatal(err)
	}
	uv.dirty = true
	mustSave(t, uv)
	uv.Close()
	upgraded := mustRead(t, up)
	if binary.BigEndian.Uint16(upgraded[offVersion:]) != 2 {
		t.Fatal("the upgraded file is not of version 2")
	}

	write := func(name string, b []byte) {
		if err := os.WriteFile(filepath.Join(goldenDir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("v2-rekeyed.latchkey", good)
	write("v2-upgraded-from-v1.latchkey", upgraded)
	write("v2-tampered-payload.latchkey", flipped(good, len(good)-checksumSize-1))
	// The last code slot's public key edited, checksum fixed: that code
	// opens nothing, and the password finds the header edited.
	write("v2-code-slot-edited.latchkey", flipped(good, offCodeSlots+(BackupCodeCount-1)*codeSlotSz+1+saltSize))
	write("v2-hostile-passes.latchkey", hostile(good, Params{Memory: FloorParams.Memory, Time: MaxTime + 1, Threads: 4}))
	write("v2-newer-version.latchkey", withVersion(good, 0xffff)) // newer than any reader will be

	exp := strings.Join([]string{
		"v2-rekeyed.latchkey\tpassword\t" + goldenPassword + "\tok",
		"v2-rekeyed.latchkey\tpassword\t" + goldenOldPassword + "\twrong-password",
		"v2-rekeyed.latchkey\tcode\t" + codes[0] + "\tok",
		"v2-rekeyed.latchkey\tcode\t" + strings.ToLower(codes[9]) + "\tok",
		"v2-rekeyed.latchkey\tcode\t0000-0000-0000-0000-0000-0000-0000\twrong-code",
		"v2-upgraded-from-v1.latchkey\tpassword\t" + goldenPassword + "\tok",
		"v2-upgraded-from-v1.latchkey\tcode\tWQNA-5D73-AW1S-K3KD-N7C9-Z05V-GPBM\tok",
		"v2-upgraded-from-v1.latchkey\tcode\tQW56-QQXY-D58Y-M6FT-3TQQ-QV6Z-266S\tok",
		"v2-tampered-payload.latchkey\tpassword\t" + goldenPassword + "\tcorrupt",
		"v2-code-slot-edited.latchkey\tpassword\t" + goldenPassword + "\tcorrupt",
		"v2-code-slot-edited.latchkey\tcode\t" + codes[9] + "\twrong-code",
		"v2-code-slot-edited.latchkey\tcode\t" + codes[0] + "\tcorrupt",
		"v2-hostile-passes.latchkey\tpassword\t" + goldenPassword + "\thostile-params",
		"v2-newer-version.latchkey\tpassword\t" + goldenPassword + "\tnewer-version",
	}, "\n") + "\n"
	f, err := os.OpenFile(filepath.Join(goldenDir, "expected.txt"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(exp); err != nil {
		t.Fatal(err)
	}
}

var goldenOutcomes = map[string]error{
	"wrong-password": ErrWrongPassword,
	"corrupt":        ErrCorrupt,
	"hostile-params": ErrHostileParams,
	"newer-version":  ErrNewerVersion,
	"wrong-code":     ErrWrongBackupCode,
	"code-typo":      ErrBackupCodeTypo,
}

func TestGolden(t *testing.T) {
	f, err := os.Open(filepath.Join(goldenDir, "expected.txt"))
	if err != nil {
		t.Fatalf("golden files missing: %v", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	cases := 0
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		parts := strings.Split(line, "\t")
		if len(parts) != 4 {
			t.Fatalf("expected.txt: bad line %q", line)
		}
		name, kind, secret, outcome := parts[0], parts[1], parts[2], parts[3]
		cases++
		t.Run(name+"/"+kind+"/"+outcome, func(t *testing.T) {
			// Work on a copy: opening may upgrade and save.
			path := filepath.Join(t.TempDir(), name)
			if err := os.WriteFile(path, mustRead(t, filepath.Join(goldenDir, name)), 0o600); err != nil {
				t.Fatal(err)
			}
			o := defaultOptions()
			o.unlockTarget = 0 // the exported limits, without the upgrade
			var v *Vault
			var err error
			if kind == "code" {
				v, err = openWithBackupCode(path, secret, o)
			} else {
				v, err = open(path, []byte(secret), o)
			}
			if outcome != "ok" {
				want, known := goldenOutcomes[outcome]
				if !known {
					t.Fatalf("unknown outcome %q", outcome)
				}
				wantErr(t, name, err, want)
				return
			}
			if err != nil {
				t.Fatalf("got %v, want it to open", err)
			}
			defer v.Close()
			checkGoldenContent(t, v)
		})
	}
	if cases == 0 {
		t.Fatal("expected.txt lists no cases")
	}
}

// checkGoldenContent checks the accounts against the RFC test vectors they
// were made from: an independent source of truth.
func checkGoldenContent(t *testing.T, v *Vault) {
	t.Helper()
	a := v.Accounts()
	if len(a) != 2 {
		t.Fatalf("got %d accounts, want 2", len(a))
	}
	if got := a[0].Key.Code(t59); got != "94287082" {
		t.Errorf("TOTP at t=59: got %s, want 94287082 (RFC 6238)", got)
	}
	if got := a[1].Key.Code(time.Time{}); got != "287082" {
		t.Errorf("HOTP at counter 1: got %s, want 287082 (RFC 4226)", got)
	}
	if a[0].Key.Issuer != "Example" || a[0].Key.Name != "alice@example.com" || a[0].Note != "RFC 6238 appendix B" {
		t.Errorf("account 0: got %q %q %q", a[0].Key.Issuer, a[0].Key.Name, a[0].Note)
	}
	if len(a[1].BackupCodes) != 1 || !a[1].BackupCodes[0].Used || a[1].BackupCodes[0].Code != "1111-2222" {
		t.Errorf("service backup codes: got %+v", a[1].BackupCodes)
	}
	if s := v.Settings(); s != DefaultSettings() {
		t.Errorf("settings: got %+v, want %+v", s, DefaultSettings())
	}
	if p := v.PasswordParams(); p != FloorParams {
		t.Errorf("params: got %v, want %v", p, FloorParams)
	}
}

// An unlock that took half the target re-wraps the password slot at twice
// the memory and saves it; the vault then opens with the same
// password at the new parameters.
func TestUnlockUpgradesWeakParams(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v.latchkey")
	if err := os.WriteFile(path, mustRead(t, filepath.Join(goldenDir, "v1-floor.latchkey")), 0o600); err != nil {
		t.Fatal(err)
	}
	o := defaultOptions()
	o.unlockTime = func(time.Duration) time.Duration { return o.unlockTarget / 2 }
	v, err := open(path, []byte(goldenPassword), o)
	if err != nil {
		t.Fatal(err)
	}
	p, dirty := v.PasswordParams(), v.Dirty()
	v.Close()
	want := Params{Memory: 2 * FloorParams.Memory, Time: FloorParams.Time, Threads: FloorParams.Threads}
	if p != want {
		t.Fatalf("got %v after opening, want %v", p, want)
	}
	if dirty {
		t.Fatal("upgrade was not saved: got Dirty true")
	}
	// A fast enough unlock is left alone.
	o.unlockTime = func(time.Duration) time.Duration { return o.unlockTarget * 3 / 4 }
	v, err = open(path, []byte(goldenPassword), o)
	if err != nil {
		t.Fatalf("open after the upgrade: %v", err)
	}
	if got := v.PasswordParams(); got != want {
		t.Errorf("second open changed parameters again: got %v, want %v", got, want)
	}
	v.Close()
	_, err = open(path, []byte("wrong"), o)
	wantErr(t, "wrong password after the upgrade", err, ErrWrongPassword)
}
