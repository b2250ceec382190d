package ui

import (
	"bytes"
	"errors"
	"image"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	pq "github.com/pquerna/otp"
	"github.com/pquerna/otp/hotp"
	"github.com/pquerna/otp/totp"

	"latchkey/core"
	"latchkey/internal/testtool"
	"latchkey/otp"
	"latchkey/vault"
)

const (
	githubURI  = "otpauth://totp/GitHub:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=GitHub"
	githubB32  = "JBSWY3DPEHPK3PXP"
	gitlabURI  = "otpauth://totp/GitLab:alice?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=GitLab"
	exampleURI = "otpauth://hotp/Example:bob?secret=GEZDGNBVGY3TQOJQ&counter=3&issuer=Example"
)

// oracleTOTP is the code an independent implementation gives.
func oracleTOTP(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	code, err := totp.GenerateCodeCustom(secret, at, totp.ValidateOpts{Period: 30, Digits: pq.DigitsSix, Algorithm: pq.AlgorithmSHA1})
	must(t, err)
	return code
}

func threeAccounts(t *testing.T) []vault.Account {
	return []vault.Account{
		account(t, githubURI, func(a *vault.Account) { a.Tags = []string{"work"} }),
		account(t, gitlabURI, func(a *vault.Account) { a.Note = "the personal one" }),
		account(t, exampleURI, nil),
	}
}

func TestTitleAndFirstScreen(t *testing.T) {
	h := newHarness(t, nil)
	if got := h.win.Title(); got != "Latchkey" {
		t.Errorf("got title %q, want Latchkey", got)
	}
	if _, ok := asEntry(h.win.Canvas().Focused()); !ok {
		t.Errorf("got focus on %T, want the new password entry", h.win.Canvas().Focused())
	}
}

func TestCreateVault(t *testing.T) {
	h := newHarness(t, nil)
	s := newCreateScreen(h.app.opening(), h.app.created, func() { h.app.showRestore() })
	h.win.SetContent(s.content())
	test.Type(s.pw.first, "short")
	test.Type(s.pw.second, "short")
	if !s.create.Disabled() {
		t.Error("got Create enabled for a 5-character password, want disabled")
	}
	if got := s.pw.hint.Text; !strings.HasPrefix(got, "Weak") {
		t.Errorf("got hint %q, want a weak warning", got)
	}
	s.pw.first.SetText(testPassword)
	s.pw.second.SetText(testPassword + "x")
	if !s.create.Disabled() || !strings.Contains(s.pw.hint.Text, "differ") {
		t.Errorf("got enabled=%v hint %q for different passwords, want disabled and a warning", !s.create.Disabled(), s.pw.hint.Text)
	}
	s.pw.second.SetText(testPassword)
	if s.create.Disabled() {
		t.Fatal("got Create disabled for matching long passwords, want enabled")
	}
	test.Tap(s.create)
	if !h.opensWith(testPassword) {
		t.Fatal("the vault was not created with the typed password")
	}
	// The backup codes screen: Continue only after confirming.
	codes := shownCodes(h)
	if len(codes) != vault.BackupCodeCount {
		t.Fatalf("got %d backup codes shown, want %d", len(codes), vault.BackupCodeCount)
	}
	if h.unlocked() {
		t.Fatal("got the account list before the codes were confirmed")
	}
	next := findButton(t, h.win, "Continue")
	test.Tap(next)
	if h.unlocked() {
		t.Fatal("Continue worked without confirming the codes were stored")
	}
	test.Tap(findCheck(t, h.win, "I have stored these codes somewhere safe"))
	test.Tap(next)
	if !h.unlocked() {
		t.Fatal("got no account list after confirming the codes")
	}
	// The codes shown are the vault's.
	must(t, h.app.shutdown())
	v, err := testVaults.OpenWithBackupCode(h.path, codes[0])
	must(t, err)
	must(t, v.Close())
}

// shownCodes are the backup codes the window shows: the monospaced labels.
func shownCodes(h *harness) []string {
	var out []string
	for _, o := range test.LaidOutObjects(h.win.Content()) {
		if l, ok := o.(*widget.Label); ok && l.TextStyle.Monospace && l.Visible() {
			out = append(out, l.Text)
		}
	}
	return out
}

