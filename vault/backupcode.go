package vault

import (
	"crypto/rand"
	"fmt"
	"strings"
)

// A backup code is 128 random bits followed by a 12-bit CRC, written as 28
// characters of Crockford's base32 in seven groups of four:
//
//	7K3D-QX0M-...
//
// The CRC is over the code's own bits, so a typo is told apart from a wrong
// code without trying any slot. A CRC of degree 12 detects every error burst
// up to 12 bits: every single mistyped character (5 bits) and every swap of
// two neighbouring characters (10 bits).

const (
	codeBytes = 16 // random part
	codeChars = 28 // (128 + 12) / 5
	codeGroup = 4
	crcBits   = 12
	crcPoly   = 0x80f // x^12 + x^11 + x^3 + x^2 + x + 1 (CRC-12)
	crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
	// BackupCodeCount is how many codes Create and RegenerateBackupCodes make.
	BackupCodeCount = 10
)

// crc12 runs the CRC over the first n bits of b, most significant first.
func crc12(b []byte, n int) uint16 {
	var r uint16
	for i := range n {
		bit := uint16(b[i/8]>>(7-i%8)) & 1
		top := (r >> (crcBits - 1)) & 1
		r = (r << 1) & (1<<crcBits - 1)
		if top^bit == 1 {
			r ^= crcPoly & (1<<crcBits - 1)
		}
	}
	return r
}

// newBackupCode returns the code's random bits and its printed form.
func newBackupCode() ([]byte, string) {
	bits := make([]byte, codeBytes)
	rand.Read(bits)
	return bits, formatBackupCode(bits)
}

func formatBackupCode(bits []byte) string {
	// 140 bits: the 128 random bits, then the CRC.
	var all [18]byte
	copy(all[:], bits)
	crc := crc12(bits, codeBytes*8)
	all[16] = byte(crc >> 4)
	all[17] = byte(crc << 4)
	var sb strings.Builder
	for i := range codeChars {
		if i > 0 && i%codeGroup == 0 {
			sb.WriteByte('-')
		}
		sb.WriteByte(crockford[fiveBits(all[:], i*5)])
	}
	return sb.String()
}

func fiveBits(b []byte, off int) byte {
	var v byte
	for j := range 5 {
		i := off + j
		v = v<<1 | (b[i/8]>>(7-i%8))&1
	}
	return v
}

// parseBackupCode forgives case, spaces, dashes and Crockford's look-alikes
// (O for 0, I and L for 1), and reports any other mistake as a typo. Its
// errors never quote the code.
func parseBackupCode(s string) ([]byte, error) {
	if len(s) > 4*codeChars {
		return nil, fmt.Errorf("vault: backup code is too long: %w", ErrBackupCodeTypo)
	}
	var all [18]byte
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '-' || c == '\t':
			continue
		case c >= 'a' && c <= 'z':
			c -= 'a' - 'A'
		}
		switch c {
		case 'O':
			c = '0'
		case 'I', 'L':
			c = '1'
		}
		v := strings.IndexByte(crockford, c)
		if v < 0 {
			return nil, fmt.Errorf("vault: backup code has a character that is not in any code: %w", ErrBackupCodeTypo)
		}
		if n == codeChars {
			return nil, fmt.Errorf("vault: backup code has more than %d characters: %w", codeChars, ErrBackupCodeTypo)
		}
		for j := range 5 {
			bit := (v >> (4 - j)) & 1
			pos := n*5 + j
			all[pos/8] |= byte(bit) << (7 - pos%8)
		}
		n++
	}
	if n != codeChars {
		return nil, fmt.Errorf("vault: backup code has %d characters, want %d: %w", n, codeChars, ErrBackupCodeTypo)
	}
	crc := uint16(all[16])<<4 | uint16(all[17]>>4)
	if crc12(all[:], codeBytes*8) != crc {
		return nil, fmt.Errorf("vault: backup code checksum does not match: %w", ErrBackupCodeTypo)
	}
	return append([]byte(nil), all[:codeBytes]...), nil
}
