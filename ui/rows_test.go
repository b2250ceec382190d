package ui

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"latchkey/core"
	"latchkey/internal/testtool"
	"latchkey/otp"
	"latchkey/vault"
)

func pngIcon(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	img.Set(0, 0, color.NRGBA{R: 255, A: 255})
	return testtool.PNG(t, img)
}

// bigIcon is a small file that claims 4000×4000 pixels.
func bigIcon(t *testing.T) []byte {
	t.Helper()
	return testtool.PNG(t, image.NewGray(image.Rect(0, 0, 4000, 4000)))
}

func TestIconsShownAndCached(t *testing.T) {
	icon := pngIcon(t, 32, 32)
	h := newHarness(t, []vault.Account{
		account(t, githubURI, func(a *vault.Account) { a.Icon = icon }),
		account(t, gitlabURI, nil),
		account(t, exampleURI, func(a *vault.Account) { a.Icon = bigIcon(t) }), // too big to decode
	})
	h.unlock()
	s := h.list()
	test.RenderObjectToMarkup(h.win.Content()) // lays the list out, creating rows
	rows := map[string]*accountRow{}
	for _, r := range s.rows {
		if r.bound {
			rows[r.issuer.Text] = r
		}
	}
	if r := rows["GitHub"]; r == nil || !r.icon.Visible() || r.icon.Image == nil {
		t.Fatal("GitHub's icon is not shown")
	}
	if r := rows["GitLab"]; r == nil || r.icon.Visible() || !r.letter.Visible() || r.initial.Text != "G" {
		t.Error("GitLab, without an icon, does not show its initial beside an account with one")
	}
	if r := rows["Example"]; r == nil || r.icon.Visible() {
		t.Error("an icon claiming 4000×4000 pixels was decoded and shown")
	}
	gh := s.shown[0]
	first := s.iconFor(gh)
	s.tick(h.clock.now().Add(time.Second))
	s.reload()
	if again := s.iconFor(gh); again != first {
		t.Error("the icon was decoded again for unchanged bytes, want the cached one")
	}
	gh.Icon = pngIcon(t, 16, 16)
	if changed := s.iconFor(gh); changed == first || changed.img.Bounds().Dx() != 16 {
		t.Error("a changed icon kept the old picture")
	}
}

func TestNoLettersWithoutIcons(t *testing.T) {
	h := newHarness(t, threeAccounts(t))
	h.unlock()
	test.RenderObjectToMarkup(h.win.Content())
	for _, r := range h.list().rows {
		if r.bound && (r.letter.Visible() || r.icon.Visible()) {
			t.Errorf("row %q shows an icon or letter in a vault without icons, want the compact row", r.issuer.Text)
		}
	}
}

func issuers(accounts []vault.Account) []string {
	var out []string
	for _, a := range accounts {
		out = append(out, a.Key.Issuer)
	}
	return out
}

func TestMoveUpAndDown(t *testing.T) {
	h, s := unlockedList(t)
	gitlab := s.shown[1]
	menu := s.rowMenu(gitlab)
	var labels []string
	for _, it := range menu.Items {
		labels = append(labels, it.Label)
	}
	if !slices.Contains(labels, "Move up") || !slices.Contains(labels, "Move down") {
		t.Fatalf("got menu %q, want Move up and Move down in manual order", labels)
	}
	for _, it := range menu.Items {
		if it.Label == "Move up" {
			it.Action()
		}
	}
	if got, want := issuers(h.vault().Accounts()), []string{"GitLab", "GitHub", "Example"}; !slices.Equal(got, want) {
		t.Errorf("after Move up got %v, want %v", got, want)
	}
	if s.canMove(gitlab.ID, -1) {
		t.Error("the first account can still move up")
	}
	// The shortcut moves the account last copied.
	s.copyCode(gitlab.ID)
	h.list().onMoveDown()
	h.list().onMoveDown()
	want := []string{"GitHub", "Example", "GitLab"}
	if got := issuers(h.vault().Accounts()); !slices.Equal(got, want) {
		t.Errorf("after two Move down got %v, want %v", got, want)
	}
	h.waitSaved()
	if got := issuers(h.saved()); !slices.Equal(got, want) {
		t.Errorf("got %v saved after moving, want %v", got, want)
	}

	h.setSettings(func(s *vault.Settings) { s.Sort = sortIssuer.String() })
	s.reload()
	for _, it := range s.rowMenu(gitlab).Items {
		if strings.HasPrefix(it.Label, "Move") {
			t.Errorf("got %q in the menu when sorted by issuer, want no moving", it.Label)
		}
	}
}

