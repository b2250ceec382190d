package vault

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"maps"
	"math/rand"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"latchkey/otp"
)

var (
	propSeed  = flag.Int64("prop.seed", 0, "seed of the merge property test (0: from the time)")
	propIters = flag.Int("prop.iters", 60, "histories the merge property test plays")
)

// The merge's promise, on random histories: three computers (one clock 5
// hours slow, one 3 hours fast) add, edit, remove and bring back accounts,
// advance HOTP counters, use codes, change the password, recover with a
// backup code and make new codes, and now and then merge each other's
// state, in memory or through their files. Then every grouping and order of
// merging their final states (and two older snapshots) gives one vault, a
// merge of a state with itself or with something already in it changes
// nothing, no merge runs the KDF, and an oracle that replays the event log
// with the rules of FORMAT.md (never calling the merge) finds every change
// the rules keep.
func TestMergeProperties(t *testing.T) {
	seed := *propSeed
	if seed == 0 {
		seed = time.Now().UnixNano()
	}
	t.Logf("seed %d (rerun with -prop.seed=%d)", seed, seed)
	rng := rand.New(rand.NewSource(seed))
	iters := *propIters
	if testing.Short() {
		iters = 20
	}
	for i := range iters {
		h := newHistory(t, rng)
		h.play(40 + rng.Intn(60))
		h.check()
		h.close()
		if t.Failed() {
			t.Fatalf("history %d of seed %d failed", i, seed)
		}
	}
}

// event is one write, as the oracle sees it: which register of which
// account got which value at which stamp.
type event struct {
	id, field string
	at        Stamp
	val       string
}

type device struct {
	v        *Vault
	path     string
	password string
	offset   time.Duration
	// seen is the latest stamp of every event this device has seen: a new
	// event of this device must be later.
	seen Stamp
}

type keyEvent struct {
	pwAt, made Stamp
	key        []byte
}

type history struct {
	t       *testing.T
	rng     *rand.Rand
	now     time.Time
	devs    []*device
	events  []event
	counter map[string]uint64
	spent   map[string]map[string]bool
	lastUse map[string]time.Time
	keys    []keyEvent
	codes   []codeEvent // new sets of backup codes
	used    map[[saltSize]byte]bool
	snaps   []*replica
	plain   []string // the backup codes of the first set, in the clear
}

type codeEvent struct {
	at    Stamp
	salts [][saltSize]byte
}

func newHistory(t *testing.T, rng *rand.Rand) *history {
	h := &history{t: t, rng: rng, now: time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC),
		counter: map[string]uint64{}, spent: map[string]map[string]bool{}, lastUse: map[string]time.Time{},
		used: map[[saltSize]byte]bool{}}
	dir := t.TempDir()
	offsets := []time.Duration{0, -5 * time.Hour, 3 * time.Hour}
	for i, off := range offsets {
		d := &device{path: filepath.Join(dir, fmt.Sprint(i), "vault.latchkey"), password: string(testPassword), offset: off}
		o := testOptions()
		o.fs = quickFS{}
		o.now = func() time.Time { return h.now.Add(d.offset) }
		var err error
		if i == 0 {
			var codes []string
			d.v, codes, err = create(d.path, testPassword, o)
			must(t, err)
			h.plain = codes
			// Rotating backups are tested elsewhere; here they would
			// only slow each save down.
			s := d.v.Settings()
			s.BackupKeep = -1
			must(t, d.v.SetSettings(s))
			mustSave(t, d.v)
		} else {
			must(t, copyFile(h.devs[0].path, d.path))
			d.v, err = open(d.path, testPassword, o)
		}
		must(t, err)
		d.v.clock.node = uint64(i + 1)
		h.devs = append(h.devs, d)
	}
	v0 := h.devs[0].v
	h.keys = append(h.keys, keyEvent{v0.pwAt, v0.keyMade, slices.Clone(v0.dataKey)})
	h.codes = append(h.codes, codeEvent{at: v0.codesAt, salts: codeSalts(v0.slots)})
	return h
}

func copyFile(from, to string) error {
	var fsys osFS
	b, err := fsys.ReadFile(from)
	if err != nil {
		return err
	}
	if err := fsys.MkdirAll(filepath.Dir(to)); err != nil {
		return err
	}
	_, err = writeAtomic(fsys, to, b, nil)
	return err
}

