package ui

import (
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"latchkey/otp"
	"latchkey/vault"
)

// press sends a key as the window system does: to the focused widget, or
// else to the window.
func press(h *harness, k fyne.KeyName) {
	c := h.win.Canvas()
	ev := &fyne.KeyEvent{Name: k}
	if f := c.Focused(); f != nil {
		f.TypedKey(ev)
	} else if c.OnTypedKey() != nil {
		c.OnTypedKey()(ev)
	}
}

// typeRune types a character as the window system does.
func typeRune(h *harness, r rune) {
	c := h.win.Canvas()
	if f := c.Focused(); f != nil {
		f.TypedRune(r)
	} else if c.OnTypedRune() != nil {
		c.OnTypedRune()(r)
	}
}

// useShortcut runs the main menu item bound to sc, as the window system
// does before anything else sees the key.
func useShortcut(t *testing.T, h *harness, sc fyne.Shortcut) {
	t.Helper()
	for _, m := range h.win.MainMenu().Items {
		for _, it := range m.Items {
			if it.Shortcut != nil && it.Shortcut.ShortcutName() == sc.ShortcutName() {
				it.Action()
				return
			}
		}
	}
	t.Fatalf("no menu item has the shortcut %s", sc.ShortcutName())
}

func overlays(h *harness) int { return len(h.win.Canvas().Overlays().List()) }

// TestDialogsOwnTheKeyboard opens every kind of dialog over the list and
// presses a letter, Return and Esc: nothing reaches the list behind it.
func TestDialogsOwnTheKeyboard(t *testing.T) {
	h := newHarness(t, []vault.Account{account(t, githubURI, nil)})
	h.unlock()
	s := h.session()
	id := h.vault().Accounts()[0].ID
	var replaced bool
	savePath := ""
	cases := []struct {
		name string
		open func()
		// returned checks what Return did; nil means it closes the dialog.
		returned func(t *testing.T)
	}{
		{"message", func() { h.app.w.showInfo("Nothing to add", "Drop an image.") }, nil},
		{"error", func() { h.app.w.showError("Could not open the image", errBadFile) }, nil},
		{"problems", func() { h.app.w.showProblems([]string{"The clipboard holds no key."}) }, nil},
		{"confirm", func() {
			confirmReplace(h.app.w, "/tmp/x", func(string, bool) { replaced = true })
		}, func(t *testing.T) {
			if !replaced {
				t.Error("Return did not answer yes in the confirmation")
			}
		}},
		{"QR view", func() { showKeyQR(s, id) }, nil},
		{"add by hand", func() { useShortcut(t, h, scAddManual) }, func(t *testing.T) {
			if overlays(h) != 1 || !strings.Contains(shown(h), "Type the key the service showed") {
				t.Errorf("Return on an incomplete form: got %d dialogs showing %q, want the form saying why", overlays(h), shown(h))
			}
			press(h, fyne.KeyEscape)
		}},
		{"edit", func() { s.list.onEdit(id) }, func(t *testing.T) {
			if got := h.vault().Accounts()[0].Key.Issuer; !strings.Contains(got, "x") || !strings.Contains(got, "GitHub") {
				t.Errorf("Return in Edit: got issuer %q, want the typed x saved", got)
			}
		}},
		{"save file", func() {
			chooseSaveFile(h.app.w, h.path, "Save", "Where?", "k.txt", func(p string, _ bool) { savePath = p })
		}, func(t *testing.T) {
			if filepath.Base(savePath) != "xk.txt" {
				t.Errorf("Return in the save form: got path %q, want …/xk.txt", savePath)
			}
		}},
		{"settings", func() { useShortcut(t, h, scSettings) }, nil},
		{"password", func() { useShortcut(t, h, scPassword) }, func(t *testing.T) {
			if overlays(h) != 1 || !strings.Contains(shown(h), "Type") {
				t.Errorf("Return on an empty password form: got %d dialogs showing %q, want it saying why", overlays(h), shown(h))
			}
			press(h, fyne.KeyEscape)
		}},
		{"file chooser", func() { useShortcut(t, h, scOpenImage) }, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h.fa.Clipboard().SetContent("")
			search := h.list().search.Text
			// Esc closes it; a letter first goes to its field or nowhere.
			c.open()
			if overlays(h) != 1 {
				t.Fatalf("got %d dialogs, want 1", overlays(h))
			}
			typeRune(h, 'x')
			press(h, fyne.KeyEscape)
			if overlays(h) != 0 {
				t.Fatalf("Esc left %d dialogs open", overlays(h))
			}
			// Return runs its default action.
			c.open()
			useShortcut(t, h, scAddManual) // must not stack a second dialog
			if overlays(h) != 1 {
				t.Fatalf("Ctrl+N over the dialog: got %d dialogs, want 1", overlays(h))
			}
			typeRune(h, 'x')
			press(h, fyne.KeyReturn)
			if c.returned != nil {
				c.returned(t)
			}
			for overlays(h) > 0 {
				press(h, fyne.KeyEscape)
				if overlays(h) > 0 && h.app.w.front() == nil {
					t.Fatal("a dialog is showing that Esc cannot close")
				}
			}
			if got := h.clipboard(); got != "" {
				t.Errorf("got %q on the clipboard, want nothing copied", got)
			}
			if got := h.list().search.Text; got != search {
				t.Errorf("got search %q, want %q", got, search)
			}
		})
	}
}

