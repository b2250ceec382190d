package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/layout"
)

// minSizeLayout gives its children at least size, so dialogs are not
// squeezed to their smallest.
type minSizeLayout struct{ size fyne.Size }

func (m *minSizeLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	s := m.size
	for _, o := range objs {
		s = s.Max(o.MinSize())
	}
	return s
}

func (m *minSizeLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) { fill(objs, size) }

func layoutSpacer() fyne.CanvasObject { return layout.NewSpacer() }

// columnLayout gives its children a fixed width and their own height.
type columnLayout struct{ width float32 }

func (c *columnLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	h := float32(0)
	for _, o := range objs {
		h = max(h, o.MinSize().Height)
	}
	return fyne.NewSize(c.width, h)
}

func (c *columnLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) { fill(objs, size) }

// fill gives each child the whole of size.
func fill(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Resize(size)
		o.Move(fyne.NewPos(0, 0))
	}
}

// widthCapLayout centres its children in at most width: on a wide window
// a list's names and codes stay near each other.
type widthCapLayout struct{ width float32 }

func (c *widthCapLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for _, o := range objs {
		s = s.Max(o.MinSize())
	}
	return s
}

func (c *widthCapLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	w := min(size.Width, max(c.width, c.MinSize(objs).Width))
	for _, o := range objs {
		o.Resize(fyne.NewSize(w, size.Height))
		o.Move(fyne.NewPos((size.Width-w)/2, 0))
	}
}

// atLeastWidthLayout gives its children at least width and more only when
// one needs it: a column that lines up from row to row.
type atLeastWidthLayout struct{ width float32 }

func (c *atLeastWidthLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	s := fyne.NewSize(c.width, 0)
	for _, o := range objs {
		s = s.Max(o.MinSize())
	}
	return s
}

func (c *atLeastWidthLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) { fill(objs, size) }

// fixedHeightLayout keeps a height whatever its children need, so text
// appearing in it (a form's problem line) does not resize the dialog
// around it, which would move the controls under the pointer.
type fixedHeightLayout struct{ height float32 }

func (c *fixedHeightLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	w := float32(0)
	for _, o := range objs {
		w = max(w, o.MinSize().Width)
	}
	return fyne.NewSize(w, c.height)
}

func (c *fixedHeightLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) { fill(objs, size) }
