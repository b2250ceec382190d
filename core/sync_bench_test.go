package core

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"latchkey/core/coretest"
	"latchkey/vault"
)

// BenchmarkSyncJunk: n junk copies of 64 MB (a vault header, garbage body)
// beside the vault (n*64 MB of temporary disk). sync: one Sync each
// iteration, all kept, SyncMaxBytes of them read at most; watch-next: the
// sync Watch runs next, given what the first kept (copies over the budget
// are read, the others not again).
func BenchmarkSyncJunk(b *testing.B) {
	for _, n := range []int{4, 10} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			dir := b.TempDir()
			path := filepath.Join(dir, "vault.latchkey")
			keys := coretest.Keys(b)
			coretest.Vault(b, path, vault.Account{Key: keys[0]})
			junk := make([]byte, 64_000_000)
			copy(junk, "LATCHKEY")
			for i := range n {
				name := Conflict{Tool: Syncthing, When: time.Date(2026, 1, 1, 0, 0, i, 0, time.UTC), Who: "ABCDEFG"}.Name("vault.latchkey")
				if err := os.WriteFile(filepath.Join(dir, name), junk, 0o600); err != nil {
					b.Fatal(err)
				}
			}
			v := coretest.Open(b, path)
			b.Run("sync", func(b *testing.B) {
				for range b.N {
					if _, err := Sync(v, nil); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("watch-next", func(b *testing.B) {
				rep, _ := Sync(v, nil)
				kept := map[string]CopyReport{}
				for _, c := range rep.Copies {
					if !c.Removed && c.seen != nil {
						kept[c.Name] = c
					}
				}
				b.ResetTimer()
				for range b.N {
					if _, err := syncKnown(v, nil, kept, nil, nil); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}