func TestBackupCodesCopyAndPage(t *testing.T) {
	h := newHarness(t, nil)
	codes := []string{"AAAA-1111", "BBBB-2222"}
	bc := newBackupCodesScreen(h.app.w, h.app.clip, func() time.Duration { return 30 * time.Second }, h.path, codes, func() {})
	h.win.SetContent(bc.content())
	bc.onCopy()
	if got := h.clipboard(); got != "AAAA-1111\nBBBB-2222" {
		t.Errorf("got clipboard %q, want both codes", got)
	}
	page := backupCodesPage("/v<x>", codes)
	for _, want := range []string{"<li>AAAA-1111</li>", "<li>BBBB-2222</li>", "/v&lt;x&gt;", "print()"} {
		if !strings.Contains(page, want) {
			t.Errorf("printable page lacks %q", want)
		}
	}
}

func TestUnlockWrongPasswordThenRight(t *testing.T) {
	h := newHarness(t, threeAccounts(t))
	s := newUnlockScreen(h.app.opening(), h.app.unlocked, h.app.showRecover)
	h.win.SetContent(s.content())
	s.focus()
	test.Type(s.password, "wrong")
	s.password.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if h.unlocked() {
		t.Fatal("a wrong password opened the vault")
	}
	if !s.problem.Visible() || !strings.Contains(s.problem.Text, "Wrong password") {
		t.Errorf("got problem %q (visible %v), want it to say Wrong password", s.problem.Text, s.problem.Visible())
	}
	if s.password.Text != "wrong" || h.win.Canvas().Focused() != s.password {
		t.Errorf("got field %q focused=%v, want the typed text kept and focused", s.password.Text, h.win.Canvas().Focused() == s.password)
	}
	if s.password.Disabled() || s.unlock.Disabled() {
		t.Error("the form stayed disabled after the attempt")
	}
	s.password.SetText(testPassword)
	s.password.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if !h.unlocked() {
		t.Fatal("the right password did not show the list")
	}
	if s.password.Text != "" {
		t.Error("the password stayed in the field after unlocking")
	}
}

func TestUnlockAnotherInstance(t *testing.T) {
	h := newHarness(t, threeAccounts(t))
	s := newUnlockScreen(h.app.opening(), h.app.unlocked, h.app.showRecover)
	s.opened(nil, errors.Join(errors.New("opening"), vault.ErrLocked))
	if !strings.Contains(s.problem.Text, "already open") {
		t.Errorf("got %q, want a message that another Latchkey has the vault", s.problem.Text)
	}
}

func TestListShowsCodesAndCopies(t *testing.T) {
	h, s := unlockedList(t)
	if got := s.length(); got != 3 {
		t.Fatalf("got %d rows, want 3", got)
	}
	if h.win.Canvas().Focused() != s.search {
		t.Errorf("got focus on %T, want the search field", h.win.Canvas().Focused())
	}
	want := oracleTOTP(t, githubB32, h.clock.now())
	markup := test.RenderObjectToMarkup(h.win.Content())
	if !strings.Contains(markup, want[:3]+" "+want[3:]) {
		t.Errorf("the GitHub code %s is not shown grouped", want)
	}
	s.list.Select(0)
	if got := h.clipboard(); got != want {
		t.Errorf("got clipboard %q, want %q", got, want)
	}
	if !s.toast.Visible() || !strings.Contains(s.toast.Text, "GitHub") {
		t.Errorf("got note %q, want a confirmation naming GitHub", s.toast.Text)
	}
	// Clicking the same row again copies again.
	h.fa.Clipboard().SetContent("")
	s.list.Select(0)
	if got := h.clipboard(); got != want {
		t.Errorf("second click: got clipboard %q, want %q", got, want)
	}
}

func TestClipboardClearedAfterTimeIfStillOurs(t *testing.T) {
	h, s := unlockedList(t)
	s.copyCode(s.shown[0].ID)
	code := h.clipboard()
	h.clock.advance(29 * time.Second)
	h.app.tick()
	if got := h.clipboard(); got != code {
		t.Fatalf("after 29 s: got clipboard %q, want the code still there", got)
	}
	h.clock.advance(time.Second)
	h.app.tick()
	if got := h.clipboard(); got != "" {
		t.Errorf("after 30 s: got clipboard %q, want it cleared", got)
	}
	// Something the person copied since is left alone.
	s.copyCode(s.shown[0].ID)
	h.fa.Clipboard().SetContent("my own text")
	h.clock.advance(time.Minute)
	h.app.tick()
	if got := h.clipboard(); got != "my own text" {
		t.Errorf("got clipboard %q, want the person's own text kept", got)
	}
}

