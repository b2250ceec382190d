//go:build unix && !darwin

package capture

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jezek/xgb"
	"github.com/jezek/xgb/xproto"
)

// Reading the CLIPBOARD selection (ICCCM section 2): ask its owner to
// convert it to a target type into a property of our window, wait for
// SelectionNotify, read the property. Owners send large data in chunks
// (INCR): each time we delete the property, they write the next one.

// imageTargets are the clipboard types we ask for, best first.
var imageTargets = []string{"image/png", "image/bmp", "image/webp", "image/jpeg", "image/gif"}

const (
	// selectionProperty is the property of our window the owner writes to.
	selectionProperty = "LATCHKEY_SELECTION"
	// maxTargets caps the list of types the owner offers.
	maxTargets = 1024
	// ownerTimeout is how long the owner may take for each step; a busy
	// program encoding a large image needs a few seconds.
	ownerTimeout = 10 * time.Second
)

var errOwnerRefused = errors.New("the program holding the clipboard refused the request")

// selection is one conversation with the clipboard's owner.
type selection struct {
	c      *xgb.Conn
	win    xproto.Window
	events <-chan xgb.Event
	quit   chan struct{} // closed when we stop listening
	atoms  map[string]xproto.Atom
	limit  int
	incr   bool // the last read came in chunks
}

// x11ClipboardData returns the clipboard's image in its own encoding, with
// at most limit bytes.
func (d Desktop) x11ClipboardData(ctx context.Context, limit int) (data []byte, incr bool, err error) {
	c, done, err := dialX(ctx, d.Display)
	if err != nil {
		return nil, false, fmt.Errorf("%w: X11 display %q: %v", ErrNoClipboard, d.Display, err)
	}
	defer done()
	s := &selection{c: c, limit: limit, quit: make(chan struct{})}
	defer close(s.quit)
	if err := s.start(); err != nil {
		return nil, false, fmt.Errorf("%w: %v", ErrNoClipboard, err)
	}
	owner, err := xproto.GetSelectionOwner(c, s.atoms["CLIPBOARD"]).Reply()
	if err != nil {
		return nil, false, fmt.Errorf("%w: %v", ErrNoClipboard, err)
	}
	if owner.Owner == xproto.WindowNone {
		return nil, false, fmt.Errorf("%w: the clipboard is empty", ErrNoImage)
	}
	targets, err := s.targets(ctx)
	if err != nil {
		return nil, false, s.failure(ctx, err)
	}
	for _, name := range imageTargets {
		for _, t := range targets {
			if t == s.atoms[name] {
				data, err := s.read(ctx, t)
				if err != nil {
					return nil, false, s.failure(ctx, err)
				}
				return data, s.incr, nil
			}
		}
	}
	return nil, false, ErrNoImage
}

// failure says why reading the clipboard stopped.
func (s *selection) failure(ctx context.Context, err error) error {
	switch {
	case ctx.Err() != nil:
		return fmt.Errorf("reading the clipboard: %w", ctx.Err())
	case errors.Is(err, ErrTooLarge):
		return fmt.Errorf("clipboard image: %w", err)
	}
	return fmt.Errorf("%w: %v", ErrNoClipboard, err)
}

// start interns the atoms, makes the window the owner writes to and starts
// passing its events on.
func (s *selection) start() error {
	names := append([]string{"CLIPBOARD", "TARGETS", "INCR", selectionProperty}, imageTargets...)
	cookies := make([]xproto.InternAtomCookie, len(names))
	for i, n := range names {
		cookies[i] = xproto.InternAtom(s.c, false, uint16(len(n)), n)
	}
	s.atoms = make(map[string]xproto.Atom, len(names))
	for i, n := range names {
		r, err := cookies[i].Reply()
		if err != nil {
			return err
		}
		s.atoms[n] = r.Atom
	}
	id, err := s.c.NewId()
	if err != nil {
		return err
	}
	s.win = xproto.Window(id)
	root := xproto.Setup(s.c).DefaultScreen(s.c).Root
	// Property changes tell us when each INCR chunk is there.
	err = xproto.CreateWindowChecked(s.c, 0, s.win, root, 0, 0, 1, 1, 0, xproto.WindowClassInputOnly,
		0, xproto.CwEventMask, []uint32{xproto.EventMaskPropertyChange}).Check()
	if err != nil {
		return err
	}
	events := make(chan xgb.Event, 16)
	s.events = events
	go func() {
		defer close(events)
		for {
			ev, xerr := s.c.WaitForEvent()
			if ev == nil && xerr == nil {
				return // closed
			}
			if ev != nil {
				select {
				case events <- ev:
				case <-s.quit:
					return
				}
			}
		}
	}()
	return nil
}

