// Package vault keeps a person's two-factor accounts in one encrypted file
// that is never lost, never silently corrupted, and never opened without the
// password or one of its backup codes.
//
//	v, codes, err := vault.Create(path, password) // show codes to the user once
//	v, err := vault.Open(path, password)
//	defer v.Close()
//	v.Add(vault.Account{Key: key})
//	err = v.Save()
//
// A random 256-bit data key seals the accounts with XChaCha20-Poly1305. The
// key is wrapped once per slot: one password slot (Argon2id) and one slot per
// backup code. The whole header is authenticated; see FORMAT.md. Changing
// the password, recovering with a backup code and making new backup codes
// each make a new data key, so an old copy of the file and an old password
// open nothing saved since.
//
// Save is atomic and durable: the old file survives any failure, and the
// change stays in memory to be saved again. While a Vault is open it holds an
// advisory lock, so a second Latchkey gets ErrLocked.
//
// A Vault is safe for concurrent use. Save never runs the password KDF, so it
// is cheap enough to call after every change.
//
// Tests make real vaults fast with Options{KDF: TestKDF} and its methods
// (Options.Create, Options.Open, ...); the package functions never use it.
package vault

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"latchkey/otp"
)

// ServiceCode is one of the recovery codes a website hands out when
// two-factor authentication is turned on.
type ServiceCode struct {
	Code   string
	Used   bool
	UsedAt time.Time
}

// Account is one two-factor credential and what the user keeps with it.
type Account struct {
	ID          string  // random, stable; assigned by Add when empty
	Key         otp.Key // issuer and account name live in Key.Issuer / Key.Name
	Tags        []string
	Pinned      bool
	Note        string
	Icon        []byte        // optional PNG/JPEG/SVG bytes, at most MaxIconSize
	BackupCodes []ServiceCode // the service's own one-time recovery codes

	Created, Modified, LastUsed time.Time
}

// Settings belong to the vault, so they travel with it, all but BackupDir:
// a folder is a fact about one computer, so each keeps its own, in its
// state folder (never in the file).
type Settings struct {
	AutoLock       time.Duration // 0: never
	ClipboardClear time.Duration // 0: never
	Sort           string        // "manual", "issuer", "name", "recent"
	// BackupDir is this computer's folder for the automatic backups; "": a
	// folder beside the vault (BackupDirFor). In a Backup, it is what an
	// older Latchkey wrote in the file.
	BackupDir  string
	BackupKeep int // how many rotating backups to keep; <0: none
}

// Sort orders accepted by Settings.Sort.
const (
	SortManual = "manual"
	SortIssuer = "issuer"
	SortName   = "name"
	SortRecent = "recent"
)

// DefaultSettings are what a new vault starts with.
func DefaultSettings() Settings {
	return Settings{
		AutoLock:       5 * time.Minute,
		ClipboardClear: 30 * time.Second,
		Sort:           SortManual,
		BackupKeep:     10,
	}
}

// Caps on what a vault holds, checked on every change and on every file read.
const (
	MaxAccounts       = 10000
	MaxIconSize       = 64 << 10
	MaxTextLen        = 4096 // issuer, name, note, tag, service code
	MaxTags           = 64
	MaxServiceCodes   = 100
	MaxBackupKeep     = 1000
	maxDurationCap    = 365 * 24 * time.Hour
	defaultFileName   = "vault.latchkey"
	defaultFolderName = "latchkey"
)

