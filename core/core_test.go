package core

import (
	"fmt"
	"testing"
)

func TestEnums(t *testing.T) {
	for got, want := range map[fmt.Stringer]string{
		Keep: "keep", Replace: "replace", Choice(9): "Choice(9)",
		New: "new", InVault: "in the vault", Repeated: "repeated", Status(9): "Status(9)",
		FormatKit: "recovery-kit", Format(0): "Format(0)",
	} {
		if got.String() != want {
			t.Errorf("got %q, want %q", got, want)
		}
	}
}
