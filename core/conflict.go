package core

import (
	"path/filepath"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"latchkey/internal/safetext"
)

// Sync tools that find a file changed on two computers while they were
// apart keep one version under the real name and the other beside it,
// under a name of their own. These parsers know those names, strictly:
// a name that is not exactly one of them is not a conflict copy. NAME and
// EXT are the vault file's name without and with its extension
// ("vault" and ".latchkey").

// Tool is the sync tool whose conflict copy a file name is.
type Tool uint8

const (
	Syncthing    Tool = iota + 1 // NAME.sync-conflict-YYYYMMDD-HHMMSS-DEVICE7.EXT
	Dropbox                      // NAME (WHO's conflicted copy YYYY-MM-DD).EXT, NAME (conflicted copy YYYY-MM-DD).EXT
	Nextcloud                    // NAME (conflicted copy YYYY-MM-DD HHMMSS).EXT
	NextcloudOld                 // NAME_conflict-YYYYMMDD-HHMMSS.EXT
	OneDrive                     // NAME-HOSTNAME.EXT (ambiguous: a person's own copy looks the same)
	GoogleDrive                  // NAME (N).EXT (ambiguous as well)
)

func (t Tool) String() string {
	return enumName([]string{Syncthing: "Syncthing", Dropbox: "Dropbox", Nextcloud: "Nextcloud",
		NextcloudOld: "Nextcloud (older)", OneDrive: "OneDrive", GoogleDrive: "Google Drive"}, t, "Tool")
}

// Ambiguous reports whether the tool's names look like names people give
// their own copies: such a file is merged only when it is a copy of this
// vault, which opening it tells.
func (t Tool) Ambiguous() bool { return t == OneDrive || t == GoogleDrive }

// Conflict is a conflict copy's name, parsed.
type Conflict struct {
	Tool Tool
	// When is the date (and, where the name has it, the time) in the name;
	// zero for OneDrive and Google Drive.
	When time.Time
	// Who is the device (Syncthing's 7 characters of its id, OneDrive's
	// computer name), the person (Dropbox), or the number (Google Drive)
	// in the name; "" where it has none.
	Who string
}