// Vault is an open, unlocked vault file.
type Vault struct {
	mu      sync.Mutex
	path    string
	fs      fileSystem
	lock    *os.File
	dataKey []byte
	// passwordKEK is the password slot's wrapping key (the Argon2id
	// output), kept in memory so a new data key can be wrapped for the
	// same password without asking for it; nil when opened with a code.
	passwordKEK []byte
	// earlierKeys are the data keys before the last key changes, newest
	// first (saved in the payload; see rekey.go).
	earlierKeys [][]byte
	slots       []slot // as read or as they will be written
	accounts    []Account
	// settings are the file's; their BackupDir is only what an older
	// Latchkey wrote there (backupdir.go), backupHere this computer's
	// folder ("": the default), kept in its state folder.
	settings   Settings
	backupHere string
	dirty      bool
	closed     bool
	// diskSum is the checksum of the file as last read or written; Save
	// refuses to replace a file whose checksum differs.
	diskSum [32]byte
	// seq is the save sequence number of that file (0: none, an older
	// Latchkey wrote it); each save writes seq+1. See LastBackup.
	seq uint64
	// usedCodeSlot is the backup-code slot that opened the vault, removed on
	// the next save; needsPassword blocks saving until SetPassword.
	usedCodeSlot  int
	needsPassword bool
	now           func() time.Time
	opts          options
	// readOnly: opened by OpenReadOnly, without the lock; nothing may change.
	readOnly bool
	// backupErr is why the last rotating backup failed, nil once one
	// succeeds (see LastBackup).
	backupErr error
	// backupOwners caches which backup files decrypt with this vault's key
	// (a name is never reused, so the answer never changes).
	backupOwners map[string]bool
	// keyUnlock releases the memory lock on dataKey (memlock.go).
	keyUnlock func()

	// What merging needs (replica.go): a stamp per field of each shown
	// account, the removed accounts, the manual order as a register, the
	// settings' stamps and the key lineage. earlierMade is when each of
	// earlierKeys was made.
	meta                   map[string]*acctMeta
	dead                   map[string]*record
	order                  []string
	orderAt                Stamp
	setAt                  settingStamps
	keyMade, pwAt, codesAt Stamp
	earlierMade            []Stamp
	usedCodes              map[[saltSize]byte]Stamp
	clock                  hlc
	// localErr is why this computer's own copy of the vault (localstate.go)
	// could not be read, merged or written; nil when all went well.
	localErr error
	// localMerged is what this computer's copy held that the file lacked
	// when the vault was opened.
	localMerged Changes
}

// acctMeta is a shown account's part of its record (replica.go).
type acctMeta struct {
	t              fieldStamps
	added, deleted Stamp
	spent          map[string]time.Time
}

// Exists reports whether a file (of any kind) is at path.
func Exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

// Path is the file the vault is read from and saved to.
func (v *Vault) Path() string { return v.path }

// Accounts returns deep copies of all accounts, in stored (manual) order.
func (v *Vault) Accounts() []Account {
	v.mu.Lock()
	defer v.mu.Unlock()
	out := make([]Account, len(v.accounts))
	for i, a := range v.accounts {
		out[i] = a.clone()
	}
	return out
}

// Account returns a copy of the account with that id.
func (v *Vault) Account(id string) (Account, bool) {
	v.mu.Lock()
	defer v.mu.Unlock()
	i := v.index(id)
	if i < 0 {
		return Account{}, false
	}
	return v.accounts[i].clone(), true
}

// Add validates and appends accounts, filling ID, Created and Modified when
// empty. It adds all or none, and returns copies of what was stored.
func (v *Vault) Add(accounts ...Account) ([]Account, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if err := v.writable(); err != nil {
		return nil, err
	}
	if len(v.accounts)+len(accounts) > MaxAccounts {
		return nil, fmt.Errorf("vault: more than %d accounts: %w", MaxAccounts, ErrTooLarge)
	}
	now := v.now()
	added := make([]Account, 0, len(accounts))
	metas := make([]*acctMeta, 0, len(accounts))
	seen := map[string]bool{}
	for _, a := range accounts {
		a = a.clone()
		if a.ID == "" {
			a.ID = newID()
		}
		if v.index(a.ID) >= 0 || seen[a.ID] {
			return nil, fmt.Errorf("vault: account id %q already exists: %w", a.ID, ErrExists)
		}
		seen[a.ID] = true
		if a.Created.IsZero() {
			a.Created = now
		}
		if a.Modified.IsZero() {
			a.Modified = now
		}
		if err := a.validate(); err != nil {
			return nil, err
		}
		metas = append(metas, v.newMeta(&a))
		added = append(added, a)
	}
	for i, a := range added {
		v.accounts = append(v.accounts, a.clone())
		v.meta[a.ID] = metas[i]
		if d, ok := v.dead[a.ID]; ok {
			// Added again under the id it had: its removal stays recorded,
			// earlier than every field now.
			metas[i].deleted = d.deleted
			d.a.wipe()
			delete(v.dead, a.ID)
		}
	}
	v.dirty = true
	return added, nil
}