func codeSalts(slots []slot) [][saltSize]byte {
	var out [][saltSize]byte
	for _, s := range slots {
		if s.kind.isCode() {
			out = append(out, s.salt)
		}
	}
	return out
}

func (h *history) close() {
	for _, d := range h.devs {
		d.v.Close()
	}
}

// stamp checks the stamp d just made is later than all d had seen, and
// remembers it.
func (h *history) stamp(d *device, at Stamp) Stamp {
	h.t.Helper()
	if !at.After(d.seen) {
		h.t.Errorf("device %d made stamp %v, not later than %v it had seen", d.v.clock.node, at, d.seen)
	}
	d.seen = at
	return at
}

func (h *history) write(d *device, id, field string, at Stamp, val string) {
	h.events = append(h.events, event{id: id, field: field, at: at, val: val})
}

var fields = []string{"key", "issuer", "name", "note", "tags", "pinned", "icon", "codes"}

// values are an account's registers as the oracle compares them.
func values(a Account) map[string]string {
	k := a.Key
	return map[string]string{
		"key":    fmt.Sprintf("%v/%v/%d/%d/%x", k.Type, k.Algorithm, k.Digits, k.Period, k.Secret),
		"issuer": k.Issuer, "name": k.Name, "note": a.Note,
		"tags":   strings.Join(a.Tags, "\x00"),
		"pinned": fmt.Sprint(a.Pinned),
		"icon":   fmt.Sprintf("%x", a.Icon),
		"codes":  strings.Join(codeTexts(a.BackupCodes), "\x00"),
	}
}

func (h *history) word() string {
	return []string{"alpha", "beta", "gamma", "delta", "epsilon"}[h.rng.Intn(5)] + fmt.Sprint(h.rng.Intn(100))
}

func (h *history) play(steps int) {
	for range steps {
		h.now = h.now.Add(time.Duration(h.rng.Intn(600)) * time.Second)
		d := h.devs[h.rng.Intn(len(h.devs))]
		ids := make([]string, 0)
		for _, a := range d.v.Accounts() {
			ids = append(ids, a.ID)
		}
		switch op := h.rng.Intn(100); {
		case op < 15 || len(ids) == 0:
			h.add(d)
		case op < 40:
			h.edit(d, ids[h.rng.Intn(len(ids))])
		case op < 47:
			h.remove(d, ids[h.rng.Intn(len(ids))])
		case op < 55:
			h.advance(d, ids[h.rng.Intn(len(ids))])
		case op < 63:
			h.use(d, ids[h.rng.Intn(len(ids))])
		case op < 66:
			h.passwd(d)
		case op < 68:
			h.recover(d)
		case op < 70:
			h.newCodes(d)
		case op < 73:
			h.moveOne(d, ids)
		case op < 95:
			h.sync(d, h.devs[h.rng.Intn(len(h.devs))])
		default:
			if len(h.snaps) < 2 {
				h.snaps = append(h.snaps, d.v.replica())
			}
		}
	}
}

func (h *history) add(d *device) {
	k := rfcKey()
	if h.rng.Intn(3) == 0 {
		k = hotpKey()
		k.Counter = uint64(h.rng.Intn(5))
	}
	k.Secret = []byte(h.word() + "-secret-" + h.word())
	k.Issuer, k.Name = h.word(), h.word()
	a := Account{Key: k, Note: h.word(), Tags: []string{h.word()}}
	if h.rng.Intn(2) == 0 {
		a.BackupCodes = []ServiceCode{{Code: h.word()}, {Code: h.word() + "x"}}
	}
	added, err := d.v.Add(a)
	must(h.t, err)
	a = added[0]
	m := d.v.meta[a.ID]
	at := h.stamp(d, m.added)
	for f, val := range values(a) {
		h.write(d, a.ID, f, at, val)
	}
	h.counter[a.ID] = max(h.counter[a.ID], a.Key.Counter)
}

