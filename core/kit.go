package core

import (
	"bytes"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"latchkey/kit"
	"latchkey/vault"
)

// A PrivateFile is a file a flow is writing for the person.
type PrivateFile interface {
	io.Writer
	// Commit makes what was written durable and final at its path.
	Commit() error
	// Abort leaves nothing of the file behind; it is called after a failed
	// Write or Commit too.
	Abort()
}

// Create starts a new private file (mode 0600) at path for a flow to write,
// refusing a path that cannot be written. A flow calls it before anything
// it cannot undo, such as new backup codes, so a file that cannot be made
// costs nothing. The front ends pass NewFile with their rules: the one
// writer Latchkey has for private files decides whether an existing file
// may be replaced (the person was asked, or --force) and refuses the vault.
type Create func(path string) (PrivateFile, error)

// NewFile is the Create of the one writer, vault.WriteFile, under o: path
// is checked at once (vault.CheckWrite), what is written is held in memory,
// and Commit hands it to vault.WriteFile, which checks again and writes it
// whole, 0600, by rename. Nothing is at path before Commit.
func NewFile(path string, o vault.WriteOptions) (PrivateFile, error) {
	if err := vault.CheckWrite(path, o); err != nil {
		return nil, err
	}
	return &privateFile{path: path, o: o}, nil
}

// privateFile is a file made by NewFile.
type privateFile struct {
	path string
	o    vault.WriteOptions
	buf  bytes.Buffer
}

func (p *privateFile) Write(b []byte) (int, error) { return p.buf.Write(b) }

func (p *privateFile) Commit() error {
	defer p.Abort()
	return vault.WriteFile(p.path, p.buf.Bytes(), p.o)
}

// Abort wipes what was written; nothing was put at the path.
func (p *privateFile) Abort() {
	b := p.buf.Bytes()
	clear(b[:cap(b)])
	p.buf.Reset()
}

// KitRequest says what goes in a recovery kit.
type KitRequest struct {
	Path string // the page to write; the page shows the vault's paths made absolute
	// NewCodes makes a new set of backup codes to print (the old set stops
	// working); without them the page says how to add codes.
	NewCodes bool
	// WithAccounts puts every account on the page with its QR code and
	// secret, after the Confirmer agreed.
	WithAccounts bool
	Now          time.Time
}

// KitVault is what a kit reads and changes of a vault; *vault.Vault is one.
type KitVault interface {
	Path() string
	Accounts() []vault.Account
	LastBackup() (vault.BackupStatus, error)
	RegenerateBackupCodes() ([]string, error)
}

var _ KitVault = (*vault.Vault)(nil)

// WriteKit writes the recovery kit: first the file is started (create), then
// the new codes (saved at once by the vault), then the page is written and
// committed. It returns the new codes. When the page cannot be written
// after new codes were made, it returns them with the error: the old set no
// longer works, so the caller must show them rather than lose them.
func WriteKit(v KitVault, r KitRequest, create Create, c Confirmer) (codes []string, err error) {
	f, err := create(r.Path)
	if err != nil {
		return nil, err
	}
	committed := false
	defer func() {
		if !committed {
			f.Abort()
		}
	}()
	// A printed path must lead to the file from anywhere.
	k := kit.Kit{VaultPath: absPath(v.Path()), Created: r.Now}
	if st, err := v.LastBackup(); err == nil && st.Enabled {
		k.BackupDir = absPath(st.Dir)
	}
	if r.WithAccounts {
		if !c.ConfirmPlain(FormatKit) {
			return nil, ErrDeclined
		}
		k.Accounts = v.Accounts()
		defer func() {
			for _, a := range k.Accounts {
				clear(a.Key.Secret)
			}
		}()
	}
	if r.NewCodes {
		codes, err := v.RegenerateBackupCodes()
		if err != nil {
			return nil, fmt.Errorf("making new backup codes: %w", err)
		}
		k.BackupCodes = codes
	}
	var page bytes.Buffer
	defer func() { clear(page.Bytes()) }()
	err = kit.Write(&page, k)
	if err == nil {
		_, err = f.Write(page.Bytes())
	}
	if err == nil {
		err = f.Commit()
	}
	if err != nil {
		return k.BackupCodes, fmt.Errorf("writing %s: %w", r.Path, err)
	}
	committed = true
	return k.BackupCodes, nil
}

func absPath(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return p
}
