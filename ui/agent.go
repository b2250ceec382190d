package ui

import (
	"fyne.io/fyne/v2"

	"latchkey/agent"
	"latchkey/vault"
)

// prefAgent is whether the window answers "latchkey code" and "latchkey
// list" while unlocked (package agent); on unless turned off. It is a
// preference of this computer rather than a vault setting: whether scripts
// on a machine may take codes from its window belongs to that machine, not
// to every copy of the vault, and an older Latchkey refuses a vault whose
// settings hold a field it does not know.
const prefAgent = "agent.enabled"

// agentState is the window's agent: running only while a vault is
// unlocked. The app keeps it; a session starts it and stops it through
// onEnd.
type agentState struct {
	prefs      fyne.Preferences
	runtimeDir string // $XDG_RUNTIME_DIR; "" (tests, some systems): no agent
	server     *agent.Server
	problem    error // why it could not start, for Settings
}

func (g *agentState) on() bool { return g.prefs.BoolWithFallback(prefAgent, true) }

// start answers for the session's vault, unless turned off. A failure only
// means scripts unlock as before; Settings says why.
func (g *agentState) start(s *session) {
	g.problem = nil
	if g.server != nil || s == nil || s.ended() || g.runtimeDir == "" || !g.on() {
		return
	}
	v := s.v
	srv, err := agent.Listen(g.runtimeDir, s.path, v, agent.Options{Now: s.w.now, Changed: func() { agentChanged(s, v) }})
	if err != nil {
		g.problem = err
		trace("agent not started")
		return
	}
	g.server = srv
	trace("agent started")
}

// note says why scripts unlock as usual although the agent is on.
func (g *agentState) note() string {
	switch {
	case !g.on():
		return ""
	case g.runtimeDir == "":
		return "Not on this system: XDG_RUNTIME_DIR is not set."
	case g.problem != nil:
		return "Not running: " + g.problem.Error() + "."
	}
	return ""
}

// stop removes the socket; it returns once no request reads the vault.
func (g *agentState) stop() {
	if g.server == nil {
		return
	}
	g.server.Close()
	g.server = nil
	trace("agent stopped")
}

// setOn is the Settings switch, for the session s that shows them (nil
// while locked: the switch then waits for the next unlock).
func (g *agentState) setOn(s *session, on bool) {
	g.prefs.SetBool(prefAgent, on)
	if on {
		g.start(s)
	} else {
		g.stop()
	}
}

// agentChanged runs on the agent's goroutine after a script's HOTP code
// moved a counter on and the vault was saved: the backup status as after
// any save, and the new counter in the list.
func agentChanged(s *session, v *vault.Vault) {
	if s.afterSave != nil {
		s.afterSave(v)
	}
	fyne.Do(func() {
		if s.v == v {
			s.refresh("")
		}
	})
}