func (h *history) edit(d *device, id string) {
	a, _ := d.v.Account(id)
	n := 1 + h.rng.Intn(2)
	for range n {
		switch h.rng.Intn(8) {
		case 0:
			a.Key.Secret = []byte("new " + h.word())
		case 1:
			a.Key.Issuer = h.word()
		case 2:
			a.Key.Name = h.word()
		case 3:
			a.Note = h.word()
		case 4:
			a.Tags = []string{h.word(), h.word()}
		case 5:
			a.Pinned = !a.Pinned
		case 6:
			a.Icon = []byte(h.word())
		case 7:
			a.BackupCodes = append(slices.Clone(a.BackupCodes), ServiceCode{Code: h.word()})
		}
	}
	before := values(must1(d.v.Account(id)))
	must(h.t, d.v.Update(a))
	after := must1(d.v.Account(id))
	m := d.v.meta[id]
	st := map[string]Stamp{"key": m.t.Key, "issuer": m.t.Issuer, "name": m.t.Name, "note": m.t.Note,
		"tags": m.t.Tags, "pinned": m.t.Pinned, "icon": m.t.Icon, "codes": m.t.Codes}
	var at Stamp
	for f, val := range values(after) {
		if val != before[f] {
			if at.IsZero() {
				at = h.stamp(d, st[f])
			} else if st[f] != at {
				h.t.Errorf("one update, two stamps: %v and %v", at, st[f])
			}
			h.write(d, id, f, at, val)
		}
	}
}

func must1(a Account, ok bool) Account { return a }

func (h *history) remove(d *device, id string) {
	a, err := d.v.Delete(id)
	must(h.t, err)
	at := h.stamp(d, d.v.dead[id].deleted)
	h.write(d, id, "delete", at, "")
	if h.rng.Intn(4) == 0 {
		// Undone at once: every field written again.
		h.now = h.now.Add(time.Second)
		must(h.t, d.v.Restore(a, 0))
		m := d.v.meta[id]
		at := h.stamp(d, m.t.Key)
		for f, val := range values(a) {
			h.write(d, id, f, at, val)
		}
		h.stamp(d, d.v.orderAt)
	}
}

func (h *history) advance(d *device, id string) {
	a, _ := d.v.Account(id)
	if a.Key.Type != otp.HOTP {
		return
	}
	a.Key.Counter++
	must(h.t, d.v.Update(a))
	h.counter[id] = max(h.counter[id], a.Key.Counter)
}

func (h *history) use(d *device, id string) {
	must(h.t, d.v.MarkUsed(id))
	a, _ := d.v.Account(id)
	h.lastUse[id] = maxTime(h.lastUse[id], a.LastUsed)
	if i := slices.IndexFunc(a.BackupCodes, func(c ServiceCode) bool { return !c.Used }); i >= 0 {
		a.BackupCodes[i].Used, a.BackupCodes[i].UsedAt = true, d.v.now()
		must(h.t, d.v.Update(a))
		if h.spent[id] == nil {
			h.spent[id] = map[string]bool{}
		}
		h.spent[id][a.BackupCodes[i].Code] = true
	}
}

func (h *history) keyChanged(d *device) {
	h.stamp(d, d.v.keyMade)
	h.keys = append(h.keys, keyEvent{d.v.pwAt, d.v.keyMade, slices.Clone(d.v.dataKey)})
}

func (h *history) passwd(d *device) {
	d.password = "pw " + h.word()
	codes, err := d.v.SetPassword([]byte(d.password))
	must(h.t, err)
	if codes != nil {
		h.t.Fatalf("a password change made new codes: got %d", len(codes))
	}
	h.keyChanged(d)
}

// recover opens the device's file with one of the first set's codes that
// still opens it, and sets a new password.
func (h *history) recover(d *device) {
	mustSave(h.t, d.v)
	o := d.v.opts
	node, seen := d.v.clock.node, d.v.clock.last
	d.v.Close()
	for _, code := range h.plain {
		v, err := openWithBackupCode(d.path, code, o)
		if errors.Is(err, ErrWrongBackupCode) {
			continue
		}
		must(h.t, err)
		v.clock.node = node
		v.clock.see(seen)
		used := v.slots[v.usedCodeSlot].salt
		d.v = v
		h.passwd(d)
		h.used[used] = true
		if _, ok := d.v.usedCodes[used]; !ok {
			h.t.Error("recovery: the used code's slot is not marked used")
		}
		return
	}
	// Every code of the first set is used or replaced here: reopen.
	v, err := open(d.path, []byte(d.password), o)
	must(h.t, err)
	v.clock.node = node
	v.clock.see(seen)
	d.v = v
}

