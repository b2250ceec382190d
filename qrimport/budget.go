package qrimport

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Budget bounds the work spent reading one image. When it runs out the
// reader returns the codes read so far and a *StoppedError says so. The
// zero value means DefaultBudget.
type Budget struct {
	// Time is the wall-clock time per image.
	Time time.Duration
	// Bytes bounds the working pictures the reader derives from the
	// image (enlarged, inverted, binarized copies), added up: it caps the
	// work and the garbage, whatever the image holds.
	Bytes int64
}

// DefaultBudget is far above what real screenshots need: a 5K screenshot
// takes under a second and a few hundred MB of working pictures; a sheet of
// 500 codes 2 s and 50 MB.
var DefaultBudget = Budget{Time: 20 * time.Second, Bytes: 4 << 30}

// ErrStopped is wrapped by every StoppedError.
var ErrStopped = errors.New("stopped before reading the whole image")

// StopReason says which limit stopped a reading.
type StopReason int

const (
	StopTime      StopReason = iota + 1 // Budget.Time ran out
	StopBytes                           // Budget.Bytes ran out
	StopFinders                         // more finder patterns than maxFinderPatterns
	StopCancelled                       // the context was cancelled
)

// StoppedError reports a reading cut short by its Budget or its context.
// The codes read before are kept.
type StoppedError struct {
	Reason StopReason
	After  time.Duration // time spent on the image
	Bytes  int64         // working pictures derived, added up
	Read   int           // codes read before stopping
	cause  error         // the context's error, when cancelled
}

func (e *StoppedError) Error() string {
	switch e.Reason {
	case StopCancelled:
		return fmt.Sprintf("stopped after %.1f s: cancelled; %d read", e.After.Seconds(), e.Read)
	case StopBytes:
		return fmt.Sprintf("stopped after %.1f s and %d MB of working pictures: the image holds more codes than Latchkey reads at once; %d read",
			e.After.Seconds(), e.Bytes>>20, e.Read)
	}
	return fmt.Sprintf("stopped after %.1f s: the image holds more codes than Latchkey reads at once; %d read", e.After.Seconds(), e.Read)
}

func (e *StoppedError) Unwrap() []error {
	if e.cause != nil {
		return []error{ErrStopped, e.cause}
	}
	return []error{ErrStopped}
}

// budget is a Budget being spent on one image.
type budget struct {
	ctx      context.Context
	start    time.Time
	deadline time.Time
	left     int64
	spent    int64
	stop     StopReason // set once: everything after returns at once
}

func newBudget(ctx context.Context, b Budget) *budget {
	if b.Time <= 0 {
		b.Time = DefaultBudget.Time
	}
	if b.Bytes <= 0 {
		b.Bytes = DefaultBudget.Bytes
	}
	now := time.Now()
	return &budget{ctx: ctx, start: now, deadline: now.Add(b.Time), left: b.Bytes}
}

// spend charges n bytes of working pictures and reports whether the
// budget still holds: false means stop now.
func (b *budget) spend(n int64) bool {
	if b == nil {
		return true // no budget: a test of one step
	}
	if b.stop != 0 {
		return false
	}
	b.spent += n
	b.left -= n
	if b.left < 0 {
		b.stop = StopBytes
		return false
	}
	return b.ok()
}

// ok reports whether there is time left and the context stands. The clock
// is read on every call: callers check once per costly step (a pass, a
// tile, a candidate code), never per pixel.
func (b *budget) ok() bool {
	if b == nil {
		return true
	}
	if b.stop != 0 {
		return false
	}
	if b.ctx != nil && b.ctx.Err() != nil {
		b.stop = StopCancelled
		return false
	}
	if time.Now().After(b.deadline) {
		b.stop = StopTime
		return false
	}
	return true
}

// halt stops the reading for a reason of its own.
func (b *budget) halt(r StopReason) {
	if b != nil && b.stop == 0 {
		b.stop = r
	}
}

// err gives the StoppedError once the budget stopped the reading, nil
// before.
func (b *budget) err(read int) error {
	if b == nil || b.stop == 0 {
		return nil
	}
	e := &StoppedError{Reason: b.stop, After: time.Since(b.start), Bytes: b.spent, Read: read}
	if b.stop == StopCancelled {
		e.cause = b.ctx.Err()
	}
	return e
}
