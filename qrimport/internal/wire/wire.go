// Package wire reads and writes the protobuf wire format, as much of it as
// a Google Authenticator export needs: field tags, varints and
// length-delimited fields, and skipping any other field. Its names and
// results are those of google.golang.org/protobuf/encoding/protowire (tests
// compare the two), whose package init reads the running executable to
// seed a random source: a cost every start of every Latchkey command paid
// for an export it mostly does not read.
package wire

// Number is a field number.
type Number int32

// Type is a wire type.
type Type int8

// The wire types.
const (
	VarintType     Type = 0
	Fixed32Type    Type = 5
	Fixed64Type    Type = 1
	BytesType      Type = 2
	StartGroupType Type = 3
	EndGroupType   Type = 4
)

// recursionLimit bounds nested groups, as protowire does.
const recursionLimit = 10000

// errBad is the length every Consume function gives for malformed input:
// negative, as protowire's error codes are.
const errBad = -1

// ConsumeVarint reads a varint, giving its value and length, or a negative
// length when b holds no complete varint of at most 64 bits.
func ConsumeVarint(b []byte) (v uint64, n int) {
	for i := 0; i < 10; i++ {
		if i >= len(b) {
			return 0, errBad
		}
		c := b[i]
		if i == 9 && c > 1 {
			return 0, errBad // more than 64 bits
		}
		v |= uint64(c&0x7f) << (7 * uint(i))
		if c < 0x80 {
			return v, i + 1
		}
	}
	return 0, errBad
}

// ConsumeTag reads a field tag, or gives a negative length when it is
// malformed or its field number is not positive. Like protowire it takes
// any number that fits an int32, beyond the 2^29-1 a message may use.
func ConsumeTag(b []byte) (Number, Type, int) {
	v, n := ConsumeVarint(b)
	if n < 0 {
		return 0, 0, n
	}
	if v>>3 == 0 || v>>3 > 1<<31-1 {
		return 0, 0, errBad
	}
	return Number(v >> 3), Type(v & 7), n
}

// ConsumeBytes reads a length-delimited value, or gives a negative length
// when it is cut short.
func ConsumeBytes(b []byte) ([]byte, int) {
	m, n := ConsumeVarint(b)
	if n < 0 {
		return nil, n
	}
	if m > uint64(len(b[n:])) {
		return nil, errBad
	}
	return b[n:][:m], n + int(m)
}

// ConsumeFieldValue gives the length of the value of field num, of wire
// type typ, at the start of b (a group up to its end tag), or a negative
// length when it is malformed.
func ConsumeFieldValue(num Number, typ Type, b []byte) int {
	return consumeFieldValue(num, typ, b, recursionLimit)
}

func consumeFieldValue(num Number, typ Type, b []byte, depth int) int {
	switch typ {
	case VarintType:
		_, n := ConsumeVarint(b)
		return n
	case Fixed32Type:
		if len(b) < 4 {
			return errBad
		}
		return 4
	case Fixed64Type:
		if len(b) < 8 {
			return errBad
		}
		return 8
	case BytesType:
		_, n := ConsumeBytes(b)
		return n
	case StartGroupType:
		if depth < 0 {
			return errBad
		}
		total := 0
		for {
			num2, typ2, n := ConsumeTag(b)
			if n < 0 {
				return n
			}
			b, total = b[n:], total+n
			if typ2 == EndGroupType {
				if num2 != num {
					return errBad
				}
				return total
			}
			n = consumeFieldValue(num2, typ2, b, depth-1)
			if n < 0 {
				return n
			}
			b, total = b[n:], total+n
		}
	}
	return errBad // an end tag without a start, or a reserved type
}

// AppendVarint appends v as a varint.
func AppendVarint(b []byte, v uint64) []byte {
	for v >= 0x80 {
		b = append(b, byte(v)|0x80)
		v >>= 7
	}
	return append(b, byte(v))
}

// AppendTag appends the tag of field num of wire type typ.
func AppendTag(b []byte, num Number, typ Type) []byte {
	return AppendVarint(b, uint64(num)<<3|uint64(typ&7))
}

// AppendBytes appends v, length-delimited.
func AppendBytes(b []byte, v []byte) []byte {
	return append(AppendVarint(b, uint64(len(v))), v...)
}

// AppendString appends v, length-delimited.
func AppendString(b []byte, v string) []byte {
	return append(AppendVarint(b, uint64(len(v))), v...)
}
