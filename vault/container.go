package vault

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"

	"golang.org/x/crypto/chacha20poly1305"
)

// The container is the encrypted envelope: header, slots, sealed payload and
// checksum. It knows nothing about files, so an encrypted export can reuse it.
// FORMAT.md is its specification; parse and marshal are exact inverses.

const (
	magic          = "LATCHKEY"
	formatVersion  = 1
	saltSize       = 16
	keySize        = chacha20poly1305.KeySize
	nonceSize      = chacha20poly1305.NonceSizeX
	tagSize        = chacha20poly1305.Overhead
	wrappedSize    = keySize + tagSize
	checksumSize   = sha256.Size
	prefixSize     = len(magic) + 2 + 1 // magic, version, slot count
	passwordSlotSz = 1 + saltSize + 4 + 4 + 1 + nonceSize + wrappedSize
	codeSlotSz     = 1 + saltSize + nonceSize + wrappedSize
	// MaxSlots caps the slot count: one password and up to 63 codes.
	MaxSlots = 64
	// MaxPayload caps the sealed payload; MaxFileSize the whole file. Both
	// are checked before anything of that size is allocated.
	MaxPayload  = 64 << 20
	MaxFileSize = prefixSize + MaxSlots*passwordSlotSz + nonceSize + 4 + MaxPayload + checksumSize
)

// slotKind says how a slot's wrapping key is derived.
type slotKind uint8

const (
	passwordSlot slotKind = 1 // Argon2id of the password
	codeSlot     slotKind = 2 // HKDF-SHA256 of a backup code's 128 random bits
)

func (k slotKind) String() string {
	switch k {
	case passwordSlot:
		return "password"
	case codeSlot:
		return "backup code"
	}
	return fmt.Sprintf("slotKind(%d)", uint8(k))
}

// slot wraps the data key under one way of opening the vault.
type slot struct {
	kind    slotKind
	salt    [saltSize]byte
	params  Params // password slots only
	nonce   [nonceSize]byte
	wrapped [wrappedSize]byte
}

// container is a parsed file before any key is known.
type container struct {
	slots  []slot
	nonce  [nonceSize]byte
	sealed []byte // payload ciphertext with tag
	header []byte // bytes from the magic to the payload length: the payload's associated data
}

// corruptf wraps ErrCorrupt with what was wrong.
func corruptf(format string, a ...any) error {
	return fmt.Errorf("vault: "+format+": %w", append(a, ErrCorrupt)...)
}

