package vault

import (
	"crypto/ecdh"
	"crypto/hkdf"
	"crypto/sha256"
	"fmt"
	"sync/atomic"
	"time"

	"golang.org/x/crypto/argon2"
)

// Params are Argon2id's cost parameters for a password slot.
type Params struct {
	Memory  uint32 // KiB
	Time    uint32 // passes
	Threads uint8  // lanes
}

func (p Params) String() string {
	return fmt.Sprintf("argon2id m=%d KiB t=%d p=%d", p.Memory, p.Time, p.Threads)
}

// FloorParams is the least Latchkey ever writes: RFC 9106's second
// recommended option. Calibrate never goes below it.
var FloorParams = Params{Memory: 64 << 10, Time: 3, Threads: 4}

// Caps on parameters read from a file, checked before the KDF runs so a
// hostile file cannot exhaust memory or time. They are the most Calibrate
// ever chooses, on however fast a machine: a file asking for more was not
// written by Latchkey. Passes are capped as well as memory, since 1 GiB at
// 64 passes costs as much as 64 GiB at one.
const (
	MaxMemory  = 1 << 20 // KiB: 1 GiB, where Calibrate stops adding memory
	MaxTime    = 16      // passes: Calibrate adds passes beyond 1 GiB, up to this
	MaxThreads = 4       // lanes: Latchkey always writes FloorParams.Threads
	// calibrateMaxMemory keeps calibration from claiming more than 1 GiB on
	// a fast machine; time is better spent on passes beyond that.
	calibrateMaxMemory = MaxMemory
)

// DefaultUnlockTime is the unlock delay Create calibrates toward.
const DefaultUnlockTime = time.Second

// limits says which parameters a read file may carry. The exported API
// always uses strictLimits; tests use a lower floor to make a valid-looking
// vault cheap to open (the narrow knob, as age's SetWorkFactor).
type limits struct {
	floor, ceiling Params
}

var strictLimits = limits{floor: FloorParams, ceiling: Params{Memory: MaxMemory, Time: MaxTime, Threads: MaxThreads}}

// check refuses parameters outside [floor, caps]. Below the floor is refused
// too: the header is authenticated, so such a slot was not written by
// Latchkey, which never writes below the floor.
func (l limits) check(p Params) error {
	switch {
	case p.Memory > l.ceiling.Memory || p.Time > l.ceiling.Time || p.Threads > l.ceiling.Threads:
		return fmt.Errorf("vault: file asks for %s, above the limit %s: %w", p, l.ceiling, ErrHostileParams)
	case p.Threads == 0 || p.Time == 0 || p.Memory < 8*uint32(p.Threads):
		return fmt.Errorf("vault: file asks for %s, which argon2id does not allow: %w", p, ErrHostileParams)
	case p.Memory < l.floor.Memory || p.Time < l.floor.Time || p.Threads < l.floor.Threads:
		return fmt.Errorf("vault: file asks for %s, below latchkey's minimum %s: %w", p, l.floor, ErrHostileParams)
	}
	return nil
}

// kdfRuns counts Argon2id runs, so a test can prove Save runs none.
var kdfRuns atomic.Int64

// passwordKey derives a slot's 32-byte wrapping key from a password.
func passwordKey(password, salt []byte, p Params) []byte {
	kdfRuns.Add(1)
	return argon2.IDKey(password, salt, p.Time, p.Memory, p.Threads, 32)
}

// codeKeyV1 derives a version-1 backup-code slot's wrapping key. A code
// carries 128 random bits, so no stretching is needed: HKDF is enough and
// keeps opening with a code fast however many slots there are (see
// FORMAT.md).
func codeKeyV1(codeBits, salt []byte) ([]byte, error) {
	return hkdf.Key(sha256.New, codeBits, salt, "latchkey vault v1 backup code", 32)
}

// codePrivateKey derives a version-2 backup-code slot's X25519 private key
// from the code's random bits and the slot's salt.
func codePrivateKey(codeBits, salt []byte) (*ecdh.PrivateKey, error) {
	seed, err := hkdf.Key(sha256.New, codeBits, salt, "latchkey vault v2 backup code key", 32)
	if err != nil {
		return nil, err
	}
	defer clear(seed)
	return ecdh.X25519().NewPrivateKey(seed)
}

// codeWrapKey derives a version-2 code slot's wrapping key from the X25519
// shared secret, bound to both public keys.
func codeWrapKey(shared, ephemeral, codePub []byte) ([]byte, error) {
	salt := append(append(make([]byte, 0, 2*pubSize), ephemeral...), codePub...)
	return hkdf.Key(sha256.New, shared, salt, "latchkey vault v2 backup code wrap", 32)
}

// Calibrate measures Argon2id on this machine and returns parameters that
// take about target, never below FloorParams and never above 1 GiB (passes
// grow beyond that). Argon2's time is not linear in memory (caches, page
// faults), so it doubles memory until a run takes at least half the target
// and extrapolates from there: it costs about one target's worth of time.
func Calibrate(target time.Duration) Params {
	p := FloorParams
	for {
		elapsed := measure(p)
		if elapsed*2 >= target || p.Memory*2 > calibrateMaxMemory {
			return scale(p, elapsed, target)
		}
		p.Memory *= 2
	}
}

func measure(p Params) time.Duration {
	salt := make([]byte, 16)
	start := time.Now()
	passwordKey([]byte("calibration"), salt, p)
	return max(time.Since(start), time.Millisecond)
}

// scale extrapolates linearly from one measurement: Argon2id's cost grows
// with memory times passes.
func scale(p Params, elapsed, target time.Duration) Params {
	if elapsed <= 0 || target <= elapsed {
		return p
	}
	factor := float64(target) / float64(elapsed)
	mem := float64(p.Memory) * factor
	out := p
	if mem <= calibrateMaxMemory {
		out.Memory = uint32(mem) &^ 1023 // whole MiB
	} else {
		out.Memory = calibrateMaxMemory
		passes := float64(p.Time) * mem / calibrateMaxMemory
		out.Time = uint32(min(passes, MaxTime))
	}
	out.Memory = max(out.Memory, FloorParams.Memory)
	out.Time = max(out.Time, FloorParams.Time)
	return out
}

// weaker reports whether p costs clearly less than q (by a factor of two),
// so an unlock is worth upgrading.
func (p Params) weaker(q Params) bool {
	return uint64(p.Memory)*uint64(p.Time)*2 <= uint64(q.Memory)*uint64(q.Time)
}