var errBadFile = vault.ErrCorrupt

// TestPopUpMenuHoldsTheKeys: with the + menu open, a letter does not reach
// the search and Ctrl+N waits.
func TestPopUpMenuHoldsTheKeys(t *testing.T) {
	h := newHarness(t, []vault.Account{})
	h.unlock()
	h.list().onAdd()
	if overlays(h) != 1 {
		t.Fatalf("got %d overlays, want the Add menu", overlays(h))
	}
	h.win.Canvas().Unfocus()
	typeRune(h, 'x')
	useShortcut(t, h, scAddManual)
	if overlays(h) != 1 {
		t.Errorf("Ctrl+N over the menu: got %d overlays, want 1", overlays(h))
	}
	if got := h.list().search.Text; got != "" {
		t.Errorf("got search %q, want it empty", got)
	}
}

// pressOn sends a key with its character to the focused widget in the
// order the window system does: key down, typed key, typed rune, key up.
// The focus may move between the steps, as it does in the window.
func pressOn(h *harness, k fyne.KeyName, r rune) {
	c := h.win.Canvas()
	ev := &fyne.KeyEvent{Name: k}
	if f, ok := c.Focused().(desktop.Keyable); ok {
		f.KeyDown(ev)
	}
	press(h, k)
	if r != 0 {
		typeRune(h, r)
	}
	if f, ok := c.Focused().(desktop.Keyable); ok {
		f.KeyUp(ev)
	}
}

// TestSpaceOnLockStaysOnTheButton: Space locks, and its space does not
// land in the next unlock's password.
func TestSpaceOnLockStaysOnTheButton(t *testing.T) {
	h := newHarness(t, []vault.Account{account(t, githubURI, nil)})
	h.unlock()
	h.app.w.focus(h.list().lock)
	pressOn(h, fyne.KeySpace, ' ')
	if h.unlocked() {
		t.Fatal("Space on the Lock button did not lock")
	}
	if e, ok := asEntry(h.win.Canvas().Focused()); !ok || e.Text != "" {
		t.Fatalf("after the lock: got focus on %T holding %q, want an empty password entry", h.win.Canvas().Focused(), e.Text)
	}
	h.unlock()
}

// TestSpaceOnAddStaysOnTheButton: Space opens the Add menu and types no
// space in the search.
func TestSpaceOnAddStaysOnTheButton(t *testing.T) {
	h := newHarness(t, []vault.Account{account(t, githubURI, nil)})
	h.unlock()
	h.app.w.focus(h.list().addBtn)
	pressOn(h, fyne.KeySpace, ' ')
	if overlays(h) != 1 {
		t.Errorf("got %d overlays, want the Add menu", overlays(h))
	}
	if got := h.list().search.Text; got != "" {
		t.Errorf("got search %q, want it empty", got)
	}
}

// TestReturnOnRowMenuButton opens the account's menu, as Space does.
func TestReturnOnRowMenuButton(t *testing.T) {
	h := newHarness(t, []vault.Account{account(t, githubURI, nil)})
	h.unlock()
	var row *accountRow
	for _, r := range h.list().rows {
		if r.Visible() && r.bound {
			row = r
		}
	}
	if row == nil {
		t.Fatal("no row shown")
	}
	h.app.w.focus(row.more)
	pressOn(h, fyne.KeyReturn, 0)
	if overlays(h) != 1 || !strings.Contains(menuText(h), "Copy code") {
		t.Errorf("Return on ⋮: got %d overlays, want the account's menu", overlays(h))
	}
}