func TestSearchFiltersAndEnterCopiesTopMatch(t *testing.T) {
	h, s := unlockedList(t)
	for _, c := range []struct {
		query string
		want  int
	}{{"git", 2}, {"work", 1}, {"PERSONAL", 1}, {"alice git", 2}, {"bob", 1}, {"nothing", 0}, {"", 3}} {
		s.search.SetText(c.query)
		if got := s.length(); got != c.want {
			t.Errorf("search %q: got %d rows, want %d", c.query, got, c.want)
		}
	}
	test.Type(s.search, "lab")
	s.search.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	want := oracleTOTP(t, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", h.clock.now())
	if got := h.clipboard(); got != want {
		t.Errorf("Enter on %q: got clipboard %q, want the GitLab code %q", s.search.Text, got, want)
	}
	s.search.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if s.search.Text != "" || s.length() != 3 {
		t.Errorf("Esc: got search %q and %d rows, want empty and 3", s.search.Text, s.length())
	}
	s.search.SetText("zzz")
	if !s.empty.Visible() || !strings.Contains(s.empty.Text, "zzz") {
		t.Errorf("got empty note %q, want it to name the search", s.empty.Text)
	}
}

func TestEnterOnListCopiesFocusedRow(t *testing.T) {
	h, s := unlockedList(t)
	h.win.Canvas().Focus(s.list)
	s.list.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDown})
	s.list.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	want := oracleTOTP(t, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", h.clock.now())
	if got := h.clipboard(); got != want {
		t.Errorf("got clipboard %q, want the second row's code %q", got, want)
	}
}

func TestPinnedFirstAndSort(t *testing.T) {
	accts := []vault.Account{
		account(t, "otpauth://totp/Zeta:z?secret=JBSWY3DPEHPK3PXP", nil),
		account(t, "otpauth://totp/Beta:b?secret=GEZDGNBVGY3TQOJQ", nil),
		account(t, "otpauth://totp/Alpha:a?secret=GEZDGNBVGY3TQOJR", func(a *vault.Account) {}),
		account(t, "otpauth://totp/Mid:m?secret=GEZDGNBVGY3TQOJS", func(a *vault.Account) { a.Pinned = true }),
	}
	issuers := func(as []vault.Account) string {
		var out []string
		for _, a := range as {
			out = append(out, a.Key.Issuer)
		}
		return strings.Join(out, ",")
	}
	for _, c := range []struct {
		order sortOrder
		want  string
	}{
		{sortManual, "Mid,Zeta,Beta,Alpha"},
		{sortIssuer, "Mid,Alpha,Beta,Zeta"},
		{sortName, "Mid,Alpha,Beta,Zeta"},
	} {
		if got := issuers(arrange(accts, "", c.order)); got != c.want {
			t.Errorf("%v: got %s, want %s", c.order, got, c.want)
		}
	}
	accts[1].LastUsed = time.Unix(200, 0)
	accts[0].LastUsed = time.Unix(100, 0)
	if got, want := issuers(arrange(accts, "", sortRecent)), "Mid,Beta,Zeta,Alpha"; got != want {
		t.Errorf("recent: got %s, want %s", got, want)
	}
}

func TestHOTPAdvanceSaves(t *testing.T) {
	h, s := unlockedList(t)
	id := s.shown[2].ID
	s.onAdvance(id)
	a, _ := h.vault().Account(id)
	if a.Key.Counter != 4 {
		t.Fatalf("got counter %d, want 4", a.Key.Counter)
	}
	h.waitSaved()
	if got := h.saved()[2].Key.Counter; got != 4 {
		t.Errorf("got counter %d saved, want 4", got)
	}
	s.copyCode(id)
	want, err := hotp.GenerateCode("GEZDGNBVGY3TQOJQ", 4)
	must(t, err)
	if got := h.clipboard(); got != want {
		t.Errorf("got clipboard %q, want the counter-4 code %q", got, want)
	}
}

