package qrimport

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	_ "image/gif" // screenshots and pasted images come in every format
	_ "image/jpeg"
	_ "image/png"
	"io"
	"path/filepath"
	"sort"
	"strings"

	_ "golang.org/x/image/bmp"
	_ "golang.org/x/image/webp"

	"latchkey/internal/input"
	"latchkey/internal/safetext"
	"latchkey/otp"
)

// Limits on untrusted input, checked before anything big is allocated.
const (
	// MaxFileSize caps an image file: a 5K screenshot PNG is a few MB.
	MaxFileSize = 64 << 20
	// MaxPixels caps the decoded size: an 8K screenshot (7680x4320) fits,
	// a decompression bomb (a few KB declaring 50000x50000) does not.
	MaxPixels = 40_000_000
	// MaxSide caps either dimension.
	MaxSide = 16384
	// MaxTextSize caps a pasted text.
	MaxTextSize = 1 << 20
)

var (
	ErrNoQRCode = errors.New("no QR code found in the image")
	ErrTooLarge = errors.New("too large")
	ErrNotImage = errors.New("not an image Latchkey can read (PNG, JPEG, GIF, BMP or WebP)")
	// ErrEmpty is returned for an empty text or file.
	ErrEmpty = errors.New("nothing to read")
	// ErrIncompleteBatch is wrapped by every BatchError.
	ErrIncompleteBatch = errors.New("incomplete Google Authenticator export")
)

// Result is what a set of images and texts held.
type Result struct {
	Keys     []otp.Key // every account found, export batches expanded, in reading order
	Problems []error   // one per QR code or text that held no usable key, saying what it was or what is missing
	Raw      []string  // each QR code's text exactly as decoded (it holds secrets: never log it)
}

// BatchError names the parts missing from a Google Authenticator export that
// the app split over several QR codes.
type BatchError struct {
	ID      int32
	Size    int   // parts in the batch
	Missing []int // 1-based part numbers, ascending
}

func (e *BatchError) Error() string {
	verb := "are"
	if len(e.Missing) == 1 {
		verb = "is"
	}
	return fmt.Sprintf("Google Authenticator export batch %d: %s of %d %s missing", e.ID, partList(e.Missing), e.Size, verb)
}

func (e *BatchError) Unwrap() error { return ErrIncompleteBatch }

// partList writes "part 2", "parts 2 and 3", "parts 2, 3 and 5".
func partList(n []int) string {
	s := make([]string, len(n))
	for i, v := range n {
		s[i] = fmt.Sprint(v)
	}
	if len(s) == 1 {
		return "part " + s[0]
	}
	return "parts " + strings.Join(s[:len(s)-1], ", ") + " and " + s[len(s)-1]
}

// ReadFile reads every QR code in an image file. Its error is only for a file
// that cannot be used at all: missing, too big, not an image, or without any
// QR code; codes that hold no usable key are Result.Problems.
func ReadFile(path string) (Result, error) {
	var c Collector
	if err := c.AddFile(path); err != nil {
		return Result{}, err
	}
	return c.Result(), nil
}

// ReadImage reads every QR code in an in-memory image: a clipboard paste or a
// screen capture.
func ReadImage(img image.Image) (Result, error) {
	var c Collector
	if err := c.AddImage(img); err != nil {
		return Result{}, err
	}
	return c.Result(), nil
}

// ReadText reads pasted text: one otpauth://, steam:// or
// otpauth-migration:// URI per line.
func ReadText(text string) (Result, error) {
	var c Collector
	if err := c.AddText(text); err != nil {
		return Result{}, err
	}
	return c.Result(), nil
}

// Collector gathers several images and texts so that a Google Authenticator
// export spread over several screenshots is checked as a whole. The zero
// value is ready to use. A code seen twice (the same screenshot added again)
// counts once. A Collector is not safe for concurrent use.
type Collector struct {
	// Budget bounds the work on each image added; the zero value means
	// DefaultBudget.
	Budget Budget

	texts []string
	seen  map[string]bool
	stops []error // a *StoppedError per image cut short, for Result.Problems
}

// AddFile adds every QR code in an image file.
func (c *Collector) AddFile(path string) error {
	return c.AddFileContext(context.Background(), path)
}

// AddFileContext is AddFile, stopping when ctx is done with the codes read
// so far (see AddImageContext).
func (c *Collector) AddFileContext(ctx context.Context, path string) error {
	data, err := readCapped(path)
	if err != nil {
		return err
	}
	g, err := decodeGrayData(data)
	if err != nil {
		// A small text file holding a URI is as good as a paste.
		if errors.Is(err, ErrNotImage) && looksLikeURI(data) {
			return c.AddText(string(data))
		}
		return fmt.Errorf("%s: %w", shownName(path), err)
	}
	stops := len(c.stops)
	if err := c.addGray(ctx, g); err != nil {
		return fmt.Errorf("%s: %w", shownName(path), err)
	}
	if len(c.stops) > stops {
		// Name the image the codes read so far came from.
		c.stops[stops] = fmt.Errorf("%s: %w", shownName(path), c.stops[stops])
	}
	return nil
}

