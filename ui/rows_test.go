package ui

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"latchkey/interop"
	"latchkey/otp"
	"latchkey/vault"
)

func pngIcon(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	img.Set(0, 0, color.NRGBA{R: 255, A: 255})
	var b bytes.Buffer
	must(t, png.Encode(&b, img))
	return b.Bytes()
}

func TestIconsShownAndCached(t *testing.T) {
	icon := pngIcon(t, 32, 32)
	h := newHarness(t, []vault.Account{
		account(t, githubURI, func(a *vault.Account) { a.Icon = icon }),
		account(t, gitlabURI, nil),
		account(t, exampleURI, func(a *vault.Account) { a.Icon = pngIcon(t, 4000, 4000) }), // too big to decode
	})
	h.unlock()
	s := h.app.accounts
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
	for _, r := range h.app.accounts.rows {
		if r.bound && (r.letter.Visible() || r.icon.Visible()) {
			t.Errorf("row %q shows an icon or letter in a vault without icons, want the compact row", r.issuer.Text)
		}
	}
}

func issuers(v *fakeVault) []string {
	var out []string
	for _, a := range v.Accounts() {
		out = append(out, a.Key.Issuer)
	}
	return out
}

func TestMoveUpAndDown(t *testing.T) {
	h := newHarness(t, threeAccounts(t))
	h.unlock()
	s := h.app.accounts
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
	if got, want := issuers(h.open.v), []string{"GitLab", "GitHub", "Example"}; !slices.Equal(got, want) {
		t.Errorf("after Move up got %v, want %v", got, want)
	}
	if s.canMove(gitlab.ID, -1) {
		t.Error("the first account can still move up")
	}
	// The shortcut moves the account last copied.
	s.copyCode(gitlab.ID)
	h.app.onMoveDown()
	h.app.onMoveDown()
	if got, want := issuers(h.open.v), []string{"GitHub", "Example", "GitLab"}; !slices.Equal(got, want) {
		t.Errorf("after two Move down got %v, want %v", got, want)
	}
	if h.open.v.saves == 0 && !h.open.v.Dirty() {
		t.Error("moving did not mark the vault for saving")
	}

	st := h.open.v.settings
	st.Sort = "issuer"
	h.open.v.settings = st
	s.reload()
	for _, it := range s.rowMenu(gitlab).Items {
		if strings.HasPrefix(it.Label, "Move") {
			t.Errorf("got %q in the menu when sorted by issuer, want no moving", it.Label)
		}
	}
}

func TestMouseMovementPostponesTheLock(t *testing.T) {
	h := newHarness(t, threeAccounts(t))
	st := h.open.v.settings
	st.AutoLock = time.Minute
	h.open.v.settings = st
	h.unlock()
	var catcher *activityCatcher
	for _, o := range test.LaidOutObjects(h.win.Content()) {
		if c, ok := o.(*activityCatcher); ok {
			catcher = c
		}
	}
	if catcher == nil {
		t.Fatal("no activity catcher under the list")
	}
	h.clock.advance(50 * time.Second)
	catcher.MouseMoved(&desktop.MouseEvent{})
	h.clock.advance(50 * time.Second)
	h.app.tick()
	if h.app.accounts == nil {
		t.Fatal("locked 50 s after the mouse moved, want the lock postponed")
	}
	h.clock.advance(15 * time.Second)
	h.app.tick()
	if h.app.accounts != nil {
		t.Error("still unlocked a minute after the last movement")
	}
}

func TestRecoveryKitRegeneratesCodes(t *testing.T) {
	h := newHarness(t, threeAccounts(t))
	h.unlock()
	old := slices.Clone(h.open.v.codes)
	h.app.onRecoveryKit()
	if m := shown(h); !strings.Contains(m, "stops the old ones working") {
		t.Errorf("the kit's confirmation does not say the old codes stop working:\n%s", m)
	}
	f := &kitForm{app: h.app, accounts: newCheckOn()}
	path := filepath.Join(t.TempDir(), "kit.html")
	f.write(path, false)
	page, err := os.ReadFile(path)
	must(t, err)
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 {
		t.Errorf("got kit mode %v, want 0600", st.Mode().Perm())
	}
	if slices.Equal(h.open.v.codes, old) {
		t.Fatal("the backup codes were not regenerated")
	}
	for _, want := range append(slices.Clone(h.open.v.codes), "GitHub", "SECRET") {
		if !bytes.Contains(page, []byte(want)) {
			t.Errorf("the kit lacks %q", want)
		}
	}
	for _, c := range old {
		if bytes.Contains(page, []byte(c)) {
			t.Errorf("the kit holds the old code %q", c)
		}
	}
}

func TestPlainExportsAskFirstAndRoundTrip(t *testing.T) {
	h := newHarness(t, threeAccounts(t))
	h.unlock()
	h.app.onExportLinks()
	if m := shown(h); !strings.Contains(m, "NOT encrypted") {
		t.Errorf("the links export does not warn that it is not encrypted:\n%s", m)
	}
	accounts := h.open.v.Accounts()
	lines := strings.Fields(string(linksExport(h.open.v.Accounts())))
	if len(lines) != len(accounts) {
		t.Fatalf("got %d links, want %d", len(lines), len(accounts))
	}
	for i, l := range lines {
		if k := mustKey(t, l); !k.Equal(accounts[i].Key) {
			t.Errorf("link %d reads back as %s, want %s", i, k.Label(), accounts[i].Key.Label())
		}
	}
	data, err := aegisExport(h.open.v.Accounts())
	must(t, err)
	res, err := interop.Read(data, nil)
	must(t, err)
	if len(res.Entries) != len(accounts) {
		t.Fatalf("the Aegis export reads back %d entries, want %d", len(res.Entries), len(accounts))
	}
	for i, e := range res.Entries {
		if !e.Key.SameSecret(accounts[i].Key) || e.Note != accounts[i].Note {
			t.Errorf("Aegis entry %d reads back as %s %q, want %s %q", i, e.Key.Label(), e.Note, accounts[i].Key.Label(), accounts[i].Note)
		}
	}
}

func TestGoogleExportPagesAndNamesWhatDoesNotFit(t *testing.T) {
	h := newHarness(t, threeAccounts(t))
	h.unlock()
	steam := mustKey(t, "otpauth://steam/Steam:gamer?secret=JRZCL47CMXVOQMNPZR2F7J4RGI&issuer=Steam")
	g := newGoogleExport(h.app, [][]byte{pngIcon(t, 8, 8), pngIcon(t, 8, 8)}, []otp.Key{steam})
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