func TestEditAccount(t *testing.T) {
	h := newHarness(t, threeAccounts(t))
	h.unlock()
	id := h.list().shown[1].ID
	a, _ := h.vault().Account(id)
	f := newEditForm(h.session(), a)
	f.show()
	f.issuer.SetText("GitLab.com")
	f.tags.SetText("home, Home, code ,")
	f.note.SetText("new note")
	f.pinned.SetChecked(true)
	f.onDone(true)
	got, _ := h.vault().Account(id)
	if got.Key.Issuer != "GitLab.com" || strings.Join(got.Tags, "|") != "home|code" || got.Note != "new note" || !got.Pinned {
		t.Errorf("got issuer %q tags %q note %q pinned %v, want GitLab.com, home|code, new note, true", got.Key.Issuer, got.Tags, got.Note, got.Pinned)
	}
	if !got.Key.SameSecret(a.Key) {
		t.Error("editing changed the key")
	}
	if first := h.list().shown[0].ID; first != id {
		t.Errorf("got %s first, want the pinned account %s", first, id)
	}
	if err := validIssuer("a:b"); err == nil {
		t.Error("got no error for an issuer with a colon")
	}
}

func TestDeleteAndUndo(t *testing.T) {
	h, s := unlockedList(t)
	id := s.shown[1].ID
	s.deleteAccount(id)
	if _, ok := h.vault().Account(id); ok || s.length() != 2 {
		t.Fatalf("got account present=%v rows %d, want it gone and 2 rows", ok, s.length())
	}
	if !s.undoBar.Visible() {
		t.Fatal("no undo offered")
	}
	s.onUndo()
	if s.length() != 3 || s.shown[1].ID != id {
		t.Errorf("after undo: got %d rows, second %q; want 3 rows with %q back in place", s.length(), s.shown[1].ID, id)
	}
	// The offer goes away after a while.
	s.deleteAccount(id)
	h.clock.advance(undoFor)
	h.app.tick()
	if s.undoBar.Visible() || s.undone != nil {
		t.Error("the undo offer stayed after its time")
	}
}

func TestLockDropsDataAndClearsClipboard(t *testing.T) {
	h, s := unlockedList(t)
	s.copyCode(s.shown[0].ID)
	secret := s.shown[0].Key.Secret
	showKeyQR(h.session(), s.shown[0].ID) // a dialog showing vault data
	h.app.lock()
	if h.unlocked() {
		t.Error("the vault or list is still held after locking")
	}
	if got := h.clipboard(); got != "" {
		t.Errorf("got clipboard %q after locking, want it cleared", got)
	}
	for _, b := range secret {
		if b != 0 {
			t.Error("the list's copy of a secret was not wiped")
			break
		}
	}
	if !h.closed() {
		t.Error("the vault was not closed")
	}
	if top := h.win.Canvas().Overlays().Top(); top != nil {
		t.Errorf("got overlay %T after locking, want none", top)
	}
	if _, ok := asEntry(h.win.Canvas().Focused()); !ok {
		t.Errorf("got focus on %T after locking, want the password field", h.win.Canvas().Focused())
	}
}

func TestTickMovesCodesOn(t *testing.T) {
	h, s := unlockedList(t)
	var row *accountRow
	for _, r := range s.rows {
		if r.id == s.shown[0].ID {
			row = r
		}
	}
	if row == nil {
		t.Fatal("no row bound to the first account")
	}
	// Step to 3 s before the change: warning colour and the next code.
	left := row.key.Remaining(h.clock.now())
	h.clock.advance(left - 3*time.Second)
	h.app.tick()
	next := oracleTOTP(t, githubB32, h.clock.now().Add(30*time.Second))
	if !row.bar.warn || !strings.Contains(row.next.Text, next[:3]+" "+next[3:]) {
		t.Errorf("3 s before the change: got warn=%v next %q, want warn and %s", row.bar.warn, row.next.Text, next)
	}
	h.clock.advance(3 * time.Second)
	h.app.tick()
	now := oracleTOTP(t, githubB32, h.clock.now())
	if got := strings.ReplaceAll(row.code.Text, " ", ""); got != now || row.bar.warn || row.next.Text != "" {
		t.Errorf("after the change: got %q warn=%v next %q, want %s, no warning, no next", got, row.bar.warn, row.next.Text, now)
	}
}

