package ui

import (
	"fmt"
	"testing"
	"time"

	"latchkey/otp"
	"latchkey/vault"
)

func manyAccounts(n int) []vault.Account {
	out := make([]vault.Account, n)
	for i := range out {
		secret := make([]byte, 20)
		copy(secret, fmt.Sprintf("secret-%d", i))
		out[i] = vault.Account{Key: otp.Key{Type: otp.TOTP, Issuer: fmt.Sprintf("Service %03d", i), Name: "user", Secret: secret, Algorithm: otp.SHA1, Digits: 6, Period: 30}}
	}
	return out
}

// With 500 accounts only the rows on screen exist and are refreshed.
func TestOnlyVisibleRowsExist(t *testing.T) {
	h := newHarness(t, manyAccounts(500))
	h.unlock()
	s := h.list()
	if got := s.length(); got != 500 {
		t.Fatalf("got %d rows in the model, want 500", got)
	}
	if got := len(s.rows); got == 0 || got > 40 {
		t.Errorf("got %d row widgets for 500 accounts in a 640 px window, want only about a screenful", got)
	}
	s.list.ScrollToBottom()
	h.app.tick()
	if got := len(s.rows); got > 40 {
		t.Errorf("after scrolling: got %d row widgets, want them reused", got)
	}
}

// BenchmarkTick500 is one second's work with 500 accounts: moving every
// visible code and bar on.
func BenchmarkTick500(b *testing.B) {
	h := newHarness(b, manyAccounts(500))
	h.unlock()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		h.clock.advance(time.Second)
		h.app.tick()
	}
}

// BenchmarkSearch500 is one keystroke in the search field with 500 accounts.
func BenchmarkSearch500(b *testing.B) {
	h := newHarness(b, manyAccounts(500))
	h.unlock()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		h.list().search.SetText(fmt.Sprintf("service %d", i%500))
	}
}
