package ui

import (
	"bytes"
	"errors"
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

	"latchkey/core"
	"latchkey/vault"
)

// findButton finds a button by its label in what the window shows,
// dialogs first.
func findButton(t *testing.T, w fyne.Window, label string) *widget.Button {
	t.Helper()
	return find(t, w, label, func(b *widget.Button) string { return b.Text })
}

// findCheck finds a check box by its label in what the window shows.
func findCheck(t *testing.T, w fyne.Window, label string) *widget.Check {
	t.Helper()
	return find(t, w, label, func(c *widget.Check) string { return c.Text })
}

// find finds a widget of type T showing label, dialogs first.
func find[T fyne.CanvasObject](t *testing.T, w fyne.Window, label string, text func(T) string) T {
	t.Helper()
	roots := []fyne.CanvasObject{w.Content()}
	for _, o := range w.Canvas().Overlays().List() {
		roots = append([]fyne.CanvasObject{o}, roots...)
	}
	for _, r := range roots {
		for _, o := range test.LaidOutObjects(r) {
			if x, ok := o.(T); ok && text(x) == label && x.Visible() {
				return x
			}
		}
	}
	var none T
	t.Fatalf("no %T %q showing", none, label)
	return none
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
	e, ok := asEntry(h.win.Canvas().Focused())
	if !ok {
		t.Fatalf("got focus on %T, want the password prompt", h.win.Canvas().Focused())
	}
	test.Type(e, pw)
	e.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
}

func TestBackupToFileWithItsOwnPassword(t *testing.T) {
	h := newHarness(t, threeAccounts(t))
	h.unlock()
	f := newBackupFileForm(h.session())
	f.show()
	if f.pw.first.Visible() {
		t.Error("got the backup password fields showing for the vault's password, want them hidden")
	}
	f.which.SetSelected(backupPasswords.label(true))
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
	b, err := testVaults.OpenBackup(path, []byte("a separate backup password"))
	if err != nil || len(b.Accounts) != 3 {
		t.Fatalf("the backup does not open with its own password: %v", err)
	}
	b.Wipe()
	if _, err := testVaults.OpenBackup(path, []byte(testPassword)); !errors.Is(err, vault.ErrWrongPassword) {
		t.Errorf("got %v opening the backup with the vault's password, want ErrWrongPassword", err)
	}
	if !opensWithCode(t, path, h.codes[0]) {
		t.Error("the vault's backup codes do not open the backup, although asked to")
	}
	if f.pw.first.Text != "" {
		t.Error("the backup password stayed in the form after writing")
	}
	if s := h.list().toast.Text; !strings.Contains(s, "b.latchkey") {
		t.Errorf("got note %q, want it to name the backup file", s)
	}
}

// opensWithCode reports whether a backup code opens the backup at path,
// restoring it as a new vault.
func opensWithCode(t *testing.T, path, code string) bool {
	t.Helper()
	v, _, err := core.Restore(testVaults, path, filepath.Join(t.TempDir(), "restored.latchkey"), core.Unlock{Code: code, NewPassword: []byte("new")})
	if err != nil {
		return false
	}
	must(t, v.Close())
	return true
}

func TestBackupToFileWithTheVaultPassword(t *testing.T) {
	h := newHarness(t, threeAccounts(t))
	h.unlock()
	f := newBackupFileForm(h.session())
	f.show()
	path := filepath.Join(t.TempDir(), "b.latchkey")
	f.write(path, false)
	b, err := testVaults.OpenBackup(path, []byte(testPassword))
	if err != nil {
		t.Fatalf("the backup does not open with the vault's password: %v", err)
	}
	b.Wipe()
	if opensWithCode(t, path, h.codes[0]) {
		t.Error("a backup code opens a backup written without them")
	}
}