func TestAddByPasteAndDuplicates(t *testing.T) {
	h := newHarness(t, threeAccounts(t))
	h.unlock()
	h.fa.Clipboard().SetContent("otpauth://totp/New:carol?secret=MFRGGZDFMZTWQ2LK&issuer=New")
	adder{session: h.session()}.onPaste()
	if got := len(h.vault().Accounts()); got != 4 {
		t.Fatalf("got %d accounts after pasting a new key, want 4", got)
	}
	// The same key again is a duplicate: it goes to review, unticked.
	adder{session: h.session()}.onPaste()
	if got := len(h.vault().Accounts()); got != 4 {
		t.Errorf("got %d accounts after pasting a duplicate, want 4", got)
	}
	found := []vault.Account{{Key: mustKey(t, githubURI)}, {Key: mustKey(t, "otpauth://totp/X:y?secret=MFRGGZDFMZTWQ2LL")}}
	r := newReviewDialog(h.session(), found, core.Duplicates(h.vault().Accounts(), found), nil)
	r.show()
	lines := reviewLines(h)
	if len(lines) != 2 || lines[0].check.Checked || !strings.HasSuffix(lines[0].text, "already in the vault") || !lines[1].check.Checked {
		t.Errorf("got rows %+v, want the duplicate unticked and marked, the new one ticked", lines)
	}
	test.Tap(r.add)
	if got := len(h.vault().Accounts()); got != 5 {
		t.Errorf("got %d accounts after review, want 5", got)
	}
}

func TestPasteProblemsSayWhatToDo(t *testing.T) {
	for _, c := range []struct{ text, want string }{
		{"https://example.com/login", "web link"},
		{"otpauth-migration://offline?data=", "Google"},
		{"hello", "not an authenticator key"},
	} {
		h := newHarness(t, threeAccounts(t))
		h.unlock()
		h.fa.Clipboard().SetContent(c.text)
		adder{session: h.session()}.onPaste()
		got := test.RenderToMarkup(h.win.Canvas())
		if !strings.Contains(got, c.want) {
			t.Errorf("paste %q: the message does not mention %q", c.text, c.want)
		}
		if n := len(h.vault().Accounts()); n != 3 {
			t.Errorf("paste %q: got %d accounts, want 3", c.text, n)
		}
	}
}

func TestManualFormValidatesAsYouType(t *testing.T) {
	h := newHarness(t, threeAccounts(t))
	h.unlock()
	f := newManualForm(h.session())
	f.show()
	if !f.add.Disabled() {
		t.Error("got Add enabled on an empty form")
	}
	test.Type(f.issuer, "Acme")
	test.Type(f.secret, "not base32!")
	if !f.add.Disabled() || !f.problem.Visible() || !strings.Contains(f.problem.Text, "not valid") {
		t.Errorf("bad key: got enabled=%v problem %q, want disabled and a reason", !f.add.Disabled(), f.problem.Text)
	}
	f.secret.SetText("mfrg gzdf mztw q2lk")
	f.period.SetText("0")
	if !f.add.Disabled() {
		t.Error("got Add enabled with period 0")
	}
	f.period.SetText("60")
	f.digits.SetSelected("8")
	f.algorithm.SetSelected("SHA256")
	if f.add.Disabled() {
		t.Fatalf("got Add disabled for a valid key: %q", f.problem.Text)
	}
	test.Tap(f.add)
	all := h.vault().Accounts()
	k := all[len(all)-1].Key
	if k.Issuer != "Acme" || k.Period != 60 || k.Digits != 8 || k.Algorithm != otp.SHA256 || otp.EncodeSecret(k.Secret) != "MFRGGZDFMZTWQ2LK" {
		t.Errorf("got key %s/%d s/%d digits/%v/%s, want Acme/60/8/SHA256/MFRGGZDFMZTWQ2LK", k.Issuer, k.Period, k.Digits, k.Algorithm, otp.EncodeSecret(k.Secret))
	}
}

// showRecover puts the recovery screen in the window.
func showRecover(h *harness) *recoverScreen {
	s := newRecoverScreen(h.app.opening(), h.app.showUnlock, h.app.recovered)
	h.win.SetContent(s.content())
	return s
}

// recoverWith opens the vault on the recovery screen with code, which must
// open it, and sets newPassword.
func recoverWith(t *testing.T, s *recoverScreen, code, newPassword string) {
	t.Helper()
	s.code.SetText(code)
	test.Tap(s.open)
	if s.opened == nil {
		t.Fatalf("the backup code did not open the vault: %q", s.problem.Text)
	}
	s.pw.first.SetText(newPassword)
	s.pw.second.SetText(newPassword)
	test.Tap(s.set)
}

