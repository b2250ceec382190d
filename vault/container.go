package vault

import (
	"bytes"
	"crypto/ecdh"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
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
	formatVersion  = 3 // written; versions 1 to 3 are read
	saltSize       = 16
	keySize        = chacha20poly1305.KeySize
	nonceSize      = chacha20poly1305.NonceSizeX
	tagSize        = chacha20poly1305.Overhead
	wrappedSize    = keySize + tagSize
	pubSize        = 32 // an X25519 public key
	checksumSize   = sha256.Size
	prefixSize     = len(magic) + 2 + 1 // magic, version, slot count
	passwordSlotSz = 1 + saltSize + 4 + 4 + 1 + nonceSize + wrappedSize
	codeSlotV1Sz   = 1 + saltSize + nonceSize + wrappedSize
	codeSlotSz     = 1 + saltSize + pubSize + pubSize + nonceSize + wrappedSize
	maxSlotSz      = max(passwordSlotSz, codeSlotV1Sz, codeSlotSz)
	// MaxSlots caps the slot count: one password and up to 63 codes.
	MaxSlots = 64
	// MaxPayload caps the sealed payload; MaxFileSize the whole file. Both
	// are checked before anything of that size is allocated.
	MaxPayload  = 64 << 20
	MaxFileSize = prefixSize + MaxSlots*maxSlotSz + nonceSize + 4 + MaxPayload + checksumSize
)

// slotKind says how a slot's wrapping key is derived.
type slotKind uint8

const (
	passwordSlot slotKind = 1 // Argon2id of the password
	// codeSlotV1 is a backup code of format version 1: HKDF of the code's
	// 128 random bits wraps the data key. Wrapping a new data key needs the
	// code, so these slots cannot follow a key change; they are read, and
	// kept as they are until the data key changes.
	codeSlotV1 slotKind = 2
	// codeSlot is a backup code of version 2: the code derives an X25519
	// key pair whose public half the slot holds, and the data key is sealed
	// to it, so a new data key can be wrapped for every code without them.
	codeSlot slotKind = 3
)

var slotKindNames = [...]string{passwordSlot: "password", codeSlotV1: "backup code (version 1)", codeSlot: "backup code"}

func (k slotKind) String() string {
	if int(k) < len(slotKindNames) && slotKindNames[k] != "" {
		return slotKindNames[k]
	}
	return fmt.Sprintf("slotKind(%d)", uint8(k))
}

// isCode reports whether the slot opens with a backup code.
func (k slotKind) isCode() bool { return k == codeSlotV1 || k == codeSlot }

// size is the slot's length in the file.
func (k slotKind) size() int {
	switch k {
	case passwordSlot:
		return passwordSlotSz
	case codeSlotV1:
		return codeSlotV1Sz
	}
	return codeSlotSz
}

// since is the format version that defined the slot kind. It goes in the
// slot's associated data in place of the file's version, so a slot written
// by version 1 stays valid when a version-2 file carries it.
func (k slotKind) since() uint16 {
	if k == codeSlot {
		return 2
	}
	return 1
}

// slot wraps the data key under one way of opening the vault.
type slot struct {
	kind      slotKind
	salt      [saltSize]byte
	params    Params        // password slots only
	codePub   [pubSize]byte // codeSlot only: the code's X25519 public key
	ephemeral [pubSize]byte // codeSlot only: the sender's X25519 public key
	nonce     [nonceSize]byte
	wrapped   [wrappedSize]byte
}