// ParseConflict reports whether name is a conflict copy of the vault file
// named vaultName (a base name, "vault.latchkey"), and of which tool.
func ParseConflict(vaultName, name string) (Conflict, bool) {
	if name == vaultName || strings.ContainsAny(name, `/\`) || strings.HasPrefix(name, ".") || len(name) > 255 {
		return Conflict{}, false
	}
	ext := filepath.Ext(vaultName)
	stem := strings.TrimSuffix(vaultName, ext)
	if stem == "" {
		return Conflict{}, false
	}
	mid, ok := strings.CutPrefix(name, stem)
	if !ok {
		return Conflict{}, false
	}
	if mid, ok = strings.CutSuffix(mid, ext); !ok {
		return Conflict{}, false
	}
	for _, p := range parsers {
		if c, ok := p(mid); ok {
			return c, true
		}
	}
	return Conflict{}, false
}

// Name is the file name of the conflict copy c of the vault file
// vaultName: ParseConflict's inverse.
func (c Conflict) Name(vaultName string) string {
	ext := filepath.Ext(vaultName)
	stem := strings.TrimSuffix(vaultName, ext)
	var mid string
	switch c.Tool {
	case Syncthing:
		mid = ".sync-conflict-" + c.When.Format("20060102-150405") + "-" + c.Who
	case Dropbox:
		if c.Who == "" {
			mid = " (conflicted copy " + c.When.Format("2006-01-02") + ")"
		} else {
			mid = " (" + c.Who + " conflicted copy " + c.When.Format("2006-01-02") + ")"
		}
	case Nextcloud:
		mid = " (conflicted copy " + c.When.Format("2006-01-02 150405") + ")"
	case NextcloudOld:
		mid = "_conflict-" + c.When.Format("20060102-150405")
	case OneDrive:
		mid = "-" + c.Who
	case GoogleDrive:
		mid = " (" + c.Who + ")"
	}
	return stem + mid + ext
}

// parsers read the part of a name between NAME and EXT, strictest first.
var parsers = []func(mid string) (Conflict, bool){
	parseSyncthing, parseNextcloud, parseDropbox, parseNextcloudOld, parseGoogleDrive, parseOneDrive,
}

// parseStamp reads a date or date-time in exactly layout's digits.
func parseStamp(layout, s string) (time.Time, bool) {
	if len(s) != len(layout) {
		return time.Time{}, false
	}
	for i := range len(s) {
		if isDigit(layout[i]) != isDigit(s[i]) || (!isDigit(s[i]) && s[i] != layout[i]) {
			return time.Time{}, false
		}
	}
	t, err := time.Parse(layout, s)
	return t, err == nil
}

func isDigit(b byte) bool { return b >= '0' && b <= '9' }

func parseSyncthing(mid string) (Conflict, bool) {
	rest, ok := strings.CutPrefix(mid, ".sync-conflict-")
	if !ok || len(rest) != len("20060102-150405-ABCDEFG") || rest[15] != '-' {
		return Conflict{}, false
	}
	t, ok := parseStamp("20060102-150405", rest[:15])
	dev := rest[16:]
	for i := range len(dev) {
		if c := dev[i]; !(c >= 'A' && c <= 'Z' || c >= '2' && c <= '7') {
			return Conflict{}, false
		}
	}
	return Conflict{Tool: Syncthing, When: t, Who: dev}, ok
}

// enclosed is what mid holds between open and a closing parenthesis that
// ends it, as in " (conflicted copy 2026-01-02 150405)".
func enclosed(mid, open string) (string, bool) {
	rest, ok := strings.CutPrefix(mid, open)
	if !ok {
		return "", false
	}
	return strings.CutSuffix(rest, ")")
}

func parseNextcloud(mid string) (Conflict, bool) {
	rest, ok := enclosed(mid, " (conflicted copy ")
	return stampOnly(Nextcloud, "2006-01-02 150405", rest, ok)
}

// stampOnly reads what a tool's marker held (found says whether the marker
// was there) when that is only a time stamp in layout.
func stampOnly(tool Tool, layout, rest string, found bool) (Conflict, bool) {
	if !found {
		return Conflict{}, false
	}
	t, ok := parseStamp(layout, rest)
	return Conflict{Tool: tool, When: t}, ok
}

func parseDropbox(mid string) (Conflict, bool) {
	rest, ok := enclosed(mid, " (")
	if !ok || len(rest) < len("conflicted copy 2006-01-02") {
		return Conflict{}, false
	}
	date := rest[len(rest)-len("2006-01-02"):]
	t, ok := parseStamp("2006-01-02", date)
	if !ok {
		return Conflict{}, false
	}
	who, ok := strings.CutSuffix(rest[:len(rest)-len(date)], "conflicted copy ")
	if !ok {
		return Conflict{}, false
	}
	if who == "" {
		return Conflict{Tool: Dropbox, When: t}, true
	}
	// "Alice's " (or with a typographic apostrophe): a person's name, no
	// parentheses in it, and nothing that acts on a screen (a line break,
	// an escape, a direction override) or is not text.
	name, ok := strings.CutSuffix(who, "'s ")
	if !ok {
		name, ok = strings.CutSuffix(who, "\u2019s ")
	}
	if !ok || name == "" || len(name) > 100 || strings.ContainsAny(name, "()") || strings.TrimSpace(name) != name ||
		!utf8.ValidString(name) || strings.ContainsFunc(name, safetext.Unsafe) {
		return Conflict{}, false
	}
	return Conflict{Tool: Dropbox, When: t, Who: who[:len(who)-1]}, true
}

func parseNextcloudOld(mid string) (Conflict, bool) {
	rest, ok := strings.CutPrefix(mid, "_conflict-")
	return stampOnly(NextcloudOld, "20060102-150405", rest, ok)
}

func parseGoogleDrive(mid string) (Conflict, bool) {
	rest, ok := enclosed(mid, " (")
	if !ok || rest == "" || len(rest) > 3 || rest[0] == '0' {
		return Conflict{}, false
	}
	if _, err := strconv.ParseUint(rest, 10, 16); err != nil || strings.ContainsAny(rest, "+-") {
		return Conflict{}, false
	}
	return Conflict{Tool: GoogleDrive, Who: rest}, true
}

// parseOneDrive reads "-HOSTNAME": a computer name, letters, digits and
// hyphens, 1 to 63 of them, not starting or ending with a hyphen.
func parseOneDrive(mid string) (Conflict, bool) {
	host, ok := strings.CutPrefix(mid, "-")
	if !ok || host == "" || len(host) > 63 || host[0] == '-' || host[len(host)-1] == '-' {
		return Conflict{}, false
	}
	for i := range len(host) {
		if c := host[i]; !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || isDigit(c) || c == '-') {
			return Conflict{}, false
		}
	}
	return Conflict{Tool: OneDrive, Who: host}, true
}
