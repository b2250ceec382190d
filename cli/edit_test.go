package cli

import (
	"encoding/json"
	"strings"
	"testing"

	"latchkey/core/coretest"
	"latchkey/vault"
)

func listed(t *testing.T, env map[string]string) []accountJSON {
	t.Helper()
	r := runCLI(t, "", env, "list", "--json")
	if r.status != 0 {
		t.Fatalf("list: status %d, stderr %q", r.status, r.stderr)
	}
	var out []accountJSON
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestEditCommand(t *testing.T) {
	keys := coretest.Keys(t)
	_, env := vaultFor(t, vault.Account{Key: keys[0], Tags: []string{"old"}, Note: "keep me"}, vault.Account{Key: keys[1]})
	r := runCLI(t, "", env, "edit", "ann@example.com", "--issuer", "Acme Corp", "--name", "ann", "--tags", "work, 2fa,work,", "--pin")
	if r.status != 0 || !strings.Contains(r.stderr, "changed Acme Corp: ann") {
		t.Fatalf("edit: status %d, stderr %q", r.status, r.stderr)
	}
	a := listed(t, env)[0]
	if a.Issuer != "Acme Corp" || a.Name != "ann" || strings.Join(a.Tags, ",") != "work,2fa" || !a.Pinned || a.Note != "keep me" {
		t.Errorf("after edit: got %+v; want the new issuer, name, tags, pin and the note kept", a)
	}
	r = runCLI(t, "", env, "edit", "Acme Corp", "--tags", "", "--note", "", "--unpin")
	if a := listed(t, env)[0]; r.status != 0 || len(a.Tags) != 0 || a.Note != "" || a.Pinned {
		t.Errorf("clearing: status %d, got %+v; want no tags, no note, unpinned", r.status, a)
	}
	// A name that could act on a terminal is shown escaped.
	r = runCLI(t, "", env, "edit", "Acme Corp", "--name", "evil\x1b[2J")
	screenSafe(t, "edit", r.stderr)
	for _, bad := range [][]string{
		{"edit", "Acme Corp"},
		{"edit", "Acme Corp", "--pin", "--unpin"},
		{"edit", "--note", "x"},
	} {
		if r := runCLI(t, "", env, bad...); r.status != ExitUsage {
			t.Errorf("%q: status %d, want %d (stderr %q)", bad, r.status, ExitUsage, r.stderr)
		}
	}
	if r := runCLI(t, "", env, "edit", "nobody", "--note", "x"); r.status != ExitFailure {
		t.Errorf("no match: status %d, want %d", r.status, ExitFailure)
	}
}

func TestRmCommand(t *testing.T) {
	keys := coretest.Keys(t)
	_, env := vaultFor(t, vault.Account{Key: keys[0]}, vault.Account{Key: keys[1]}, vault.Account{Key: keys[2]})
	// Standard input is no terminal here: it does not ask.
	r := runCLI(t, "", env, "rm", "ann@example.com")
	if r.status != 0 || !strings.Contains(r.stderr, "removed Acme: ann@example.com") || strings.Contains(r.stderr, "?") {
		t.Fatalf("rm: status %d, stderr %q", r.status, r.stderr)
	}
	r = runCLI(t, "", env, "rm", "--yes", "bob")
	if got := listed(t, env); r.status != 0 || len(got) != 1 || got[0].Name != "cat" {
		t.Errorf("rm --yes: status %d, left %+v; want only cat", r.status, got)
	}
	if r := runCLI(t, "", env, "rm"); r.status != ExitUsage {
		t.Errorf("rm without a query: status %d, want %d", r.status, ExitUsage)
	}
}
