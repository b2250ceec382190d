//go:build !linux && !darwin

package agent

import "time"

// Vault is anything: there is no agent to answer from it here.
type Vault any

// Options adjust a Server.
type Options struct {
	Now     func() time.Time
	Changed func()
}

// Server is never made here: there is no agent on this system.
type Server struct{}

// Listen reports ErrUnsupported: this system has no agent.
func Listen(runtimeDir, vaultPath string, v Vault, o Options) (*Server, error) {
	return nil, ErrUnsupported
}

// Path is empty: there is no socket.
func (s *Server) Path() string { return "" }

// Close does nothing.
func (s *Server) Close() error { return nil }

// Client is never made here.
type Client struct{}

// Dial reports ErrUnsupported: the command line unlocks as usual.
func Dial(runtimeDir, vaultPath string) (*Client, error) { return nil, ErrUnsupported }

// Close does nothing.
func (c *Client) Close() error { return nil }

// Accounts reports ErrUnsupported.
func (c *Client) Accounts() ([]Account, error) { return nil, ErrUnsupported }

// Code reports ErrUnsupported.
func (c *Client) Code(id string) (string, error) { return "", ErrUnsupported }
