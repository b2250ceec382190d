// Package cli is Latchkey on the command line: the same binary as the
// window, for scripts and for people who live in a terminal. Every way
// accounts move in and out is core's, as in the window; the commands answer
// core's questions from flags and prompts.
//
// Data goes to stdout, messages to stderr, and the exit status is 0 only on
// success (see the exit codes below).
package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"latchkey/vault"
)

// Env is the outside world a command sees, so tests can give it their own.
type Env struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	// OpenUI opens the desktop window on a vault path; main supplies it so
	// this package stays free of Fyne.
	OpenUI func(vaultPath string) error
	// Getenv reads the environment; nil means os.Getenv.
	Getenv func(string) string
	// Vault are the vault's options. The zero value is what users get;
	// tests set vault.TestKDF.
	Vault vault.Options
	// Version is what "latchkey version" prints; main reads it from
	// FyneApp.toml.
	Version string
}

func (e Env) getenv(k string) string {
	if e.Getenv != nil {
		return e.Getenv(k)
	}
	return os.Getenv(k)
}

// Exit statuses. Scripts may rely on them.
const (
	ExitOK            = 0
	ExitFailure       = 1 // anything else went wrong
	ExitUsage         = 2 // the command line itself is wrong
	ExitWrongPassword = 3 // the password or backup code does not open the vault
	ExitLocked        = 4 // another Latchkey has the vault open
)

// exitError carries a status other than ExitFailure.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func usageErrorf(format string, a ...any) error {
	return &exitError{code: ExitUsage, err: fmt.Errorf(format, a...)}
}

// command is one verb of the command line.
type command struct {
	name    string
	brief   string // one line for "latchkey help"
	args    string // argument synopsis for help
	summary string
	// run parses its own flags from fs (already holding the shared ones)
	// and does the work.
	run   func(c *ctx, fs *flag.FlagSet, args []string) error
	setup func(fs *flag.FlagSet, c *ctx)
	// noArgs: the command takes flags only; run is not called with
	// arguments.
	noArgs bool
}

// ctx is what every command shares: its environment and common flags.
type ctx struct {
	Env
	vaultPath string
	pw        passwordSource
	stdinUsed bool
	warned    bool        // the argv warning was given (stdin.go)
	backup    backupFlags // backup.go: --backup-password-file, --with-backup-codes, --import-password-file
	flags     flags       // the command's own flags, bound by its setup
}

// flags are the commands' own flags, read through typed variables. A
// command's setup binds the ones it has.
type flags struct {
	out, format, code, at             string
	size                              int
	raw, json, now, reencrypt, remove bool
	force                             bool      // --force: an --out file may replace an existing one (write.go)
	regenerate, duplicates            bool      // backup-codes --regenerate, import --duplicates
	kitCodes, kitAccounts             bool      // recovery-kit --regenerate-codes, --with-accounts
	edit                              editFlags // edit and rm (edit.go)
}

var commands = map[string]*command{}

func register(c *command) { commands[c.name] = c }

// Main runs the command line and returns the exit status. A panic (a bug)
// becomes one line and a failure status, never a stack trace, which could
// show values from memory.
func Main(args []string, env Env) (status int) {
	env.Stderr = messageWriter{env.Stderr}
	defer func() {
		if p := recover(); p != nil {
			fmt.Fprintf(env.Stderr, "latchkey: internal error (%T); please report it\n", p)
			status = ExitFailure
		}
	}()
	err := run(args, env)
	if err == nil {
		return ExitOK
	}
	if errors.Is(err, flag.ErrHelp) {
		return ExitOK
	}
	fmt.Fprintln(env.Stderr, "latchkey: "+err.Error())
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	return exitStatus(err)
}

func run(args []string, env Env) error {
	c := &ctx{Env: env}
	defer func() { clear(c.pw.cached) }()
	if len(args) > 0 && (args[0] == "--version" || args[0] == "-version") {
		args = append([]string{"version"}, args[1:]...)
	}
	// "latchkey", "latchkey --vault F": the window.
	if len(args) == 0 || strings.HasPrefix(args[0], "-") && !isHelpFlag(args[0]) {
		fs := newFlagSet(c, "latchkey", "[--vault PATH]", "Opens the desktop window.")
		if err := fs.Parse(args); err != nil {
			return err
		}
		if fs.NArg() > 0 {
			return usageErrorf("unexpected %s; see \"latchkey help\"", quoteArg(fs.Arg(0)))
		}
		if env.OpenUI == nil {
			return errors.New("this build has no window")
		}
		path, err := c.resolveVaultPath()
		if err != nil {
			return err
		}
		return env.OpenUI(path)
	}
	name := args[0]
	if name == "help" || isHelpFlag(name) {
		if len(args) > 1 {
			if cmd, ok := commands[args[1]]; ok {
				fs := newFlagSet(c, cmd.name, cmd.args, cmd.summary)
				if cmd.setup != nil {
					cmd.setup(fs, c)
				}
				fs.SetOutput(env.Stdout)
				fs.Usage()
				return nil
			}
			return usageErrorf("no command %s; see \"latchkey help\"", quoteArg(args[1]))
		}
		printHelp(env.Stdout)
		return nil
	}
	cmd, ok := commands[name]
	if !ok {
		return usageErrorf("no command %s; see \"latchkey help\"", quoteArg(name))
	}
	fs := newFlagSet(c, cmd.name, cmd.args, cmd.summary)
	if cmd.setup != nil {
		cmd.setup(fs, c)
	}
	if err := fs.Parse(interspersed(fs, args[1:])); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return &exitError{code: ExitUsage, err: err}
	}
	if cmd.noArgs && fs.NArg() != 0 {
		return usageErrorf("%s takes no arguments", cmd.name)
	}
	return cmd.run(c, fs, fs.Args())
}

func isHelpFlag(s string) bool { return s == "-h" || s == "-help" || s == "--help" }

func newFlagSet(c *ctx, name, args, summary string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(c.Stderr)
	fs.StringVar(&c.vaultPath, "vault", "", "the vault file (default: $LATCHKEY_VAULT, else "+defaultVaultHint+")")
	fs.Usage = func() {
		out := fs.Output()
		fmt.Fprintf(out, "usage: latchkey %s %s\n\n%s\n\nflags:\n", name, args, summary)
		fs.PrintDefaults()
	}
	return fs
}

// interspersed moves flags after positional arguments to the front, so
// "latchkey code URI --at 59" works as people expect. "--" ends flags.
func interspersed(fs *flag.FlagSet, args []string) []string {
	var flags, pos []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			pos = append(pos, args[i+1:]...)
			break
		}
		if !strings.HasPrefix(a, "-") || a == "-" {
			pos = append(pos, a)
			continue
		}
		flags = append(flags, a)
		name := strings.TrimLeft(a, "-")
		if strings.Contains(name, "=") {
			continue
		}
		f := fs.Lookup(name)
		if f == nil {
			continue
		}
		if bf, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && bf.IsBoolFlag() {
			continue
		}
		if i+1 < len(args) {
			flags = append(flags, args[i+1])
			i++
		}
	}
	return append(append(flags, "--"), pos...)
}

func printHelp(w io.Writer) {
	fmt.Fprint(w, `Latchkey: two-factor authentication codes from an encrypted vault.

usage: latchkey [--vault PATH]          open the desktop window
       latchkey COMMAND [flags] [args]  work on the command line

commands:
`)
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-14s %s\n", n, commands[n].brief)
	}
	fmt.Fprint(w, `
"latchkey COMMAND -h" explains a command and its flags.
`)
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
