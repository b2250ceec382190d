package ui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"latchkey/vault"
)

func TestMenuPosition(t *testing.T) {
	area := fyne.NewSize(460, 640)
	menu := fyne.NewSize(200, 180)
	button := fyne.NewSize(36, 36)
	for _, c := range []struct {
		name string
		at   fyne.Position
		want fyne.Position
	}{
		{"room below and right", fyne.NewPos(10, 10), fyne.NewPos(10, 46)},
		{"right edge", fyne.NewPos(420, 10), fyne.NewPos(256, 46)},         // right edges aligned
		{"bottom", fyne.NewPos(10, 600), fyne.NewPos(10, 420)},             // above the button
		{"bottom right", fyne.NewPos(420, 600), fyne.NewPos(256, 420)},     // both
		{"no room either way", fyne.NewPos(10, 150), fyne.NewPos(10, 186)}, // below fits
	} {
		if got := menuPosition(c.at, button, menu, area); got != c.want {
			t.Errorf("%s: got %v, want %v", c.name, got, c.want)
		}
	}
	// Taller than the room above and below: inside the window all the same.
	tall := fyne.NewSize(200, 500)
	got := menuPosition(fyne.NewPos(420, 300), button, tall, area)
	if got.X+tall.Width > area.Width || got.Y+tall.Height > area.Height || got.X < 0 || got.Y < 0 {
		t.Errorf("a tall menu at %v runs out of the %v window", got, area)
	}
}

// shownMenu is the pop-up menu in front, with its place in the window.
func shownMenu(t *testing.T, h *harness) (fyne.Position, fyne.Size) {
	t.Helper()
	top := h.win.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("no menu in front")
	}
	for _, o := range test.LaidOutObjects(top) {
		if m, ok := o.(*widget.PopUpMenu); ok {
			return m.Position(), m.Size()
		}
	}
	t.Fatalf("got %T in front, want a pop-up menu", top)
	return fyne.Position{}, fyne.Size{}
}

// TestMenusStayInTheWindow opens the last row's ⋮ menu and the Add menu at
// 460x640: each lies wholly inside the window, beside its button, not
// over it.
func TestMenusStayInTheWindow(t *testing.T) {
	h := newHarness(t, manyAccounts(20))
	h.unlock()
	s := h.list()
	s.list.ScrollToBottom()
	test.RenderObjectToMarkup(h.win.Content()) // lays the list out
	// The list recycles rows: a row bound to the last account earlier may
	// still say so from the pool. The one shown is laid out on the canvas.
	area := h.win.Canvas().Size()
	d := fyne.CurrentApp().Driver()
	var last *accountRow
	for _, r := range s.rows {
		at := d.AbsolutePositionForObject(r.more)
		if r.bound && r.Visible() && r.issuer.Text == "Service 019" && at.X > 0 && at.Y < area.Height &&
			(last == nil || at.Y > d.AbsolutePositionForObject(last.more).Y) {
			last = r
		}
	}
	if last == nil {
		t.Fatal("the last row is not shown after scrolling to the bottom")
	}
	for _, c := range []struct {
		name   string
		button fyne.CanvasObject
		open   func()
	}{
		{"the last row's ⋮", last.more, func() { s.onMore(last.id, last.more) }},
		{"Add", s.addBtn, s.onAdd},
	} {
		c.open()
		pos, size := shownMenu(t, h)
		if pos.X < 0 || pos.Y < 0 || pos.X+size.Width > area.Width || pos.Y+size.Height > area.Height {
			t.Errorf("%s menu: got %v at %v, want it inside the %v window", c.name, size, pos, area)
		}
		at, bs := d.AbsolutePositionForObject(c.button), c.button.Size()
		if pos.Y < at.Y+bs.Height && pos.Y+size.Height > at.Y {
			t.Errorf("%s menu: got %v at %v, covering its button (%v at %v)", c.name, size, pos, bs, at)
		}
		if right := at.X + bs.Width; pos.X+size.Width > right+0.5 && pos.X > at.X+0.5 {
			t.Errorf("%s menu: got %v at %v, want it under the button or right-aligned with it (%v)", c.name, size, pos, right)
		}
		h.win.Canvas().Overlays().Top().Hide()
	}
}

// TestSettingsFitTheWindow: at 460x640 nothing in Settings runs past the
// window's right edge (it did: a fixed 480 px and a long check box text).
func TestSettingsFitTheWindow(t *testing.T) {
	h := newHarness(t, []vault.Account{})
	h.unlock()
	h.app.showSettings()
	top := h.win.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("no Settings dialog")
	}
	width := h.win.Canvas().Size().Width
	d := fyne.CurrentApp().Driver()
	for _, o := range test.LaidOutObjects(top) {
		if !o.Visible() {
			continue
		}
		if right := d.AbsolutePositionForObject(o).X + o.Size().Width; right > width+0.5 {
			t.Errorf("got %T ending at x=%v, want it inside the %v px window", o, right, width)
		}
	}
}
