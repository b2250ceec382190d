package ui

import (
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// The password field's blinking cursor redraws the window many times a
// second: left alone, the field gives up the focus, and typing still
// unlocks.
func TestIdlePasswordRestsButTypingStillUnlocks(t *testing.T) {
	h := newHarness(t, threeAccounts(t))
	var tick func()
	h.app.startTick = func(f func()) *ticker { tick = f; return nil }
	h.app.showUnlock()
	c := h.win.Canvas()
	pw, ok := c.Focused().(*widget.Entry)
	if !ok || tick == nil {
		t.Fatalf("got focus on %T and a ticker %v, want the password field and a ticker", c.Focused(), tick != nil)
	}
	tick()
	h.clock.advance(passwordRestAfter - time.Second)
	tick()
	if c.Focused() != pw {
		t.Fatalf("got focus on %T before %v idle, want the password field", c.Focused(), passwordRestAfter)
	}
	h.clock.advance(time.Second)
	tick()
	if c.Focused() != nil {
		t.Fatalf("got focus on %T after %v idle, want none", c.Focused(), passwordRestAfter)
	}
	// A click gives the focus back for as long again.
	c.Focus(pw)
	tick()
	h.clock.advance(passwordRestAfter / 2)
	tick()
	if c.Focused() != pw {
		t.Errorf("got focus on %T soon after a click, want the password field", c.Focused())
	}
	h.clock.advance(passwordRestAfter)
	tick()
	test.TypeOnCanvas(c, testPassword)
	if c.Focused() != pw || pw.Text != testPassword {
		t.Fatalf("typing at rest: got focus on %T and %d characters, want the password field with the password", c.Focused(), len(pw.Text))
	}
	c.Unfocus()
	c.OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if !h.unlocked() {
		t.Fatal("Enter at rest did not unlock")
	}
	// Keys typed on the list no longer reach the hidden password field.
	if pw.Text != "" {
		t.Errorf("the password field keeps %d characters after unlocking, want none", len(pw.Text))
	}
}

// Enter in the search copies the top match, and the field rests at once:
// its cursor would blink (and redraw the window) for 10 s more. Typing
// still refines the search, Escape still clears it.
func TestSearchRestsAfterEnterCopies(t *testing.T) {
	h, s := unlockedList(t)
	c := h.win.Canvas()
	test.TypeOnCanvas(c, "lab")
	if c.Focused() != s.search {
		t.Fatalf("got focus on %T while typing, want the search field", c.Focused())
	}
	s.search.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if h.clipboard() == "" || c.Focused() != nil {
		t.Fatalf("Enter: got clipboard %q and focus on %T, want a code and no focus", h.clipboard(), c.Focused())
	}
	test.TypeOnCanvas(c, "x")
	if s.search.Text != "labx" || c.Focused() != s.search {
		t.Errorf("typing after the copy: got search %q, focus on %T; want labx in the search field", s.search.Text, c.Focused())
	}
	c.Unfocus()
	c.OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if s.search.Text != "" {
		t.Errorf("Escape after the copy: got search %q, want it cleared", s.search.Text)
	}
}
