package deptest

import "testing"

// Every package's tests import deptest: it stays on the standard library, so
// it adds nothing to what any of them may depend on.
func TestStandardLibraryOnly(t *testing.T) {
	for _, p := range NonStandard(t, ".") {
		if p != "latchkey/internal/deptest" {
			t.Errorf("deptest depends on %s; want the standard library only", p)
		}
	}
	if got := Imports(t, "."); len(got) == 0 {
		t.Error("go list gave no imports for deptest, want its standard library ones")
	}
}
