package core

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"image"
	_ "image/gif"  // image formats people paste and capture
	_ "image/jpeg" //
	_ "image/png"  //
	"io"
	"io/fs"
	"strings"

	"latchkey/internal/input"
	"latchkey/interop"
	"latchkey/otp"
	"latchkey/qrimport"
	"latchkey/vault"
)

// Found is what a file, a set of images or a text held.
type Found struct {
	// Format names the file's format for people ("Aegis", "latchkey
	// backup"); empty for images and text.
	Format string
	// Backup: the file is a Latchkey backup. Add it with AddNew and a Chooser: its
	// accounts are the person's own, and a differing copy may be newer.
	Backup bool
	// Accounts are the accounts read, in the source's order: a file's own
	// entries, then those of the Google Authenticator export links in it.
	Accounts []vault.Account
	// Linked is how many of Accounts came from Google export links.
	Linked int
	// Skipped are a file's entries that could not be read.
	Skipped []Skipped
	// Problems are QR codes and Google export links that held no usable
	// key (qrimport's errors: branch with errors.As and errors.Is).
	Problems []error
	// Raw is the text of each QR code or line read, as read. It holds
	// secrets: never log it.
	Raw []string
}

// Skipped is an entry of a file that could not be read.
type Skipped struct {
	Label  string // "issuer: name" where known, else its position; never the secret
	Reason string
}

// Wipe zeroes the secrets read (best effort: Go may have copied them).
func (f *Found) Wipe() {
	for i := range f.Accounts {
		clear(f.Accounts[i].Key.Secret)
	}
}

// A BackupReader decrypts a Latchkey backup read into memory;
// vault.Options is one.
type BackupReader interface {
	ReadBackup(data, password []byte) (*vault.Backup, error)
}

var _ BackupReader = vault.Options{}

// Reader reads the files people import: other apps' exports and Latchkey
// backups, told apart by their content, never their name.
type Reader struct {
	// Password gives an encrypted file's password; nil fails such a file.
	Password Passworder
	// Backups decrypts Latchkey backups; nil is vault.Options{}.
	Backups BackupReader
}

// File reads one file's contents. An encrypted file asks r.Password, up
// to PasswordTries times while the password is wrong. Errors: ErrUnknownFormat,
// ErrWrongPassword (another app's export), vault.ErrWrongPassword (a backup),
// ErrTooLarge, and the Passworder's own error, wrapped.
func (r Reader) File(name string, data []byte) (Found, error) {
	if vault.IsVaultFile(data) {
		return r.backup(name, data)
	}
	var res interop.Result
	var err error
	var wrong error
	for try := 1; ; try++ {
		gaveUp := false
		var password func() ([]byte, error)
		if r.Password != nil {
			ask := FileAsk{Name: name, Wrong: wrong}
			password = func() ([]byte, error) {
				pw, err := r.Password.FilePassword(ask)
				gaveUp = err != nil && wrong != nil && errors.Is(err, wrong)
				return pw, err
			}
		}
		last := err
		res, err = interop.Read(data, password)
		if gaveUp {
			return Found{}, last
		}
		if !errors.Is(err, interop.ErrWrongPassword) || try >= PasswordTries {
			break
		}
		wrong = err
	}
	if err != nil {
		return Found{}, err
	}
	f := Found{Format: res.Format.String()}
	f.Accounts = make([]vault.Account, 0, len(res.Entries))
	for _, e := range res.Entries {
		f.Accounts = append(f.Accounts, fromEntry(e))
	}
	for _, s := range res.Skipped {
		f.Skipped = append(f.Skipped, Skipped{Label: s.Label, Reason: s.Reason})
	}
	// Google export links in a text file are one batch, as screenshots are.
	if len(res.Migration) > 0 {
		var c qrimport.Collector
		for _, m := range res.Migration {
			if err := c.AddText(m); err != nil {
				f.Problems = append(f.Problems, err)
			}
		}
		g := c.Result()
		f.Accounts = append(f.Accounts, fromKeys(g.Keys)...)
		f.Linked = len(g.Keys)
		f.Problems = append(f.Problems, g.Problems...)
	}
	return f, nil
}

// backup decrypts a Latchkey backup.
func (r Reader) backup(name string, data []byte) (Found, error) {
	if r.Password == nil {
		return Found{}, fmt.Errorf("latchkey backup: %w", interop.ErrPasswordRequired)
	}
	backups := r.Backups
	if backups == nil {
		backups = vault.Options{}
	}
	var b *vault.Backup
	var err, wrong error
	for try := 1; ; try++ {
		pw, perr := r.Password.FilePassword(FileAsk{Name: name, Backup: true, Wrong: wrong})
		if perr != nil {
			if wrong != nil && errors.Is(perr, wrong) {
				break // err is still the wrong password
			}
			return Found{}, perr
		}
		b, err = backups.ReadBackup(data, pw)
		clear(pw)
		if !errors.Is(err, vault.ErrWrongPassword) || try >= PasswordTries {
			break
		}
		wrong = err
	}
	if err != nil {
		return Found{}, fmt.Errorf("latchkey backup: %w", err)
	}
	return Found{Format: "latchkey backup", Backup: true, Accounts: b.Accounts}, nil
}