// targets asks which types the owner can give.
func (s *selection) targets(ctx context.Context) ([]xproto.Atom, error) {
	saved := s.limit
	s.limit = maxTargets * 4
	data, err := s.read(ctx, s.atoms["TARGETS"])
	s.limit = saved
	if err != nil {
		return nil, err
	}
	atoms := make([]xproto.Atom, 0, len(data)/4)
	for i := 0; i+4 <= len(data); i += 4 {
		atoms = append(atoms, xproto.Atom(xgb.Get32(data[i:])))
	}
	return atoms, nil
}

// read converts the selection to target and reads the result.
func (s *selection) read(ctx context.Context, target xproto.Atom) ([]byte, error) {
	prop := s.atoms[selectionProperty]
	clip := s.atoms["CLIPBOARD"]
	xproto.ConvertSelection(s.c, s.win, clip, target, prop, xproto.TimeCurrentTime)
	ev, err := s.wait(ctx, func(ev xgb.Event) bool {
		n, ok := ev.(xproto.SelectionNotifyEvent)
		return ok && n.Requestor == s.win && n.Selection == clip && n.Target == target
	})
	if err != nil {
		return nil, err
	}
	if ev.(xproto.SelectionNotifyEvent).Property == xproto.AtomNone {
		return nil, errOwnerRefused
	}
	head, size, err := s.peek()
	if err != nil {
		return nil, err
	}
	s.incr = head.Type == s.atoms["INCR"]
	if s.incr {
		return s.readChunks(ctx, head)
	}
	if size > s.limit {
		xproto.DeleteProperty(s.c, s.win, prop)
		return nil, fmt.Errorf("%d MiB: %w (limit %d MiB)", size>>20, ErrTooLarge, s.limit>>20)
	}
	return s.take(size)
}

// peek reads the property's type and length without its value.
func (s *selection) peek() (*xproto.GetPropertyReply, int, error) {
	r, err := xproto.GetProperty(s.c, false, s.win, s.atoms[selectionProperty], xproto.GetPropertyTypeAny, 0, 0).Reply()
	if err != nil {
		return nil, 0, err
	}
	return r, int(r.BytesAfter), nil
}

// take reads and deletes a property of size bytes, as peek found it.
func (s *selection) take(size int) ([]byte, error) {
	r, err := xproto.GetProperty(s.c, true, s.win, s.atoms[selectionProperty], xproto.GetPropertyTypeAny, 0, uint32(size+3)/4).Reply()
	if err != nil {
		return nil, err
	}
	if r.BytesAfter != 0 || len(r.Value) > size {
		return nil, errors.New("the clipboard changed while it was read")
	}
	return r.Value, nil
}

// readChunks reads an INCR transfer, whose property holds a lower bound of
// the size. Deleting the property asks for the next chunk; an empty chunk
// ends the transfer.
func (s *selection) readChunks(ctx context.Context, head *xproto.GetPropertyReply) ([]byte, error) {
	prop := s.atoms[selectionProperty]
	bound, err := s.take(int(head.BytesAfter))
	if err != nil {
		return nil, err
	}
	if len(bound) >= 4 && int64(xgb.Get32(bound)) > int64(s.limit) {
		return nil, fmt.Errorf("%d MiB: %w (limit %d MiB)", xgb.Get32(bound)>>20, ErrTooLarge, s.limit>>20)
	}
	var data []byte
	for {
		_, err := s.wait(ctx, func(ev xgb.Event) bool {
			n, ok := ev.(xproto.PropertyNotifyEvent)
			return ok && n.Window == s.win && n.Atom == prop && n.State == xproto.PropertyNewValue
		})
		if err != nil {
			return nil, err
		}
		_, size, err := s.peek()
		if err != nil {
			return nil, err
		}
		if len(data)+size > s.limit {
			xproto.DeleteProperty(s.c, s.win, prop)
			return nil, fmt.Errorf("more than %d MiB: %w", s.limit>>20, ErrTooLarge)
		}
		chunk, err := s.take(size)
		if err != nil {
			return nil, err
		}
		if len(chunk) == 0 {
			return data, nil
		}
		data = append(data, chunk...)
	}
}

// wait returns the first event that matches, skipping others.
func (s *selection) wait(ctx context.Context, match func(xgb.Event) bool) (xgb.Event, error) {
	timer := time.NewTimer(ownerTimeout)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-timer.C:
			return nil, errors.New("the program holding the clipboard did not answer")
		case ev, ok := <-s.events:
			if !ok {
				return nil, errors.New("the X server closed the connection")
			}
			if match(ev) {
				return ev, nil
			}
		}
	}
}
