//go:build linux || darwin

package ui

import (
	"errors"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"github.com/pquerna/otp/hotp"

	"latchkey/agent"
	"latchkey/internal/testtool"
)

// The window answers scripts from unlock to lock, and not at all when
// Settings turn it off.
func TestAgentRunsWhileUnlocked(t *testing.T) {
	h := newHarness(t, threeAccounts(t))
	rt := testtool.SocketDir(t)
	h.app.agent.runtimeDir = rt
	if _, err := agent.Dial(rt, h.path); !errors.Is(err, agent.ErrNoAgent) {
		t.Fatalf("locked: got %v, want no agent", err)
	}
	h.unlock()
	c, err := agent.Dial(rt, h.path)
	if err != nil {
		t.Fatalf("unlocked: %v", err)
	}
	list, err := c.Accounts()
	if err != nil || len(list) != 3 || list[0].Issuer != "GitHub" || list[2].Type != "hotp" {
		t.Fatalf("got accounts %+v, %v; want GitHub, GitLab and the HOTP Example", list, err)
	}
	if got, err := c.Code(list[0].ID); err != nil || got != oracleTOTP(t, githubB32, h.clock.now()) {
		t.Errorf("GitHub code: got %q, %v; want %q", got, err, oracleTOTP(t, githubB32, h.clock.now()))
	}
	// A script's HOTP code moves the counter on in the window's vault,
	// and the list shows the next code.
	want, _ := hotp.GenerateCode("GEZDGNBVGY3TQOJQ", 3)
	if got, err := c.Code(list[2].ID); err != nil || got != want {
		t.Errorf("HOTP code: got %q, %v; want the counter-3 code %q", got, err, want)
	}
	c.Close()
	if a, _ := h.vault().Account(list[2].ID); a.Key.Counter != 4 || h.vault().Dirty() {
		t.Errorf("after a script's HOTP code: counter %d, dirty %v; want 4, saved", a.Key.Counter, h.vault().Dirty())
	}
	next, _ := hotp.GenerateCode("GEZDGNBVGY3TQOJQ", 4)
	if markup := test.RenderObjectToMarkup(h.win.Content()); !strings.Contains(markup, next[:3]+" "+next[3:]) {
		t.Errorf("the list does not show the counter-4 code %s", next)
	}

	h.app.lock()
	if _, err := agent.Dial(rt, h.path); !errors.Is(err, agent.ErrNoAgent) {
		t.Errorf("after lock: got %v, want no agent", err)
	}

	// Off in Settings: no socket after unlock; on again: at once.
	h.app.agent.setOn(nil, false)
	h.unlock()
	if _, err := agent.Dial(rt, h.path); !errors.Is(err, agent.ErrNoAgent) {
		t.Errorf("turned off: got %v, want no agent", err)
	}
	f := newSettingsForm(h.session(), themeSystem, h.app.setTheme)
	if f.agent.Checked {
		t.Errorf("Settings show the agent on, want off")
	}
	f.agent.SetChecked(true)
	f.onDone(true)
	if c, err := agent.Dial(rt, h.path); err != nil {
		t.Errorf("turned on in Settings: %v", err)
	} else {
		c.Close()
	}
}