// newMeta stamps every field of a new account now, and makes its list's
// used marks agree with the marks kept (one per code text).
func (v *Vault) newMeta(a *Account) *acctMeta {
	t := v.clock.tick()
	m := &acctMeta{t: allStamps(t), added: t}
	for _, c := range a.BackupCodes {
		if c.Used {
			m.spend(c.Code, c.UsedAt)
		}
	}
	settleCodes(a.BackupCodes, m.spent)
	return m
}

func (m *acctMeta) spend(code string, at time.Time) {
	r := record{spent: m.spent}
	r.spend(code, at)
	m.spent = r.spent
}

// Update replaces the account with a.ID and sets its Modified time. An HOTP
// counter advance is an update like any other and must be saved.
func (v *Vault) Update(a Account) error {
	v.mu.Lock()
	defer v.mu.Unlock()
	if err := v.writable(); err != nil {
		return err
	}
	i := v.index(a.ID)
	if i < 0 {
		return fmt.Errorf("vault: update account %q: %w", a.ID, ErrNoAccount)
	}
	a = a.clone()
	a.Modified = v.now()
	if err := a.validate(); err != nil {
		return err
	}
	v.stampChanges(v.accounts[i], &a)
	v.accounts[i].wipe()
	v.accounts[i] = a
	v.dirty = true
	return nil
}

// stampChanges stamps the fields in which a differs from old: each is a
// write that a merge weighs against the other computers' writes. The
// counter and the last-used time are not writes: they merge as a maximum
// (LastUsed never goes back here either). Marking a service code used or
// unused changes the used marks, not the list.
func (v *Vault) stampChanges(old Account, a *Account) {
	m := v.meta[old.ID]
	var t Stamp
	stamp := func(s *Stamp) {
		if t.IsZero() {
			t = v.clock.tick()
		}
		*s = t
	}
	if !sameKey(old.Key, a.Key) {
		stamp(&m.t.Key)
	}
	if old.Key.Issuer != a.Key.Issuer {
		stamp(&m.t.Issuer)
	}
	if old.Key.Name != a.Key.Name {
		stamp(&m.t.Name)
	}
	if old.Note != a.Note {
		stamp(&m.t.Note)
	}
	if !slices.Equal(old.Tags, a.Tags) {
		stamp(&m.t.Tags)
	}
	if old.Pinned != a.Pinned {
		stamp(&m.t.Pinned)
	}
	if !bytes.Equal(old.Icon, a.Icon) {
		stamp(&m.t.Icon)
	}
	if !slices.Equal(codeTexts(old.BackupCodes), codeTexts(a.BackupCodes)) {
		stamp(&m.t.Codes)
	}
	// The marks are kept per code text, as a file is read: a code listed
	// twice is one code, used when either entry is marked used, so an
	// unmarked twin does not undo the mark of the other.
	marked := map[string]bool{}
	for _, c := range a.BackupCodes {
		if !c.Used {
			continue
		}
		if _, spent := m.spent[c.Code]; !spent && !marked[c.Code] {
			m.spend(c.Code, c.UsedAt)
		}
		marked[c.Code] = true
	}
	for _, c := range a.BackupCodes {
		if !marked[c.Code] {
			delete(m.spent, c.Code) // a mistaken mark undone here; a merge may bring it back
		}
	}
	settleCodes(a.BackupCodes, m.spent)
	a.LastUsed = maxTime(old.LastUsed, a.LastUsed)
}

