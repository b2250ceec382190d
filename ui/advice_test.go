package ui

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"unicode"

	"latchkey/core"
	"latchkey/interop"
	"latchkey/otp"
	"latchkey/qrimport"
	"latchkey/vault"
)

// TestAdviceReadsAsSentences: every error the packages below the window
// produce, wrapped as they wrap it, becomes sentences starting with a
// capital, ending with a full stop, with no Go package name in them.
func TestAdviceReadsAsSentences(t *testing.T) {
	sentinels := []error{
		vault.ErrWrongPassword, vault.ErrCorrupt, vault.ErrNewerVersion, vault.ErrLocked,
		vault.ErrChangedOnDisk, vault.ErrExists, vault.ErrNotFound, vault.ErrBackupCodeTypo,
		vault.ErrWrongBackupCode, vault.ErrNeedsPassword, vault.ErrHostileParams, vault.ErrTooLarge,
		vault.ErrClosed, vault.ErrEmptyPassword, vault.ErrBackupFailed, vault.ErrNotRegular,
		vault.ErrProtected, vault.ErrReadOnly, vault.ErrNoAccount,
		core.ErrDeclined, core.ErrWrongPassword, core.ErrUnknownFormat, core.ErrTooLarge,
		qrimport.ErrNoQRCode, qrimport.ErrTooLarge, qrimport.ErrNotImage, qrimport.ErrEmpty,
		qrimport.ErrIncompleteBatch,
		interop.ErrUnknownFormat, interop.ErrWrongPassword, interop.ErrPasswordRequired,
		interop.ErrTooLarge, interop.ErrUnsupported,
		errors.New("open /tmp/x: permission denied"),
	}
	var cases []error
	for _, e := range sentinels {
		cases = append(cases, e,
			fmt.Errorf("vault: open: %w", e),
			fmt.Errorf("core: read text: qrimport: %w", e),
			fmt.Errorf("interop: aegis: %w", e))
	}
	// What the parsers produce from bad input, as they produce it.
	_, err := otp.ParseSecret("not base32 1")
	cases = append(cases, err, fmt.Errorf("core: %w", err))
	_, err = otp.ParseURI("otpauth://totp/X?secret=")
	cases = append(cases, err)
	for _, text := range []string{"https://example.com/login", "hello there", "otpauth://totp/X?secret=1", "otpauth-migration://offline?data=AAAA"} {
		found, err := core.ReadText(text)
		if err != nil {
			cases = append(cases, err)
		} else if len(found.Problems) == 0 {
			t.Errorf("core.ReadText(%q) found no problem, want one", text)
		}
		cases = append(cases, found.Problems...)
	}
	for _, e := range cases {
		if e == nil {
			t.Fatal("a parser accepted bad input: the case tests nothing")
		}
		got := advice(e)
		first := []rune(got)[0]
		if !unicode.IsUpper(first) {
			t.Errorf("advice(%q): got %q, want a capital first letter", e, got)
		}
		if !strings.HasSuffix(got, ".") {
			t.Errorf("advice(%q): got %q, want a full stop at the end", e, got)
		}
		for _, pkg := range []string{"vault:", "otp:", "core:", "qrimport:", "interop:", "kit:"} {
			if strings.Contains(strings.ToLower(got), pkg) {
				t.Errorf("advice(%q): got %q, want no %q in it", e, got, pkg)
			}
		}
	}
}
