// Package cleanlocale keeps Fyne quiet under the C.UTF-8 locale.
//
// Fyne reads the locale while its packages initialise and logs an error for
// "C.UTF-8" (Debian's default in containers and CI), which it cannot parse,
// on every run of every command. Go initialises packages in import-path
// order among those ready, and this one needs only os, so it runs before
// Fyne's lang package (which needs text/template) can. LANGUAGE is what the
// locale library consults next; gettext ignores it under a C locale, so
// other programs are not affected.
package cleanlocale

import (
	"os"
	"strings"
)

func init() {
	for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		v := os.Getenv(name)
		if v == "" {
			continue
		}
		if strings.HasPrefix(v, "C.") && os.Getenv("LANGUAGE") == "" {
			os.Setenv("LANGUAGE", "en")
		}
		return
	}
}
