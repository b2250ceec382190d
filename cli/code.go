package cli

import (
	"flag"
	"fmt"
	"strconv"
	"time"

	"latchkey/otp"
)

func init() {
	register(&command{
		name:  "code",
		brief: "print the current code of a URI or of an account",
		args:  "-|URI|QUERY [--at UNIX_SECONDS]",
		summary: `Prints the current code of an otpauth:// URI, or of the vault's one account
matching QUERY (issuer or account name). For HOTP the URI's counter is used.
While the window has the vault unlocked, it gives the code at once (no
password asked; not with --at).

Give - to read the URI from standard input: a URI given as an argument shows
its secret to other users of the computer in the process list.
  printf '%s\n' "$URI" | latchkey code -`,
		setup: func(fs *flag.FlagSet, c *ctx) {
			fs.StringVar(&c.flags.at, "at", "", "the time, in Unix seconds, to give the code for (default: now)")
			addPasswordFlags(fs, c)
		},
		run: runCode,
	})
}

func runCode(c *ctx, fs *flag.FlagSet, args []string) error {
	if len(args) != 1 {
		return usageErrorf("code takes one URI or query; see \"latchkey code -h\"")
	}
	at := time.Now()
	v := c.flags.at
	atGiven := v != ""
	if atGiven {
		secs, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return usageErrorf("--at %q is not a number of seconds", v)
		}
		at = time.Unix(secs, 0)
	}
	arg := args[0]
	switch {
	case arg == stdinArg:
		k, err := c.stdinURI()
		if err != nil {
			return err
		}
		fmt.Fprintln(c.Stdout, k.Code(at))
		return nil
	case uriLike(arg):
		c.warnArgv()
		k, err := otp.ParseURI(arg)
		if err != nil {
			return err
		}
		fmt.Fprintln(c.Stdout, k.Code(at))
		return nil
	}
	// The window gives codes for now only: one for later would outlive
	// its lock.
	if !atGiven {
		if done, err := c.codeFromAgent(arg); done {
			return err
		}
	}
	return codeFromVault(c, arg, at)
}