func TestRecoverWithBackupCode(t *testing.T) {
	h := newHarness(t, threeAccounts(t))
	s := showRecover(h)
	test.Type(s.code, "0000-0000-0000-0000-0000-0000-0000")
	test.Tap(s.open)
	if !s.problem.Visible() || s.opened != nil {
		t.Fatal("a wrong backup code was accepted")
	}
	recoverWith(t, s, h.codes[0], "a new long password")
	if !h.opensWith("a new long password") || !h.unlocked() {
		t.Error("the new password was not set, or the list not shown")
	}
}

func TestSettingsChangeTimersAndTheme(t *testing.T) {
	h := newHarness(t, threeAccounts(t))
	h.unlock()
	f := newSettingsForm(h.session(), themeSystem, h.app.setTheme)
	f.show()
	f.autoLock.SetSelected("10 minutes")
	f.clipClear.SetSelected("Never")
	f.themes.SetSelected(themeDark.label())
	f.sort.SetSelected(sortIssuer.label())
	f.backupKeep.SetText("3")
	f.onDone(true)
	got := h.vault().Settings()
	if got.AutoLock != 10*time.Minute || got.ClipboardClear != 0 || got.Sort != "issuer" || got.BackupKeep != 3 {
		t.Errorf("got %+v, want 10m auto-lock, no clear, issuer sort, keep 3", got)
	}
	if p := h.fa.Preferences().String(prefTheme); p != "dark" {
		t.Errorf("got theme preference %q, want dark", p)
	}
}

func TestQuitSavesAndCloses(t *testing.T) {
	h := newHarness(t, threeAccounts(t))
	h.unlock()
	h.list().togglePin(h.list().shown[2].ID)
	must(t, h.app.shutdown())
	if !h.closed() {
		t.Error("the vault is still open after shutdown")
	}
	if saved := h.saved(); !saved[2].Pinned {
		t.Error("the pin was not saved at shutdown")
	}
}

func TestIdleSearchRestsButTypingStillSearches(t *testing.T) {
	h, s := unlockedList(t)
	h.clock.advance(searchRestAfter)
	h.app.tick()
	c := h.win.Canvas()
	if c.Focused() != nil {
		t.Fatalf("got focus on %T after %v idle, want none", c.Focused(), searchRestAfter)
	}
	test.TypeOnCanvas(c, "lab")
	if s.search.Text != "lab" || s.length() != 1 || c.Focused() != s.search {
		t.Errorf("got search %q, %d rows, focus %T; want lab, 1 row, the search field", s.search.Text, s.length(), c.Focused())
	}
	c.Unfocus()
	c.OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyReturn})
	want := oracleTOTP(t, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", h.clock.now())
	if got := h.clipboard(); got != want {
		t.Errorf("Enter with nothing focused: got clipboard %q, want %q", got, want)
	}
}

// The QR code shown decodes, by the independent zbarimg, to the account.
func TestShowKeyQRDecodes(t *testing.T) {
	h := newHarness(t, threeAccounts(t))
	h.unlock()
	showKeyQR(h.session(), h.list().shown[0].ID)
	k, err := otp.ParseURI(testtool.ZbarImage(t, h.win.Canvas().Capture()))
	must(t, err)
	if !k.SameSecret(mustKey(t, githubURI)) || k.Issuer != "GitHub" {
		t.Errorf("got %s, want the GitHub key", k.Label())
	}
}

func TestAddFromImageFileAndDrop(t *testing.T) {
	h := newHarness(t, threeAccounts(t))
	h.unlock()
	dir := t.TempDir()
	one := filepath.Join(dir, "one.png")
	two := filepath.Join(dir, "two.png")
	testtool.QRFile(t, one, "otpauth://totp/Img:one?secret=MFRGGZDFMZTWQ2LK&issuer=Img")
	testtool.QRFile(t, two, "otpauth://totp/Img:two?secret=MFRGGZDFMZTWQ2LL&issuer=Img")
	// The file dialog's route: one image, one new account, added at once.
	adder{session: h.session()}.decodeImages([]core.Image{{Name: "one.png", Path: one}})
	if got := len(h.vault().Accounts()); got != 4 {
		t.Fatalf("got %d accounts after opening one image, want 4", got)
	}
	// Dropping both: one is now a duplicate, so they go to review.
	h.app.onDropped(fyne.NewPos(0, 0), []fyne.URI{storage.NewFileURI(one), storage.NewFileURI(two)})
	markup := test.RenderToMarkup(h.win.Canvas())
	if !strings.Contains(markup, "Img: one") || !strings.Contains(markup, "already in the vault") || !strings.Contains(markup, "Add 1") {
		t.Error("the review list does not mark the duplicate and offer to add the other one")
	}
}

