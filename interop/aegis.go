package interop

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"latchkey/otp"
)

// The Aegis vault (docs/vault.md of the Aegis project): a JSON object with a
// header and a db. Encrypted, db is base64 AES-256-GCM ciphertext under a
// master key, which each password slot wraps under an scrypt-derived key.

type aegisHeader struct {
	Slots  []aegisSlot  `json:"slots"`
	Params *aegisParams `json:"params"`
}

type aegisParams struct {
	Nonce string `json:"nonce"`
	Tag   string `json:"tag"`
}

type aegisSlot struct {
	Type      int         `json:"type"`
	Key       string      `json:"key"`
	KeyParams aegisParams `json:"key_params"`
	N         int         `json:"n"`
	R         int         `json:"r"`
	P         int         `json:"p"`
	Salt      string      `json:"salt"`
}

type aegisGroup struct {
	UUID string `json:"uuid"`
	Name string `json:"name"`
}

type aegisEntry struct {
	Type     string    `json:"type"`
	UUID     string    `json:"uuid"`
	Name     string    `json:"name"`
	Issuer   string    `json:"issuer"`
	Note     string    `json:"note"`
	Favorite bool      `json:"favorite"`
	Icon     *string   `json:"icon"`
	IconMime *string   `json:"icon_mime,omitempty"`
	IconHash string    `json:"icon_hash,omitempty"`
	Info     aegisInfo `json:"info"`
	Groups   textList  `json:"groups"`
	Group    string    `json:"group,omitempty"` // before db version 3
}

type aegisInfo struct {
	Secret  string  `json:"secret"`
	Algo    string  `json:"algo"`
	Digits  int     `json:"digits"`
	Period  *uint32 `json:"period,omitempty"`
	Counter *uint64 `json:"counter,omitempty"`
}

// aegisSlotPassword is the slot type wrapping the master key under a password.
const aegisSlotPassword = 1

// Caps on an encrypted Aegis header, checked before any key derivation:
// Aegis writes one password slot, plus one per fingerprint unlock set up.
// Each password slot costs a full scrypt run, so a file with thousands of
// them once took seconds per slot.
const (
	maxAegisSlots         = 32
	maxAegisPasswordSlots = 8
)

// readAegis reads an Aegis vault; data is valid JSON (Detect checked). It
// walks the file rather than decoding it whole (see jsonscan.go).
func readAegis(c *collector, data, pw []byte) error {
	top, err := topMembers(data, "version", "db", "header")
	if err != nil {
		return err
	}
	var version int
	if err := decodeIfPresent(top[0], &version); err != nil {
		return err
	}
	if version != 1 {
		return fmt.Errorf("%w: vault version %d", ErrUnsupported, version)
	}
	db := trimJSON(top[1])
	if kindOf(db) == jsonString {
		var err error
		if db, err = decryptAegis(top[2], db, pw); err != nil {
			return err
		}
		if !json.Valid(db) {
			return errors.New("bad entries: the decrypted vault is not JSON")
		}
		db = trimJSON(db)
	}
	if k := kindOf(db); k != jsonObject && k != jsonNull {
		return errors.New("bad entries: the vault's db is not an object")
	}
	lists := lookup(db, keyIs, "entries", "groups")
	entries := lists[0]
	groups := readNames(c, "groups", lists[1], "uuid", "name")
	return eachEntry(c, entries, "bad entries: not a list", "entry is not an Aegis entry", func(i int, e aegisEntry) {
		readAegisEntry(c, i, e, groups)
	})
}

