package interop

import (
	"crypto/subtle"
	"encoding/binary"
	"errors"

	"golang.org/x/crypto/chacha20"
	"golang.org/x/crypto/poly1305"
)

// The decrypting half of libsodium's crypto_secretstream_xchacha20poly1305,
// which Ente Auth encrypts its export with. From the header's first 16 bytes
// and the key, HChaCha20 makes a subkey; the stream nonce is a 32-bit
// little-endian counter (starting at 1) followed by the header's last 8
// bytes. Each message is ChaCha20 (IETF) under that nonce: block 0 keys
// Poly1305, block 1 encrypts the tag byte (its other 63 bytes of key stream
// are authenticated too), the message from block 2 on. The MAC covers the
// 64-byte tag block and the ciphertext, padded and followed by the lengths,
// with libsodium's own padding rule. After each message, the
// MAC's first 8 bytes are XORed into the nonce's last 8 and the counter
// moves on; a REKEY tag or a counter wrap derives a new key.

const (
	streamHeaderSize = 24
	streamABytes     = 1 + poly1305.TagSize
	streamTagMessage = 0x00
	streamTagPush    = 0x01
	streamTagRekey   = 0x02
	streamTagFinal   = streamTagPush | streamTagRekey
)

var errStreamAuth = errors.New("secretstream: message forged or key wrong")

type streamState struct {
	key   [32]byte
	nonce [12]byte // counter (4, little-endian) | inonce (8)
}

func newStreamPull(key, header []byte) (*streamState, error) {
	if len(key) != 32 || len(header) != streamHeaderSize {
		return nil, errors.New("secretstream: bad key or header size")
	}
	sub, err := chacha20.HChaCha20(key, header[:16])
	if err != nil {
		return nil, err
	}
	s := &streamState{}
	copy(s.key[:], sub)
	s.resetCounter()
	copy(s.nonce[4:], header[16:])
	return s, nil
}

func (s *streamState) resetCounter() {
	binary.LittleEndian.PutUint32(s.nonce[:4], 1)
}

// keyStream returns a ChaCha20 cipher positioned at block counter ctr.
func (s *streamState) keyStream(ctr uint32) *chacha20.Cipher {
	c, err := chacha20.NewUnauthenticatedCipher(s.key[:], s.nonce[:])
	if err != nil {
		panic(err) // sizes are fixed above: a programmer error
	}
	c.SetCounter(ctr)
	return c
}

// mac computes the Poly1305 tag of one message from its tag block and
// ciphertext.
func (s *streamState) mac(block *[64]byte, ct []byte) [poly1305.TagSize]byte {
	var polyKey [32]byte
	s.keyStream(0).XORKeyStream(polyKey[:], polyKey[:])
	m := poly1305.New(&polyKey)
	m.Write(block[:])
	m.Write(ct)
	// libsodium pads with (16 - 64 + mlen) mod 16 zero bytes, which is not
	// the IETF AEAD's padding to a multiple of 16: follow libsodium.
	var pad [16]byte
	m.Write(pad[:(0x10-64+len(ct))&0xf])
	var lens [16]byte
	binary.LittleEndian.PutUint64(lens[:8], 0) // no associated data
	binary.LittleEndian.PutUint64(lens[8:], uint64(64+len(ct)))
	m.Write(lens[:])
	var out [poly1305.TagSize]byte
	m.Sum(out[:0])
	return out
}

// pull authenticates and decrypts one message, returning it and its tag.
func (s *streamState) pull(in []byte) ([]byte, byte, error) {
	if len(in) < streamABytes {
		return nil, 0, errStreamAuth
	}
	ct := in[1 : len(in)-poly1305.TagSize]
	var block [64]byte
	block[0] = in[0]
	s.keyStream(1).XORKeyStream(block[:], block[:])
	tag := block[0]
	block[0] = in[0]
	want := s.mac(&block, ct)
	if subtle.ConstantTimeCompare(want[:], in[len(in)-poly1305.TagSize:]) != 1 {
		return nil, 0, errStreamAuth
	}
	m := make([]byte, len(ct))
	s.keyStream(2).XORKeyStream(m, ct)
	s.advance(want, tag)
	return m, tag, nil
}

// advance moves the state on after a message with MAC mac and tag tag.
func (s *streamState) advance(mac [poly1305.TagSize]byte, tag byte) {
	subtle.XORBytes(s.nonce[4:], s.nonce[4:], mac[:8])
	ctr := binary.LittleEndian.Uint32(s.nonce[:4]) + 1
	binary.LittleEndian.PutUint32(s.nonce[:4], ctr)
	if tag&streamTagRekey != 0 || ctr == 0 {
		s.rekey()
	}
}

// rekey replaces the key and inonce with key stream XORed over them.
func (s *streamState) rekey() {
	var buf [40]byte
	copy(buf[:32], s.key[:])
	copy(buf[32:], s.nonce[4:])
	s.keyStream(0).XORKeyStream(buf[:], buf[:])
	copy(s.key[:], buf[:32])
	copy(s.nonce[4:], buf[32:])
	s.resetCounter()
}
