package ui

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"latchkey/vault"
)

// findButton finds a button by its label in what the window shows,
// dialogs included.
func findButton(t *testing.T, w fyne.Window, label string) *widget.Button {
	t.Helper()
	roots := []fyne.CanvasObject{w.Content()}
	for _, o := range w.Canvas().Overlays().List() {
		roots = append([]fyne.CanvasObject{o}, roots...)
	}
	for _, r := range roots {
		for _, o := range test.LaidOutObjects(r) {
			if b, ok := o.(*widget.Button); ok && b.Text == label && b.Visible() {
				return b
			}
		}
	}
	t.Fatalf("no %q button showing", label)
	return nil
}

// shown is the text of every label, check and button the window shows,
// dialogs included, unwrapped.
func shown(h *harness) string {
	roots := []fyne.CanvasObject{h.win.Content()}
	roots = append(roots, h.win.Canvas().Overlays().List()...)
	var b strings.Builder
	for _, r := range roots {
		for _, o := range test.LaidOutObjects(r) {
			if !o.Visible() {
				continue
			}
			switch w := o.(type) {
			case *widget.Label:
				b.WriteString(w.Text + "\n")
			case *widget.Check:
				b.WriteString(w.Text + "\n")
			case *widget.Button:
				b.WriteString(w.Text + "\n")
			}
		}
	}
	return b.String()
}

// answerPassword types pw into the focused password prompt and submits it.
func answerPassword(t *testing.T, h *harness, pw string) {
	t.Helper()
	e, ok := h.win.Canvas().Focused().(*widget.Entry)
	if !ok {
		t.Fatalf("got focus on %T, want the password prompt", h.win.Canvas().Focused())
	}
	test.Type(e, pw)
	e.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
}

func noAutoLock(h *harness) {
	s := h.open.v.settings
	s.AutoLock = 0
	h.open.v.settings = s
}

func TestBackupToFileWithItsOwnPassword(t *testing.T) {
	h := newHarness(t, threeAccounts(t))
	h.unlock()
	f := newBackupFileForm(h.app)
	f.show()
	if f.pw.first.Visible() {
		t.Error("got the backup password fields showing for the vault's password, want them hidden")
	}
	f.which.SetSelected(backupWithOwnPassword)
	if !f.pw.first.Visible() || !f.next.Disabled() {
		t.Fatalf("got fields visible=%v next disabled=%v for a separate password not typed yet, want visible and disabled", f.pw.first.Visible(), f.next.Disabled())
	}
	test.Type(f.pw.first, "a separate backup password")
	test.Type(f.pw.second, "a separate backup password")
	test.Tap(f.withCodes)
	if f.next.Disabled() {
		t.Fatal("got Save disabled with matching passwords, want enabled")
	}
	path := filepath.Join(t.TempDir(), "b.latchkey")
	f.write(path, false)
	if got := len(h.open.v.backups); got != 1 {
		t.Fatalf("got %d backups written, want 1", got)
	}
	b := h.open.v.backups[0]
	if b.path != path || string(b.opts.Password) != "a separate backup password" || !b.opts.WithBackupCodes {
		t.Errorf("got backup to %q password %q codes %v, want %q, the typed password, with codes", b.path, b.opts.Password, b.opts.WithBackupCodes, path)
	}
	if f.pw.first.Text != "" {
		t.Error("the backup password stayed in the form after writing")
	}
	if s := h.app.accounts.toast.Text; !strings.Contains(s, "b.latchkey") {
		t.Errorf("got note %q, want it to name the backup file", s)
	}
}

func TestBackupToFileWithTheVaultPassword(t *testing.T) {
	h := newHarness(t, threeAccounts(t))
	h.unlock()
	f := newBackupFileForm(h.app)
	f.show()
	f.write(filepath.Join(t.TempDir(), "b.latchkey"), false)
	if got := h.open.v.backups; len(got) != 1 || got[0].opts.Password != nil || got[0].opts.WithBackupCodes {
		t.Fatalf("got %+v, want one backup with the vault's password (nil) and no backup codes", got)
	}
}

