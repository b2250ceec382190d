package interop

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// The JSON readers walk a file member by member and element by element over
// the bytes they were given, instead of decoding it whole: decoding a list
// of a million tiny entries into json.RawMessage values, maps or structs
// costs tens of times the file's size, while walking costs nothing and only
// what is kept is allocated. Entries are then decoded one at a time with
// json.Unmarshal, at most MaxEntries of them (the collector stops there);
// everything else a reader needs from a file (group names, folder names,
// whether an item has a key at all) is read with the walker itself.
//
// The walker trusts its input to be valid JSON: every caller checks that
// first (json.Valid or json.Unmarshal of the whole text), so it never has to
// report a syntax error.

// jsonKind is the kind of a JSON value, from its first byte.
type jsonKind byte

const (
	jsonOther  jsonKind = iota // number, true or false
	jsonNull                   // null
	jsonString                 // "..."
	jsonObject                 // {...}
	jsonArray                  // [...]
)

func kindOf(v []byte) jsonKind {
	if len(v) == 0 {
		return jsonOther
	}
	switch v[0] {
	case '"':
		return jsonString
	case '{':
		return jsonObject
	case '[':
		return jsonArray
	case 'n':
		return jsonNull
	}
	return jsonOther
}

func isJSONSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func skipJSONSpace(b []byte, i int) int {
	for i < len(b) && isJSONSpace(b[i]) {
		i++
	}
	return i
}

