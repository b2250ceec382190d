package cli

import (
	"flag"
	"fmt"
)

func init() {
	register(&command{
		name:    "version",
		brief:   "print the version (also --version)",
		summary: "Prints \"latchkey VERSION\".",
		run:     runVersion,
		noArgs:  true,
	})
}

func runVersion(c *ctx, fs *flag.FlagSet, args []string) error {
	v := c.Version
	if v == "" {
		v = "(unknown version)"
	}
	fmt.Fprintln(c.Stdout, "latchkey "+v)
	return nil
}