func TestBackupStatusLine(t *testing.T) {
	usb := filepath.Join(t.TempDir(), "usb")
	h := startHarness(t, threeAccounts(t), func(v *vault.Vault) {
		s := v.Settings()
		s.AutoLock = 0    // the clock moves on by a day
		s.BackupDir = usb // not there: a stick not plugged in
		must(t, v.SetSettings(s))
	})
	h.unlock()
	s := h.list()
	if !s.backupBar.Visible() || !strings.Contains(s.backupText.Text, usb+" is not reachable") {
		t.Errorf("got status %q (visible %v), want a reminder that %s is not reachable", s.backupText.Text, s.backupBar.Visible(), usb)
	}
	if !s.backupNow.Visible() {
		t.Error("got no Back up now button beside the reminder")
	}

	// The folder is back: the daily catch-up finds it and says so, not
	// before.
	must(t, os.Mkdir(usb, 0o700))
	h.clock.advance(time.Hour)
	h.app.tick()
	if !strings.Contains(s.backupText.Text, "not reachable") {
		t.Errorf("got status %q an hour after unlock, want the reminder until the daily catch-up", s.backupText.Text)
	}
	h.clock.advance(vault.BackupInterval)
	h.app.tick()
	st, err := h.vault().LastBackup()
	must(t, err)
	if st.Last.IsZero() || st.Pending {
		t.Fatalf("got %+v a day after unlock, want a backup written into the folder", st)
	}
	if want := "Last backup " + whenText(st.Last, h.clock.now()); !strings.Contains(s.backupText.Text, want) || s.backupNow.Visible() {
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

// mergeHarness is an unlocked vault holding GitHub, with a backup
// (password "backup pw") holding GitHub renamed and GitLab.
func mergeHarness(t *testing.T) (*harness, []byte) {
	h := newHarness(t, []vault.Account{account(t, githubURI, nil)})
	h.unlock()
	renamed := strings.Replace(githubURI, "alice@example.com", "alice-work", 1)
	_, data, _ := backupFile(t, "backup pw", false, account(t, renamed, nil), account(t, gitlabURI, nil))
	return h, data
}

func TestMergeBackupKeepsDuplicatesUnlessAsked(t *testing.T) {
	h, data := mergeHarness(t)
	var prompts []string
	h.app.w.asked = func() {
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
	importer{session: h.session()}.read("backup.latchkey", data)
	if want := []string{"password", "password again", "duplicate"}; !slices.Equal(prompts, want) {
		t.Fatalf("got prompts %v, want %v", prompts, want)
	}
	var labels []string
	for _, a := range h.saved() {
		labels = append(labels, a.Key.Label())
	}
	if want := []string{"GitHub: alice@example.com", "GitLab: alice"}; !slices.Equal(labels, want) {
		t.Errorf("got accounts %v saved, want %v (GitHub kept as it was)", labels, want)
	}
	m := shown(h)
	if !strings.Contains(m, "Added 1 account.") || !strings.Contains(m, "kept as they are: GitHub: alice-work") {
		t.Errorf("the report does not list the added and the duplicate accounts:\n%s", m)
	}
}

func TestMergeBackupReplacesWhenAsked(t *testing.T) {
	h, data := mergeHarness(t)
	h.app.w.asked = func() {
		if e, ok := asEntry(h.win.Canvas().Focused()); ok && e.Password {
			answerPassword(t, h, "backup pw")
			return
		}
		test.Tap(findButton(t, h.win, "Replace"))
	}
	importer{session: h.session()}.read("backup.latchkey", data)
	got := h.vault().Accounts()
	if len(got) != 2 || got[0].Key.Name != "alice-work" {
		t.Fatalf("got %d accounts, first %q, want 2 with GitHub renamed alice-work", len(got), got[0].Key.Name)
	}
	if !strings.Contains(shown(h), "Replaced with the backup's copy: GitHub: alice-work") {
		t.Error("the report does not say GitHub was replaced")
	}
}

func TestMergeBackupCorruptAndCancelled(t *testing.T) {
	h, _ := mergeHarness(t)
	h.app.w.asked = func() { answerPassword(t, h, "x") }
	_, backup, _ := backupFile(t, "x", false)
	importer{session: h.session()}.read("broken.latchkey", backup[:len(backup)/2])
	if m := shown(h); !strings.Contains(m, "not a Latchkey backup, or it is damaged") {
		t.Errorf("a corrupt backup did not say so:\n%s", m)
	}
	h2, data := mergeHarness(t)
	h2.app.w.asked = func() { test.Tap(findButton(t, h2.win, "Cancel")) }
	importer{session: h2.session()}.read("backup.latchkey", data)
	if got := len(h2.vault().Accounts()); got != 1 {
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
	h.app.w.asked = func() {
		asked++
		if e, ok := asEntry(h.win.Canvas().Focused()); ok && e.Password {
			answerPassword(t, h, "backup pw")
			return
		}
		test.Tap(findButton(t, h.win, "Keep mine"))
	}
	h.app.onDropped(fyne.NewPos(0, 0), []fyne.URI{storage.NewFileURI(path)})
	if asked != 2 || len(h.vault().Accounts()) != 2 {
		t.Errorf("got %d prompts and %d accounts, want a password prompt, a duplicate prompt and 2 accounts", asked, len(h.vault().Accounts()))
	}
}

func TestRestoreAsNewFromFirstRun(t *testing.T) {
	h := newHarness(t, nil)
	path, _, _ := backupFile(t, "old password", false, account(t, githubURI, nil), account(t, gitlabURI, nil))
	s := newRestoreScreen(h.app.opening(), h.app.showCreate, h.app.restored)
	h.win.SetContent(s.content())
	test.Tap(s.restore)
	if !strings.Contains(s.problem.Text, "Choose the backup file") {
		t.Errorf("got %q restoring with no file, want to be told to choose one", s.problem.Text)
	}
	s.chose(path)
	test.Type(s.password, "wrong")
	test.Tap(s.restore)
	if vault.Exists(h.path) || !strings.Contains(s.problem.Text, "wrong password") {
		t.Fatalf("got problem %q, vault made %v, want a wrong-password message and no vault", s.problem.Text, vault.Exists(h.path))
	}
	s.password.SetText("old password")
	test.Tap(s.restore)
	if !vault.Exists(h.path) {
		t.Fatal("the right password did not make the new vault")
	}
	// The backup carries no codes: new ones are shown first.
	if got := len(shownCodes(h)); got != vault.BackupCodeCount {
		t.Fatalf("got %d new backup codes shown, want %d", got, vault.BackupCodeCount)
	}
	test.Tap(findCheck(t, h.win, "I have stored these codes somewhere safe"))
	test.Tap(findButton(t, h.win, "Continue"))
	if got := len(h.vault().Accounts()); got != 2 {
		t.Errorf("got %d accounts in the restored vault, want 2", got)
	}
	if !strings.Contains(h.list().toast.Text, "Restored 2 accounts") {
		t.Errorf("got note %q, want it to say 2 accounts were restored", h.list().toast.Text)
	}
}

func TestRestoreWithBackupCode(t *testing.T) {
	h := newHarness(t, nil)
	path, _, codes := backupFile(t, "lost", true, account(t, githubURI, nil))
	s := newRestoreScreen(h.app.opening(), h.app.showCreate, h.app.restored)
	h.win.SetContent(s.content())
	s.how.SetSelected(restoreWays.label(true))
	if s.password.Visible() || !s.code.Visible() || !s.pw.first.Visible() {
		t.Fatal("choosing a backup code does not show the code and new password fields")
	}
	s.chose(path)
	test.Type(s.code, "0000-0000-0000-0000-0000-0000-0000")
	test.Type(s.pw.first, "a brand new password")
	test.Type(s.pw.second, "a brand new password")
	test.Tap(s.restore)
	if !strings.Contains(s.problem.Text, "does not open this backup") {
		t.Errorf("got %q for a wrong code, want it to say the code does not open the backup", s.problem.Text)
	}
	s.code.SetText(codes[0])
	test.Tap(s.restore)
	if !h.unlocked() || !h.opensWith("a brand new password") {
		t.Fatal("a good code and a new password did not open the restored vault with that password")
	}
}

func TestChangePasswordAsksForTheCurrentOne(t *testing.T) {
	h := newHarness(t, threeAccounts(t))
	h.unlock()
	d := newPasswordDialog(h.session())
	d.show()
	if h.win.Canvas().Focused() != d.current {
		t.Error("the current password field does not have the focus")
	}
	test.Type(d.current, "not it")
	test.Type(d.pw.first, "a new long password")
	test.Type(d.pw.second, "a new long password")
	test.Tap(d.set)
	if !h.opensWith(testPassword) {
		t.Fatal("a wrong current password changed the password")
	}
	if !d.problem.Visible() || !strings.Contains(d.problem.Text, "not the current password") {
		t.Errorf("got %q, want a message that the current password is wrong", d.problem.Text)
	}
	test.Type(d.current, testPassword)
	test.Tap(d.set)
	if !h.opensWith("a new long password") || h.opensWith(testPassword) {
		t.Error("the new password does not open the vault, or the old one still does")
	}
	if d.current.Text != "" || d.pw.first.Text != "" {
		t.Error("passwords stayed in the dialog's fields")
	}
}

// testObjects is every object under o, laid out.
func testObjects(o fyne.CanvasObject) []fyne.CanvasObject { return test.LaidOutObjects(o) }

func TestDroppedBackupOnFirstRunOpensRestore(t *testing.T) {
	h := newHarness(t, nil)
	path, _, _ := backupFile(t, "pw", false, account(t, githubURI, nil))
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
	h.app.w.asked = func() { h.app.lock() }
	done := make(chan struct{})
	go func() {
		defer close(done)
		importer{session: h.session()}.read("backup.latchkey", data)
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("the merge still waits for a password prompt the lock closed")
	}
	if h.unlocked() {
		t.Error("the list is showing after the lock")
	}
	if len(h.app.w.openQuestions) != 0 {
		t.Errorf("got %d open questions after the lock, want none", len(h.app.w.openQuestions))
	}
}

func TestBackupFileRefusesTheVaultItselfAndAsksBeforeReplacing(t *testing.T) {
	h := newHarness(t, threeAccounts(t))
	h.unlock()
	before := h.file()
	dir := filepath.Dir(h.path)
	f := newBackupFileForm(h.session())
	f.show()
	f.folder.SetText(dir)
	f.name.SetText(filepath.Base(h.path))
	test.Tap(f.next)
	if !strings.Contains(f.problem.Text, "the vault itself") {
		t.Fatalf("got %q naming the vault file, want a refusal", f.problem.Text)
	}
	if !bytes.Equal(h.file(), before) {
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
	if data, _ := os.ReadFile(existing); string(data) != "old" {
		t.Fatal("an existing file was replaced without asking")
	}
	test.Tap(findButton(t, h.win, "Replace"))
	if data, _ := os.ReadFile(existing); !vault.IsVaultFile(data) {
		t.Error("the file was not replaced by the backup after confirming")
	}
}

// A new password whose save succeeded but whose automatic backup failed is
// set: the recovery goes on to the accounts instead of asking again.
func TestRecoverWhenTheBackupFails(t *testing.T) {
	// A file where the backup folder should be: every automatic backup fails.
	notAFolder := filepath.Join(t.TempDir(), "backups")
	must(t, os.WriteFile(notAFolder, nil, 0o600))
	h := startHarness(t, threeAccounts(t), func(v *vault.Vault) {
		s := v.Settings()
		s.BackupDir = notAFolder
		must(t, v.SetSettings(s))
	})
	s := showRecover(h)
	recoverWith(t, s, h.codes[0], "a new long password")
	if !h.unlocked() || s.problem.Visible() {
		t.Errorf("got list shown %v, problem %q; want the accounts and no problem", h.unlocked(), s.problem.Text)
	}
	if !h.opensWith("a new long password") {
		t.Error("the new password was not saved")
	}
	if st, err := h.vault().LastBackup(); err != nil || st.Err == nil {
		t.Errorf("got backup status %+v, %v; want the failed backup reported", st, err)
	}
}

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