func (h *history) newCodes(d *device) {
	if d.v.passwordKEK == nil {
		// A merge took another computer's password: new codes need it
		// typed again.
		_, err := d.v.RegenerateBackupCodes()
		wantErr(h.t, "new codes after the password changed elsewhere", err, ErrNeedsPassword)
		return
	}
	_, err := d.v.RegenerateBackupCodes()
	must(h.t, err)
	h.keyChanged(d)
	h.codes = append(h.codes, codeEvent{at: d.v.codesAt, salts: codeSalts(d.v.slots)})
}

func (h *history) moveOne(d *device, ids []string) {
	if len(ids) < 2 {
		return
	}
	must(h.t, d.v.Move(ids[h.rng.Intn(len(ids))], h.rng.Intn(len(ids))))
	h.stamp(d, d.v.orderAt)
}

// sync merges from's state into to: in memory, or through from's saved
// file when to holds a key that opens it.
func (h *history) sync(to, from *device) {
	if to == from {
		return
	}
	runs := kdfRuns.Load()
	if h.rng.Intn(2) == 0 {
		mustSave(h.t, from.v)
		data, err := (osFS{}).ReadFile(from.path)
		must(h.t, err)
		if _, err := to.v.MergeCopy(data); err != nil {
			if !errors.Is(err, ErrUnknownKey) {
				h.t.Fatalf("MergeCopy: %v", err)
			}
			// Made after a key change to has not seen: its password opens it.
			if _, err := to.v.MergeCopyWithPassword(data, []byte(from.password)); err != nil {
				h.t.Fatalf("MergeCopyWithPassword: %v", err)
			}
			runs++
		}
	} else {
		r := from.v.replica()
		_, err := to.v.mergeIn(r)
		r.wipe()
		must(h.t, err)
	}
	if got := kdfRuns.Load(); got != runs {
		h.t.Errorf("a merge ran the KDF %d times, want none", got-runs)
	}
	to.seen = maxStamp(to.seen, from.seen)
	// to now takes what from had as its own password, if from's won.
	if bytes.Equal(to.v.dataKey, from.v.dataKey) {
		to.password = from.password
	}
}

func (h *history) check() {
	t := h.t
	t.Helper()
	var inputs []*replica
	for _, d := range h.devs {
		inputs = append(inputs, d.v.replica())
	}
	inputs = append(inputs, h.snaps...)
	runs := kdfRuns.Load()
	merge := func(a, b *replica) *replica {
		r, err := mergeReplicas(a, b)
		must(t, err)
		return r
	}
	foldAll := func(order []int) *replica {
		r := inputs[order[0]]
		for _, i := range order[1:] {
			r = merge(r, inputs[i])
		}
		return r
	}
	// A random binary tree over a random order: associativity.
	var tree func(idx []int) *replica
	tree = func(idx []int) *replica {
		if len(idx) == 1 {
			return inputs[idx[0]]
		}
		cut := 1 + h.rng.Intn(len(idx)-1)
		l, r := tree(idx[:cut]), tree(idx[cut:])
		if h.rng.Intn(2) == 0 {
			return merge(l, r)
		}
		return merge(r, l)
	}
	want := foldAll(h.rng.Perm(len(inputs)))
	for range 12 {
		order := h.rng.Perm(len(inputs))
		if got := foldAll(order); !equalReplicas(got, want) {
			t.Errorf("merged in order %v: a different vault\n got %s\nwant %s", order, canonical(got), canonical(want))
			return
		}
		if got := tree(order); !equalReplicas(got, want) {
			t.Errorf("merged as a tree over %v: a different vault\n got %s\nwant %s", order, canonical(got), canonical(want))
			return
		}
	}
	if !equalReplicas(merge(want, want), want) {
		t.Error("merging the result with itself changed it")
	}
	for i, in := range inputs {
		if !equalReplicas(merge(want, in), want) || !equalReplicas(merge(in, want), want) {
			t.Errorf("merging input %d into the result changed it", i)
		}
	}
	if got := kdfRuns.Load(); got != runs {
		t.Errorf("merging ran the KDF %d times, want none", got-runs)
	}
	h.oracle(want)
}