// ReadFile reads a file to import, capped (see ReadAll). Its errors show
// path escaped (a file name may hold a line break or a terminal escape) and
// still wrap the cause: errors.Is finds fs.ErrNotExist, ErrTooLarge.
func ReadFile(path string) ([]byte, error) {
	f, err := input.Open(path)
	if err != nil {
		return nil, escapeNames(err, path)
	}
	defer f.Close()
	data, err := ReadAll(f)
	return data, escapeNames(err, path)
}

// ReadAll reads a file to import, refusing more than its kind may hold
// before reading it all: a Latchkey backup up to vault.MaxFileSize, any
// other export up to interop.MaxFileSize (ErrTooLarge).
func ReadAll(r io.Reader) ([]byte, error) {
	// A file's size is known before reading: one over the cap is refused
	// at once, one under it read into a buffer of its size, not grown by
	// doubling (which would take several times the file in memory).
	size := int64(-1)
	if f, ok := r.(interface{ Stat() (fs.FileInfo, error) }); ok {
		if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
			size = st.Size()
		}
	}
	br := bufio.NewReader(r)
	head, _ := br.Peek(len("LATCHKEY"))
	limit, tooLarge := int64(interop.MaxFileSize), error(interop.ErrTooLarge)
	if vault.IsVaultFile(head) {
		limit = int64(vault.MaxFileSize)
		tooLarge = fmt.Errorf("latchkey backup larger than %d MiB: %w", vault.MaxFileSize>>20, vault.ErrTooLarge)
	}
	if size > limit {
		return nil, tooLarge
	}
	buf := bytes.NewBuffer(make([]byte, 0, max(size, 0)+bytes.MinRead))
	_, err := buf.ReadFrom(io.LimitReader(br, limit+1))
	data := buf.Bytes()
	if err != nil {
		clear(data)
		return nil, err
	}
	if int64(len(data)) > limit {
		clear(data)
		return nil, tooLarge
	}
	return data, nil
}

// Image is an image to read QR codes from: a file, or one in memory (a
// screen capture, a paste).
type Image struct {
	Name string // as named to people
	Path string // the file, when there is one
	Data []byte // the encoded image (PNG, JPEG, GIF), when Path is empty
}

// ImageError is an image that could not be read at all.
type ImageError struct {
	Name string
	Err  error
}

func (e *ImageError) Error() string { return e.Name + ": " + e.Err.Error() }
func (e *ImageError) Unwrap() error { return e.Err }

// ReadImages reads every QR code in the images as one batch, so a Google
// export spread over several screenshots joins up. An image that cannot be
// read is reported and the others are read.
func ReadImages(images []Image) (Found, []*ImageError) {
	var c qrimport.Collector
	var unread []*ImageError
	for _, im := range images {
		if err := addImage(&c, im); err != nil {
			unread = append(unread, &ImageError{Name: im.Name, Err: err})
		}
	}
	return found(c.Result()), unread
}

func addImage(c *qrimport.Collector, im Image) error {
	if im.Path != "" {
		return c.AddFile(im.Path)
	}
	img, err := decodeImage(im.Data)
	if err != nil {
		return err
	}
	return c.AddImage(img)
}

// ReadText reads pasted or typed text: one otpauth://, steam:// or
// otpauth-migration:// URI a line. Blank lines and lines starting with #
// are skipped, as in a URI list file and on the command line's standard
// input: a list pasted from such a file reads the same.
func ReadText(text string) (Found, error) {
	res, err := qrimport.ReadText(withoutComments(text))
	if err != nil {
		return Found{}, err
	}
	return found(res), nil
}

// withoutComments keeps the lines of text that hold something, as every
// URI list is read (otp.URILines), when text is of a size qrimport reads;
// larger text is left for qrimport to refuse.
func withoutComments(text string) string {
	if len(text) > qrimport.MaxTextSize || !strings.Contains(text, "#") {
		return text
	}
	var b strings.Builder
	for _, line := range otp.URILines(text) {
		b.WriteString(line)
		b.WriteByte('\n')
	}
	return b.String()
}

func found(res qrimport.Result) Found {
	return Found{Accounts: fromKeys(res.Keys), Problems: res.Problems, Raw: res.Raw}
}

// decodeImage decodes an image in memory after checking its size, so a
// hostile header cannot make us allocate gigabytes.
func decodeImage(data []byte) (image.Image, error) {
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("not an image we can read: %w", err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width*cfg.Height > qrimport.MaxPixels {
		return nil, fmt.Errorf("image of %d×%d pixels: %w", cfg.Width, cfg.Height, qrimport.ErrTooLarge)
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("decoding the image: %w", err)
	}
	return img, nil
}

// The one place other apps' entries and QR codes' keys become accounts.

func fromEntry(e interop.Entry) vault.Account {
	return vault.Account{Key: e.Key, Tags: e.Tags, Note: e.Note, Pinned: e.Pinned, Icon: e.Icon}
}

func toEntry(a vault.Account) interop.Entry {
	return interop.Entry{Key: a.Key, Tags: a.Tags, Note: a.Note, Pinned: a.Pinned, Icon: a.Icon}
}

func fromKeys(keys []otp.Key) []vault.Account {
	out := make([]vault.Account, len(keys))
	for i, k := range keys {
		out[i] = vault.Account{Key: k}
	}
	return out
}