func TestBackupStatusLine(t *testing.T) {
	h := newHarness(t, threeAccounts(t))
	noAutoLock(h)
	h.open.v.status = vault.BackupStatus{Dir: "/media/usb", Enabled: true, Pending: true,
		Err: fmt.Errorf("backing up: %w", fs.ErrNotExist)}
	h.unlock()
	if got := h.open.v.backupNows; got != 1 {
		t.Errorf("got %d BackupNow calls at unlock, want 1", got)
	}
	s := h.app.accounts
	if !s.backupBar.Visible() || !strings.Contains(s.backupText.Text, "/media/usb is not reachable") {
		t.Errorf("got status %q (visible %v), want a reminder that /media/usb is not reachable", s.backupText.Text, s.backupBar.Visible())
	}
	if !s.backupNow.Visible() {
		t.Error("got no Back up now button beside the reminder")
	}

	// The folder is back: the daily catch-up finds and says so.
	last := h.clock.now().Add(-time.Hour)
	h.open.v.status = vault.BackupStatus{Dir: "/media/usb", Enabled: true, Last: last}
	h.clock.advance(time.Hour)
	h.app.tick()
	if got := h.open.v.backupNows; got != 1 {
		t.Errorf("got %d BackupNow calls an hour after unlock, want still 1", got)
	}
	h.clock.advance(vault.BackupInterval)
	h.app.tick()
	if got := h.open.v.backupNows; got != 2 {
		t.Errorf("got %d BackupNow calls a day after unlock, want 2", got)
	}
	if want := "Last backup " + whenText(last, h.clock.now()); !strings.Contains(s.backupText.Text, want) || s.backupNow.Visible() {
		t.Errorf("got status %q (button %v), want %q and no button", s.backupText.Text, s.backupNow.Visible(), want)
	}
}

func TestBackupLineTexts(t *testing.T) {
	now := time.Date(2026, 3, 10, 15, 0, 0, 0, time.Local)
	for _, c := range []struct {
		st   vault.BackupStatus
		want string
		warn bool
	}{
		{vault.BackupStatus{Enabled: false}, "Automatic backups are off", false},
		{vault.BackupStatus{Enabled: true}, "Not backed up yet", true},
		{vault.BackupStatus{Enabled: true, Last: now.Add(-time.Hour), Pending: true}, "not backed up yet", true},
		{vault.BackupStatus{Enabled: true, Last: now.Add(-time.Hour)}, "today at 14:00", false},
		{vault.BackupStatus{Enabled: true, Last: now.Add(-20 * time.Hour)}, "yesterday at 19:00", false},
		{vault.BackupStatus{Enabled: true, Last: now.Add(-72 * time.Hour)}, "3 days ago", false},
		{vault.BackupStatus{Enabled: true, Last: now.Add(-30 * 24 * time.Hour)}, "on 8 February 2026", false},
		{vault.BackupStatus{Enabled: true, Dir: "/b", Err: fs.ErrPermission}, "/b cannot be written", true},
		{vault.BackupStatus{Enabled: true, Dir: "/b", Err: errors.New("disk full")}, "failed (disk full)", true},
		{vault.BackupStatus{Enabled: true, Last: now.Add(-time.Hour), Newer: "/b/v.latchkey.20260310T130000.000000000Z.bak", NewerTime: now.Add(-2 * time.Hour)},
			"older than its backup v.latchkey.20260310T130000.000000000Z.bak from today at 13:00", true},
	} {
		got, warn := backupLine(c.st, now)
		if !strings.Contains(got, c.want) || warn != c.warn {
			t.Errorf("backupLine(%+v): got %q warn=%v, want %q warn=%v", c.st, got, warn, c.want, c.warn)
		}
	}
}

// mergeHarness is an unlocked vault holding GitHub, with a backup on disk
// holding GitHub renamed and GitLab.
func mergeHarness(t *testing.T) (*harness, []byte) {
	h := newHarness(t, []vault.Account{account(t, githubURI, nil)})
	h.unlock()
	renamed := strings.Replace(githubURI, "alice@example.com", "alice-work", 1)
	return h, fakeBackupFile(t, "backup pw", renamed, gitlabURI)
}

