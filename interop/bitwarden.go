package interop

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"latchkey/otp"
)

// Bitwarden exports: JSON ({encrypted, folders, items}) or CSV, where a
// login's totp field holds an otpauth:// URI, a steam:// URI or a bare base32
// secret. Items without one are passwords, not accounts: not listed.

type bitwardenItem struct {
	Name     string  `json:"name"`
	Notes    *string `json:"notes"`
	Favorite bool    `json:"favorite"`
	FolderID *string `json:"folderId"`
	Login    *struct {
		Username *string `json:"username"`
		TOTP     *string `json:"totp"`
	} `json:"login"`
}

// readBitwarden reads a plain JSON export; data is valid JSON (Detect, or
// the decryption of a password-protected export, checked).
func readBitwarden(c *collector, data, _ []byte) error {
	top, err := topMembers(data, "encrypted", "items", "folders")
	if err != nil {
		return err
	}
	var encrypted bool
	if err := decodeIfPresent(top[0], &encrypted); err != nil {
		return err
	}
	if encrypted {
		return fmt.Errorf("%w: an account-restricted encrypted export opens only in Bitwarden (export as password-protected or unencrypted JSON)", ErrUnsupported)
	}
	folders := readNames(c, "folders", top[2], "id", "name")
	return eachWanted(c, top[1], "bad JSON: items are not a list", "item is not a Bitwarden item", mayHaveTOTP, func(i int, it bitwardenItem) {
		if it.Login == nil || it.Login.TOTP == nil || strings.TrimSpace(*it.Login.TOTP) == "" {
			return
		}
		e := Entry{Pinned: it.Favorite, Note: deref(it.Notes)}
		if it.FolderID != nil {
			if name, ok := folders[*it.FolderID]; ok {
				e.Tags = []string{name}
			}
		}
		readTOTPField(c, i, *it.Login.TOTP, it.Name, deref(it.Login.Username), e)
	})
}

// mayHaveTOTP reports whether an item must be decoded: it has a login with
// a totp field that is not blank, or is not an object (so decoding says
// what is wrong with it).
func mayHaveTOTP(item []byte) bool {
	switch kindOf(trimJSON(item)) {
	case jsonNull:
		return false
	case jsonObject:
	default:
		return true
	}
	may := false
	eachMember(item, func(key, login []byte) bool {
		if !keyIs(key, "login") {
			return true
		}
		switch kindOf(trimJSON(login)) {
		case jsonNull:
		case jsonObject:
			eachMember(login, func(key, totp []byte) bool {
				if keyIs(key, "totp") {
					switch kindOf(trimJSON(totp)) {
					case jsonNull:
					case jsonString:
						may = may || len(bytes.TrimSpace(totp[1:len(totp)-1])) > 0
					default:
						may = true
					}
				}
				return true
			})
		default:
			may = true
		}
		return true
	})
	return may
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// readTOTPField reads the one-field TOTP of password managers: a URI or a
// bare secret. title and user name the account when the field does not.
func readTOTPField(c *collector, i int, field, title, user string, e Entry) {
	field = strings.TrimSpace(field)
	lbl := label(title, user)
	lower := strings.ToLower(field)
	switch {
	case strings.HasPrefix(lower, "otpauth://"), strings.HasPrefix(lower, "steam://"):
		k, err := otp.ParseURI(field)
		if err != nil {
			c.skipAt(i, lbl, err.Error())
			return
		}
		if strings.HasPrefix(lower, "steam://") {
			k.Name = strings.TrimSpace(user)
			if k.Name == "" {
				k.Name = strings.TrimSpace(title)
			}
		} else {
			if k.Issuer == "" {
				k.Issuer = strings.TrimSpace(title)
			}
			if k.Name == "" {
				k.Name = strings.TrimSpace(user)
			}
		}
		e.Key = k
	case strings.Contains(lower, "key=") || strings.Contains(lower, "seed="):
		k, err := parseKeeOTPSettings(field)
		if err != nil {
			c.skipAt(i, lbl, err.Error())
			return
		}
		k.Issuer, k.Name = strings.TrimSpace(title), strings.TrimSpace(user)
		e.Key = k
	default:
		secret, err := otp.ParseSecret(field)
		if err != nil {
			c.skipAt(i, lbl, err.Error())
			return
		}
		e.Key = otp.Key{Type: otp.TOTP, Issuer: strings.TrimSpace(title), Name: strings.TrimSpace(user),
			Secret: secret, Algorithm: otp.SHA1, Digits: 6, Period: otp.DefaultPeriod}
	}
	// Titles may hold colons, which an issuer cannot.
	e.Key.Issuer = strings.Join(strings.Fields(strings.ReplaceAll(e.Key.Issuer, ":", " ")), " ")
	c.add(e)
}

func readBitwardenCSV(c *collector, data, _ []byte) error {
	return readCSV(c, data, []string{"login_totp"}, func(i int, rec func(string) string) {
		totp := rec("login_totp")
		if strings.TrimSpace(totp) == "" {
			return
		}
		e := Entry{Note: rec("notes"), Pinned: rec("favorite") == "1" || strings.EqualFold(rec("favorite"), "true")}
		if f := strings.TrimSpace(rec("folder")); f != "" {
			e.Tags = []string{f}
		}
		readTOTPField(c, i, totp, rec("name"), rec("login_username"), e)
	})
}

// readCSV reads a CSV with a header row naming its columns (case-insensitive)
// and calls row for each record; need lists the columns that must exist.
func readCSV(c *collector, data []byte, need []string, row func(i int, field func(string) string)) error {
	// Straight from data, reusing the record: rows without a key (most of
	// a password manager's) then cost no more than their text.
	r := csv.NewReader(bytes.NewReader(trimBOM(data)))
	r.FieldsPerRecord = -1
	r.ReuseRecord = true
	header, err := r.Read()
	if err != nil {
		return fmt.Errorf("bad CSV header: %w", err)
	}
	cols := map[string]int{}
	for i, h := range header {
		cols[strings.ToLower(strings.TrimSpace(h))] = i
	}
	for _, n := range need {
		if _, ok := cols[n]; !ok {
			return fmt.Errorf("CSV without a %q column", n)
		}
	}
	// One accessor for every row: a closure per row would cost more than
	// a short row's text.
	var rec []string
	field := func(name string) string {
		if j, ok := cols[name]; ok && j < len(rec) {
			return rec[j]
		}
		return ""
	}
	for i := 0; ; i++ {
		rec, err = r.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			// A broken quote loses the rest of the file: say where.
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				c.skip(fmt.Sprintf("line %d", pe.StartLine), "bad CSV: "+pe.Err.Error()+"; the rest of the file was not read")
				return nil
			}
			return fmt.Errorf("bad CSV: %w", err)
		}
		if c.checkFull() {
			return nil
		}
		row(i, field)
	}
}