func menuText(h *harness) string {
	var b strings.Builder
	for _, o := range test.LaidOutObjects(h.win.Canvas().Overlays().Top()) {
		if l, ok := o.(*widget.Label); ok {
			b.WriteString(l.Text + "\n")
		}
		if t, ok := o.(*canvas.Text); ok {
			b.WriteString(t.Text + "\n")
		}
	}
	return b.String()
}

// TestDeleteKeyOnRow deletes the focused row, with its undo.
func TestDeleteKeyOnRow(t *testing.T) {
	h := newHarness(t, []vault.Account{account(t, githubURI, nil)})
	h.unlock()
	h.app.w.focus(h.list().list)
	press(h, fyne.KeyDelete)
	if n := len(h.vault().Accounts()); n != 0 {
		t.Fatalf("got %d accounts after Delete, want 0", n)
	}
	if !h.list().undoBar.Visible() {
		t.Fatal("no Undo offered after Delete")
	}
	if got := h.clipboard(); got != "" {
		t.Errorf("Delete copied %q", got)
	}
	h.list().onUndo()
	if n := len(h.vault().Accounts()); n != 1 {
		t.Errorf("got %d accounts after Undo, want 1", n)
	}
}

// TestFormsSubmitWithReturn: the add-by-hand form adds from any field, and
// Edit → Save says so.
func TestFormsSubmitWithReturn(t *testing.T) {
	h := newHarness(t, []vault.Account{})
	h.unlock()
	useShortcut(t, h, scAddManual)
	f := h.app.w.front()
	if f == nil {
		t.Fatal("no add-by-hand form")
	}
	for _, r := range "Example" {
		typeRune(h, r)
	}
	press(h, fyne.KeyReturn)
	if !strings.Contains(shown(h), "Type the key the service showed") {
		t.Errorf("Return without a key: the form does not say why; showing:\n%s", shown(h))
	}
	h.win.Canvas().FocusNext()
	h.win.Canvas().FocusNext()
	for _, r := range "JBSWY3DPEHPK3PXP" {
		typeRune(h, r)
	}
	press(h, fyne.KeyReturn)
	if n := len(h.vault().Accounts()); n != 1 {
		t.Fatalf("Return in the key field: got %d accounts, want 1 (showing:\n%s)", n, shown(h))
	}
	if overlays(h) != 0 {
		t.Fatalf("got %d dialogs after adding, want 0", overlays(h))
	}
	h.list().onEdit(h.vault().Accounts()[0].ID)
	press(h, fyne.KeyReturn)
	if !strings.Contains(shown(h), "Saved the changes to Example") {
		t.Errorf("Edit → Save said nothing; showing:\n%s", shown(h))
	}
}

