package vault

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// oldKeyMaterial is everything an attacker holding an old copy of the file
// and its old password (or one of its codes) can derive: the data key and
// the password slot's wrapping key.
type oldKeyMaterial struct {
	dataKey, kek []byte
}

func keyMaterial(t *testing.T, file, password []byte) oldKeyMaterial {
	t.Helper()
	c, err := parseContainer(file, testLimits)
	if err != nil {
		t.Fatal(err)
	}
	dk, kek, _, _, err := c.unlockPassword(password)
	if err != nil {
		t.Fatalf("the old copy with the old password: %v", err)
	}
	return oldKeyMaterial{dk, kek}
}

func codeKeyMaterial(t *testing.T, file []byte, code string) oldKeyMaterial {
	t.Helper()
	c, err := parseContainer(file, testLimits)
	if err != nil {
		t.Fatal(err)
	}
	bits, err := parseBackupCode(code)
	if err != nil {
		t.Fatal(err)
	}
	dk, _, err := c.unlockCode(bits)
	if err != nil {
		t.Fatalf("the old copy with the code: %v", err)
	}
	return oldKeyMaterial{dataKey: dk}
}

// mustNotOpen tries the old key material on every part of the new file:
// the payload, and every slot with the old wrapping key.
func (m oldKeyMaterial) mustNotOpen(t *testing.T, what string, file []byte) {
	t.Helper()
	c, err := parseContainer(file, testLimits)
	if err != nil {
		t.Fatal(err)
	}
	if pt, err := c.openPayload(m.dataKey); err == nil {
		t.Fatalf("%s: the old data key decrypts the new file's payload (%d bytes)", what, len(pt))
	}
	for i, s := range c.slots {
		if m.kek == nil {
			break
		}
		if _, err := s.unwrap(m.kek); err == nil {
			t.Fatalf("%s: the old password's wrapping key opens slot %d of the new file", what, i)
		}
	}
}

// The attack of issue 11: a password change only re-wrapped the data key,
// so a copy of the vault from before the change, opened with the old
// password, gave the key that decrypts the vault as it is now, accounts
// added after the change included.
func TestPasswordChangeMakesANewKey(t *testing.T) {
	v, path, codes := newSavedVault(t)
	oldCopy := mustRead(t, path)
	old := keyMaterial(t, oldCopy, testPassword)

	newPW := []byte("a new password")
	fresh, err := v.SetPassword(newPW)
	if err != nil || fresh != nil {
		t.Fatalf("SetPassword: got codes %v, %v; want no new codes", fresh, err)
	}
	mustAdd(t, v, Account{Key: hotpKey()}) // added after the change
	mustSave(t, v)
	v.Close()
	now := mustRead(t, path)

	old.mustNotOpen(t, "after the password change", now)
	_, _, err = decryptFile(now, testPassword, testLimits)
	wantErr(t, "old password on the new file", err, ErrWrongPassword)
	accounts, _, err := decryptFile(now, newPW, testLimits)
	if err != nil || len(accounts) != 2 {
		t.Fatalf("new password: got %d accounts, %v; want 2", len(accounts), err)
	}
	// The backup codes followed the new key, and open the new file.
	for _, code := range []string{codes[0], codes[BackupCodeCount-1]} {
		cv := openCode(t, path, code)
		if n := len(cv.Accounts()); n != 2 {
			t.Errorf("code after the change: got %d accounts, want 2", n)
		}
		cv.Close()
	}
	// Copies made before still open with the old password: the message
	// the user gets says so.
	if _, _, err := decryptFile(oldCopy, testPassword, testLimits); err != nil {
		t.Errorf("the old copy with the old password: %v", err)
	}
}

// Recovering with a backup code ends in a new password and a new key: the
// used code with an old copy gives nothing about the vault from then on.
func TestRecoveryMakesANewKey(t *testing.T) {
	v, path, codes := newSavedVault(t)
	v.Close()
	oldCopy := mustRead(t, path)
	byCode := codeKeyMaterial(t, oldCopy, codes[2])
	byPassword := keyMaterial(t, oldCopy, testPassword)

	v = openCode(t, path, codes[2])
	if _, err := v.SetPassword([]byte("after recovery")); err != nil {
		t.Fatal(err)
	}
	mustAdd(t, v, Account{Key: hotpKey()})
	mustSave(t, v)
	left := v.BackupCodesLeft()
	v.Close()
	now := mustRead(t, path)
	byCode.mustNotOpen(t, "after recovery, the used code's key", now)
	byPassword.mustNotOpen(t, "after recovery, the old password's keys", now)
	if left != BackupCodeCount-1 {
		t.Errorf("codes left: got %d, want %d", left, BackupCodeCount-1)
	}
	_, err := openWithBackupCode(path, codes[2], testOptions())
	wantErr(t, "the used code", err, ErrWrongBackupCode)
	openCode(t, path, codes[3]).Close()
}