// Activity, a search typed or the mouse moved over the list, postpones the
// automatic lock; a minute after the last of it, the vault locks.
func TestActivityPostponesTheLock(t *testing.T) {
	for _, c := range []struct {
		name string
		act  func(*testing.T, *harness)
	}{
		{"search", func(_ *testing.T, h *harness) { h.list().onSearch("") }},
		{"mouse movement", func(t *testing.T, h *harness) {
			var catcher *activityCatcher
			for _, o := range test.LaidOutObjects(h.win.Content()) {
				if c, ok := o.(*activityCatcher); ok {
					catcher = c
				}
			}
			if catcher == nil {
				t.Fatal("no activity catcher under the list")
			}
			catcher.MouseMoved(&desktop.MouseEvent{})
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, threeAccounts(t))
			h.unlock()
			h.setSettings(func(s *vault.Settings) { s.AutoLock, s.ClipboardClear = time.Minute, 30*time.Second })
			h.clock.advance(50 * time.Second)
			h.app.tick()
			c.act(t, h)
			h.clock.advance(50 * time.Second)
			h.app.tick()
			if !h.unlocked() {
				t.Fatalf("locked 50 s after the %s, want the lock postponed", c.name)
			}
			h.clock.advance(10 * time.Second)
			h.app.tick()
			if h.unlocked() {
				t.Errorf("still unlocked a minute after the %s", c.name)
			}
		})
	}
}

func TestRecoveryKitRegeneratesCodes(t *testing.T) {
	h := newHarness(t, threeAccounts(t))
	h.unlock()
	showKitForm(h.session())
	if m := shown(h); !strings.Contains(m, "stops the old ones working") {
		t.Errorf("the kit's confirmation does not say the old codes stop working:\n%s", m)
	}
	f := &kitForm{session: h.session(), accounts: newCheckOn()}
	path := filepath.Join(t.TempDir(), "kit.html")
	f.write(path, false)
	page, err := os.ReadFile(path)
	must(t, err)
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 {
		t.Errorf("got kit mode %v, want 0600", st.Mode().Perm())
	}
	codes := kitCodes(string(page))
	if len(codes) != vault.BackupCodeCount {
		t.Fatalf("got %d backup codes in the kit, want %d", len(codes), vault.BackupCodeCount)
	}
	for _, want := range []string{"GitHub", "SECRET"} {
		if !bytes.Contains(page, []byte(want)) {
			t.Errorf("the kit lacks %q", want)
		}
	}
	for _, c := range h.codes {
		if bytes.Contains(page, []byte(c)) {
			t.Errorf("the kit holds the old code %q", c)
		}
	}
	// The kit's codes open the vault; the old ones no longer do.
	must(t, h.app.shutdown())
	if _, err := testVaults.OpenWithBackupCode(h.path, h.codes[0]); !errors.Is(err, vault.ErrWrongBackupCode) {
		t.Errorf("an old code after the kit: got %v, want ErrWrongBackupCode", err)
	}
	v, err := testVaults.OpenWithBackupCode(h.path, codes[0])
	must(t, err)
	must(t, v.Close())
}

// kitCodes are the backup codes on the kit's page.
func kitCodes(page string) []string {
	var codes []string
	for _, item := range strings.Split(page, `<li><span class="code">`)[1:] {
		code, _, _ := strings.Cut(item, "</span>")
		codes = append(codes, code)
	}
	return codes
}