// parseContainer reads a whole file strictly: unknown kinds, trailing bytes
// and non-canonical encodings are corrupt. It checks the unkeyed checksum
// before anything else after the version, so damage is reported as damage
// and never reaches a KDF; and it checks every length before allocating.
func parseContainer(b []byte, lim limits) (*container, error) {
	if len(b) > MaxFileSize {
		return nil, fmt.Errorf("vault: file larger than %d bytes: %w", MaxFileSize, ErrCorrupt)
	}
	if len(b) < len(magic)+2 || string(b[:len(magic)]) != magic {
		return nil, corruptf("not a latchkey vault")
	}
	switch v := binary.BigEndian.Uint16(b[len(magic):]); {
	case v > formatVersion:
		return nil, fmt.Errorf("vault: format version %d, this latchkey reads %d: %w", v, formatVersion, ErrNewerVersion)
	case v < formatVersion:
		return nil, corruptf("format version %d does not exist", v)
	}
	if len(b) < prefixSize+nonceSize+4+tagSize+checksumSize {
		return nil, corruptf("file is truncated")
	}
	body, sum := b[:len(b)-checksumSize], b[len(b)-checksumSize:]
	if want := sha256.Sum256(body); !bytes.Equal(sum, want[:]) {
		return nil, corruptf("checksum mismatch")
	}
	c := &container{}
	n := int(b[prefixSize-1])
	if n == 0 || n > MaxSlots {
		return nil, corruptf("%d slots (want 1 to %d)", n, MaxSlots)
	}
	r := body[prefixSize:]
	c.slots = make([]slot, 0, n)
	passwords := 0
	for i := range n {
		if len(r) < 1 {
			return nil, corruptf("file is truncated in slot %d", i)
		}
		var s slot
		s.kind = slotKind(r[0])
		switch s.kind {
		case passwordSlot:
			if len(r) < passwordSlotSz {
				return nil, corruptf("file is truncated in slot %d", i)
			}
			passwords++
			copy(s.salt[:], r[1:])
			s.params.Memory = binary.BigEndian.Uint32(r[1+saltSize:])
			s.params.Time = binary.BigEndian.Uint32(r[1+saltSize+4:])
			s.params.Threads = r[1+saltSize+8]
			copy(s.nonce[:], r[1+saltSize+9:])
			copy(s.wrapped[:], r[1+saltSize+9+nonceSize:])
			r = r[passwordSlotSz:]
		case codeSlot:
			if len(r) < codeSlotSz {
				return nil, corruptf("file is truncated in slot %d", i)
			}
			copy(s.salt[:], r[1:])
			copy(s.nonce[:], r[1+saltSize:])
			copy(s.wrapped[:], r[1+saltSize+nonceSize:])
			r = r[codeSlotSz:]
		default:
			return nil, corruptf("slot %d has unknown kind %d", i, uint8(s.kind))
		}
		c.slots = append(c.slots, s)
	}
	if passwords > 1 {
		return nil, corruptf("%d password slots", passwords)
	}
	if len(r) < nonceSize+4 {
		return nil, corruptf("file is truncated before the payload")
	}
	copy(c.nonce[:], r)
	size := binary.BigEndian.Uint32(r[nonceSize:])
	r = r[nonceSize+4:]
	c.header = body[:len(body)-len(r)]
	if size < tagSize || size > MaxPayload {
		return nil, corruptf("payload length %d out of range", size)
	}
	if uint32(len(r)) != size {
		return nil, corruptf("payload length %d, but %d bytes follow", size, len(r))
	}
	c.sealed = r
	// Parameters are checked last, after the checksum: a damaged file must
	// say "corrupt", a well-formed hostile one "hostile".
	for _, s := range c.slots {
		if s.kind == passwordSlot {
			if err := lim.check(s.params); err != nil {
				return nil, err
			}
		}
	}
	return c, nil
}

// appendSlotFields appends the slot's fields that precede its nonce; with
// the magic and version they are the slot's associated data, so no field can
// be edited or moved to another slot kind without failing authentication.
func (s *slot) appendFields(b []byte) []byte {
	b = append(b, byte(s.kind))
	b = append(b, s.salt[:]...)
	if s.kind == passwordSlot {
		b = binary.BigEndian.AppendUint32(b, s.params.Memory)
		b = binary.BigEndian.AppendUint32(b, s.params.Time)
		b = append(b, s.params.Threads)
	}
	return b
}

func (s *slot) ad() []byte {
	b := append([]byte(magic), 0, formatVersion)
	return s.appendFields(b)
}

// marshalContainer builds the file: header, slots, sealed payload under
// dataKey with a fresh nonce (the header as associated data) and checksum.
// appendHeader appends everything before the sealed payload.
func appendHeader(b []byte, slots []slot, nonce *[nonceSize]byte, sealedLen int) []byte {
	b = append(b, magic...)
	b = binary.BigEndian.AppendUint16(b, formatVersion)
	b = append(b, byte(len(slots)))
	for i := range slots {
		b = slots[i].appendFields(b)
		b = append(b, slots[i].nonce[:]...)
		b = append(b, slots[i].wrapped[:]...)
	}
	b = append(b, nonce[:]...)
	return binary.BigEndian.AppendUint32(b, uint32(sealedLen))
}

// bytes re-encodes a parsed container; for every file parseContainer
// accepts it gives back the same bytes (the fuzz target checks it).
func (c *container) bytes() []byte {
	b := appendHeader(nil, c.slots, &c.nonce, len(c.sealed))
	b = append(b, c.sealed...)
	sum := sha256.Sum256(b)
	return append(b, sum[:]...)
}

// The payload nonce also numbers saves (FORMAT.md, "Save sequence"): 12
// random bytes, the marker, and the save's sequence number, 8 bytes. It is
// unique per save as a random one is, and authenticated with the payload,
// so which of two copies of a vault was saved later can be told once they
// decrypt. Files of older Latchkeys have 24 random bytes there.
const seqMarker = "LKsq"

const seqAt = nonceSize - 8 - len(seqMarker)

// seq is the save sequence number the payload nonce carries, if any.
func (c *container) seq() (uint64, bool) {
	if string(c.nonce[seqAt:seqAt+len(seqMarker)]) != seqMarker {
		return 0, false
	}
	return binary.BigEndian.Uint64(c.nonce[seqAt+len(seqMarker):]), true
}

