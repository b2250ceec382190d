package ui

import (
	"os"
	"path/filepath"
	"testing"

	"latchkey/vault"
)

// The settings show this computer's backup folder and change it; the
// vault file does not carry it to another computer, and it is still this
// computer's after the vault is locked and opened again.
func TestSettingsBackupFolderIsThisComputers(t *testing.T) {
	h := newHarness(t, threeAccounts(t))
	h.unlock()
	f := newSettingsForm(h.session(), themeSystem, h.app.setTheme)
	f.show()
	if f.backupDir.Text != "" {
		t.Errorf("got backup folder %q shown, want the default (empty)", f.backupDir.Text)
	}
	usb := filepath.Join(t.TempDir(), "usb")
	must(t, os.Mkdir(usb, 0o700))
	f.backupDir.SetText(usb)
	f.onDone(true)
	h.waitSaved()
	if got := h.vault().Settings().BackupDir; got != usb {
		t.Errorf("got backup folder %q, want %q", got, usb)
	}
	if st, err := h.vault().LastBackup(); err != nil || st.Dir != usb || st.Pending {
		t.Errorf("got backups in %q (pending %v), %v; want %q, up to date", st.Dir, st.Pending, err, usb)
	}
	b, err := testVaults.ReadBackup(h.file(), []byte(h.password))
	must(t, err)
	b.Wipe()
	if b.Settings.BackupDir != "" {
		t.Errorf("the vault file carries backup folder %q, want none", b.Settings.BackupDir)
	}
	other := vault.Options{KDF: vault.TestKDF, StateDir: t.TempDir()}
	ov, err := other.OpenReadOnly(h.path, []byte(h.password))
	must(t, err)
	if got := ov.Settings().BackupDir; got != "" {
		t.Errorf("another computer: got backup folder %q, want its default", got)
	}
	ov.Close()

	h.app.lock()
	h.unlock()
	f = newSettingsForm(h.session(), themeSystem, h.app.setTheme)
	f.show()
	if f.backupDir.Text != usb {
		t.Errorf("unlocked again: got backup folder %q shown, want %q", f.backupDir.Text, usb)
	}
}
