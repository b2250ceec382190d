package vault

import (
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Stamp is a hybrid logical clock reading (Kulkarni et al., "Logical
// Physical Clocks", 2014): wall milliseconds, a logical counter for events
// within one millisecond or after a reading from the future, and the
// device that made it, which breaks ties. Each device's clock never runs
// behind any stamp it has seen, so an edit made after a change was merged
// in is always later than that change, whatever the computers' clocks say.
// FORMAT.md, "Merging", says why this and not version vectors.
type Stamp struct {
	Wall    int64  // Unix milliseconds
	Logical uint32 // events at the same Wall
	Node    uint64 // the device (DeviceID); 0 in stamps made from version-1 and -2 files
}

// maxWall is the last millisecond of the year 9999: a stamp beyond it is
// corrupt, and a clock can never overflow by adding to it.
const maxWall = 253402300799999

// IsZero reports whether s is the zero stamp (before every other).
func (s Stamp) IsZero() bool { return s == Stamp{} }

// Compare orders stamps: -1 when s is earlier than o, +1 when later.
func (s Stamp) Compare(o Stamp) int {
	switch {
	case s.Wall != o.Wall:
		return cmp3(s.Wall < o.Wall)
	case s.Logical != o.Logical:
		return cmp3(s.Logical < o.Logical)
	case s.Node != o.Node:
		return cmp3(s.Node < o.Node)
	}
	return 0
}

func cmp3(less bool) int {
	if less {
		return -1
	}
	return 1
}

// After reports whether s is later than o.
func (s Stamp) After(o Stamp) bool { return s.Compare(o) > 0 }

func maxStamp(a, b Stamp) Stamp {
	if b.After(a) {
		return b
	}
	return a
}

// Time is the stamp's wall time.
func (s Stamp) Time() time.Time { return time.UnixMilli(s.Wall).UTC() }

// String is the stamp as stored: "wall.logical.node", the wall and the
// counter in decimal, the node as 16 hex digits.
func (s Stamp) String() string {
	return strconv.FormatInt(s.Wall, 10) + "." + strconv.FormatUint(uint64(s.Logical), 10) + "." + fmt.Sprintf("%016x", s.Node)
}

// MarshalText stores the stamp as String gives it.
func (s Stamp) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads a stamp strictly (ParseStamp).
func (s *Stamp) UnmarshalText(b []byte) error {
	p, err := ParseStamp(string(b))
	if err != nil {
		return err
	}
	*s = p
	return nil
}

// ParseStamp reads "wall.logical.node" in its one canonical spelling:
// decimal without leading zeros or signs, a wall up to the year 9999, a
// 32-bit counter, and exactly 16 lowercase hex digits.
func ParseStamp(text string) (Stamp, error) {
	bad := func() (Stamp, error) { return Stamp{}, fmt.Errorf("vault: %q is not a clock stamp", text) }
	if len(text) > 64 {
		return bad()
	}
	parts := strings.Split(text, ".")
	if len(parts) != 3 || !canonicalDecimal(parts[0]) || !canonicalDecimal(parts[1]) || len(parts[2]) != 16 {
		return bad()
	}
	wall, err := strconv.ParseInt(parts[0], 10, 64)
	if err != nil || wall > maxWall {
		return bad()
	}
	logical, err := strconv.ParseUint(parts[1], 10, 32)
	if err != nil {
		return bad()
	}
	if strings.ToLower(parts[2]) != parts[2] {
		return bad()
	}
	var node [8]byte
	if _, err := hex.Decode(node[:], []byte(parts[2])); err != nil {
		return bad()
	}
	n := uint64(0)
	for _, b := range node {
		n = n<<8 | uint64(b)
	}
	return Stamp{Wall: wall, Logical: uint32(logical), Node: n}, nil
}

func canonicalDecimal(s string) bool {
	if s == "" || len(s) > 19 || (len(s) > 1 && s[0] == '0') {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// hlc is one device's clock: the last stamp it made or saw.
type hlc struct {
	last Stamp
	node uint64
	now  func() time.Time
}

// see moves the clock past a stamp read from a file, so the next tick is
// later than it.
func (c *hlc) see(s Stamp) {
	if s.Wall > c.last.Wall || (s.Wall == c.last.Wall && s.Logical > c.last.Logical) {
		c.last = Stamp{Wall: s.Wall, Logical: s.Logical}
	}
}

// tick is a new stamp, later than every stamp made or seen: the wall time
// when it is ahead, else the last wall time with the counter advanced.
func (c *hlc) tick() Stamp {
	wall := min(max(c.now().UnixMilli(), 0), maxWall)
	if wall > c.last.Wall {
		c.last = Stamp{Wall: wall}
	} else if c.last.Logical == ^uint32(0) {
		// 4 billion events in one millisecond, or a stamp from the far
		// future: move into the next millisecond, still later than all.
		c.last = Stamp{Wall: min(c.last.Wall+1, maxWall)}
	} else {
		c.last.Logical++
	}
	c.last.Node = c.node
	return c.last
}
