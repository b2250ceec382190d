// Bare is an empty Fyne window of Latchkey's size: the baseline the
// figures test measures Latchkey's memory and idle CPU against.
package main

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/widget"
)

func main() {
	a := app.NewWithID("app.latchkey.bare")
	w := a.NewWindow("Bare")
	w.SetContent(widget.NewLabel("A bare Fyne window"))
	w.Resize(fyne.NewSize(460, 640))
	w.ShowAndRun()
}
