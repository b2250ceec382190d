package ui

import (
	"image/color"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
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
	armed   fyne.KeyName // the key pressed on the button, until released
	focused bool         // shows the focus ring
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

// FocusGained shows the focus ring.
func (b *keyButton) FocusGained() {
	b.focused = true
	b.Button.FocusGained()
}

// FocusLost drops a half-pressed key and the ring.
func (b *keyButton) FocusLost() {
	b.armed = ""
	b.focused = false
	b.Button.FocusLost()
}

// ringGap is how far the focus ring stands outside the button.
const ringGap = 3

// CreateRenderer adds a focus ring in Primary (3:1 on the window at least,
// see TestNonTextContrast) round the button: Fyne marks a focused button
// only by a tint, which on a default (blue) button is not to be seen
// (1.1:1 measured on the Add button).
func (b *keyButton) CreateRenderer() fyne.WidgetRenderer {
	ring := canvas.NewRectangle(color.Transparent)
	ring.StrokeWidth = 2
	ring.Hide()
	r := &ringRenderer{WidgetRenderer: b.Button.CreateRenderer(), b: b, ring: ring}
	r.objects = append(slices.Clone(r.WidgetRenderer.Objects()), ring)
	return r
}

type ringRenderer struct {
	fyne.WidgetRenderer
	b       *keyButton
	ring    *canvas.Rectangle
	objects []fyne.CanvasObject
}

func (r *ringRenderer) Objects() []fyne.CanvasObject { return r.objects }

func (r *ringRenderer) Layout(size fyne.Size) {
	r.WidgetRenderer.Layout(size)
	r.ring.Move(fyne.NewPos(-ringGap, -ringGap))
	r.ring.Resize(size.AddWidthHeight(2*ringGap, 2*ringGap))
}

func (r *ringRenderer) Refresh() {
	r.WidgetRenderer.Refresh()
	r.objects = append(slices.Clone(r.WidgetRenderer.Objects()), r.ring)
	th := r.b.Theme()
	r.ring.StrokeColor = th.Color(theme.ColorNamePrimary, fyne.CurrentApp().Settings().ThemeVariant())
	r.ring.CornerRadius = th.Size(theme.SizeNameInputRadius) + ringGap
	r.ring.Hidden = !r.b.focused
	r.ring.Refresh()
}

var _ desktop.Keyable = (*keyButton)(nil)