func TestMergeBackupKeepsDuplicatesUnlessAsked(t *testing.T) {
	h, data := mergeHarness(t)
	var prompts []string
	h.app.asked = func() {
		switch {
		case len(prompts) == 0:
			prompts = append(prompts, "password")
			answerPassword(t, h, "wrong")
		case len(prompts) == 1:
			prompts = append(prompts, "password again")
			if !strings.Contains(shown(h), "did not open") {
				t.Error("the second password prompt does not say the first was wrong")
			}
			answerPassword(t, h, "backup pw")
		default:
			prompts = append(prompts, "duplicate")
			if !strings.Contains(shown(h), "GitHub: alice@example.com is already in the vault") {
				t.Error("the duplicate prompt does not name the account")
			}
			test.Tap(findButton(t, h.win, "Keep mine"))
		}
	}
	h.app.importData("backup.latchkey", data)
	if want := []string{"password", "password again", "duplicate"}; !slices.Equal(prompts, want) {
		t.Fatalf("got prompts %v, want %v", prompts, want)
	}
	var labels []string
	for _, a := range h.open.v.Accounts() {
		labels = append(labels, a.Key.Label())
	}
	if want := []string{"GitHub: alice@example.com", "GitLab: alice"}; !slices.Equal(labels, want) {
		t.Errorf("got accounts %v, want %v (GitHub kept as it was)", labels, want)
	}
	if h.open.v.saves == 0 {
		t.Error("the merged vault was not saved")
	}
	m := shown(h)
	if !strings.Contains(m, "Added 1 account.") || !strings.Contains(m, "kept as they are: GitHub: alice-work") {
		t.Errorf("the report does not list the added and the duplicate accounts:\n%s", m)
	}
}

func TestMergeBackupReplacesWhenAsked(t *testing.T) {
	h, data := mergeHarness(t)
	h.app.asked = func() {
		if e, ok := h.win.Canvas().Focused().(*widget.Entry); ok && e.Password {
			answerPassword(t, h, "backup pw")
			return
		}
		test.Tap(findButton(t, h.win, "Replace"))
	}
	h.app.importData("backup.latchkey", data)
	got := h.open.v.Accounts()
	if len(got) != 2 || got[0].Key.Name != "alice-work" {
		t.Fatalf("got %d accounts, first %q, want 2 with GitHub renamed alice-work", len(got), got[0].Key.Name)
	}
	if !strings.Contains(shown(h), "Replaced with the backup's copy: GitHub: alice-work") {
		t.Error("the report does not say GitHub was replaced")
	}
}

func TestMergeBackupCorruptAndCancelled(t *testing.T) {
	h, _ := mergeHarness(t)
	h.app.asked = func() { answerPassword(t, h, "x") }
	h.app.importData("broken.latchkey", []byte(fakeBackupMagic))
	if m := shown(h); !strings.Contains(m, "not a Latchkey backup, or it is damaged") {
		t.Errorf("a corrupt backup did not say so:\n%s", m)
	}
	h2, data := mergeHarness(t)
	h2.app.asked = func() { test.Tap(findButton(t, h2.win, "Cancel")) }
	h2.app.importData("backup.latchkey", data)
	if got := len(h2.open.v.Accounts()); got != 1 {
		t.Errorf("got %d accounts after cancelling the password, want 1", got)
	}
	if m := shown(h2); strings.Contains(m, "Could not") {
		t.Errorf("cancelling showed an error:\n%s", m)
	}
}

func TestDroppedBackupGoesToMerge(t *testing.T) {
	h, data := mergeHarness(t)
	path := filepath.Join(t.TempDir(), "old.latchkey")
	must(t, os.WriteFile(path, data, 0o600))
	asked := 0
	h.app.asked = func() {
		asked++
		if e, ok := h.win.Canvas().Focused().(*widget.Entry); ok && e.Password {
			answerPassword(t, h, "backup pw")
			return
		}
		test.Tap(findButton(t, h.win, "Keep mine"))
	}
	h.app.onDropped(fyne.NewPos(0, 0), []fyne.URI{storage.NewFileURI(path)})
	if asked != 2 || len(h.open.v.Accounts()) != 2 {
		t.Errorf("got %d prompts and %d accounts, want a password prompt, a duplicate prompt and 2 accounts", asked, len(h.open.v.Accounts()))
	}
}

