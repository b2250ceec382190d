package vault

import (
	"os"
	"path/filepath"
	"testing"
)

// A first backup that fails does not lose the new vault or its codes.
func TestCreateWhenTheBackupFails(t *testing.T) {
	path := filepath.Join(t.TempDir(), "vault.latchkey")
	must(t, os.WriteFile(BackupDirFor(path), nil, 0o600)) // no folder can be made there
	v, codes, err := create(path, testPassword, testOptions())
	if err != nil {
		t.Fatalf("create with the backup failing: %v", err)
	}
	defer v.Close()
	if len(codes) != BackupCodeCount || !Exists(path) {
		t.Fatalf("got %d codes, file there %v; want %d and the vault", len(codes), Exists(path), BackupCodeCount)
	}
	st, err := v.LastBackup()
	if err != nil || st.Err == nil || !st.Pending {
		t.Errorf("LastBackup: got %+v, %v; want the backup failure reported", st, err)
	}
}