// container is a parsed file before any key is known.
type container struct {
	version uint16
	slots   []slot
	nonce   [nonceSize]byte
	sealed  []byte // payload ciphertext with tag
	header  []byte // bytes from the magic to the payload length: the payload's associated data
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
	v := binary.BigEndian.Uint16(b[len(magic):])
	switch {
	case v > formatVersion:
		return nil, fmt.Errorf("vault: format version %d, this latchkey reads up to %d: %w", v, formatVersion, ErrNewerVersion)
	case v < 1:
		return nil, corruptf("format version %d does not exist", v)
	}
	if len(b) < prefixSize+nonceSize+4+tagSize+checksumSize {
		return nil, corruptf("file is truncated")
	}
	body, sum := b[:len(b)-checksumSize], b[len(b)-checksumSize:]
	if want := sha256.Sum256(body); !bytes.Equal(sum, want[:]) {
		return nil, corruptf("checksum mismatch")
	}
	c := &container{version: v}
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
		switch {
		case s.kind == passwordSlot, s.kind == codeSlotV1, s.kind == codeSlot && v >= 2:
		default:
			return nil, corruptf("slot %d has unknown kind %d", i, uint8(s.kind))
		}
		if len(r) < s.kind.size() {
			return nil, corruptf("file is truncated in slot %d", i)
		}
		f := r[1:]
		copy(s.salt[:], f)
		f = f[saltSize:]
		switch s.kind {
		case passwordSlot:
			passwords++
			s.params.Memory = binary.BigEndian.Uint32(f)
			s.params.Time = binary.BigEndian.Uint32(f[4:])
			s.params.Threads = f[8]
			f = f[9:]
		case codeSlot:
			copy(s.codePub[:], f)
			copy(s.ephemeral[:], f[pubSize:])
			f = f[2*pubSize:]
		}
		copy(s.nonce[:], f)
		copy(s.wrapped[:], f[nonceSize:])
		r = r[s.kind.size():]
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

// appendFields appends the slot's fields that precede its nonce; with the
// magic and the version that defined its kind they are the slot's
// associated data, so no field can be edited or moved to another slot kind
// without failing authentication.
func (s *slot) appendFields(b []byte) []byte {
	b = append(b, s.identity()...)
	if s.kind == codeSlot {
		b = append(b, s.ephemeral[:]...)
	}
	return b
}

func (s *slot) ad() []byte {
	b := binary.BigEndian.AppendUint16([]byte(magic), s.kind.since())
	return s.appendFields(b)
}

// appendHeader appends everything before the sealed payload.
func appendHeader(b []byte, version uint16, slots []slot, nonce *[nonceSize]byte, sealedLen int) []byte {
	b = append(b, magic...)
	b = binary.BigEndian.AppendUint16(b, version)
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
	b := appendHeader(nil, c.version, c.slots, &c.nonce, len(c.sealed))
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

// marshalContainer builds a file of the current version: header, slots,
// the payload sealed under dataKey with a fresh nonce (the header as
// associated data) and the checksum.
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
	b := make([]byte, 0, prefixSize+len(slots)*maxSlotSz+nonceSize+4+len(payload)+tagSize+checksumSize)
	var nonce [nonceSize]byte
	rand.Read(nonce[:])
	if seq > 0 {
		copy(nonce[seqAt:], seqMarker)
		binary.BigEndian.PutUint64(nonce[seqAt+len(seqMarker):], seq)
	}
	b = appendHeader(b, formatVersion, slots, &nonce, len(payload)+tagSize)
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

// wrap seals dataKey in the slot under wrapKey, which the caller derived
// from the slot's salt (and parameters), with a fresh nonce.
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

// newPasswordSlotKey derives a wrapping key from password at p (the slow
// part) and wraps dataKey in a fresh slot. It returns the wrapping key too,
// so the slot can later wrap a new data key, or a written slot be checked,
// without another KDF run. The caller clears it.
func newPasswordSlotKey(password, dataKey []byte, p Params) (slot, []byte, error) {
	s := slot{kind: passwordSlot, params: p}
	rand.Read(s.salt[:])
	wk := passwordKey(password, s.salt[:], p)
	return s, wk, s.wrap(wk, dataKey)
}

// newCodeSlot makes a version-2 backup-code slot for the code's random
// bits and wraps dataKey to it.
func newCodeSlot(codeBits, dataKey []byte) (slot, error) {
	s := slot{kind: codeSlot}
	rand.Read(s.salt[:])
	priv, err := codePrivateKey(codeBits, s.salt[:])
	if err != nil {
		return s, err
	}
	copy(s.codePub[:], priv.PublicKey().Bytes())
	return s, s.wrapTo(dataKey)
}

// wrapTo seals dataKey to a version-2 code slot's public key, from a fresh
// ephemeral key pair: no code is needed, so every code slot follows a new
// data key.
func (s *slot) wrapTo(dataKey []byte) error {
	if s.kind != codeSlot {
		return fmt.Errorf("vault: a %v slot cannot be wrapped without its secret", s.kind)
	}
	pub, err := ecdh.X25519().NewPublicKey(s.codePub[:])
	if err != nil {
		return fmt.Errorf("vault: backup code key: %w", err)
	}
	eph, err := ecdh.X25519().GenerateKey(rand.Reader)
	if err != nil {
		return fmt.Errorf("vault: ephemeral key: %w", err)
	}
	shared, err := eph.ECDH(pub)
	if err != nil {
		return fmt.Errorf("vault: backup code key: %w", err)
	}
	defer clear(shared)
	copy(s.ephemeral[:], eph.PublicKey().Bytes())
	wk, err := codeWrapKey(shared, s.ephemeral[:], s.codePub[:])
	if err != nil {
		return err
	}
	defer clear(wk)
	return s.wrap(wk, dataKey)
}

// unwrapCode opens a backup-code slot of either version with the code's
// bits. A version-2 slot whose public key is not the code's is not tried.
func (s *slot) unwrapCode(codeBits []byte) ([]byte, error) {
	switch s.kind {
	case codeSlotV1:
		wk, err := codeKeyV1(codeBits, s.salt[:])
		if err != nil {
			return nil, err
		}
		defer clear(wk)
		return s.unwrap(wk)
	case codeSlot:
		priv, err := codePrivateKey(codeBits, s.salt[:])
		if err != nil {
			return nil, err
		}
		if subtle.ConstantTimeCompare(priv.PublicKey().Bytes(), s.codePub[:]) != 1 {
			return nil, errSlotKey
		}
		eph, err := ecdh.X25519().NewPublicKey(s.ephemeral[:])
		if err != nil {
			return nil, errSlotKey
		}
		shared, err := priv.ECDH(eph)
		if err != nil {
			return nil, errSlotKey // a low-order point: not written by Latchkey
		}
		defer clear(shared)
		wk, err := codeWrapKey(shared, s.ephemeral[:], s.codePub[:])
		if err != nil {
			return nil, err
		}
		defer clear(wk)
		return s.unwrap(wk)
	}
	return nil, errSlotKey
}
