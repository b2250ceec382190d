package qrimport

import (
	"bytes"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"strings"
	"sync"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"latchkey/otp"
)

// Limits for the codes Latchkey writes.
const (
	// MaxBatchKeys is how many accounts Google Authenticator puts in one
	// export code.
	MaxBatchKeys = 10
	// maxMigrationURI keeps one export code readable by a phone camera:
	// beyond this the modules get too small on a laptop screen.
	maxMigrationURI = 1400
	// MinPNGSize and MaxPNGSize bound the size argument of KeyPNG and
	// MigrationPNGs, in pixels.
	MinPNGSize = 64
	MaxPNGSize = 4096
)

// ErrTooManyKeys is returned when a set of accounts needs more export
// codes than Google's format can number.
var ErrTooManyKeys = errors.New("too many accounts for one Google Authenticator export")

// KeyPNG draws an account as a QR code PNG of about size x size pixels (the
// code is never scaled by a fraction of a module, so it may come out a
// little smaller), with a quiet zone, for scanning with a phone.
func KeyPNG(k otp.Key, size int) ([]byte, error) {
	if err := k.Validate(); err != nil {
		return nil, fmt.Errorf("key for %q: %w", k.Label(), err)
	}
	return textPNG(k.URI(), size)
}

// MigrationURIs writes keys as Google Authenticator export links
// (otpauth-migration://), at most MaxBatchKeys accounts each, numbered as
// one batch. Google's app only honours SHA-1, 6 or 8 digits, and 30-second
// TOTP (or HOTP); other keys are returned in skipped, never silently
// dropped, as are names Google's format cannot keep apart from the issuer.
func MigrationURIs(keys []otp.Key) (uris []string, skipped []otp.Key, err error) {
	var fit []otp.Key
	for _, k := range keys {
		if exportable(k) {
			fit = append(fit, k)
		} else {
			skipped = append(skipped, k)
		}
	}
	if len(fit) == 0 {
		return nil, skipped, nil
	}
	batches := split(fit)
	if len(batches) > maxBatchSize {
		return nil, skipped, fmt.Errorf("%d accounts: %w", len(fit), ErrTooManyKeys)
	}
	id, err := batchID()
	if err != nil {
		return nil, skipped, err
	}
	for i, b := range batches {
		m := migration{version: 1, batchSize: int32(len(batches)), batchIndex: int32(i), batchID: id}
		for _, k := range b {
			m.accounts = append(m.accounts, account{key: k})
		}
		uris = append(uris, migrationURI(m))
	}
	return uris, skipped, nil
}

// MigrationPNGs draws MigrationURIs as QR code PNGs, in order.
func MigrationPNGs(keys []otp.Key, size int) (pngs [][]byte, skipped []otp.Key, err error) {
	uris, skipped, err := MigrationURIs(keys)
	if err != nil {
		return nil, skipped, err
	}
	for _, u := range uris {
		p, err := textPNG(u, size)
		if err != nil {
			return nil, skipped, err
		}
		pngs = append(pngs, p)
	}
	return pngs, skipped, nil
}

// exportable reports whether Google Authenticator reproduces k's codes and
// names exactly.
func exportable(k otp.Key) bool {
	if k.Validate() != nil || k.Algorithm != otp.SHA1 || (k.Digits != 6 && k.Digits != 8) {
		return false
	}
	switch k.Type {
	case otp.TOTP:
		if k.Period != 30 {
			return false
		}
	case otp.HOTP:
	default:
		return false // Steam codes use their own alphabet
	}
	// A colon in the name would be read back as the issuer separator when
	// the issuer is empty; Google's app shows "Issuer:Name" when not.
	return !strings.Contains(k.Name, ":")
}

// split cuts keys into batches of at most MaxBatchKeys accounts whose links
// stay under maxMigrationURI bytes.
func split(keys []otp.Key) [][]otp.Key {
	var out [][]otp.Key
	var cur []otp.Key
	for _, k := range keys {
		next := append(cur[:len(cur):len(cur)], k)
		if len(cur) > 0 && (len(next) > MaxBatchKeys || len(uriFor(next)) > maxMigrationURI) {
			out = append(out, cur)
			next = []otp.Key{k}
		}
		cur = next
	}
	return append(out, cur)
}

func uriFor(keys []otp.Key) string {
	m := migration{version: 1, batchSize: 1000, batchIndex: 999, batchID: -2147483648}
	for _, k := range keys {
		m.accounts = append(m.accounts, account{key: k})
	}
	return migrationURI(m)
}

// batchID picks a random batch id, as Google's app does, so that two
// exports scanned together are not taken for one.
func batchID() (int32, error) {
	var b [4]byte
	if _, err := rand.Read(b[:]); err != nil {
		return 0, fmt.Errorf("choosing a batch id: %w", err)
	}
	return int32(binary.LittleEndian.Uint32(b[:])), nil
}

// qrPalette holds a code's two colours: dark modules, then light.
var qrPalette = color.Palette{color.Gray{Y: 0}, color.Gray{Y: 0xff}}

// pngBuffers lets a kit of many codes reuse the compressor's state, most
// of each code's allocations.
var pngBuffers = &bufferPool{}

type bufferPool struct{ p sync.Pool }

func (b *bufferPool) Get() *png.EncoderBuffer {
	e, _ := b.p.Get().(*png.EncoderBuffer)
	return e
}

func (b *bufferPool) Put(e *png.EncoderBuffer) { b.p.Put(e) }

// textPNG encodes text as a QR code PNG. Error correction M survives a
// phone camera's blur and moiré on a screen without making the code dense.
func textPNG(text string, size int) (_ []byte, err error) {
	if size < MinPNGSize || size > MaxPNGSize {
		return nil, fmt.Errorf("QR code size %d px is outside %d-%d", size, MinPNGSize, MaxPNGSize)
	}
	defer func() {
		if r := recover(); r != nil {
			err = errors.New("the QR encoder failed")
		}
	}()
	m, err := qrcode.NewQRCodeWriter().Encode(text, gozxing.BarcodeFormat_QR_CODE, size, size,
		map[gozxing.EncodeHintType]interface{}{
			gozxing.EncodeHintType_ERROR_CORRECTION: "M",
			gozxing.EncodeHintType_MARGIN:           4,
		})
	if err != nil {
		// gozxing's message may quote the text, which holds the secret.
		return nil, errors.New("the text does not fit in a QR code")
	}
	// Two colours make a 1-bit PNG: an eighth of the pixels to compress,
	// so default compression is both fast and small.
	img := image.NewPaletted(image.Rect(0, 0, m.GetWidth(), m.GetHeight()), qrPalette)
	for y := 0; y < m.GetHeight(); y++ {
		row := img.Pix[y*img.Stride : y*img.Stride+m.GetWidth()]
		for x := range row {
			if !m.Get(x, y) {
				row[x] = 1
			}
		}
	}
	var buf bytes.Buffer
	if err := (&png.Encoder{BufferPool: pngBuffers}).Encode(&buf, img); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
