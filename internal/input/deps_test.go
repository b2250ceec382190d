package input

import (
	"testing"

	"latchkey/internal/deptest"
)

// Every package that reads a person's files uses this one, qrimport and
// core included: it must stay a leaf of the standard library.
func TestStandardLibraryOnly(t *testing.T) {
	deptest.StandardOnly(t, "latchkey/internal/input")
}
