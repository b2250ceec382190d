// Latchkey is a desktop two-factor authenticator. With no command it opens
// the window; with one it works on the command line (see "latchkey help").
package main

import (
	"fmt"
	"os"

	"latchkey/cli"
	_ "latchkey/internal/cleanlocale" // before Fyne reads the locale
	"latchkey/internal/harden"
	"latchkey/ui"
)

func main() {
	// First, in every mode: no core dump, no debugger from the same user.
	if err := harden.Process(); err != nil {
		fmt.Fprintf(os.Stderr, "latchkey: warning: the process memory is less protected: %v\n", err)
	}
	// TestEmbeddedVersion keeps the error from happening; the program runs
	// anyway and says "unknown version".
	version, _ := appVersion(fyneApp)
	os.Exit(cli.Main(os.Args[1:], cli.Env{
		Stdin:   os.Stdin,
		Stdout:  os.Stdout,
		Stderr:  os.Stderr,
		OpenUI:  ui.Run,
		Version: version,
	}))
}
