package ui

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"latchkey/core"
	"latchkey/core/coretest"
	"latchkey/vault"
)

// TestRestoreCasesAsCore: the shared restore cases (core/coretest) through
// the first-run restore screen make the vault core's Restore makes from
// the same backup, as "latchkey restore" does (cli/flows_test.go); a
// backup that does not open says why and makes no vault.
func TestRestoreCasesAsCore(t *testing.T) {
	dir := t.TempDir()
	for _, c := range coretest.RestoreCases(t, dir) {
		t.Run(c.What, func(t *testing.T) {
			u := core.Unlock{Password: []byte(c.Password)}
			if c.Code != "" {
				u = core.Unlock{Code: c.Code, NewPassword: []byte(c.NewPassword)}
			}
			cv, coreCodes, err := core.Restore(coretest.Options, c.Backup, filepath.Join(t.TempDir(), "v.latchkey"), u)
			if !errors.Is(err, c.Err) || (c.Err == nil) != (err == nil) {
				t.Fatalf("core: got %v, want %v", err, c.Err)
			}
			var want []vault.Account
			if cv != nil {
				want = cv.Accounts()
				must(t, cv.Close())
				if len(want) != c.Accounts || (len(coreCodes) > 0) != c.NewCodes {
					t.Fatalf("core: got %d accounts, %d new codes; want %d, new codes %v", len(want), len(coreCodes), c.Accounts, c.NewCodes)
				}
			}

			h := newHarness(t, nil)
			s := newRestoreScreen(h.app.opening(), h.app.showCreate, h.app.restored)
			h.win.SetContent(s.content())
			s.chose(c.Backup)
			if c.Code != "" {
				s.how.SetSelected(restoreWays.label(true))
				test.Type(s.code, c.Code)
				test.Type(s.pw.first, c.NewPassword)
				test.Type(s.pw.second, c.NewPassword)
			} else {
				test.Type(s.password, c.Password)
			}
			test.Tap(s.restore)
			if c.Err != nil {
				if want := backupAdvice(c.Err); !strings.Contains(s.problem.Text, want) {
					t.Errorf("got %q, want it to say %q", s.problem.Text, want)
				}
				if vault.Exists(h.path) {
					t.Error("a backup that did not open made a vault")
				}
				return
			}
			if got := len(shownCodes(h)); got != len(coreCodes) {
				t.Errorf("got %d new backup codes shown, want %d as core makes", got, len(coreCodes))
			}
			if len(coreCodes) > 0 {
				test.Tap(findCheck(t, h.win, "I have stored these codes somewhere safe"))
				test.Tap(findButton(t, h.win, "Continue"))
			}
			coretest.SameAccounts(t, h.vault().Accounts(), want)
			opens := c.Password
			if c.Code != "" {
				opens = c.NewPassword
			}
			if !h.opensWith(opens) {
				t.Errorf("the new vault does not open with %s", map[bool]string{true: "the new password", false: "the backup's password"}[c.Code != ""])
			}
		})
	}
}
