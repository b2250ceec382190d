package qrimport

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// Content is what a QR code (or a pasted text) holds.
type Content uint8

const (
	ContentEmpty     Content = iota // nothing at all
	ContentKey                      // an otpauth:// or steam:// key URI
	ContentMigration                // a Google Authenticator export, otpauth-migration://
	ContentWebLink                  // http:// or https://
	ContentWiFi                     // WIFI:... network settings
	ContentContact                  // a vCard or MECARD
	ContentEmail                    // mailto: or an e-mail message
	ContentPhone                    // tel:
	ContentSMS                      // sms: or smsto:
	ContentLocation                 // geo:
	ContentCalendar                 // an iCalendar event
	ContentOtherURI                 // another scheme://
	ContentText                     // anything else
)

// contentNames says what each kind of content is, as messages name it.
var contentNames = [...]string{
	ContentEmpty:     "nothing",
	ContentKey:       "an authenticator key",
	ContentMigration: "a Google Authenticator export",
	ContentWebLink:   "a web link",
	ContentWiFi:      "Wi-Fi network settings",
	ContentContact:   "a contact card",
	ContentEmail:     "an e-mail address",
	ContentPhone:     "a phone number",
	ContentSMS:       "a text message",
	ContentLocation:  "a map location",
	ContentCalendar:  "a calendar event",
	ContentOtherURI:  "a link of another kind",
	ContentText:      "plain text",
}

func (c Content) String() string {
	if int(c) < len(contentNames) {
		return contentNames[c]
	}
	return fmt.Sprintf("Content(%d)", uint8(c))
}

// Classify says what a QR code's text holds, without parsing it fully.
func Classify(text string) Content {
	t := strings.TrimSpace(text)
	lower := strings.ToLower(t[:min(len(t), 32)])
	has := func(prefixes ...string) bool {
		for _, p := range prefixes {
			if strings.HasPrefix(lower, p) {
				return true
			}
		}
		return false
	}
	switch {
	case t == "":
		return ContentEmpty
	case has("otpauth://", "steam://"):
		return ContentKey
	case has("otpauth-migration://"):
		return ContentMigration
	case has("http://", "https://", "www."):
		return ContentWebLink
	case has("wifi:"):
		return ContentWiFi
	case has("begin:vcard", "mecard:"):
		return ContentContact
	case has("mailto:", "matmsg:"):
		return ContentEmail
	case has("tel:"):
		return ContentPhone
	case has("sms:", "smsto:"):
		return ContentSMS
	case has("geo:"):
		return ContentLocation
	case has("begin:vevent", "begin:vcalendar"):
		return ContentCalendar
	}
	if u, err := url.Parse(t); err == nil && u.Scheme != "" && strings.Contains(t, "://") {
		return ContentOtherURI
	}
	return ContentText
}

// ErrNotKey is wrapped by every ContentError.
var ErrNotKey = errors.New("not an authenticator key")

// ContentError reports a QR code (or text) that holds something other than
// a key. It never quotes the text, which could be anything.
type ContentError struct {
	Content Content
}

func (e *ContentError) Error() string {
	return fmt.Sprintf("this QR code holds %s, not an authenticator key", e.Content)
}

func (e *ContentError) Unwrap() error { return ErrNotKey }

// KeyError reports an otpauth:// or steam:// code that does not hold a usable
// key. Label is the account as the code names it (never the secret).
type KeyError struct {
	Label string
	Err   error
}

func (e *KeyError) Error() string {
	if e.Label == "" {
		return "this QR code holds an authenticator key Latchkey cannot use: " + e.Err.Error()
	}
	return fmt.Sprintf("the QR code for %q holds a key Latchkey cannot use: %v", e.Label, e.Err)
}

func (e *KeyError) Unwrap() error { return e.Err }

// uriLabel pulls the account label out of an otpauth URI that failed to
// parse, for error messages: only the path, never the parameters.
func uriLabel(s string) string {
	_, rest, ok := strings.Cut(strings.TrimSpace(s), "://")
	if !ok {
		return ""
	}
	rest, _, _ = strings.Cut(rest, "?")
	_, label, ok := strings.Cut(rest, "/")
	if !ok {
		return ""
	}
	if l, err := url.PathUnescape(label); err == nil {
		label = l
	}
	// A URI missing its '?' has its parameters in the path: the secret
	// would be quoted.
	if strings.ContainsAny(label, "=&?") {
		return ""
	}
	if len(label) > 100 {
		label = label[:100]
	}
	return strings.ToValidUTF8(label, "")
}