func readAegisEntry(c *collector, i int, e aegisEntry, groups map[string]string) {
	lbl := label(e.Issuer, e.Name)
	k := otp.Key{Issuer: strings.TrimSpace(e.Issuer), Name: strings.TrimSpace(e.Name), Digits: e.Info.Digits}
	var ok bool
	if k.Type, ok = parseType(e.Type); !ok {
		c.skipAt(i, lbl, unsupportedType(e.Type))
		return
	}
	var err error
	if k.Secret, err = otp.ParseSecret(e.Info.Secret); err != nil {
		c.skipAt(i, lbl, err.Error())
		return
	}
	if k.Algorithm, err = parseAlgorithm(e.Info.Algo); err != nil {
		c.skipAt(i, lbl, err.Error())
		return
	}
	if k.Type.TimeBased() {
		k.Period = otp.DefaultPeriod
		if e.Info.Period != nil {
			k.Period = *e.Info.Period
		}
	} else {
		if e.Info.Counter == nil {
			c.skipAt(i, lbl, "hotp entry without a counter")
			return
		}
		k.Counter = *e.Info.Counter
	}
	entry := Entry{Key: k, Note: e.Note, Pinned: e.Favorite}
	for _, g := range e.Groups {
		if name, ok := groups[g]; ok {
			entry.Tags = append(entry.Tags, name)
		}
	}
	if e.Group != "" {
		entry.Tags = append(entry.Tags, e.Group)
	}
	if e.Icon != nil {
		entry.Icon = decodeIcon(*e.Icon)
	}
	c.add(entry)
}

// unsupportedType says why an entry of type t was skipped. The type is named
// only when it is a known one: a value in the wrong field may be a secret.
func unsupportedType(t string) string {
	switch strings.ToLower(strings.TrimSpace(t)) {
	case "motp":
		return "mOTP codes are not supported"
	case "yandex", "yaotp":
		return "Yandex codes are not supported"
	case "":
		return "entry without a type"
	}
	return "codes of an unknown type are not supported"
}

// decodeIcon decodes a base64 icon, or gives nil when it is too large or
// not base64; an icon is never worth losing the account over.
func decodeIcon(s string) []byte {
	if s == "" || base64.StdEncoding.DecodedLen(len(s)) > MaxIconSize+3 {
		return nil
	}
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil || len(b) > MaxIconSize {
		return nil
	}
	return b
}

// decryptAegis unwraps the master key with the first password slot that
// opens, then decrypts the db (a JSON string of base64). Every slot's cost
// is checked before the first key derivation runs.
func decryptAegis(header, db, pw []byte) ([]byte, error) {
	h := lookup(header, keyIs, "params", "slots")
	var params aegisParams
	if p := h[0]; kindOf(trimJSON(p)) != jsonObject || json.Unmarshal(p, &params) != nil {
		return nil, errors.New("encrypted vault without its parameters")
	}
	nonce, err1 := hex.DecodeString(params.Nonce)
	tag, err2 := hex.DecodeString(params.Tag)
	dbText, _ := jsonText(db)
	ct, err3 := base64.StdEncoding.DecodeString(dbText)
	if err := errors.Join(err1, err2, err3); err != nil {
		return nil, fmt.Errorf("bad vault header: %w", err)
	}
	var slots []aegisSlot
	var err error
	count := 0
	eachElement(h[1], func(i int, raw []byte) bool {
		if count++; count > maxAegisSlots {
			return false
		}
		var s aegisSlot
		if e := decodeEntry(raw, &s); e != nil {
			err = fmt.Errorf("bad vault header: slot %d: %w", i+1, e)
			return false
		}
		if s.Type == aegisSlotPassword {
			slots = append(slots, s)
		}
		return true
	})
	switch {
	case err != nil:
		return nil, err
	case count > maxAegisSlots:
		return nil, fmt.Errorf("%w: more than %d key slots (Aegis writes one per password or fingerprint)", errKDFLimit, maxAegisSlots)
	case len(slots) > maxAegisPasswordSlots:
		return nil, fmt.Errorf("%w: %d password slots (Aegis writes one)", errKDFLimit, len(slots))
	case len(slots) == 0:
		// Biometric slots need the phone's key store.
		return nil, fmt.Errorf("%w: no password slot", ErrUnsupported)
	}
	work := 0
	for _, s := range slots {
		w, err := scryptWork(s.N, s.R, s.P)
		if err != nil {
			return nil, err
		}
		if work += w; work > maxScryptWork {
			return nil, fmt.Errorf("%w: %d password slots asking for scrypt work %d in all", errKDFLimit, len(slots), work)
		}
	}
	for _, s := range slots {
		master, err := openAegisSlot(s, pw)
		if errors.Is(err, ErrWrongPassword) {
			continue
		}
		if err != nil {
			return nil, err
		}
		return openGCM(master, nonce, append(ct, tag...))
	}
	return nil, ErrWrongPassword
}