// AddImage adds every QR code in img.
func (c *Collector) AddImage(img image.Image) error {
	return c.AddImageContext(context.Background(), img)
}

// AddImageContext adds every QR code in img, within c.Budget and until ctx
// is done. A reading cut short keeps the codes read so far and puts a
// *StoppedError (wrapping ErrStopped) in Result.Problems; it is the error
// only when no code was read before.
func (c *Collector) AddImageContext(ctx context.Context, img image.Image) error {
	if img == nil {
		return ErrEmpty
	}
	b := img.Bounds()
	if err := checkSize(b.Dx(), b.Dy()); err != nil {
		return err
	}
	if b.Empty() {
		return ErrEmpty
	}
	g, err := safeGray(img)
	if err != nil {
		return err
	}
	return c.addGray(ctx, g)
}

// addGray adds every QR code in g.
func (c *Collector) addGray(ctx context.Context, g *gray) error {
	codes, err := decodeGrayCodes(g, newBudget(ctx, c.Budget))
	if err != nil && len(codes) == 0 {
		return err
	}
	for _, cd := range codes {
		c.add(cd.text)
	}
	if err != nil {
		c.stops = append(c.stops, err)
	}
	return nil
}

// AddText adds pasted text, one URI per line.
func (c *Collector) AddText(text string) error {
	if len(text) > MaxTextSize {
		return fmt.Errorf("text of %d bytes: %w (limit %d)", len(text), ErrTooLarge, MaxTextSize)
	}
	n := 0
	for _, line := range strings.Split(text, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			c.add(line)
			n++
		}
	}
	if n == 0 {
		return ErrEmpty
	}
	return nil
}

func (c *Collector) add(text string) {
	if c.seen == nil {
		c.seen = make(map[string]bool)
	}
	if c.seen[text] {
		return
	}
	c.seen[text] = true
	c.texts = append(c.texts, text)
}

// batch tracks the parts of one Google export seen so far.
type batch struct {
	size    int32
	indices map[int32]bool
	clash   bool // parts disagree on the batch size
}

// Result interprets everything added so far. It may be called again after
// more is added.
func (c *Collector) Result() Result {
	var r Result
	batches := map[int32]*batch{}
	var order []int32
	for _, t := range c.texts {
		r.Raw = append(r.Raw, t)
		switch kind := Classify(t); kind {
		case ContentKey:
			k, err := otp.ParseURI(t)
			if err != nil {
				r.Problems = append(r.Problems, &KeyError{Label: uriLabel(t), Err: err})
				continue
			}
			r.Keys = append(r.Keys, k)
		case ContentMigration:
			m, err := parseMigrationURI(t)
			if err != nil {
				r.Problems = append(r.Problems, err)
				continue
			}
			for _, a := range m.accounts {
				if a.err != nil {
					r.Problems = append(r.Problems, a.err)
					continue
				}
				r.Keys = append(r.Keys, a.key)
			}
			if m.batchSize > 1 {
				b := batches[m.batchID]
				if b == nil {
					b = &batch{size: m.batchSize, indices: map[int32]bool{}}
					batches[m.batchID] = b
					order = append(order, m.batchID)
				}
				if b.size != m.batchSize {
					b.clash = true
				}
				b.indices[m.batchIndex] = true
			}
		default:
			r.Problems = append(r.Problems, &ContentError{Content: kind})
		}
	}
	r.Problems = append(r.Problems, c.stops...)
	for _, id := range order {
		b := batches[id]
		if b.clash {
			r.Problems = append(r.Problems, migrationErr("the parts of batch %d disagree on how many parts there are", id))
			continue
		}
		var missing []int
		for i := int32(0); i < b.size; i++ {
			if !b.indices[i] {
				missing = append(missing, int(i)+1)
			}
		}
		if len(missing) > 0 {
			sort.Ints(missing)
			r.Problems = append(r.Problems, &BatchError{ID: id, Size: int(b.size), Missing: missing})
		}
	}
	return r
}

func looksLikeURI(data []byte) bool {
	if len(data) > MaxTextSize {
		return false
	}
	switch Classify(string(data)) {
	case ContentKey, ContentMigration:
		return true
	}
	return false
}