// marshalContainer builds the file with a wholly random payload nonce.
func marshalContainer(slots []slot, dataKey, payload []byte) ([]byte, error) {
	return marshalContainerSeq(slots, dataKey, payload, 0)
}

// marshalContainerSeq builds the file with save sequence number seq in the
// payload nonce; 0 makes the nonce wholly random.
func marshalContainerSeq(slots []slot, dataKey, payload []byte, seq uint64) ([]byte, error) {
	if len(slots) == 0 || len(slots) > MaxSlots {
		return nil, fmt.Errorf("vault: %d slots (want 1 to %d)", len(slots), MaxSlots)
	}
	if len(payload)+tagSize > MaxPayload {
		return nil, fmt.Errorf("vault: accounts take more than %d bytes: %w", MaxPayload, ErrTooLarge)
	}
	aead, err := chacha20poly1305.NewX(dataKey)
	if err != nil {
		return nil, fmt.Errorf("vault: payload cipher: %w", err)
	}
	b := make([]byte, 0, prefixSize+len(slots)*passwordSlotSz+nonceSize+4+len(payload)+tagSize+checksumSize)
	var nonce [nonceSize]byte
	rand.Read(nonce[:])
	if seq > 0 {
		copy(nonce[seqAt:], seqMarker)
		binary.BigEndian.PutUint64(nonce[seqAt+len(seqMarker):], seq)
	}
	b = appendHeader(b, slots, &nonce, len(payload)+tagSize)
	b = aead.Seal(b, nonce[:], payload, b)
	sum := sha256.Sum256(b)
	return append(b, sum[:]...), nil
}

// openPayload decrypts the payload once the data key is known. The checksum
// already passed, so a failure here means a deliberate edit.
func (c *container) openPayload(dataKey []byte) ([]byte, error) {
	aead, err := chacha20poly1305.NewX(dataKey)
	if err != nil {
		return nil, fmt.Errorf("vault: payload cipher: %w", err)
	}
	pt, err := aead.Open(nil, c.nonce[:], c.sealed, c.header)
	if err != nil {
		return nil, corruptf("payload or header fails authentication")
	}
	return pt, nil
}

// newSlot wraps dataKey under wrapKey, which the caller derived from s.salt
// (and s.params).
func (s *slot) wrap(wrapKey, dataKey []byte) error {
	aead, err := chacha20poly1305.NewX(wrapKey)
	if err != nil {
		return fmt.Errorf("vault: slot cipher: %w", err)
	}
	rand.Read(s.nonce[:])
	aead.Seal(s.wrapped[:0], s.nonce[:], dataKey, s.ad())
	return nil
}

// errSlotKey: the wrapping key does not open this slot.
var errSlotKey = errors.New("vault: slot does not open")

func (s *slot) unwrap(wrapKey []byte) ([]byte, error) {
	aead, err := chacha20poly1305.NewX(wrapKey)
	if err != nil {
		return nil, fmt.Errorf("vault: slot cipher: %w", err)
	}
	k, err := aead.Open(nil, s.nonce[:], s.wrapped[:], s.ad())
	if err != nil {
		return nil, errSlotKey
	}
	return k, nil
}

// newPasswordSlot derives a wrapping key from password at p (the slow part)
// and wraps dataKey in a fresh slot.
func newPasswordSlot(password, dataKey []byte, p Params) (slot, error) {
	s, wk, err := newPasswordSlotKey(password, dataKey, p)
	clear(wk)
	return s, err
}

// newPasswordSlotKey is newPasswordSlot that also returns the wrapping key,
// so a written slot can be checked without a second KDF run. The caller
// clears it.
func newPasswordSlotKey(password, dataKey []byte, p Params) (slot, []byte, error) {
	s := slot{kind: passwordSlot, params: p}
	rand.Read(s.salt[:])
	wk := passwordKey(password, s.salt[:], p)
	return s, wk, s.wrap(wk, dataKey)
}

func newCodeSlot(codeBits, dataKey []byte) (slot, error) {
	s := slot{kind: codeSlot}
	rand.Read(s.salt[:])
	wk, err := codeKey(codeBits, s.salt[:])
	if err != nil {
		return s, err
	}
	defer clear(wk)
	return s, s.wrap(wk, dataKey)
}