func TestPlainExportsAskFirst(t *testing.T) {
	h := newHarness(t, threeAccounts(t))
	h.unlock()
	for _, c := range []struct {
		name   string
		export func()
		says   string
	}{
		{"links", exporter{session: h.session()}.onLinks, "NOT encrypted: anyone who reads it"},
		{"Aegis", exporter{session: h.session()}.onAegis, "NOT encrypted: anyone who reads it"},
		{"Google", exporter{session: h.session()}.onGoogle, "NOT encrypted: anyone who sees or photographs them"},
	} {
		asked := 0
		h.app.w.asked = func() {
			asked++
			if m := shown(h); !strings.Contains(m, c.says) {
				t.Errorf("%s: the question does not warn that the export is not encrypted:\n%s", c.name, m)
			}
			test.Tap(findButton(t, h.win, "Cancel"))
		}
		c.export()
		if asked != 1 {
			t.Errorf("%s: asked %d times, want once", c.name, asked)
		}
		// Declined: nothing to save or show.
		if m := shown(h); strings.Contains(m, "Save the ") || strings.Contains(m, "Code 1 of") {
			t.Errorf("%s: a declined export went on:\n%s", c.name, m)
		}
	}
	// Confirmed: each file export is saved where the person says, with
	// what core makes from the same accounts.
	for _, c := range []struct {
		name   string
		export func()
		want   func([]vault.Account) ([]byte, error)
	}{
		{"links.txt", exporter{session: h.session()}.onLinks, func(a []vault.Account) ([]byte, error) { return core.URIList(a, yes{}) }},
		{"aegis.json", exporter{session: h.session()}.onAegis, func(a []vault.Account) ([]byte, error) { return core.Aegis(a, yes{}) }},
	} {
		h.app.w.asked = func() { test.Tap(findButton(t, h.win, "Export")) }
		c.export()
		dir := t.TempDir()
		var entries []*widget.Entry
		overlays := h.win.Canvas().Overlays().List()
		for _, o := range testObjects(overlays[len(overlays)-1]) {
			if e, ok := asEntry(o); ok {
				entries = append(entries, e)
			}
		}
		if len(entries) != 2 {
			t.Fatalf("%s: got %d entries in the save form, want the folder and the name", c.name, len(entries))
		}
		entries[0].SetText(dir)
		entries[1].SetText(c.name)
		test.Tap(findButton(t, h.win, "Save"))
		got, err := os.ReadFile(filepath.Join(dir, c.name))
		must(t, err)
		want, err := c.want(h.vault().Accounts())
		must(t, err)
		if c.name == "links.txt" && !bytes.Equal(got, want) {
			t.Errorf("%s: got\n%s\nwant what core makes:\n%s", c.name, got, want)
		}
		// Aegis files carry random ids: compare what they read back as.
		gf, err := core.Reader{}.File(c.name, got)
		must(t, err)
		wf, err := core.Reader{}.File(c.name, want)
		must(t, err)
		if len(gf.Accounts) != len(wf.Accounts) || len(gf.Accounts) != 3 {
			t.Fatalf("%s: got %d accounts back, want 3 as core makes", c.name, len(gf.Accounts))
		}
		for i := range gf.Accounts {
			if !gf.Accounts[i].Key.Equal(wf.Accounts[i].Key) || gf.Accounts[i].Note != wf.Accounts[i].Note {
				t.Errorf("%s: account %d reads back as %s, want %s", c.name, i, gf.Accounts[i].Key.Label(), wf.Accounts[i].Key.Label())
			}
		}
	}
}

type yes struct{}

func (yes) ConfirmPlain(core.Format) bool { return true }

func TestGoogleExportPagesAndNamesWhatDoesNotFit(t *testing.T) {
	h := newHarness(t, threeAccounts(t))
	h.unlock()
	steam := mustKey(t, "otpauth://steam/Steam:gamer?secret=JRZCL47CMXVOQMNPZR2F7J4RGI&issuer=Steam")
	g := newGoogleExport(h.app.w, [][]byte{pngIcon(t, 8, 8), pngIcon(t, 8, 8)}, []otp.Key{steam})
	g.show()
	if g.counter.Text != "Code 1 of 2" || !g.prev.Disabled() {
		t.Errorf("got %q prev disabled=%v, want Code 1 of 2 and no way back", g.counter.Text, g.prev.Disabled())
	}
	test.Tap(g.next)
	if g.counter.Text != "Code 2 of 2" || !g.next.Disabled() {
		t.Errorf("got %q next disabled=%v, want Code 2 of 2 and no way on", g.counter.Text, g.next.Disabled())
	}
	if m := shown(h); !strings.Contains(m, "Steam: gamer") || !strings.Contains(m, "cannot hold") {
		t.Errorf("the account that does not fit is not named:\n%s", m)
	}
}

func newCheckOn() *widget.Check {
	c := widget.NewCheck("", nil)
	c.SetChecked(true)
	return c
}

// Each visible change redraws the whole window, so an idle list changes
// only when it must: per 30 s code, the bar's five coarse steps (the last
// one with the warning and the next code) and the new code. Nothing else
// moves, and the status lines change only when their text does.
func TestIdleListChangesSixTimesPerCode(t *testing.T) {
	h, s := unlockedList(t)
	test.RenderObjectToMarkup(h.win.Content()) // lays the list out, creating rows
	h.session().showBackupStatus(h.vault(), vault.BackupStatus{Enabled: true, Last: h.clock.now()})
	seen := func() string {
		var b strings.Builder
		for _, r := range s.rows {
			if r.bound && r.Visible() {
				fmt.Fprintf(&b, "%s|%v|%v|%s|%s|%v;", r.id, r.bar.fraction, r.bar.warn, r.code.Text, r.next.Text, r.code.Color)
			}
		}
		fmt.Fprintf(&b, "%v|%s|%v|%s", s.toast.Visible(), s.toast.Text, s.undoBar.Visible(), s.backupText.Text)
		return b.String()
	}
	const periods = 4
	changes, last := 0, seen()
	for range periods * 30 {
		h.clock.advance(time.Second)
		h.app.tick()
		if now := seen(); now != last {
			changes++
			last = now
		}
	}
	if changes > periods*6 {
		t.Errorf("got %d visible changes in %d s of an idle list, want at most %d (6 per code)", changes, periods*30, periods*6)
	}
}