// readCapped reads a file, refusing one over MaxFileSize before reading it.
func readCapped(path string) ([]byte, error) {
	f, err := input.Open(path)
	if err != nil {
		return nil, safetext.NamesEscaped(err, path) // it names the file and the cause
	}
	defer f.Close()
	var size int64
	if st, err := f.Stat(); err == nil {
		if st.Size() > MaxFileSize {
			return nil, fmt.Errorf("%s is %d MB: %w (limit %d MB)", shownName(path), st.Size()>>20, ErrTooLarge, MaxFileSize>>20)
		}
		size = st.Size()
	}
	// One buffer of the stated size (and a byte to see the end), not a
	// series of doublings: a big BMP is tens of MB. The stat may lie (a
	// pipe, a growing file): the limit holds anyway.
	data := make([]byte, size+1)
	n, err := io.ReadFull(f, data)
	switch {
	case err == io.EOF || err == io.ErrUnexpectedEOF:
		data = data[:n] // the end, where the stat said
	case err != nil:
		return nil, safetext.NamesEscaped(err, path)
	default:
		rest, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1-int64(n)))
		if err != nil {
			return nil, safetext.NamesEscaped(err, path)
		}
		data = append(data, rest...)
	}
	if len(data) > MaxFileSize {
		return nil, fmt.Errorf("%s: %w (limit %d MB)", shownName(path), ErrTooLarge, MaxFileSize>>20)
	}
	if len(data) == 0 {
		return nil, fmt.Errorf("%s: %w", shownName(path), ErrEmpty)
	}
	return data, nil
}

// shownName is how errors name the file at path: its name, escaped. A
// file name is untrusted text: a line break or a terminal escape in it
// must not make an error read as more, or act on a terminal.
func shownName(path string) string { return safetext.Escape(filepath.Base(path)) }

func checkSize(w, h int) error {
	if w > MaxSide || h > MaxSide || w*h > MaxPixels {
		return fmt.Errorf("image of %dx%d pixels: %w (limit %d megapixels)", w, h, ErrTooLarge, MaxPixels/1_000_000)
	}
	return nil
}

// imageConfig reads data's format and dimensions, refusing an image over
// the size limits.
func imageConfig(data []byte) (image.Config, string, error) {
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return image.Config{}, "", ErrNotImage
	}
	if err := checkSize(cfg.Width, cfg.Height); err != nil {
		return image.Config{}, "", err
	}
	return cfg, format, nil
}

// decodeChecked decodes data, whose dimensions imageConfig accepted, with
// any panic contained.
func decodeChecked(data []byte, format string) (img image.Image, err error) {
	defer func() {
		if r := recover(); r != nil {
			img, err = nil, damaged(format)
		}
	}()
	img, _, err = image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, damaged(format)
	}
	return img, nil
}

func damaged(format string) error { return fmt.Errorf("damaged %s image: %w", format, ErrNotImage) }

// decodeGrayData decodes an image file's bytes to luminance: a PNG
// straight (see pngGray), other formats through image.Decode.
func decodeGrayData(data []byte) (*gray, error) {
	cfg, format, err := imageConfig(data)
	if err != nil {
		return nil, err
	}
	switch format {
	case "png":
		if !pngCanFill(cfg.Width, cfg.Height, len(data)) {
			return nil, fmt.Errorf("image of %dx%d pixels in %d bytes: %w", cfg.Width, cfg.Height, len(data), ErrNotImage)
		}
		g, err := safeDirect(pngGray, data)
		if err == nil {
			return g, nil
		}
		if errors.Is(err, errPNG) {
			// image/png refuses what pngGray finds damaged: decoding
			// it again would only cost the time.
			return nil, damaged(format)
		}
		// Interlaced, or a panic contained.
	case "bmp":
		if g, err := safeDirect(bmpGray, data); err == nil {
			return g, nil
		}
	}
	img, err := decodeChecked(data, format)
	if err != nil {
		return nil, err
	}
	return safeGray(img)
}

// maxDeflateRatio is the most DEFLATE can expand its input (258-byte
// matches coded in under two bits, RFC 1951).
const maxDeflateRatio = 1032

// pngCanFill reports whether a PNG file of n bytes could hold the pixel
// data of a w×h image at its smallest (one bit a pixel, a filter byte a
// row). A tiny file declaring a large image cannot, and is refused before
// the image is allocated, once here and again by image/png.
func pngCanFill(w, h, n int) bool {
	return h*((w+7)/8+1) <= maxDeflateRatio*n
}

// safeDirect runs a decoder straight to luminance with any panic
// contained.
func safeDirect(decode func([]byte) (*gray, error), data []byte) (g *gray, err error) {
	defer func() {
		if r := recover(); r != nil {
			g, err = nil, ErrNotImage
		}
	}()
	return decode(data)
}

// safeGray is toGray with any panic of img's methods contained.
func safeGray(img image.Image) (g *gray, err error) {
	defer func() {
		if r := recover(); r != nil {
			g, err = nil, errDecoderPanic
		}
	}()
	return toGray(img), nil
}

// decodeGrayCodes finds every QR code in g, in reading order. When the
// budget runs out it returns the codes read so far with a *StoppedError.
func decodeGrayCodes(g *gray, b *budget) (codes []code, err error) {
	defer func() {
		if r := recover(); r != nil {
			codes, err = nil, errDecoderPanic
		}
	}()
	codes, err = decodeGrayBudget(g, b)
	if errors.Is(err, ErrStopped) {
		return codes, err
	}
	if len(codes) == 0 {
		if err != nil {
			return nil, fmt.Errorf("%w (%w)", ErrNoQRCode, err)
		}
		return nil, ErrNoQRCode
	}
	return codes, nil
}
