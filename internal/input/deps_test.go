package input

import (
	"testing"

	"latchkey/internal/deptest"
)

// Every package that reads a person's files uses this one, qrimport and
// core included: it must stay a leaf of the standard library.
func TestStandardLibraryOnly(t *testing.T) {
	if got := deptest.NonStandard(t, "."); len(got) != 1 || got[0] != "latchkey/internal/input" {
		t.Errorf("got dependencies %v, want the standard library only", got)
	}
}