func TestImageWithoutQRCodeSaysSo(t *testing.T) {
	h := newHarness(t, threeAccounts(t))
	h.unlock()
	blank := testtool.PNG(t, image.NewGray(image.Rect(0, 0, 64, 64)))
	adder{session: h.session()}.decodeImages([]core.Image{{Name: "blank.png", Data: blank}})
	if markup := test.RenderToMarkup(h.win.Canvas()); !strings.Contains(markup, "No QR code found") {
		t.Error("a blank image did not say no QR code was found")
	}
}

func TestImportAegisFixture(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(testtool.Fixtures(t), "aegis_plain.json"))
	must(t, err)
	h := newHarness(t, []vault.Account{})
	h.unlock()
	importer{session: h.session()}.read("aegis_plain.json", data)
	r := test.RenderToMarkup(h.win.Canvas())
	if !strings.Contains(r, "Choose the ones to add") {
		t.Fatal("importing an Aegis export showed no review list")
	}
}

func TestScreenCaptureUnderX(t *testing.T) {
	if os.Getenv("DISPLAY") == "" {
		t.Fatal("no DISPLAY: run the tests under xvfb-run, as ./test.sh does")
	}
	// Nothing is run to capture the screen any more.
	t.Setenv("PATH", t.TempDir())
	data, err := captureScreen()
	must(t, err)
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	must(t, err)
	if cfg.Width < 100 || cfg.Height < 100 {
		t.Errorf("got a %dx%d capture, want the whole screen", cfg.Width, cfg.Height)
	}
}

// TestPastedImageWaitsAndStopsAtLock: while the clipboard's image is read
// the window shows it is busy, so a second paste cannot start another
// read; a lock meanwhile drops the image (or the screen's) unread, with
// nothing shown over the lock screen.
func TestPastedImageWaitsAndStopsAtLock(t *testing.T) {
	png := testtool.QREncode(t, imgURI, 6, 4)
	reads := 0
	old := readClipboardImage
	readClipboardImage = func() ([]byte, error) { reads++; return png, nil }
	t.Cleanup(func() { readClipboardImage = old })

	h := newHarness(t, []vault.Account{})
	h.unlock()
	h.fa.Clipboard().SetContent("")
	jobs := queueBackground(h)
	adder{session: h.session()}.onPaste()
	if overlays(h) == 0 {
		t.Error("nothing shows the clipboard image is being read")
	}
	h.win.Canvas().Unfocus()
	ctrlV(h)
	jobs.runAll()
	if reads != 1 {
		t.Errorf("got %d reads of the clipboard image after a paste during the first, want 1", reads)
	}
	if got := h.vault().Accounts(); len(got) != 1 || overlays(h) != 0 {
		t.Fatalf("got %d accounts and %d overlays after the read, want the image's account and none", len(got), overlays(h))
	}

	// A read that ends after a lock, with the image or with an error, of
	// the clipboard or of the screen.
	oldScreen := readScreen
	t.Cleanup(func() { readScreen = oldScreen })
	for _, err := range []error{nil, errors.New("the clipboard holds neither")} {
		readClipboardImage = func() ([]byte, error) { return png, err }
		readScreen = readClipboardImage
		for _, read := range []func(adder){adder.onPaste, adder.onScanScreen} {
			h := newHarness(t, []vault.Account{})
			h.unlock()
			h.fa.Clipboard().SetContent("")
			jobs := queueBackground(h)
			read(adder{session: h.session()})
			h.app.lock()
			jobs.runQueued()
			if overlays(h) != 0 || len(jobs.pending) != 0 {
				t.Errorf("read ending with error %v: got %d overlays and %d jobs after the lock, want nothing; showing:\n%s", err, overlays(h), len(jobs.pending), shown(h))
			}
		}
	}
}
