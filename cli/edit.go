package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"

	"latchkey/internal/safetext"
)

// editFlags are the flags of edit and rm. set names those given, so an
// empty value ("--note ”") clears a field and a missing flag leaves it.
type editFlags struct {
	issuer, name, note, tags string
	pin, unpin, yes          bool
	set                      map[string]bool
}

func init() {
	register(&command{
		name:  "edit",
		brief: "change an account's issuer, name, note, tags or pin",
		args:  "QUERY [--issuer S] [--name S] [--note S] [--tags a,b] [--pin | --unpin]",
		summary: `Changes the account QUERY names (as "latchkey code" finds it) and saves: each
flag given sets that field, an empty value clears it (--tags "" removes every
tag), fields without a flag stay. Other computers syncing the vault get the
change at their next merge; a field changed there later wins there and here.`,
		setup: func(fs *flag.FlagSet, c *ctx) {
			e := &c.flags.edit
			fs.StringVar(&e.issuer, "issuer", "", "the new issuer")
			fs.StringVar(&e.name, "name", "", "the new account name")
			fs.StringVar(&e.note, "note", "", "the new note")
			fs.StringVar(&e.tags, "tags", "", "the new tags, comma-separated")
			fs.BoolVar(&e.pin, "pin", false, "pin the account to the top")
			fs.BoolVar(&e.unpin, "unpin", false, "unpin the account")
			addPasswordFlags(fs, c)
		},
		run: runEdit,
	})
	register(&command{
		name:  "rm",
		brief: "remove an account (asks first on a terminal)",
		args:  "QUERY [--yes]",
		summary: `Removes the account QUERY names (as "latchkey code" finds it) and saves. On a
terminal it asks first; --yes, or a standard input that is not a terminal,
does not ask. Other computers syncing the vault remove it at their next
merge, unless one changed it after the removal: then it comes back there,
with that change. Automatic backups made before still hold it.`,
		setup: func(fs *flag.FlagSet, c *ctx) {
			fs.BoolVar(&c.flags.edit.yes, "yes", false, "do not ask")
			addPasswordFlags(fs, c)
		},
		run: runRm,
	})
}

func runEdit(c *ctx, fs *flag.FlagSet, args []string) error {
	if len(args) != 1 {
		return usageErrorf("edit takes one account (a query); see \"latchkey edit -h\"")
	}
	e := &c.flags.edit
	e.set = map[string]bool{}
	fs.Visit(func(f *flag.Flag) { e.set[f.Name] = true })
	if e.pin && e.unpin {
		return usageErrorf("--pin and --unpin together")
	}
	if !slices.ContainsFunc([]string{"issuer", "name", "note", "tags", "pin", "unpin"}, func(n string) bool { return e.set[n] }) {
		return usageErrorf("nothing to change: give --issuer, --name, --note, --tags, --pin or --unpin")
	}
	v, a, err := c.openOne(args[0], false)
	if err != nil {
		return err
	}
	defer v.Close()
	if e.set["issuer"] {
		a.Key.Issuer = e.issuer
	}
	if e.set["name"] {
		a.Key.Name = e.name
	}
	if e.set["note"] {
		a.Note = e.note
	}
	if e.set["tags"] {
		a.Tags = nil
		for _, t := range strings.Split(e.tags, ",") {
			if t = strings.TrimSpace(t); t != "" && !slices.Contains(a.Tags, t) {
				a.Tags = append(a.Tags, t)
			}
		}
	}
	if e.pin || e.unpin {
		a.Pinned = e.pin
	}
	if err := v.Update(a); err != nil {
		return err
	}
	if err := c.saved(v, v.Save()); err != nil {
		return fmt.Errorf("saving %s: %w", v.Path(), err)
	}
	fmt.Fprintf(c.Stderr, "changed %s\n", safetext.Escape(a.Key.Label()))
	return nil
}

func runRm(c *ctx, fs *flag.FlagSet, args []string) error {
	if len(args) != 1 {
		return usageErrorf("rm takes one account (a query); see \"latchkey rm -h\"")
	}
	v, a, err := c.openOne(args[0], false)
	if err != nil {
		return err
	}
	defer v.Close()
	label := safetext.Escape(a.Key.Label())
	if !c.flags.edit.yes && isTerminal(c.Stdin) {
		fmt.Fprintf(c.Stderr, "Remove %s? [y/N] ", label)
		answer, err := readAnswer(c.Stdin)
		if err != nil {
			return err
		}
		if answer != "y" && answer != "yes" {
			return errors.New("nothing removed")
		}
	}
	if _, err := v.Delete(a.ID); err != nil {
		return err
	}
	if err := c.saved(v, v.Save()); err != nil {
		return fmt.Errorf("saving %s: %w", v.Path(), err)
	}
	fmt.Fprintf(c.Stderr, "removed %s\n", label)
	return nil
}

// readAnswer reads one short line from a terminal, lower-cased.
func readAnswer(r io.Reader) (string, error) {
	var b []byte
	one := make([]byte, 1)
	for len(b) < 64 {
		n, err := r.Read(one)
		if n == 1 {
			if one[0] == '\n' {
				break
			}
			b = append(b, one[0])
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", err
		}
	}
	return strings.ToLower(strings.TrimSpace(string(b))), nil
}
