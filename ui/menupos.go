package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// showMenuAt opens menu under the button from, placed wholly inside the
// window (see menuPosition).
func showMenuAt(menu *fyne.Menu, c fyne.Canvas, from fyne.CanvasObject) {
	p := widget.NewPopUpMenu(menu, c)
	at := fyne.CurrentApp().Driver().AbsolutePositionForObject(from)
	_, area := c.InteractiveArea()
	p.ShowAtPosition(menuPosition(at, from.Size(), p.MinSize(), area))
}

// menuPosition places a menu of size menu beside a button at at of size
// button in a window of size area: under the button, left edges aligned;
// right-aligned with the button when that would run past the right edge;
// above the button when below would run past the bottom. A menu that fits
// neither above nor below goes where it fits the window, over the button.
func menuPosition(at fyne.Position, button, menu, area fyne.Size) fyne.Position {
	x := at.X
	if x+menu.Width > area.Width {
		x = at.X + button.Width - menu.Width
	}
	x = max(0, min(x, area.Width-menu.Width))
	y := at.Y + button.Height
	if y+menu.Height > area.Height {
		if above := at.Y - menu.Height; above >= 0 {
			y = above
		} else {
			y = max(0, area.Height-menu.Height)
		}
	}
	return fyne.NewPos(x, y)
}
