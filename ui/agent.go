package ui

import (
	"fyne.io/fyne/v2"

	"latchkey/agent"
)

// prefAgent is whether the window answers "latchkey code" and "latchkey
// list" while unlocked (package agent); on unless turned off. It is a
// preference of this computer rather than a vault setting: whether scripts
// on a machine may take codes from its window belongs to that machine, not
// to every copy of the vault, and an older Latchkey refuses a vault whose
// settings hold a field it does not know.
const prefAgent = "agent.enabled"

// agentState is the window's agent: running only while a vault is unlocked.
type agentState struct {
	runtimeDir string // $XDG_RUNTIME_DIR; "" (tests, some systems): no agent
	server     *agent.Server
	problem    error // why it could not start, for Settings
}

func (a *app) agentOn() bool { return a.fyne.Preferences().BoolWithFallback(prefAgent, true) }

// startAgent answers for the open vault, unless turned off. A failure only
// means scripts unlock as before; Settings says why.
func (a *app) startAgent() {
	a.agent.problem = nil
	if a.agent.server != nil || a.v == nil || a.agent.runtimeDir == "" || !a.agentOn() {
		return
	}
	v := a.v
	s, err := agent.Listen(a.agent.runtimeDir, a.path, v, agent.Options{Now: a.now, Changed: func() { a.agentChanged(v) }})
	if err != nil {
		a.agent.problem = err
		trace("agent not started")
		return
	}
	a.agent.server = s
	trace("agent started")
}

// agentNote says why scripts unlock as usual although the agent is on.
func (a *app) agentNote() string {
	switch {
	case !a.agentOn():
		return ""
	case a.agent.runtimeDir == "":
		return "Not on this system: XDG_RUNTIME_DIR is not set."
	case a.agent.problem != nil:
		return "Not running: " + a.agent.problem.Error() + "."
	}
	return ""
}

// stopAgent removes the socket; it returns once no request reads the vault.
func (a *app) stopAgent() {
	if a.agent.server == nil {
		return
	}
	a.agent.server.Close()
	a.agent.server = nil
	trace("agent stopped")
}

// setAgentOn is the Settings switch.
func (a *app) setAgentOn(on bool) {
	a.fyne.Preferences().SetBool(prefAgent, on)
	if on {
		a.startAgent()
	} else {
		a.stopAgent()
	}
}

// agentChanged runs on the agent's goroutine after a script's HOTP code
// moved a counter on and the vault was saved: show the new counter.
func (a *app) agentChanged(v store) {
	if a.afterSave != nil {
		a.afterSave(v)
	}
	fyne.Do(func() {
		if a.v == v && a.accounts != nil {
			a.accounts.reload()
		}
	})
}