func TestRestoreAsNewFromFirstRun(t *testing.T) {
	h := newHarness(t, nil)
	dir := t.TempDir()
	path := filepath.Join(dir, "b.latchkey")
	must(t, os.WriteFile(path, fakeBackupFile(t, "old password", githubURI, gitlabURI), 0o600))
	s := newRestoreScreen(h.app)
	h.win.SetContent(s.content())
	test.Tap(s.restore)
	if !strings.Contains(s.problem.Text, "Choose the backup file") {
		t.Errorf("got %q restoring with no file, want to be told to choose one", s.problem.Text)
	}
	s.chose(path)
	test.Type(s.password, "wrong")
	test.Tap(s.restore)
	if h.open.v != nil || !strings.Contains(s.problem.Text, "wrong password") {
		t.Fatalf("got problem %q, vault made %v, want a wrong-password message and no vault", s.problem.Text, h.open.v != nil)
	}
	s.password.SetText("old password")
	test.Tap(s.restore)
	if h.open.v == nil || len(h.open.v.Accounts()) != 2 {
		t.Fatal("the right password did not make the new vault with both accounts")
	}
	// The fake backup carries no codes: new ones are shown first.
	if m := test.RenderObjectToMarkup(h.win.Content()); !strings.Contains(m, "REST-0001") {
		t.Error("the new backup codes are not shown")
	}
}

func TestRestoreWithBackupCode(t *testing.T) {
	h := newHarness(t, nil)
	path := filepath.Join(t.TempDir(), "b.latchkey")
	must(t, os.WriteFile(path, fakeBackupFile(t, "lost", githubURI), 0o600))
	s := newRestoreScreen(h.app)
	h.win.SetContent(s.content())
	s.how.SetSelected(restoreWithCode)
	if s.password.Visible() || !s.code.Visible() || !s.pw.first.Visible() {
		t.Fatal("choosing a backup code does not show the code and new password fields")
	}
	s.chose(path)
	test.Type(s.code, "BAD-CODE")
	test.Type(s.pw.first, "a brand new password")
	test.Type(s.pw.second, "a brand new password")
	test.Tap(s.restore)
	if !strings.Contains(s.problem.Text, "does not open this backup") {
		t.Errorf("got %q for a wrong code, want it to say the code does not open the backup", s.problem.Text)
	}
	s.code.SetText("GOOD-CODE")
	test.Tap(s.restore)
	if h.app.accounts == nil || string(h.open.v.password) != "a brand new password" {
		t.Fatal("a good code and a new password did not open the restored vault with that password")
	}
}

func TestChangePasswordAsksForTheCurrentOne(t *testing.T) {
	h := newHarness(t, threeAccounts(t))
	h.unlock()
	d := newPasswordDialog(h.app)
	d.show()
	if h.win.Canvas().Focused() != d.current {
		t.Error("the current password field does not have the focus")
	}
	test.Type(d.current, "not it")
	test.Type(d.pw.first, "a new long password")
	test.Type(d.pw.second, "a new long password")
	test.Tap(d.set)
	if string(h.open.v.password) != testPassword {
		t.Fatal("a wrong current password changed the password")
	}
	if !d.problem.Visible() || !strings.Contains(d.problem.Text, "not the current password") {
		t.Errorf("got %q, want a message that the current password is wrong", d.problem.Text)
	}
	test.Type(d.current, testPassword)
	test.Tap(d.set)
	if string(h.open.v.password) != "a new long password" {
		t.Errorf("got password %q, want the new one", h.open.v.password)
	}
	if d.current.Text != "" || d.pw.first.Text != "" {
		t.Error("passwords stayed in the dialog's fields")
	}
}

// testObjects is every object under o, laid out.
func testObjects(o fyne.CanvasObject) []fyne.CanvasObject { return test.LaidOutObjects(o) }