// New backup codes make a new key too, keeping the password.
func TestRegenerateMakesANewKey(t *testing.T) {
	v, path, codes := newSavedVault(t)
	oldCopy := mustRead(t, path)
	old := keyMaterial(t, oldCopy, testPassword)
	old.kek = nil // the password stays: its slot opens the vault, as it should
	byCode := codeKeyMaterial(t, oldCopy, codes[0])

	fresh, err := v.RegenerateBackupCodes()
	if err != nil || len(fresh) != BackupCodeCount {
		t.Fatalf("got %d codes, %v; want %d", len(fresh), err, BackupCodeCount)
	}
	mustAdd(t, v, Account{Key: hotpKey()})
	mustSave(t, v)
	v.Close()
	now := mustRead(t, path)
	old.mustNotOpen(t, "after new codes, the old key", now)
	byCode.mustNotOpen(t, "after new codes, an old code's key", now)
	if accounts, _, err := decryptFile(now, testPassword, testLimits); err != nil || len(accounts) != 2 {
		t.Fatalf("the password after new codes: got %d accounts, %v; want 2", len(accounts), err)
	}
	openCode(t, path, fresh[0]).Close()
}

// A restore with a code makes a new vault under a new key: the backup's
// key and the code open nothing in it.
func TestRestoreWithCodeMakesANewKey(t *testing.T) {
	v, path, codes := newSavedVault(t)
	v.Close()
	backup := mustRead(t, path)
	byCode := codeKeyMaterial(t, backup, codes[5])
	newPath := filepath.Join(t.TempDir(), "restored.latchkey")
	nv, fresh, err := restoreWithBackupCode(path, codes[5], newPath, []byte("restored pw"), testOptions())
	if err != nil || fresh != nil {
		t.Fatalf("restore: got codes %v, %v; want the backup's codes kept", fresh, err)
	}
	nv.Close()
	byCode.mustNotOpen(t, "the restored vault", mustRead(t, newPath))
	_, err = openWithBackupCode(newPath, codes[5], testOptions())
	wantErr(t, "the used code on the restored vault", err, ErrWrongBackupCode)
	openCode(t, newPath, codes[6]).Close()
}

// Codes of format version 1 cannot be wrapped for a new key: a password
// change replaces them with a new set, which it returns, and says so.
func TestPasswordChangeReplacesVersion1Codes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v1.latchkey")
	if err := os.WriteFile(path, mustRead(t, filepath.Join(goldenDir, "v1-floor.latchkey")), 0o600); err != nil {
		t.Fatal(err)
	}
	o := defaultOptions()
	o.unlockTarget = 0
	o.params = &FloorParams
	v, err := open(path, []byte(goldenPassword), o)
	if err != nil {
		t.Fatal(err)
	}
	fresh, err := v.SetPassword([]byte("a new password"))
	v.Close()
	if err != nil || len(fresh) != BackupCodeCount {
		t.Fatalf("got %d new codes, %v; want %d", len(fresh), err, BackupCodeCount)
	}
	_, err = openWithBackupCode(path, "WQNA-5D73-AW1S-K3KD-N7C9-Z05V-GPBM", o)
	wantErr(t, "a version-1 code after the change", err, ErrWrongBackupCode)
	cv, err := openWithBackupCode(path, fresh[0], o)
	if err != nil {
		t.Fatalf("a new code: %v", err)
	}
	cv.Close()
	if b := mustRead(t, path); b[offVersion+1] != formatVersion {
		t.Errorf("got format version %d after the change, want %d", b[offVersion+1], formatVersion)
	}
}

// Each file operation of the save in SetPassword fails in turn. Until the
// file is replaced nothing may change: the old password opens the file and
// the vault in memory, which saves under the old key. Once it is replaced,
// the new password opens it.
func TestSetPasswordFaultKeepsTheOldKey(t *testing.T) {
	newPW := []byte("the new password")
	kept, replaced := false, false
	for k := 1; k < 100; k++ {
		v, path, _ := newTestVault(t)
		mustAdd(t, v, Account{Key: rfcKey()})
		mustSave(t, v)
		before := mustRead(t, path)
		oldKey := slices.Clone(v.dataKey)
		ffs := &faultFS{failAt: k}
		v.fs = ffs
		_, err := v.SetPassword(newPW)
		v.fs = osFS{}
		if ffs.failed == "" {
			if err != nil {
				t.Fatalf("no fault: %v", err)
			}
			v.Close()
			if !kept || !replaced {
				t.Errorf("faults left the file as it was: %v, replaced it: %v; want both cases tried", kept, replaced)
			}
			return
		}
		what := fmt.Sprintf("fault at operation %d (%s)", k, ffs.failed)
		now := mustRead(t, path)
		switch {
		case bytes.Equal(now, before):
			kept = true
			if err == nil || errors.Is(err, ErrBackupFailed) {
				t.Fatalf("%s: the file was not replaced, but got %v", what, err)
			}
			if !bytes.Equal(v.dataKey, oldKey) || v.NeedsPassword() {
				t.Fatalf("%s: the vault in memory changed key after a failed save", what)
			}
			mustAdd(t, v, Account{Key: hotpKey()})
			mustSave(t, v)
			if _, _, err := decryptFile(mustRead(t, path), testPassword, testLimits); err != nil {
				t.Fatalf("%s: the next save does not open with the old password: %v", what, err)
			}
		default:
			replaced = true
			if _, _, err := decryptFile(now, newPW, testLimits); err != nil {
				t.Fatalf("%s: the file was replaced but does not open with the new password: %v", what, err)
			}
			if bytes.Equal(v.dataKey, oldKey) {
				t.Fatalf("%s: the file holds the new key but the vault kept the old", what)
			}
		}
		v.Close()
	}
	t.Fatal("SetPassword makes more than 100 file operations")
}

