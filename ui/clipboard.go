package ui

import (
	"crypto/subtle"
	"time"

	"fyne.io/fyne/v2"
)

// clipGuard puts codes on the clipboard and takes them off again: after the
// clear time, on lock and on exit, but only if the clipboard still holds
// the code we put there (the person may have copied something else since).
type clipGuard struct {
	board fyne.Clipboard
	now   func() time.Time

	code     string    // what we put there; "" when nothing
	deadline time.Time // when to clear it; zero means never
}

// copy puts code on the clipboard, to be cleared after clearAfter (never
// when clearAfter <= 0).
func (c *clipGuard) copy(code string, clearAfter time.Duration) {
	c.board.SetContent(code)
	trace("copied")
	c.code = code
	c.deadline = time.Time{}
	if clearAfter > 0 {
		c.deadline = c.now().Add(clearAfter)
	}
}

// expire clears the clipboard when the clear time has passed.
func (c *clipGuard) expire(now time.Time) {
	if c.code == "" || c.deadline.IsZero() || now.Before(c.deadline) {
		return
	}
	c.clearOurs()
}

// clearOurs empties the clipboard if it still holds our code.
func (c *clipGuard) clearOurs() {
	if c.code == "" {
		return
	}
	if holds(c.board.Content(), c.code) {
		c.board.SetContent("")
	}
	c.code = ""
	c.deadline = time.Time{}
}

// forget drops our record without touching the clipboard, for when the
// window system is already gone.
func (c *clipGuard) forget() {
	c.code = ""
	c.deadline = time.Time{}
}

// pending reports whether a code of ours may still be on the clipboard.
func (c *clipGuard) pending() bool { return c.code != "" }

// holds compares in constant time: the clipboard holds a code.
func holds(content, code string) bool {
	return subtle.ConstantTimeCompare([]byte(content), []byte(code)) == 1
}