// valueEnd returns the index just past the JSON value that starts at b[i].
func valueEnd(b []byte, i int) int {
	if i >= len(b) {
		return len(b) // only on input that is not JSON: never index past it
	}
	switch b[i] {
	case '"':
		return stringEnd(b, i)
	case '{', '[':
		depth := 0
		for ; i < len(b); i++ {
			switch b[i] {
			case '"':
				i = stringEnd(b, i) - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
		}
		return len(b)
	}
	for i < len(b) && b[i] != ',' && b[i] != '}' && b[i] != ']' && !isJSONSpace(b[i]) {
		i++
	}
	return i
}

// stringEnd returns the index just past the string that starts at b[i].
func stringEnd(b []byte, i int) int {
	for i++; i < len(b); i++ {
		switch b[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return len(b)
}

// trimJSON drops the white space around a value.
func trimJSON(v []byte) []byte {
	return bytes.TrimFunc(v, func(r rune) bool { return r < utf8.RuneSelf && isJSONSpace(byte(r)) })
}

// eachMember calls fn with the raw (quoted) key and the value of each member
// of the object v, in file order, until fn returns false. v that is not an
// object has no members.
func eachMember(v []byte, fn func(key, value []byte) bool) {
	v = trimJSON(v)
	if kindOf(v) != jsonObject {
		return
	}
	for i := skipJSONSpace(v, 1); i < len(v) && v[i] != '}'; {
		k := stringEnd(v, i)
		key := v[i:k]
		start := skipJSONSpace(v, skipJSONSpace(v, k)+1) // past the colon
		end := valueEnd(v, start)
		if !fn(key, v[start:end]) {
			return
		}
		i = nextItem(v, end)
	}
}

// nextItem is where the member or element after the one ending at end
// starts: past spaces and a comma.
func nextItem(v []byte, end int) int {
	i := skipJSONSpace(v, end)
	if i < len(v) && v[i] == ',' {
		i = skipJSONSpace(v, i+1)
	}
	return i
}

// eachElement calls fn with the index and value of each element of the
// array v until fn returns false. v that is not an array has no elements.
func eachElement(v []byte, fn func(i int, value []byte) bool) {
	v = trimJSON(v)
	if kindOf(v) != jsonArray {
		return
	}
	n := 0
	for i := skipJSONSpace(v, 1); i < len(v) && v[i] != ']'; n++ {
		end := valueEnd(v, i)
		if !fn(n, v[i:end]) {
			return
		}
		i = nextItem(v, end)
	}
}

// keyIs reports whether the raw key names name, ignoring ASCII case as
// encoding/json does when it fills a struct field.
func keyIs(key []byte, name string) bool {
	if plainKey(key) {
		return len(key) == len(name)+2 && bytes.EqualFold(key[1:len(key)-1], []byte(name))
	}
	s, ok := jsonText(key)
	return ok && bytes.EqualFold([]byte(s), []byte(name))
}

// keyIsExactly is keyIs without case folding: how formats are told apart.
func keyIsExactly(key []byte, name string) bool {
	if plainKey(key) {
		return len(key) == len(name)+2 && string(key[1:len(key)-1]) == name
	}
	s, ok := jsonText(key)
	return ok && s == name
}

// plainKey reports whether a raw key means its bytes: no escapes, valid
// UTF-8 (encoding/json turns invalid bytes into U+FFFD).
func plainKey(key []byte) bool {
	return len(key) >= 2 && bytes.IndexByte(key, '\\') < 0 && utf8.Valid(key)
}

// member returns the value of the last member of object v whose key is
// name (as json.Unmarshal into a struct would take it), or nil.
func member(v []byte, name string) []byte {
	return lookup(v, keyIs, name)[0]
}

// lookup returns, for each of names, the value of the last member of
// object v whose key matches it (by keyIs or keyIsExactly), or nil: one
// pass over v, however many names.
func lookup(v []byte, match func(key []byte, name string) bool, names ...string) [][]byte {
	found := make([][]byte, len(names))
	eachMember(v, func(key, value []byte) bool {
		for i, n := range names {
			if match(key, n) {
				found[i] = value
			}
		}
		return true
	})
	return found
}

// jsonText decodes a JSON string value as encoding/json does (invalid UTF-8
// and lone surrogates become U+FFFD); ok is false for any other kind.
func jsonText(v []byte) (string, bool) {
	v = trimJSON(v)
	if kindOf(v) != jsonString || len(v) < 2 {
		return "", false
	}
	s := v[1 : len(v)-1]
	if bytes.IndexByte(s, '\\') < 0 && utf8.Valid(s) {
		return string(s), true
	}
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s):
			i++
			switch s[i] {
			case 'b':
				out = append(out, '\b')
			case 'f':
				out = append(out, '\f')
			case 'n':
				out = append(out, '\n')
			case 'r':
				out = append(out, '\r')
			case 't':
				out = append(out, '\t')
			case 'u':
				r := hex4(s[i+1:])
				i += 4
				if utf16.IsSurrogate(r) {
					if i+6 < len(s) && s[i+1] == '\\' && s[i+2] == 'u' {
						if dec := utf16.DecodeRune(r, hex4(s[i+3:])); dec != unicode.ReplacementChar {
							out = utf8.AppendRune(out, dec)
							i += 7
							continue
						}
					}
					r = unicode.ReplacementChar
				}
				out = utf8.AppendRune(out, r)
			default: // '"', '\\', '/'
				out = append(out, s[i])
			}
			i++
		case c < utf8.RuneSelf:
			out = append(out, c)
			i++
		default:
			r, size := utf8.DecodeRune(s[i:])
			if r == utf8.RuneError && size == 1 {
				out = utf8.AppendRune(out, unicode.ReplacementChar)
			} else {
				out = append(out, s[i:i+size]...)
			}
			i += size
		}
	}
	return string(out), true
}

// hex4 reads the four hex digits of a \u escape; -1 when they are not.
func hex4(b []byte) rune {
	if len(b) < 4 {
		return -1
	}
	var r rune
	for _, c := range b[:4] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			c = c - 'A' + 10
		default:
			return -1
		}
		r = r<<4 | rune(c)
	}
	return r
}

// decodeEntry decodes one entry of a list into v, which it zeroes first.
// null leaves v zero, as json.Unmarshal does; any other value that is not
// an object is refused here, before encoding/json spends allocations on
// reporting it.
func decodeEntry[T any](raw []byte, v *T) error {
	var zero T
	*v = zero
	switch kindOf(trimJSON(raw)) {
	case jsonNull:
		return nil
	case jsonObject:
		return json.Unmarshal(raw, v)
	}
	return errNotObject
}

var errNotObject = errors.New("not an object")

