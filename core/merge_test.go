package core

import (
	"fmt"
	"path/filepath"
	"slices"
	"testing"

	"latchkey/core/coretest"
	"latchkey/vault"
)

// chooser answers KeepOrReplace with one choice and counts the questions.
type chooser struct {
	choice Choice
	asked  int
}

func (c *chooser) KeepOrReplace(existing, incoming vault.Account) Choice {
	c.asked++
	return c.choice
}

func newVault(t *testing.T, accounts ...vault.Account) *vault.Vault {
	t.Helper()
	path := filepath.Join(t.TempDir(), "vault.latchkey")
	coretest.Vault(t, path, accounts...)
	return coretest.Open(t, path)
}

// TestMerge: a backup's duplicate that differs from the vault's copy is
// kept or replaced as the person says; one that does not differ is never
// asked about; new accounts are added once.
func TestAddNew(t *testing.T) {
	keys := coretest.Keys(t)
	mine := vault.Account{Key: keys[0], Note: "mine"}
	theirs := vault.Account{Key: keys[0], Note: "from the backup"}
	fresh := vault.Account{Key: keys[1]}
	for _, c := range []struct {
		name      string
		incoming  []vault.Account
		chooser   *chooser
		wantAsked int
		wantNote  string
		want      vault.MergeReport
	}{
		{"keep", []vault.Account{theirs, fresh}, &chooser{choice: Keep}, 1, "mine",
			vault.MergeReport{Added: []string{fresh.Key.Label()}, Duplicates: []string{theirs.Key.Label()}}},
		{"replace", []vault.Account{theirs, fresh}, &chooser{choice: Replace}, 1, "from the backup",
			vault.MergeReport{Added: []string{fresh.Key.Label()}, Replaced: []string{theirs.Key.Label()}}},
		{"no chooser keeps", []vault.Account{theirs, fresh}, nil, 0, "mine",
			vault.MergeReport{Added: []string{fresh.Key.Label()}, Duplicates: []string{theirs.Key.Label()}}},
		{"identical is not asked", []vault.Account{mine}, &chooser{choice: Replace}, 0, "mine",
			vault.MergeReport{Duplicates: []string{mine.Key.Label()}}},
		{"twice in the input", []vault.Account{fresh, fresh}, &chooser{}, 0, "mine",
			vault.MergeReport{Added: []string{fresh.Key.Label()}, Duplicates: []string{fresh.Key.Label()}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			v := newVault(t, mine)
			var ch Chooser
			if c.chooser != nil {
				ch = c.chooser
			}
			r, err := AddNew(v, c.incoming, ch)
			if err != nil {
				t.Fatal(err)
			}
			if c.chooser != nil && c.chooser.asked != c.wantAsked {
				t.Errorf("asked %d times, want %d", c.chooser.asked, c.wantAsked)
			}
			if fmt.Sprint(r) != fmt.Sprint(c.want) {
				t.Errorf("got report %+v, want %+v", r, c.want)
			}
			all := v.Accounts()
			if len(all) != 1+len(c.want.Added) {
				t.Errorf("got %d accounts, want %d", len(all), 1+len(c.want.Added))
			}
			if all[0].Note != c.wantNote {
				t.Errorf("got note %q, want %q", all[0].Note, c.wantNote)
			}
		})
	}
}

func TestDuplicatesAndAddAll(t *testing.T) {
	keys := coretest.Keys(t)
	have := []vault.Account{{Key: keys[0]}}
	renamed := keys[0]
	renamed.Issuer = "Renamed"
	found := []vault.Account{{Key: keys[1]}, {Key: renamed}, {Key: keys[1]}, {Key: keys[2]}}
	got := Duplicates(have, found)
	want := []Status{New, InVault, Repeated, New}
	if !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	v := newVault(t, have...)
	r, err := AddAll(v, found)
	if err != nil || len(r.Added) != 4 || len(v.Accounts()) != 5 {
		t.Errorf("got %+v, %v and %d accounts; want all four added to the one", r, err, len(v.Accounts()))
	}
}