func openAegisSlot(s aegisSlot, pw []byte) ([]byte, error) {
	salt, err1 := hex.DecodeString(s.Salt)
	wrapped, err2 := hex.DecodeString(s.Key)
	nonce, err3 := hex.DecodeString(s.KeyParams.Nonce)
	tag, err4 := hex.DecodeString(s.KeyParams.Tag)
	if err := errors.Join(err1, err2, err3, err4); err != nil {
		return nil, fmt.Errorf("bad password slot: %w", err)
	}
	key, err := deriveScrypt(pw, salt, s.N, s.R, s.P)
	if err != nil {
		return nil, err
	}
	master, err := openGCM(key, nonce, append(wrapped, tag...))
	if err != nil {
		return nil, err
	}
	if len(master) != 32 {
		return nil, errors.New("master key of the wrong size")
	}
	return master, nil
}

// WriteAegis writes entries as a plain (unencrypted) Aegis vault, database
// version 3: names, keys, notes, favourites, icons (PNG, JPEG or SVG) and
// tags as Aegis groups. Every UUID is random. The output holds every secret
// in clear: callers must confirm with the user before writing it.
func WriteAegis(w io.Writer, entries []Entry) error {
	db := struct {
		Version        int          `json:"version"`
		Entries        []aegisEntry `json:"entries"`
		Groups         []aegisGroup `json:"groups"`
		IconsOptimized bool         `json:"icons_optimized"`
	}{Version: 3, Entries: []aegisEntry{}, Groups: []aegisGroup{}, IconsOptimized: true}
	groupIDs := map[string]string{}
	for i, e := range entries {
		k := e.Key
		if err := k.Validate(); err != nil {
			return fmt.Errorf("interop: aegis export: entry %d (%s): %w", i+1, k.Label(), err)
		}
		id, err := newUUID()
		if err != nil {
			return err
		}
		ae := aegisEntry{
			Type: k.Type.String(), UUID: id, Name: k.Name, Issuer: k.Issuer,
			Note: e.Note, Favorite: e.Pinned, Groups: []string{},
			Info: aegisInfo{Secret: otp.EncodeSecret(k.Secret), Algo: k.Algorithm.String(), Digits: k.Digits},
		}
		if k.Type.TimeBased() {
			p := k.Period
			ae.Info.Period = &p
		} else {
			ctr := k.Counter
			ae.Info.Counter = &ctr
		}
		if mime := iconMime(e.Icon); mime != "" && len(e.Icon) <= MaxIconSize {
			icon := base64.StdEncoding.EncodeToString(e.Icon)
			sum := sha256.Sum256(e.Icon)
			ae.Icon, ae.IconMime, ae.IconHash = &icon, &mime, hex.EncodeToString(sum[:])
		}
		for _, t := range cleanTags(e.Tags) {
			gid, ok := groupIDs[t]
			if !ok {
				if gid, err = newUUID(); err != nil {
					return err
				}
				groupIDs[t] = gid
				db.Groups = append(db.Groups, aegisGroup{UUID: gid, Name: t})
			}
			ae.Groups = append(ae.Groups, gid)
		}
		db.Entries = append(db.Entries, ae)
	}
	dbJSON, err := json.Marshal(db)
	if err != nil {
		return fmt.Errorf("interop: aegis export: %w", err)
	}
	out := struct {
		Version int             `json:"version"`
		Header  aegisHeader     `json:"header"`
		DB      json.RawMessage `json:"db"`
	}{Version: 1, DB: dbJSON}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "    ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(out); err != nil {
		return fmt.Errorf("interop: aegis export: %w", err)
	}
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("interop: aegis export: %w", err)
	}
	return nil
}

// iconMime names the image types Aegis accepts, from their content.
func iconMime(b []byte) string {
	switch {
	case len(b) == 0:
		return ""
	case bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")):
		return "image/png"
	case bytes.HasPrefix(b, []byte("\xff\xd8\xff")):
		return "image/jpeg"
	}
	head := b[:min(len(b), 512)]
	if bytes.Contains(head, []byte("<svg")) {
		return "image/svg+xml"
	}
	return ""
}

// newUUID is a random (version 4) UUID.
func newUUID() (string, error) {
	var u [16]byte
	if _, err := rand.Read(u[:]); err != nil {
		return "", fmt.Errorf("interop: random: %w", err)
	}
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	h := hex.EncodeToString(u[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:], nil
}
