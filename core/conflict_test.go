package core

import (
	"strings"
	"testing"
	"unicode/utf8"

	"latchkey/internal/safetext"
)

func TestParseConflict(t *testing.T) {
	const v = "vault.latchkey"
	for _, c := range []struct {
		name string
		tool Tool // 0: not a conflict copy
		who  string
	}{
		{"vault.sync-conflict-20261201-101010-ABCDEFG.latchkey", Syncthing, "ABCDEFG"},
		{"vault (Alice's conflicted copy 2026-12-01).latchkey", Dropbox, "Alice's"},
		{"vault (Bob Smith\u2019s conflicted copy 2026-02-28).latchkey", Dropbox, "Bob Smith\u2019s"},
		{"vault (conflicted copy 2026-12-01).latchkey", Dropbox, ""},
		{"vault (conflicted copy 2026-12-01 101010).latchkey", Nextcloud, ""},
		{"vault_conflict-20261201-101010.latchkey", NextcloudOld, ""},
		{"vault-LAPTOP-7.latchkey", OneDrive, "LAPTOP-7"},
		{"vault (1).latchkey", GoogleDrive, "1"},
		{"vault (12).latchkey", GoogleDrive, "12"},

		{"vault.latchkey", 0, ""},
		{"vault.latchkey.lock", 0, ""},
		{".vault.latchkey.tmp-123", 0, ""},
		{"vault.sync-conflict-20261201-101010-ABCDEFG.latchkey.lock", 0, ""},
		{"vault.sync-conflict-20261301-101010-ABCDEFG.latchkey", 0, ""}, // month 13
		{"vault.sync-conflict-20261201-101010-abcdefg.latchkey", 0, ""}, // not base32 upper
		{"vault.sync-conflict-20261201-101010-ABCDEF1.latchkey", 0, ""}, // 1 is not base32
		{"vault.sync-conflict-20261201-101010-ABCDEFGH.latchkey", 0, ""},
		{"vault.sync-conflict-2026121-101010-ABCDEFG.latchkey", 0, ""},
		{"vault.sync-conflict-20261201-101010-ABCDEFG.latchkey.bak", 0, ""},
		{"Vault.sync-conflict-20261201-101010-ABCDEFG.latchkey", 0, ""},
		{"vault (Alice's conflicted copy 2026-12-32).latchkey", 0, ""},
		{"vault (Alice conflicted copy 2026-12-01).latchkey", 0, ""},
		{"vault ((Alice)'s conflicted copy 2026-12-01).latchkey", 0, ""},
		{"vault (Al\nice's conflicted copy 2026-12-01).latchkey", 0, ""},
		{"vault (Al\x1b[31mice's conflicted copy 2026-12-01).latchkey", 0, ""},
		{"vault (Al\x00ice's conflicted copy 2026-12-01).latchkey", 0, ""},
		{"vault (Al\u0085ice's conflicted copy 2026-12-01).latchkey", 0, ""}, // C1 next line
		{"vault (\u202eecilA's conflicted copy 2026-12-01).latchkey", 0, ""}, // right-to-left override
		{"vault (Al\xffice's conflicted copy 2026-12-01).latchkey", 0, ""},   // not UTF-8
		{"vault (conflicted copy 2026-12-01 10101).latchkey", 0, ""},
		{"vault (conflicted copy 2026-12-01 246060).latchkey", 0, ""},
		{"vault_conflict-20261201-1010.latchkey", 0, ""},
		{"vault-.latchkey", 0, ""},
		{"vault--x.latchkey", 0, ""},
		{"vault-my laptop.latchkey", 0, ""},
		{"vault-old copy.latchkey", 0, ""},
		{"vault (0).latchkey", 0, ""},
		{"vault (01).latchkey", 0, ""},
		{"vault (1000).latchkey", 0, ""},
		{"vault (+1).latchkey", 0, ""},
		{"vault ().latchkey", 0, ""},
		{"vault (1).txt", 0, ""},
		{"other (1).latchkey", 0, ""},
		{"backups", 0, ""},
	} {
		got, ok := ParseConflict(v, c.name)
		if ok != (c.tool != 0) || got.Tool != c.tool || got.Who != c.who {
			t.Errorf("%q: got %v %q (%v), want %v %q", c.name, got.Tool, got.Who, ok, c.tool, c.who)
			continue
		}
		if ok && got.Name(v) != c.name {
			t.Errorf("%q: Name gives back %q", c.name, got.Name(v))
		}
	}
	// A vault without an extension, and one whose name has dots.
	if c, ok := ParseConflict("vault", "vault.sync-conflict-20261201-101010-ABCDEFG"); !ok || c.Tool != Syncthing {
		t.Errorf("no extension: got %v, %v", c, ok)
	}
	if c, ok := ParseConflict("my.vault.latchkey", "my.vault (1).latchkey"); !ok || c.Tool != GoogleDrive {
		t.Errorf("dotted name: got %v, %v", c, ok)
	}
}

// The parsers never panic, and what they accept is exactly a name they
// would make: NAME, the tool's part, EXT.
func FuzzParseConflict(f *testing.F) {
	for _, s := range []string{
		"vault.sync-conflict-20261201-101010-ABCDEFG.latchkey",
		"vault (Alice's conflicted copy 2026-12-01).latchkey",
		"vault (conflicted copy 2026-12-01 101010).latchkey",
		"vault_conflict-20261201-101010.latchkey",
		"vault-HOST.latchkey", "vault (3).latchkey", "vault.latchkey", "",
	} {
		f.Add("vault.latchkey", s)
	}
	f.Fuzz(func(t *testing.T, vaultName, name string) {
		c, ok := ParseConflict(vaultName, name)
		if !ok {
			return
		}
		if c.Tool == 0 || name == vaultName || strings.HasPrefix(name, ".") {
			t.Fatalf("%q beside %q: accepted as %v", name, vaultName, c.Tool)
		}
		if strings.ContainsFunc(c.Who, safetext.Unsafe) || !utf8.ValidString(c.Who) {
			t.Fatalf("%q beside %q: accepted %q, which a screen would act on", name, vaultName, c.Who)
		}
		if back := c.Name(vaultName); back != name {
			t.Fatalf("%q beside %q: parsed as %+v, which names %q", name, vaultName, c, back)
		}
	})
}
