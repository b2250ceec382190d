package cli

import (
	"errors"
	"fmt"

	"latchkey/agent"
	"latchkey/internal/safetext"
	"latchkey/otp"
	"latchkey/vault"
)

// The window, while unlocked, answers "code" and "list" over its agent
// socket (package agent): no password and no key derivation. When it does
// not answer, for whatever reason, the commands unlock the vault as usual
// and say nothing about it.

// errHOTPNoAnswer is an HOTP code asked of the window that never came.
var errHOTPNoAnswer = errors.New("the window was asked for the next HOTP code and gave no answer, so its counter may have moved on; no code was taken from the vault: take it in the window")

// dialAgent connects to the window that has this vault unlocked, if any.
func (c *ctx) dialAgent() (*agent.Client, bool) {
	path, err := c.resolveVaultPath()
	if err != nil {
		return nil, false
	}
	cl, err := agent.Dial(c.getenv("XDG_RUNTIME_DIR"), path)
	if err != nil {
		return nil, false
	}
	return cl, true
}

// agentAccounts are the window's accounts as findOne reads them, so a
// query matches, and fails to match, exactly as it does in the vault. Only
// HOTP among the types matters here (its code spends a counter).
func agentAccounts(list []agent.Account) []vault.Account {
	out := make([]vault.Account, len(list))
	for i, a := range list {
		out[i] = vault.Account{ID: a.ID, Key: otp.Key{Issuer: a.Issuer, Name: a.Name}}
		if a.Type == otp.HOTP.String() {
			out[i].Key.Type = otp.HOTP
		}
	}
	return out
}

// codeFromAgent prints the code of the one account matching query, from
// the window. done is false when the window did not answer: the caller
// unlocks the vault instead.
func (c *ctx) codeFromAgent(query string) (done bool, err error) {
	cl, ok := c.dialAgent()
	if !ok {
		return false, nil
	}
	defer cl.Close()
	list, err := cl.Accounts()
	if err != nil {
		return false, nil
	}
	a, err := findOne(agentAccounts(list), query)
	if err != nil {
		return true, err // no match or several: the same message as from the vault
	}
	code, err := cl.Code(a.ID)
	switch {
	case errors.Is(err, agent.ErrNotSaved):
		return true, fmt.Errorf("%s: %w", safetext.Escape(a.Key.Label()), err)
	case errors.Is(err, agent.ErrNoAnswer) && a.Key.Type == otp.HOTP:
		// The window may have spent a counter before it failed; unlocking
		// now would spend another, so the person takes it in the window.
		return true, fmt.Errorf("%s: %w", safetext.Escape(a.Key.Label()), errHOTPNoAnswer)
	case err != nil:
		return false, nil
	}
	fmt.Fprintln(c.Stdout, code)
	return true, nil
}

// listFromAgent prints the window's accounts as runList does.
func (c *ctx) listFromAgent() (done bool) {
	cl, ok := c.dialAgent()
	if !ok {
		return false
	}
	defer cl.Close()
	list, err := cl.Accounts()
	if err != nil {
		return false
	}
	printList(c, agentAccounts(list))
	return true
}
