// Latchkey is a desktop two-factor authenticator. With no command it opens
// the window; with one it works on the command line (see "latchkey help").
package main

import (
	"os"

	"latchkey/cli"
	_ "latchkey/internal/cleanlocale" // before Fyne reads the locale
	"latchkey/ui"
)

func main() {
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