func TestDroppedBackupOnFirstRunOpensRestore(t *testing.T) {
	h := newHarness(t, nil)
	path := filepath.Join(t.TempDir(), "b.latchkey")
	must(t, os.WriteFile(path, fakeBackupFile(t, "pw", githubURI), 0o600))
	other := filepath.Join(t.TempDir(), "notes.txt")
	must(t, os.WriteFile(other, []byte("notes"), 0o600))
	h.app.onDropped(fyne.NewPos(0, 0), []fyne.URI{storage.NewFileURI(other)})
	if strings.Contains(shown(h), "Restore from a backup\n") {
		t.Fatal("a text file dropped on the first-run screen opened the restore screen")
	}
	h.app.onDropped(fyne.NewPos(0, 0), []fyne.URI{storage.NewFileURI(path)})
	if m := shown(h); !strings.Contains(m, path) || !strings.Contains(m, "Choose the backup file") {
		t.Errorf("a backup dropped on the first-run screen did not open the restore screen with it chosen:\n%s", m)
	}
}

func TestLockingCancelsAnOpenQuestion(t *testing.T) {
	h, data := mergeHarness(t)
	h.app.asked = func() { h.app.lock() }
	done := make(chan struct{})
	go func() {
		defer close(done)
		h.app.importData("backup.latchkey", data)
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("the merge still waits for a password prompt the lock closed")
	}
	if h.app.accounts != nil {
		t.Error("the list is showing after the lock")
	}
	if len(h.app.openQuestions) != 0 {
		t.Errorf("got %d open questions after the lock, want none", len(h.app.openQuestions))
	}
}

func TestBackupFileRefusesTheVaultItselfAndAsksBeforeReplacing(t *testing.T) {
	h := newHarness(t, threeAccounts(t))
	h.unlock()
	dir := t.TempDir()
	vaultFile := filepath.Join(dir, "vault.latchkey")
	must(t, os.WriteFile(vaultFile, []byte("the vault"), 0o600))
	h.open.v.path = vaultFile
	f := newBackupFileForm(h.app)
	f.show()
	f.folder.SetText(dir)
	f.name.SetText("vault.latchkey")
	test.Tap(f.next)
	if len(h.open.v.backups) != 0 || !strings.Contains(f.problem.Text, "the vault itself") {
		t.Fatalf("got %d backups and %q naming the vault file, want none and a refusal", len(h.open.v.backups), f.problem.Text)
	}
	if data, _ := os.ReadFile(vaultFile); string(data) != "the vault" {
		t.Fatal("the vault file was touched")
	}
	f.name.SetText("../x.latchkey")
	test.Tap(f.next)
	if !strings.Contains(f.problem.Text, "without a folder") {
		t.Errorf("got %q for a name with a folder, want a refusal", f.problem.Text)
	}
	existing := filepath.Join(dir, "old.latchkey")
	must(t, os.WriteFile(existing, []byte("old"), 0o600))
	f.name.SetText("old.latchkey")
	test.Tap(f.next)
	if len(h.open.v.backups) != 0 {
		t.Fatal("an existing file was replaced without asking")
	}
	test.Tap(findButton(t, h.win, "Replace"))
	if len(h.open.v.backups) != 1 || h.open.v.backups[0].path != existing || !h.open.v.backups[0].opts.Replace {
		t.Errorf("got backups %+v after confirming, want one to %s that may replace it", h.open.v.backups, existing)
	}
}

// A new password whose save succeeded but whose automatic backup failed is
// set: the recovery goes on to the accounts instead of asking again.
func TestRecoverWhenTheBackupFails(t *testing.T) {
	h := newHarness(t, threeAccounts(t))
	h.open.v.setPasswordError = fmt.Errorf("%w: disk full", vault.ErrBackupFailed)
	s := newRecoverScreen(h.app)
	h.win.SetContent(s.content())
	s.code.SetText("AAAA-BBBB-CCCC")
	test.Tap(s.open)
	if s.opened == nil {
		t.Fatalf("the backup code did not open the vault: %q", s.problem.Text)
	}
	s.pw.first.SetText("a new long password")
	s.pw.second.SetText("a new long password")
	test.Tap(s.set)
	if h.app.accounts == nil || s.problem.Visible() {
		t.Errorf("got list shown %v, problem %q; want the accounts and no problem", h.app.accounts != nil, s.problem.Text)
	}
}
