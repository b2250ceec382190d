package cli

import (
	"bytes"
	"testing"

	"latchkey/core/coretest"
	"latchkey/vault"
)

// On a terminal, rm asks, and removes only on yes.
func TestRmAsksOnATerminal(t *testing.T) {
	keys := coretest.Keys(t)
	_, env := vaultFor(t, vault.Account{Key: keys[0]}, vault.Account{Key: keys[1]})
	for _, c := range []struct {
		answer string
		status int
		left   int
	}{{"n\n", ExitFailure, 2}, {"\n", ExitFailure, 2}, {"yes\n", 0, 1}} {
		master, tty := openPTY(t)
		if _, err := master.WriteString(c.answer); err != nil {
			t.Fatal(err)
		}
		var out, errb bytes.Buffer
		status := Main([]string{"rm", "bob"}, Env{Stdin: tty, Stdout: &out, Stderr: &errb, Getenv: func(k string) string { return env[k] }, Vault: testVault})
		tty.Close()
		master.Close()
		if status != c.status || len(listed(t, env)) != c.left || !bytes.Contains(errb.Bytes(), []byte("Remove Forge: bob? [y/N]")) {
			t.Errorf("answer %q: status %d, %d accounts left, stderr %q; want %d, %d, asked", c.answer, status, len(listed(t, env)), errb.String(), c.status, c.left)
		}
	}
}
