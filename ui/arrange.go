package ui

import (
	"cmp"
	"slices"
	"strings"

	"latchkey/vault"
)

// sortOrder is how unpinned accounts are ordered. Its String is the value
// stored in vault.Settings.Sort.
type sortOrder uint8

const (
	sortManual sortOrder = iota // the vault's own order
	sortIssuer
	sortName
	sortRecent // most recently used first
)

// sortNames holds each order's stored name and the label Settings shows.
var sortNames = storedNames[sortOrder]{
	sortManual: {"manual", "As added"},
	sortIssuer: {"issuer", "By issuer"},
	sortName:   {"name", "By account name"},
	sortRecent: {"recent", "Recently used first"},
}

var sortOrders = sortNames.values()

func (o sortOrder) String() string { return sortNames.name(o, "sortOrder") }
func (o sortOrder) label() string  { return sortNames.label(o) }

// parseSortOrder reads a stored order; anything unknown is manual.
func parseSortOrder(s string) sortOrder { return sortNames.parse(s) }

// arrange is the list as shown: accounts matching query, pinned first, then
// in the chosen order. The vault's order breaks ties, so the list is stable.
func arrange(accounts []vault.Account, query string, order sortOrder) []vault.Account {
	words := strings.Fields(strings.ToLower(query))
	out := make([]vault.Account, 0, len(accounts))
	for _, a := range accounts {
		if matches(a, words) {
			out = append(out, a)
		}
	}
	slices.SortStableFunc(out, func(x, y vault.Account) int {
		if x.Pinned != y.Pinned {
			if x.Pinned {
				return -1
			}
			return 1
		}
		switch order {
		case sortIssuer:
			return cmp.Or(compareFold(x.Key.Issuer, y.Key.Issuer), compareFold(x.Key.Name, y.Key.Name))
		case sortName:
			return cmp.Or(compareFold(x.Key.Name, y.Key.Name), compareFold(x.Key.Issuer, y.Key.Issuer))
		case sortRecent:
			return y.LastUsed.Compare(x.LastUsed)
		}
		return 0
	})
	return out
}

func compareFold(a, b string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(b)) }

// matches reports whether every word is in the issuer, name, a tag or the note.
func matches(a vault.Account, words []string) bool {
	if len(words) == 0 {
		return true
	}
	var hay strings.Builder
	hay.WriteString(strings.ToLower(a.Key.Issuer))
	hay.WriteByte('\n')
	hay.WriteString(strings.ToLower(a.Key.Name))
	for _, t := range a.Tags {
		hay.WriteByte('\n')
		hay.WriteString(strings.ToLower(t))
	}
	hay.WriteByte('\n')
	hay.WriteString(strings.ToLower(a.Note))
	h := hay.String()
	for _, w := range words {
		if !strings.Contains(h, w) {
			return false
		}
	}
	return true
}

// groupCode spaces a code for reading: 123 456, 1234 5678. Steam's five
// characters stay whole.
func groupCode(code string) string {
	if len(code) < 6 {
		return code
	}
	half := len(code) / 2
	return code[:half] + " " + code[half:]
}