// oracle replays the event log with the rules, never calling the merge,
// and compares with the merged vault.
func (h *history) oracle(got *replica) {
	t := h.t
	type reg struct {
		at  Stamp
		val string
	}
	last := map[string]map[string]reg{}
	deleted := map[string]Stamp{}
	for _, e := range h.events {
		if e.field == "delete" {
			deleted[e.id] = maxStamp(deleted[e.id], e.at)
			continue
		}
		if last[e.id] == nil {
			last[e.id] = map[string]reg{}
		}
		if r, ok := last[e.id][e.field]; !ok || e.at.After(r.at) {
			last[e.id][e.field] = reg{e.at, e.val}
		}
	}
	for id, regs := range last {
		rec, ok := got.recs[id]
		if !ok {
			t.Errorf("account %s: missing from the merge", id)
			continue
		}
		newest := Stamp{}
		for _, r := range regs {
			newest = maxStamp(newest, r.at)
		}
		alive := deleted[id].IsZero() || newest.After(deleted[id])
		if rec.alive() != alive {
			t.Errorf("account %s: shown %v, want %v (last write %v, removed %v)", id, rec.alive(), alive, newest, deleted[id])
		}
		vals := values(rec.a)
		for f, r := range regs {
			if vals[f] != r.val {
				t.Errorf("account %s: %s is %q, want %q written at %v", id, f, vals[f], r.val, r.at)
			}
		}
		if rec.a.Key.Counter != h.counter[id] {
			t.Errorf("account %s: counter %d, want the highest, %d", id, rec.a.Key.Counter, h.counter[id])
		}
		if !rec.a.LastUsed.Equal(h.lastUse[id]) && !h.lastUse[id].IsZero() {
			t.Errorf("account %s: last used %v, want %v", id, rec.a.LastUsed, h.lastUse[id])
		}
		for code := range h.spent[id] {
			if _, ok := rec.spent[code]; !ok {
				t.Errorf("account %s: service code %q used somewhere is not used", id, code)
			}
		}
		for _, c := range rec.a.BackupCodes {
			if _, ok := rec.spent[c.Code]; ok != c.Used {
				t.Errorf("account %s: code %q shown used %v", id, c.Code, c.Used)
			}
		}
	}
	if len(got.recs) != len(last) {
		t.Errorf("the merge holds %d accounts, the history made %d", len(got.recs), len(last))
	}
	// The key: that of the latest password change, then the latest key.
	best := h.keys[0]
	for _, k := range h.keys[1:] {
		if c := k.pwAt.Compare(best.pwAt); c > 0 || c == 0 && k.made.After(best.made) {
			best = k
		}
	}
	if !bytes.Equal(got.key, best.key) {
		t.Errorf("the merge's key was made at %v, want the one made at %v (password changed %v)", got.keyMade, best.made, best.pwAt)
	}
	for _, k := range h.keys {
		if !bytes.Equal(k.key, got.key) && len(h.keys) <= maxEarlierKeys &&
			!slices.ContainsFunc(got.earlier, func(e earlierKey) bool { return bytes.Equal(e.key, k.key) }) {
			t.Errorf("the key made at %v is neither current nor earlier", k.made)
		}
	}
	// The code slots: the newest set, less the used codes.
	set := h.codes[0]
	for _, c := range h.codes[1:] {
		if c.at.After(set.at) {
			set = c
		}
	}
	var want [][saltSize]byte
	for _, s := range set.salts {
		if !h.used[s] {
			want = append(want, s)
		}
	}
	gotSalts := codeSalts(got.slots)
	sortSalts := func(s [][saltSize]byte) {
		slices.SortFunc(s, func(a, b [saltSize]byte) int { return bytes.Compare(a[:], b[:]) })
	}
	sortSalts(want)
	sortSalts(gotSalts)
	if !slices.Equal(gotSalts, want) {
		t.Errorf("code slots: got %d, want %d (the newest set, %v, less %d used)", len(gotSalts), len(want), set.at, len(h.used))
	}
	for s := range h.used {
		if _, ok := got.usedCodes[s]; !ok {
			t.Error("a used backup code is not marked used")
		}
	}
}

// quickFS is the real file system without fsync: the property test saves
// thousands of times, and durability is tested elsewhere.
type quickFS struct{ osFS }