// textList is a list of tags (or group references) in an entry: it keeps the
// first maxTags distinct non-blank ones, trimmed, as cleanTags would, so a
// file listing millions costs no more than their text.
type textList []string

func (l *textList) UnmarshalJSON(b []byte) error {
	*l = nil
	switch kindOf(b) {
	case jsonNull:
		return nil
	case jsonArray:
	default:
		return errors.New("tags are not a list")
	}
	var err error
	eachElement(b, func(_ int, v []byte) bool {
		if kindOf(v) != jsonString {
			err = errors.New("a tag is not text")
			return false
		}
		if len(*l) < maxTags {
			s, _ := jsonText(v)
			if t := clip(strings.TrimSpace(text(s)), maxText); t != "" && !contains(*l, t) {
				*l = append(*l, t)
			}
		}
		return true
	})
	return err
}

// maxSideEntries caps what a file lists beside its entries (groups,
// folders, categories and the links to them, custom icons): real files hold
// a few dozen, and each one kept costs a map entry.
const maxSideEntries = MaxEntries

// readSideTable calls fn with each of the first maxSideEntries elements of
// list, and notes in c when there were more.
func readSideTable(c *collector, what string, list []byte, fn func(elem []byte)) {
	n := 0
	eachElement(list, func(_ int, v []byte) bool {
		if n == maxSideEntries {
			c.skip(what, fmt.Sprintf("the file lists more than %d %s; the rest were not read", maxSideEntries, what))
			return false
		}
		n++
		fn(v)
		return true
	})
}

// listOrAbsent reports whether v, a member that holds a format's entries, is
// a list, null or missing: anything else is a file of another shape.
func listOrAbsent(v []byte) bool {
	k := kindOf(trimJSON(v))
	return v == nil || k == jsonArray || k == jsonNull
}

// eachEntry decodes the elements of list, a format's entries, one by one
// and hands each to read, until c is full. A list that is neither a list nor
// null nor missing is the error notList ("bad entries: not a list"); an
// element that is not an object is skipped, with notOne ("entry is not an
// Aegis entry") as the reason. One value is reused for every element, so a
// long list costs no more than its largest entry.
func eachEntry[T any](c *collector, list []byte, notList, notOne string, read func(i int, e T)) error {
	return eachWanted(c, list, notList, notOne, nil, read)
}

// eachWanted is eachEntry passing over, without decoding them, the elements
// for which want (when not nil) reports false: the passwords among a
// password manager's items, which do not count toward MaxEntries either.
func eachWanted[T any](c *collector, list []byte, notList, notOne string, want func(raw []byte) bool, read func(i int, e T)) error {
	if !listOrAbsent(list) {
		return errors.New(notList)
	}
	var e T
	eachElement(list, func(i int, raw []byte) bool {
		if c.checkFull() {
			return false
		}
		if want != nil && !want(raw) {
			return true
		}
		if err := decodeEntry(raw, &e); err != nil {
			c.skipAt(i, "", notOne)
			return true
		}
		read(i, e)
		return true
	})
	return nil
}

// readNames reads a side table of {id, name} objects (groups, folders,
// categories) into a map from id to name.
func readNames(c *collector, what string, list []byte, idKey, nameKey string) map[string]string {
	names := map[string]string{}
	readSideTable(c, what, list, func(elem []byte) {
		m := lookup(elem, keyIs, idKey, nameKey)
		id, _ := jsonText(m[0])
		name, _ := jsonText(m[1])
		names[id] = name
	})
	return names
}

// topMembers looks up the named members of data, the whole file, which must
// be an object.
func topMembers(data []byte, names ...string) ([][]byte, error) {
	if kindOf(trimJSON(data)) != jsonObject {
		return nil, errors.New("bad JSON: not an object")
	}
	return lookup(data, keyIs, names...), nil
}

// decodeIfPresent decodes a member the file may leave out into v; v keeps
// its value when the member is missing.
func decodeIfPresent(member []byte, v any) error {
	if member == nil {
		return nil
	}
	if err := json.Unmarshal(member, v); err != nil {
		return fmt.Errorf("bad JSON: %w", err)
	}
	return nil
}
