package deptest

import "testing"

// Every package's tests import deptest: it stays on the standard library, so
// it adds nothing to what any of them may depend on.
func TestStandardLibraryOnly(t *testing.T) {
	StandardOnly(t, "latchkey/internal/deptest")
	if got := Imports(t, "."); len(got) == 0 {
		t.Error("go list gave no imports for deptest, want its standard library ones")
	}
}

// StandardOnly must be able to fail: a package outside the standard library
// is reported.
func TestStandardOnlyReports(t *testing.T) {
	var rec recorder
	StandardOnly(&rec, "latchkey/internal/deptest", "os")
	if rec.errors != 0 {
		t.Errorf("deptest itself: got %d errors, want 0", rec.errors)
	}
	StandardOnly(&rec, "latchkey/otp")
	if rec.errors != 0 {
		t.Errorf("otp: got %d errors, want 0", rec.errors)
	}
	StandardOnly(&rec, "latchkey/interop")
	if rec.errors == 0 {
		t.Error("interop (golang.org/x/crypto, latchkey/otp): got no errors, want some")
	}
}

// recorder counts the errors reported to it instead of failing.
type recorder struct {
	testing.TB
	errors int
}

func (r *recorder) Helper()                   {}
func (r *recorder) Errorf(string, ...any)     { r.errors++ }
func (r *recorder) Fatalf(f string, a ...any) { panic("deptest: " + f) }