func (quickFS) CreateTemp(dir, pattern string) (tempFile, error) {
	f, err := osFS{}.CreateTemp(dir, pattern)
	if err != nil {
		return nil, err
	}
	return quickFile{f}, nil
}

func (quickFS) SyncDir(string) error { return nil }

type quickFile struct{ tempFile }

func (quickFile) Sync() error { return nil }

// canonical is the replica's encoding with its lists in a fixed order, to
// show two replicas side by side.
func canonical(r *replica) []byte {
	c := *r
	c.earlier = slices.Clone(r.earlier)
	sortEarlier(c.earlier)
	b, _ := encodeReplica(&c, true, true)
	return b
}

// equalReplicas decides whether a conflict copy may be deleted
// (SavedCoversEach): it must see a difference in every part of a replica.
func TestEqualReplicasSeesEveryPart(t *testing.T) {
	v, _, _ := newTestVault(t)
	mustAdd(t, v, Account{ID: "x", Key: hotpKey(), Note: "n", Tags: []string{"t"}, Icon: []byte("i"),
		BackupCodes: []ServiceCode{{Code: "1", Used: true, UsedAt: t59}, {Code: "2"}}, LastUsed: t59})
	if _, err := v.Delete(mustAdd(t, v, Account{Key: rfcKey()})[0].ID); err != nil {
		t.Fatal(err)
	}
	must(t, v.Move("x", 0))
	base := v.replica()
	if !equalReplicas(base, v.replica()) {
		t.Fatal("a replica differs from itself")
	}
	x := func(r *replica) *record { return r.recs["x"] }
	for name, change := range map[string]func(r *replica){
		"secret":      func(r *replica) { x(r).a.Key.Secret = []byte("other") },
		"issuer":      func(r *replica) { x(r).a.Key.Issuer = "other" },
		"name":        func(r *replica) { x(r).a.Key.Name = "other" },
		"counter":     func(r *replica) { x(r).a.Key.Counter++ },
		"note":        func(r *replica) { x(r).a.Note = "other" },
		"tags":        func(r *replica) { x(r).a.Tags = nil },
		"pinned":      func(r *replica) { x(r).a.Pinned = true },
		"icon":        func(r *replica) { x(r).a.Icon = nil },
		"codes":       func(r *replica) { x(r).a.BackupCodes = x(r).a.BackupCodes[:1] },
		"code used":   func(r *replica) { x(r).a.BackupCodes[1].Used = true },
		"used at":     func(r *replica) { x(r).a.BackupCodes[0].UsedAt = time.Time{} },
		"spent":       func(r *replica) { x(r).spent["gone"] = t59 },
		"last used":   func(r *replica) { x(r).a.LastUsed = time.Time{} },
		"modified":    func(r *replica) { x(r).a.Modified = t59 },
		"created":     func(r *replica) { x(r).a.Created = t59 },
		"a stamp":     func(r *replica) { x(r).t.Note.Logical++ },
		"added":       func(r *replica) { x(r).added.Logical++ },
		"removed":     func(r *replica) { x(r).deleted = Stamp{Wall: 1} },
		"tombstone":   func(r *replica) { maps.DeleteFunc(r.recs, func(_ string, rec *record) bool { return !rec.alive() }) },
		"order":       func(r *replica) { r.order = nil },
		"order stamp": func(r *replica) { r.orderAt.Logical++ },
		"setting":     func(r *replica) { r.settings.Sort = SortName },
		"setting at":  func(r *replica) { r.setAt.Sort.Logical++ },
		"key":         func(r *replica) { r.key = newDataKey() },
		"key made":    func(r *replica) { r.keyMade.Logical++ },
		"password":    func(r *replica) { r.pwAt.Logical++ },
		"code set":    func(r *replica) { r.codesAt.Logical++ },
		"earlier":     func(r *replica) { r.earlier = append(r.earlier, earlierKey{key: newDataKey()}) },
		"used code":   func(r *replica) { r.usedCodes = map[[saltSize]byte]Stamp{{1}: {Wall: 1}} },
		"slots":       func(r *replica) { r.slots = r.slots[:len(r.slots)-1] },
	} {
		r := v.replica()
		change(r)
		if equalReplicas(base, r) || equalReplicas(r, base) {
			t.Errorf("%s changed: equalReplicas still says equal", name)
		}
	}
}
