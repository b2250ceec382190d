package core

import (
	"slices"

	"latchkey/vault"
)

// Status is how a found account stands beside the vault's accounts.
type Status uint8

const (
	New      Status = iota // not in the vault
	InVault                // the vault has the same credential (otp.Key.SameSecret)
	Repeated               // an earlier found account is the same credential
)

func (s Status) String() string {
	return enumName([]string{New: "new", InVault: "in the vault", Repeated: "repeated"}, s, "Status")
}

// Duplicates says, for each found account, whether it is new: what AddNew
// would skip, for a list the person reviews before adding.
func Duplicates(have, found []vault.Account) []Status {
	bySecret := make(map[string][]vault.Account, len(have)+len(found))
	for _, h := range have {
		bySecret[string(h.Key.Secret)] = append(bySecret[string(h.Key.Secret)], h)
	}
	out := make([]Status, len(found))
	seen := map[string][]vault.Account{}
	for i, f := range found {
		same := func(a vault.Account) bool { return a.Key.SameSecret(f.Key) }
		switch {
		case slices.ContainsFunc(bySecret[string(f.Key.Secret)], same):
			out[i] = InVault
		case slices.ContainsFunc(seen[string(f.Key.Secret)], same):
			out[i] = Repeated
		default:
			seen[string(f.Key.Secret)] = append(seen[string(f.Key.Secret)], f)
		}
	}
	return out
}

// A Merger merges accounts into a vault; *vault.Vault is one.
type Merger interface {
	Merge(accounts []vault.Account, replace func(existing, incoming vault.Account) bool) (vault.MergeReport, error)
}

var _ Merger = (*vault.Vault)(nil)

// AddNew adds the accounts the vault does not have yet. An account whose
// credential the vault already has is skipped unless it differs from the
// vault's copy and c says Replace; a nil c keeps every copy in the vault.
// All or nothing; AddNew does not save (call v.Save).
func AddNew(v Merger, accounts []vault.Account, c Chooser) (vault.MergeReport, error) {
	var replace func(existing, incoming vault.Account) bool
	if c != nil {
		replace = func(existing, incoming vault.Account) bool {
			return !sameAccount(existing, incoming) && c.KeepOrReplace(existing, incoming) == Replace
		}
	}
	return v.Merge(accounts, replace)
}

// An Adder adds accounts to a vault; *vault.Vault is one.
type Adder interface {
	Add(accounts ...vault.Account) ([]vault.Account, error)
}

var _ Adder = (*vault.Vault)(nil)

// AddAll adds every account, duplicates included (the person chose them),
// and reports each by label. All or nothing; it does not save.
func AddAll(v Adder, accounts []vault.Account) (vault.MergeReport, error) {
	stored, err := v.Add(accounts...)
	if err != nil {
		return vault.MergeReport{}, err
	}
	var r vault.MergeReport
	for _, a := range stored {
		r.Added = append(r.Added, a.Key.Label())
	}
	return r, nil
}

// sameAccount reports whether replacing existing with incoming would
// change nothing the person sees.
func sameAccount(existing, incoming vault.Account) bool {
	return existing.Key.Equal(incoming.Key) && existing.Note == incoming.Note &&
		existing.Pinned == incoming.Pinned && slices.Equal(existing.Tags, incoming.Tags)
}
