package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"
)

// activityCatcher lies under a screen and reports mouse movement, which
// postpones the idle lock. Fyne sends hover events to the top-most hoverable
// object only, so movement over buttons and list rows goes to them (their
// taps count as activity already); this catches the rest of the window.
type activityCatcher struct {
	widget.BaseWidget
	onActivity func()
}

var _ desktop.Hoverable = (*activityCatcher)(nil)

func newActivityCatcher(onActivity func()) *activityCatcher {
	c := &activityCatcher{onActivity: onActivity}
	c.ExtendBaseWidget(c)
	return c
}

func (c *activityCatcher) MouseIn(*desktop.MouseEvent)    { c.onActivity() }
func (c *activityCatcher) MouseMoved(*desktop.MouseEvent) { c.onActivity() }
func (c *activityCatcher) MouseOut()                      {}

func (c *activityCatcher) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(canvas.NewRectangle(color.Transparent))
}
