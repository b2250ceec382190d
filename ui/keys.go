package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"
)

// formEntry is an entry of a dialog's form: Esc, which an entry ignores,
// goes on to the window (see window.typedKey), which closes the dialog;
// so does Return in a one-line entry with no submit of its own, which
// submits the dialog.
type formEntry struct {
	widget.Entry
}

func newFormEntry() *formEntry {
	e := &formEntry{}
	e.Wrapping = fyne.TextWrap(fyne.TextTruncateClip)
	e.ExtendBaseWidget(e)
	return e
}

func newFormPasswordEntry() *formEntry {
	e := newFormEntry()
	e.Password = true // the reveal button comes with the renderer
	return e
}

func newFormMultiLineEntry() *formEntry {
	e := newFormEntry()
	e.MultiLine = true
	return e
}

func (e *formEntry) TypedKey(k *fyne.KeyEvent) {
	toWindow := k.Name == fyne.KeyEscape ||
		(!e.MultiLine && e.OnSubmitted == nil && (k.Name == fyne.KeyReturn || k.Name == fyne.KeyEnter))
	if toWindow {
		if c := fyne.CurrentApp().Driver().CanvasForObject(e); c != nil && c.OnTypedKey() != nil {
			c.OnTypedKey()(k)
			return
		}
	}
	e.Entry.TypedKey(k)
}

// keyButton is a button that acts when Space (or Return) is released, as
// buttons do elsewhere, and takes the key's typed character itself: a
// Space that locks the window or opens a menu must not land as a space in
// the field focused next.
type keyButton struct {
	widget.Button
	armed fyne.KeyName // the key pressed on the button, until released
}

func newKeyButton(label string, icon fyne.Resource, tapped func()) *keyButton {
	b := &keyButton{}
	b.Text, b.Icon, b.OnTapped = label, icon, tapped
	b.ExtendBaseWidget(b)
	return b
}

func activates(k fyne.KeyName) bool {
	return k == fyne.KeySpace || k == fyne.KeyReturn || k == fyne.KeyEnter
}

// KeyDown arms the button; the window system sends it before TypedKey.
func (b *keyButton) KeyDown(k *fyne.KeyEvent) {
	if activates(k.Name) {
		b.armed = k.Name
	}
}

// KeyUp acts when the key that armed the button is released, after its
// character reached the button.
func (b *keyButton) KeyUp(k *fyne.KeyEvent) {
	if b.armed != "" && k.Name == b.armed {
		b.armed = ""
		if !b.Disabled() {
			b.Tapped(nil)
		}
	}
}

// TypedKey acts at once only where no key-down came first (a driver
// without key-up events).
func (b *keyButton) TypedKey(k *fyne.KeyEvent) {
	if activates(k.Name) && b.armed == "" {
		b.Tapped(nil)
	}
}

// TypedRune swallows the character of the key that acts.
func (b *keyButton) TypedRune(rune) {}

// FocusLost drops a half-pressed key.
func (b *keyButton) FocusLost() {
	b.armed = ""
	b.Button.FocusLost()
}

var _ desktop.Keyable = (*keyButton)(nil)