// Delete removes an account and returns it, so the caller can offer undo
// through Restore.
func (v *Vault) Delete(id string) (Account, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	i, err := v.writableIndex(id, "delete account")
	if err != nil {
		return Account{}, err
	}
	a := v.accounts[i]
	v.accounts = slices.Delete(v.accounts, i, i+1)
	m := v.meta[id]
	delete(v.meta, id)
	v.dead[id] = &record{a: a.clone(), t: m.t, added: m.added, deleted: v.clock.tick(), spent: m.spent}
	v.dirty = true
	return a, nil
}

// Restore puts a deleted account back at index (clamped to the list).
func (v *Vault) Restore(a Account, index int) error {
	v.mu.Lock()
	defer v.mu.Unlock()
	if err := v.writable(); err != nil {
		return err
	}
	if a.ID == "" {
		return fmt.Errorf("vault: restore an account without an id: %w", ErrNoAccount)
	}
	if v.index(a.ID) >= 0 {
		return fmt.Errorf("vault: account id %q already exists: %w", a.ID, ErrExists)
	}
	if len(v.accounts) >= MaxAccounts {
		return fmt.Errorf("vault: more than %d accounts: %w", MaxAccounts, ErrTooLarge)
	}
	a = a.clone()
	if err := a.validate(); err != nil {
		return err
	}
	m := v.newMeta(&a)
	if d, ok := v.dead[a.ID]; ok {
		// Back after a removal: every field is written again, after it.
		m.added, m.deleted = d.added, d.deleted
		for c, at := range d.spent {
			m.spend(c, at)
		}
		settleCodes(a.BackupCodes, m.spent)
		d.a.wipe()
		delete(v.dead, a.ID)
	}
	v.meta[a.ID] = m
	index = min(max(index, 0), len(v.accounts))
	v.accounts = slices.Insert(v.accounts, index, a)
	v.setOrder()
	v.dirty = true
	return nil
}

// setOrder writes the manual order as it is now.
func (v *Vault) setOrder() {
	v.order = make([]string, len(v.accounts))
	for i, a := range v.accounts {
		v.order[i] = a.ID
	}
	v.orderAt = v.clock.tick()
}

// Move puts the account at index in the manual order (clamped to the list).
func (v *Vault) Move(id string, index int) error {
	v.mu.Lock()
	defer v.mu.Unlock()
	i, err := v.writableIndex(id, "move account")
	if err != nil {
		return err
	}
	a := v.accounts[i]
	v.accounts = slices.Delete(v.accounts, i, i+1)
	index = min(max(index, 0), len(v.accounts))
	v.accounts = slices.Insert(v.accounts, index, a)
	v.setOrder()
	v.dirty = true
	return nil
}

// Settings returns the vault's settings, with this computer's backup
// folder.
func (v *Vault) Settings() Settings {
	v.mu.Lock()
	defer v.mu.Unlock()
	s := v.settings
	s.BackupDir = v.backupHere
	return s
}

