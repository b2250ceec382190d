package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"latchkey/core/coretest"
	"latchkey/vault"
)

// conflictFrom writes, beside the vault at path, a conflict copy named
// name holding the vault as another computer changed it.
func conflictFrom(t *testing.T, path, name string, change func(v *vault.Vault)) string {
	t.Helper()
	return writeFile(t, filepath.Dir(path), name, string(coretest.OtherComputer(t, path, change)))
}

func TestSyncCommand(t *testing.T) {
	keys := coretest.Keys(t)
	path, env := vaultFor(t, vault.Account{ID: "a", Key: keys[0]}, vault.Account{ID: "b", Key: keys[1]}, vault.Account{ID: "c", Key: keys[2]})
	st := conflictFrom(t, path, "vault.sync-conflict-20261201-101010-ABCDEFG.latchkey", coretest.AddsEditsRemoves(t, keys, "b", "c"))
	// Another vault, kept; and the same under a name with a terminal
	// escape in it, which is no conflict name: left alone, unnamed.
	foreign := "vault (Mallory's conflicted copy 2026-12-01).latchkey"
	hostile := "vault (Mallory\x1b[2J's conflicted copy 2026-12-01).latchkey"
	otherVault := filepath.Join(t.TempDir(), "other.latchkey")
	coretest.Vault(t, otherVault, vault.Account{Key: keys[5]})
	data, _ := os.ReadFile(otherVault)
	writeFile(t, filepath.Dir(path), foreign, string(data))
	writeFile(t, filepath.Dir(path), hostile, string(data))

	r := runCLI(t, "", env, "sync")
	if r.status != ExitFailure {
		t.Errorf("with a copy kept: status %d, want %d; stderr %q", r.status, ExitFailure, r.stderr)
	}
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if len(lines) != 2 {
		t.Fatalf("got %d lines %q, want one per copy", len(lines), r.stdout)
	}
	wantMerged := "merged vault.sync-conflict-20261201-101010-ABCDEFG.latchkey: 2 added, 1 changed, 1 removed"
	wantKept := "kept vault (Mallory's conflicted copy 2026-12-01).latchkey: sealed under a key this vault never had"
	if !strings.Contains(r.stdout, wantMerged) || !strings.Contains(r.stdout, wantKept) {
		t.Errorf("got\n%s\nwant lines starting\n%s\n%s", r.stdout, wantMerged, wantKept)
	}
	screenSafe(t, "sync output", r.stdout+r.stderr)
	if _, err := os.Stat(st); !os.IsNotExist(err) {
		t.Errorf("the merged copy is still there: %v", err)
	}
	for _, n := range []string{foreign, hostile} {
		if b, err := os.ReadFile(filepath.Join(filepath.Dir(path), n)); err != nil || string(b) != string(data) {
			t.Errorf("%q: got %d bytes, %v; want it kept as it was", n, len(b), err)
		}
	}
	list := runCLI(t, "", env, "list", "--json")
	if !strings.Contains(list.stdout, "edited on another computer") || strings.Count(list.stdout, `"id"`) != 4 {
		t.Errorf("after the sync: list %q, want 4 accounts with the change", list.stdout)
	}
	// The kept copy gone (the person dealt with it): all merged, status 0.
	os.Remove(filepath.Join(filepath.Dir(path), foreign))
	r = runCLI(t, "", env, "sync")
	if r.status != 0 || r.stdout != "" || !strings.Contains(r.stderr, "no conflict copies") {
		t.Errorf("nothing to merge: status %d, stdout %q, stderr %q", r.status, r.stdout, r.stderr)
	}
}

// A command that changes the vault merges the conflict copies first.
func TestChangingCommandsMergeFirst(t *testing.T) {
	keys := coretest.Keys(t)
	path, env := vaultFor(t, vault.Account{Key: keys[0]})
	cp := conflictFrom(t, path, "vault (conflicted copy 2026-12-01 101010).latchkey", func(v *vault.Vault) {
		if _, err := v.Add(vault.Account{Key: keys[1]}); err != nil {
			t.Fatal(err)
		}
	})
	r := runCLI(t, "", env, "add", keys[2].URI())
	if r.status != 0 {
		t.Fatalf("add: status %d, stderr %q", r.status, r.stderr)
	}
	if !strings.Contains(r.stderr, "latchkey: merged vault (conflicted copy 2026-12-01 101010).latchkey: 1 added") {
		t.Errorf("add: stderr %q, want the merge said", r.stderr)
	}
	if _, err := os.Stat(cp); !os.IsNotExist(err) {
		t.Errorf("the copy is still there: %v", err)
	}
	if got := exported(t, env); len(got) != 3 {
		t.Errorf("got %d accounts, want 3", len(got))
	}
}
