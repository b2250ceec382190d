package cli

import (
	"errors"
	"flag"
	"time"
)

const defaultVaultHint = "the per-user default"

func addPasswordFlags(fs *flag.FlagSet, c *ctx) {}

func (c *ctx) resolveVaultPath() (string, error) {
	if c.vaultPath != "" {
		return c.vaultPath, nil
	}
	return c.getenv("LATCHKEY_VAULT"), nil
}

func codeFromVault(c *ctx, query string, at time.Time) error {
	return errors.New("vault commands are not built yet")
}

func exitStatus(err error) int { return ExitFailure }