// SetSettings validates and stores s: the backup folder in this computer's
// state folder at once (on failure nothing changes), the others in the
// vault, saved with it.
func (v *Vault) SetSettings(s Settings) error {
	if err := s.validate(); err != nil {
		return err
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	if err := v.writable(); err != nil {
		return err
	}
	var t Stamp
	stamp := func(changed bool, at *Stamp) {
		if !changed {
			return
		}
		if t.IsZero() {
			t = v.clock.tick()
		}
		*at = t
	}
	if s.BackupDir != v.backupHere {
		if err := v.storeBackupDirHere(s.BackupDir); err != nil {
			return err
		}
		v.backupHere = s.BackupDir
	}
	// The file's backup_dir stays as it is: another computer's, perhaps
	// an older Latchkey's that still uses it.
	s.BackupDir = v.settings.BackupDir
	old := v.settings
	stamp(old.AutoLock != s.AutoLock, &v.setAt.AutoLock)
	stamp(old.ClipboardClear != s.ClipboardClear, &v.setAt.ClipboardClear)
	stamp(old.Sort != s.Sort, &v.setAt.Sort)
	stamp(old.BackupKeep != s.BackupKeep, &v.setAt.BackupKeep)
	v.settings = s
	v.dirty = true
	return nil
}

// Dirty reports whether there are changes Save has not yet written.
func (v *Vault) Dirty() bool {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.dirty
}

// NeedsPassword reports whether the vault was opened with a backup code and
// still needs SetPassword before it can be saved.
func (v *Vault) NeedsPassword() bool {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.needsPassword
}

func (v *Vault) index(id string) int {
	return slices.IndexFunc(v.accounts, func(a Account) bool { return a.ID == id })
}

// newID is 16 random hex characters: unique enough for one person's accounts
// and free of anything about the account.
func newID() string {
	var b [8]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func (a Account) clone() Account {
	a.Key.Secret = slices.Clone(a.Key.Secret)
	a.Tags = slices.Clone(a.Tags)
	a.Icon = slices.Clone(a.Icon)
	a.BackupCodes = slices.Clone(a.BackupCodes)
	return a
}

// wipe zeroes the secret in place; best effort, as Go may have copied it.
func (a *Account) wipe() { clear(a.Key.Secret) }

func (a Account) validate() error {
	label := a.Key.Label()
	if len(label) > 2*MaxTextLen+2 {
		label = label[:64] + "..."
	}
	fail := func(format string, args ...any) error {
		return fmt.Errorf("vault: account %q: "+format, append([]any{label}, args...)...)
	}
	if a.ID == "" || len(a.ID) > 64 {
		return fail("id must be 1 to 64 bytes: %w", ErrTooLarge)
	}
	if err := a.Key.Validate(); err != nil {
		return fail("%w", err)
	}
	if len(a.Key.Issuer) > MaxTextLen || len(a.Key.Name) > MaxTextLen || len(a.Note) > MaxTextLen {
		return fail("issuer, name or note longer than %d bytes: %w", MaxTextLen, ErrTooLarge)
	}
	if len(a.Icon) > MaxIconSize {
		return fail("icon larger than %d bytes: %w", MaxIconSize, ErrTooLarge)
	}
	if len(a.Tags) > MaxTags {
		return fail("more than %d tags: %w", MaxTags, ErrTooLarge)
	}
	for _, t := range a.Tags {
		if len(t) > MaxTextLen {
			return fail("tag longer than %d bytes: %w", MaxTextLen, ErrTooLarge)
		}
	}
	if len(a.BackupCodes) > MaxServiceCodes {
		return fail("more than %d backup codes: %w", MaxServiceCodes, ErrTooLarge)
	}
	for _, c := range a.BackupCodes {
		if len(c.Code) > MaxTextLen {
			return fail("backup code longer than %d bytes: %w", MaxTextLen, ErrTooLarge)
		}
	}
	return nil
}

func (s Settings) validate() error {
	switch s.Sort {
	case "", SortManual, SortIssuer, SortName, SortRecent:
	default:
		return fmt.Errorf("vault: unknown sort order %q", s.Sort)
	}
	if s.AutoLock < 0 || s.AutoLock > maxDurationCap || s.ClipboardClear < 0 || s.ClipboardClear > maxDurationCap {
		return fmt.Errorf("vault: auto-lock and clipboard times must be between 0 and a year")
	}
	if s.BackupDir != "" && !filepath.IsAbs(s.BackupDir) {
		return fmt.Errorf("vault: backup folder %q is not an absolute path", s.BackupDir)
	}
	if len(s.BackupDir) > MaxTextLen {
		return fmt.Errorf("vault: backup folder path longer than %d bytes: %w", MaxTextLen, ErrTooLarge)
	}
	if s.BackupKeep > MaxBackupKeep {
		return fmt.Errorf("vault: keeping more than %d backups: %w", MaxBackupKeep, ErrTooLarge)
	}
	return nil
}
