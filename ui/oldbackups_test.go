package ui

import (
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
)

// changePassword changes the fake vault's password through the dialog.
func changePassword(t *testing.T, h *harness, from, to string) {
	t.Helper()
	d := newPasswordDialog(h.app)
	d.show()
	test.Type(d.current, from)
	test.Type(d.pw.first, to)
	test.Type(d.pw.second, to)
	test.Tap(d.set)
	if string(h.open.v.password) != to {
		t.Fatalf("got password %q, want %q", h.open.v.password, to)
	}
}

// After a password change the window says that copies made before still
// open with the old password, and offers to re-encrypt the vault's
// automatic backups made before.
func TestPasswordChangeOffersOldBackups(t *testing.T) {
	h := newHarness(t, threeAccounts(t))
	h.unlock()
	earlier := []string{"/test/backups/vault.latchkey.2.bak", "/test/backups/vault.latchkey.1.bak"}
	h.open.v.earlier = slices.Clone(earlier)
	changePassword(t, h, testPassword, "a new long password")
	m := shown(h)
	for _, want := range []string{"still open with the old password", "2 automatic backups made before now", "Re-encrypt them", "Delete them", "Leave them"} {
		if !strings.Contains(m, want) {
			t.Errorf("after the change the window does not say %q:\n%s", want, m)
		}
	}
	test.Tap(findButton(t, h.win, "Re-encrypt them"))
	if !slices.Equal(h.open.v.reencrypted, earlier) || h.open.v.removed != nil {
		t.Errorf("got re-encrypted %v, removed %v; want %v re-encrypted", h.open.v.reencrypted, h.open.v.removed, earlier)
	}
	if m := shown(h); !strings.Contains(m, "2 old backups re-encrypted") {
		t.Errorf("the window does not say the backups were re-encrypted:\n%s", m)
	}

	// Without old automatic backups it still says what copies open with.
	changePassword(t, h, "a new long password", "a third long password")
	if m := shown(h); !strings.Contains(m, "still open with the old password") || strings.Contains(m, "Re-encrypt them") {
		t.Errorf("with no old backups: got\n%s\nwant the note on copies and no offer", m)
	}
}

func TestPasswordChangeCanDeleteOldBackups(t *testing.T) {
	h := newHarness(t, threeAccounts(t))
	h.unlock()
	h.open.v.earlier = []string{"/test/backups/vault.latchkey.1.bak"}
	changePassword(t, h, testPassword, "a new long password")
	test.Tap(findButton(t, h.win, "Delete them"))
	if len(h.open.v.removed) != 1 || h.open.v.reencrypted != nil {
		t.Errorf("got removed %v, re-encrypted %v; want the one removed", h.open.v.removed, h.open.v.reencrypted)
	}
}

// A vault whose old codes could not follow the new key shows the new codes
// first, and why.
func TestPasswordChangeShowsReplacedCodes(t *testing.T) {
	h := newHarness(t, threeAccounts(t))
	h.unlock()
	h.open.v.newCodes = []string{"NEWC-0001", "NEWC-0002"}
	changePassword(t, h, testPassword, "a new long password")
	m := shown(h)
	if !strings.Contains(m, "NEWC-0001") || !strings.Contains(m, "could not follow the vault's new key") {
		t.Errorf("the replaced codes are not shown with why:\n%s", m)
	}
}