func TestBareKey(t *testing.T) {
	for _, c := range []struct {
		in   string
		want string
		ok   bool
	}{
		{"JBSW Y3DP EHPK 3PXP", "JBSWY3DPEHPK3PXP", true},
		{"jbsw-y3dp-ehpk-3pxp", "JBSWY3DPEHPK3PXP", true},
		{"JBSWY3DPEHPK3PX", "", false},          // 15 characters
		{"JBSWY3DPEHPK3PX1", "", false},         // 1 is not base32
		{"hello world, how are you", "", false}, // text
		{"otpauth://totp/x?secret=JBSWY3DPEHPK3PXP", "", false},
		{"JBSW Y3DP EHPK 3PXP GE", "JBSWY3DPEHPK3PXPGE", true}, // a shorter last group
		{"Microsoft Azure AD", "", false},                      // words of base32 letters
		{"amazon web services", "", false},
	} {
		got, ok := bareKey(c.in)
		if got != c.want || ok != c.ok {
			t.Errorf("bareKey(%q): got %q, %v, want %q, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

// ctrlV presses Ctrl+V as the window system does: the focused widget
// takes it when it handles shortcuts (an entry), else the window.
func ctrlV(h *harness) {
	sc := &fyne.ShortcutPaste{Clipboard: h.fa.Clipboard()}
	if f, ok := h.win.Canvas().Focused().(fyne.Shortcutable); ok {
		f.TypedShortcut(sc)
		return
	}
	h.win.Canvas().(fyne.Shortcutable).TypedShortcut(sc)
}

// TestPasteOrCtrlVAddsASetupKey: a base32 key pasted through the menu's
// Paste, or with plain Ctrl+V on the list (the empty search focused or
// nothing focused), opens add-by-hand with the key in and the cursor on
// the issuer.
func TestPasteOrCtrlVAddsASetupKey(t *testing.T) {
	for _, c := range []struct {
		name, key string
		unfocus   bool
		paste     func(*testing.T, *harness)
	}{
		{"Paste", "JBSW Y3DP EHPK 3PXP", false, func(t *testing.T, h *harness) { useShortcut(t, h, scPaste) }},
		{"Ctrl+V, empty search focused", "jbsw y3dp ehpk 3pxp", false, func(_ *testing.T, h *harness) { ctrlV(h) }},
		{"Ctrl+V, nothing focused", "jbsw y3dp ehpk 3pxp", true, func(_ *testing.T, h *harness) { ctrlV(h) }},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, []vault.Account{})
			h.unlock()
			if c.unfocus {
				h.win.Canvas().Unfocus()
			}
			h.fa.Clipboard().SetContent(c.key)
			c.paste(t, h)
			if !strings.Contains(shown(h), "Enter a key by hand") {
				t.Fatalf("%s with a key did not open the form; showing:\n%s", c.name, shown(h))
			}
			if e, ok := asEntry(h.win.Canvas().Focused()); !ok || e.PlaceHolder != "e.g. GitHub" {
				t.Fatalf("got focus on %T, want the Issuer field", h.win.Canvas().Focused())
			}
			if got := h.list().search.Text; got != "" {
				t.Errorf("got search %q, want it empty", got)
			}
			for _, r := range "Example" {
				typeRune(h, r)
			}
			press(h, fyne.KeyReturn)
			got := h.vault().Accounts()
			if len(got) != 1 || got[0].Key.Issuer != "Example" || got[0].Key.Code(h.clock.now()) != mustKey(t, githubURI).Code(h.clock.now()) {
				t.Fatalf("got %d accounts, want Example with the pasted key", len(got))
			}
		})
	}
}

// TestCtrlVTextIsASearch: Ctrl+V pastes text into a search being typed,
// key or not, and text that adds nothing into the search from anywhere.
func TestCtrlVTextIsASearch(t *testing.T) {
	h := newHarness(t, []vault.Account{account(t, githubURI, nil)})
	h.unlock()
	typeRune(h, 'g')
	h.fa.Clipboard().SetContent("JBSWY3DPEHPK3PXP")
	ctrlV(h)
	if got, want := h.list().search.Text, "gJBSWY3DPEHPK3PXP"; got != want {
		t.Errorf("Ctrl+V in a search being typed: got search %q, want %q", got, want)
	}
	if overlays(h) != 0 {
		t.Errorf("Ctrl+V in a search being typed: got %d overlays, want none", overlays(h))
	}
	h.list().search.SetText("")
	h.win.Canvas().Unfocus()
	h.fa.Clipboard().SetContent("Microsoft Azure AD") // all base32 letters, but words
	ctrlV(h)
	if got, want := h.list().search.Text, "Microsoft Azure AD"; got != want {
		t.Errorf("Ctrl+V of words on the list: got search %q, want %q", got, want)
	}
	if overlays(h) != 0 {
		t.Errorf("Ctrl+V of words on the list: got %d overlays, want none (showing:\n%s)", overlays(h), shown(h))
	}
}

// TestCtrlVAddsALink: an otpauth link goes to the review, as the Add
// menu's paste does; under a dialog Ctrl+V does nothing.
func TestCtrlVAddsALink(t *testing.T) {
	h := newHarness(t, []vault.Account{})
	h.unlock()
	h.fa.Clipboard().SetContent(githubURI)
	h.win.Canvas().Unfocus()
	h.app.w.showInfo("Hello", "A message in front.")
	ctrlV(h)
	if overlays(h) != 1 || strings.Contains(shown(h), "alice@example.com") {
		t.Fatalf("Ctrl+V under a message: got %d overlays, want the message alone; showing:\n%s", overlays(h), shown(h))
	}
	press(h, fyne.KeyEscape)
	if overlays(h) != 0 {
		t.Fatalf("got %d overlays after Esc, want none", overlays(h))
	}
	ctrlV(h)
	if !strings.Contains(shown(h), "alice@example.com") {
		t.Fatalf("Ctrl+V with a link did not show it for review; showing:\n%s", shown(h))
	}
}

func TestCommonPasswordsAreWeak(t *testing.T) {
	for _, pw := range []string{"password1", "Password2024!", "qwerty123", "letmein99"} {
		if got, _ := passwordStrength(pw); got != strengthWeak {
			t.Errorf("passwordStrength(%q): got %v, want weak", pw, got)
		}
	}
	if got, _ := passwordStrength("tangerine-bicycle-42"); got == strengthWeak {
		t.Errorf("passwordStrength(a passphrase): got %v, want better than weak", got)
	}
}

func TestAdviceNamesNoPackage(t *testing.T) {
	_, err := otp.ParseSecret("not base32!")
	got := capitalise(advice(err))
	if strings.Contains(got, "otp:") || !strings.HasPrefix(got, "The secret is") {
		t.Errorf("advice: got %q, want it to start “The secret is” without the package", got)
	}
}

// TestFocusRingOnButtons: a focused Add or Lock button is ringed in a
// colour that stands out from the window by 3:1, drawn in the gap round
// the button; Fyne's own tint on the blue Add button was 1.1:1.
func TestFocusRingOnButtons(t *testing.T) {
	h := newHarness(t, []vault.Account{account(t, githubURI, nil)})
	h.app.applyTheme(themeLight)
	h.unlock()
	bg := theme.Color(theme.ColorNameBackground)
	// darkest is the best contrast with the window in the ring's gap.
	darkest := func(b *keyButton) float64 {
		img := h.win.Canvas().Capture()
		p, size := absPos(b), b.Size()
		best := 1.0
		for y := int(p.Y) - ringGap; y < int(p.Y); y++ { // the gap above the button
			for x := int(p.X); x < int(p.X+size.Width); x++ {
				best = max(best, contrast(img.At(x, y), bg))
			}
		}
		return best
	}
	for _, c := range []struct {
		name string
		b    *keyButton
	}{{"Add", h.list().addBtn}, {"Lock", h.list().lock}} {
		h.win.Canvas().Unfocus()
		if got := darkest(c.b); got >= minNonText {
			t.Errorf("%s unfocused: got %.2f:1 above it, want the window's own colour there", c.name, got)
		}
		h.app.w.focus(c.b)
		if got := darkest(c.b); got < minNonText {
			t.Errorf("%s focused: got %.2f:1 at best in its ring, want at least %d:1", c.name, got, minNonText)
		}
	}
}

// countingClipboard counts how often the clipboard is read.
type countingClipboard struct {
	fyne.Clipboard
	reads int
}

func (c *countingClipboard) Content() string {
	c.reads++
	return c.Clipboard.Content()
}

// TestCtrlVReadsTheClipboardOnce: a Ctrl+V reads the clipboard once,
// whether what it holds is added or searched for; a clipboard another
// program serves may be slow to answer, and may change between two reads.
func TestCtrlVReadsTheClipboardOnce(t *testing.T) {
	for _, c := range []struct{ name, text, want string }{
		{"link", githubURI, "alice@example.com"},
		{"key", "jbsw y3dp ehpk 3pxp", "Enter a key by hand"},
		{"search", "Microsoft Azure AD", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, []vault.Account{})
			h.unlock()
			board := &countingClipboard{Clipboard: h.fa.Clipboard()}
			h.app.w.clipboard = board
			board.SetContent(c.text)
			h.win.Canvas().Unfocus()
			ctrlV(h)
			if c.want != "" && !strings.Contains(shown(h), c.want) {
				t.Fatalf("Ctrl+V of a %s: %q is not shown; showing:\n%s", c.name, c.want, shown(h))
			}
			if c.want == "" && h.list().search.Text != c.text {
				t.Fatalf("Ctrl+V of words: got search %q, want %q", h.list().search.Text, c.text)
			}
			if board.reads != 1 {
				t.Errorf("Ctrl+V of a %s: got %d clipboard reads, want 1", c.name, board.reads)
			}
		})
	}
}
