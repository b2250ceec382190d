package wire

import (
	"bytes"
	"testing"

	"google.golang.org/protobuf/encoding/protowire"
)

// sameAsProtowire checks every Consume function on b against protowire:
// the same values and lengths, and a negative length for the same inputs.
func sameAsProtowire(t *testing.T, b []byte) {
	t.Helper()
	v, n := ConsumeVarint(b)
	wv, wn := protowire.ConsumeVarint(b)
	if (n < 0) != (wn < 0) || n >= 0 && (v != wv || n != wn) {
		t.Errorf("ConsumeVarint(%x): got %d, %d, want %d, %d", b, v, n, wv, wn)
	}
	num, typ, n := ConsumeTag(b)
	wnum, wtyp, wn := protowire.ConsumeTag(b)
	if (n < 0) != (wn < 0) || n >= 0 && (int32(num) != int32(wnum) || int8(typ) != int8(wtyp) || n != wn) {
		t.Errorf("ConsumeTag(%x): got %d, %d, %d, want %d, %d, %d", b, num, typ, n, wnum, wtyp, wn)
	}
	bs, n := ConsumeBytes(b)
	wbs, wn := protowire.ConsumeBytes(b)
	if (n < 0) != (wn < 0) || n >= 0 && (!bytes.Equal(bs, wbs) || n != wn) {
		t.Errorf("ConsumeBytes(%x): got %x, %d, want %x, %d", b, bs, n, wbs, wn)
	}
	if _, _, tn := ConsumeTag(b); tn > 0 {
		num, typ, _ := ConsumeTag(b)
		n := ConsumeFieldValue(num, typ, b[tn:])
		wn := protowire.ConsumeFieldValue(protowire.Number(num), protowire.Type(typ), b[tn:])
		if (n < 0) != (wn < 0) || n >= 0 && n != wn {
			t.Errorf("ConsumeFieldValue(%d, %d, %x): got %d, want %d", num, typ, b[tn:], n, wn)
		}
	}
}

func TestConsume(t *testing.T) {
	for _, b := range [][]byte{
		nil, {0}, {0x80}, {0x7f}, {0x08, 0x01}, {0x0a, 0x02, 'h', 'i'}, {0x0a, 0x03, 'h', 'i'},
		{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}, // 2^64-1
		{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02}, // over 64 bits
		{0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01},
		{0xf8, 0xff, 0xff, 0xff, 0x07, 0x00},               // field 2^31-1
		{0x80, 0x80, 0x80, 0x80, 0x08, 0x00},               // field 2^31
		{0x0b, 0x10, 0x01, 0x0c}, {0x0b, 0x10, 0x01, 0x14}, // a group, ended by its own tag or another's
		{0x0c}, {0x0e}, {0x0f}, {0x0d, 1, 2, 3}, {0x0d, 1, 2, 3, 4}, {0x09, 1, 2, 3, 4, 5, 6, 7, 8},
		// Hostile: lengths past int32 and int64, a ten-byte zero, field 0
		// of every type, cut and unended groups.
		{0x0a, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01}, // length 2^63
		{0x0a, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}, // length 2^64-1
		{0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 'x'},                          // length 2^32-1
		{0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00},       // zero in ten bytes
		{0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80},       // no last byte
		{0x00, 0x01}, {0x01}, {0x02, 0x00}, {0x03, 0x04}, {0x04}, {0x05},
		{0x0b, 0x0a, 0x05, 1}, {0x0b, 0x0b, 0x0c}, {0x0b, 0x0c, 0x0c}, {0x0b}, {0x0b, 0x0f},
		{0x0b, 0xf8, 0xff, 0xff, 0xff, 0x0f, 0x00}, // a field number past int32 inside a group
	} {
		sameAsProtowire(t, b)
	}
	// Nested groups up to and past the recursion limit.
	for _, depth := range []int{recursionLimit - 1, recursionLimit + 2} {
		var b []byte
		for i := 0; i < depth; i++ {
			b = append(b, 0x0b)
		}
		for i := 0; i < depth; i++ {
			b = append(b, 0x0c)
		}
		sameAsProtowire(t, b)
	}
}

func TestAppend(t *testing.T) {
	for _, v := range []uint64{0, 1, 127, 128, 300, 1<<32 - 1, 1<<63 + 5, 1<<64 - 1} {
		if got, want := AppendVarint([]byte{9}, v), protowire.AppendVarint([]byte{9}, v); !bytes.Equal(got, want) {
			t.Errorf("AppendVarint(%d): got %x, want %x", v, got, want)
		}
	}
	for _, num := range []Number{1, 15, 16, 2047, 1<<29 - 1} {
		for _, typ := range []Type{VarintType, BytesType, Fixed32Type} {
			if got, want := AppendTag(nil, num, typ), protowire.AppendTag(nil, protowire.Number(num), protowire.Type(typ)); !bytes.Equal(got, want) {
				t.Errorf("AppendTag(%d, %d): got %x, want %x", num, typ, got, want)
			}
		}
	}
	long := bytes.Repeat([]byte("x"), 300)
	if got, want := AppendBytes([]byte{1}, long), protowire.AppendBytes([]byte{1}, long); !bytes.Equal(got, want) {
		t.Errorf("AppendBytes: got %x, want %x", got, want)
	}
	if got, want := AppendString(nil, "héllo"), protowire.AppendString(nil, "héllo"); !bytes.Equal(got, want) {
		t.Errorf("AppendString: got %x, want %x", got, want)
	}
}

func FuzzConsume(f *testing.F) {
	f.Add([]byte{0x0a, 0x02, 'h', 'i'})
	f.Add([]byte{0x0b, 0x10, 0x01, 0x0c})
	f.Fuzz(func(t *testing.T, b []byte) { sameAsProtowire(t, b) })
}