// Backups made before a key change are still the vault's own: rotation
// counts them, and ReencryptBackups puts them under the new key (only the
// vault's backups, verified), after which the old password opens none.
func TestReencryptBackups(t *testing.T) {
	v, path, _ := newSavedVault(t)
	dir := BackupDirFor(path)
	// Another vault of the same name sharing the folder: never touched.
	other, otherPath, _ := newTestVault(t)
	mustSave(t, other)
	other.Close()
	otherBackups, err := Backups(BackupDirFor(otherPath), otherPath)
	if err != nil || len(otherBackups) == 0 {
		t.Fatalf("the other vault has no backup: %v", err)
	}
	foreign := filepath.Join(dir, filepath.Base(otherBackups[0]))
	foreignBytes := mustRead(t, otherBackups[0])
	if err := os.WriteFile(foreign, foreignBytes, 0o600); err != nil {
		t.Fatal(err)
	}
	before, err := Backups(dir, path)
	if err != nil {
		t.Fatal(err)
	}
	held := map[string]int{}
	for _, p := range before {
		if accounts, _, err := decryptFile(mustRead(t, p), testPassword, testLimits); err == nil {
			held[p] = len(accounts)
		}
	}
	if _, err := v.SetPassword([]byte("the new password")); err != nil {
		t.Fatal(err)
	}
	earlier, err := v.EarlierBackups()
	if err != nil || len(earlier) != len(before)-1 || slices.Contains(earlier, foreign) {
		t.Fatalf("got earlier backups %v, %v; want the %d made before, not the other vault's", earlier, err, len(before)-1)
	}
	done, err := v.ReencryptBackups()
	if err != nil || !slices.Equal(done, earlier) {
		t.Fatalf("got %v, %v; want %v re-encrypted", done, err, earlier)
	}
	for _, p := range earlier {
		b := mustRead(t, p)
		_, _, err := decryptFile(b, testPassword, testLimits)
		wantErr(t, "old password on a re-encrypted backup", err, ErrWrongPassword)
		if accounts, _, err := decryptFile(b, []byte("the new password"), testLimits); err != nil || len(accounts) != held[p] {
			t.Errorf("%s: got %d accounts, %v; want the %d it held", p, len(accounts), err, held[p])
		}
	}
	if !bytes.Equal(mustRead(t, foreign), foreignBytes) {
		t.Error("the other vault's backup was changed")
	}
	if again, err := v.EarlierBackups(); err != nil || len(again) != 0 || v.earlierKeys != nil {
		t.Errorf("after re-encrypting: got %v, %v and %d earlier keys; want none", again, err, len(v.earlierKeys))
	}
	// The saved vault no longer carries the earlier keys either.
	_, _, earlierKeys, err := readSealed(mustRead(t, path), v.dataKey, testLimits)
	if err != nil || earlierKeys != nil {
		t.Errorf("saved vault: got %d earlier keys, %v; want none", len(earlierKeys), err)
	}
}

func TestRemoveEarlierBackups(t *testing.T) {
	v, path, _ := newSavedVault(t)
	dir := BackupDirFor(path)
	// A file that is not one of the vault's backups, and one named like
	// one that is not a vault file: never touched.
	notes := filepath.Join(dir, "notes.txt")
	fake := filepath.Join(dir, backupName(path, v.now().AddDate(-1, 0, 0)))
	for _, p := range []string{notes, fake} {
		if err := os.WriteFile(p, []byte("keep me"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := v.RegenerateBackupCodes(); err != nil {
		t.Fatal(err)
	}
	earlier, err := v.EarlierBackups()
	if err != nil || len(earlier) == 0 {
		t.Fatalf("got earlier backups %v, %v; want some", earlier, err)
	}
	done, err := v.RemoveEarlierBackups()
	if err != nil || !slices.Equal(done, earlier) {
		t.Fatalf("got %v, %v; want %v removed", done, err, earlier)
	}
	for _, p := range earlier {
		if Exists(p) {
			t.Errorf("%s was not removed", p)
		}
	}
	for _, p := range []string{notes, fake} {
		if !Exists(p) {
			t.Errorf("%s was removed; it is not a backup of this vault", p)
		}
	}
	left, err := Backups(dir, path)
	if err != nil || len(left) < 2 { // the fake and the backup of the last save
		t.Fatalf("got %v, %v left", left, err)
	}
	for _, p := range left {
		if p == fake {
			continue
		}
		if _, _, err := decryptFile(mustRead(t, p), testPassword, testLimits); err != nil {
			t.Errorf("%s: a backup under the current key was lost or broken: %v", p, err)
		}
	}
}
