package vault

import (
	"fmt"
	"os"
	"runtime"
	"strings"
)

// DefaultPath is the per-user vault: vault.latchkey in a Latchkey folder
// of os.UserConfigDir, so $XDG_CONFIG_HOME/latchkey on Linux and the BSDs,
// %AppData%\Latchkey on Windows, ~/Library/Application Support/Latchkey on
// macOS.
func DefaultPath() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("vault: finding the config folder: %w", err)
	}
	return defaultPathFor(runtime.GOOS, dir), nil
}

// defaultPathFor is DefaultPath for a system and its config folder, apart so
// every system's rule is tested on any. The folder is named as apps name
// theirs on each: capitalised on Windows and macOS, lower-case in XDG's
// ~/.config, as Latchkey has always used there.
func defaultPathFor(goos, configDir string) string {
	folder, sep := defaultFolderName, "/"
	switch goos {
	case "windows":
		folder, sep = "Latchkey", `\`
	case "darwin":
		folder = "Latchkey"
	}
	return strings.TrimRight(configDir, sep) + sep + folder + sep + defaultFileName
}
