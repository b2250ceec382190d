package ui

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"latchkey/core"
	"latchkey/core/coretest"
	"latchkey/vault"
)

// The shared import cases (core/coretest) through the window's entry
// point for files, a drop on the window: each leaves in the vault what
// core's merge leaves, with the same counts, as the command line's import
// does (cli/flows_test.go). File > Import from another app… and Restore
// from a backup… read the chosen file and end in the same importer.read
// as a drop; Fyne's file dialog itself is not driven here.

// asCore is what core does with found in a vault holding have: the
// accounts after the merge, and its report.
func asCore(t *testing.T, have []vault.Account, found []vault.Account) ([]vault.Account, vault.MergeReport) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "core.latchkey")
	coretest.Vault(t, path, have...)
	v := coretest.Open(t, path)
	rep, err := core.AddNew(v, found, nil)
	must(t, err)
	return v.Accounts(), rep
}

// readAsCore reads a file as both front ends do, answering its password.
func readAsCore(t *testing.T, path, password string) (core.Found, error) {
	t.Helper()
	data, err := core.ReadFile(path)
	if err != nil {
		return core.Found{}, err
	}
	return core.Reader{Password: answers(password), Backups: coretest.Options}.File(filepath.Base(path), data)
}

// answers gives pw to every password question, as often as asked.
type answers string

func (p answers) FilePassword(core.FileAsk) ([]byte, error) { return []byte(p), nil }

// windowImport is what the window did with one dropped file.
type windowImport struct {
	prompts    int      // password questions
	rows       int      // accounts listed for review; 0 when added at once
	duplicates int      // rows marked as already there, unticked
	skipped    []string // "Skipped …" lines shown
	message    string   // what the window showed after
}

// dropAndAdd drops path on the window, answers every password question
// with password, and adds what the review list offers as it stands.
func dropAndAdd(t *testing.T, h *harness, path, password string) windowImport {
	t.Helper()
	var got windowImport
	h.app.w.asked = func() {
		if e, ok := asEntry(h.win.Canvas().Focused()); ok && e.Password {
			got.prompts++
			answerPassword(t, h, password)
			return
		}
		t.Errorf("got a question that is no password prompt:\n%s", shown(h))
		test.Tap(findButton(t, h.win, "Keep mine"))
	}
	dropFile(h, path)
	h.app.w.asked = nil
	shownText := shown(h)
	for _, line := range strings.Split(shownText, "\n") {
		if strings.HasPrefix(line, "Skipped ") {
			got.skipped = append(got.skipped, line)
		}
	}
	lines := reviewLines(h)
	got.rows = len(lines)
	for _, l := range lines {
		if strings.HasSuffix(l.text, "already in the vault") || strings.HasSuffix(l.text, "already in this list") {
			got.duplicates++
			if l.check.Checked {
				t.Errorf("duplicate %q is ticked", l.text)
			}
		}
	}
	if got.rows > 0 {
		test.Tap(addButton(t, h))
	}
	got.message = shown(h) + h.list().toast.Text
	return got
}

// addButton is the review list's "Add N" button.
func addButton(t *testing.T, h *harness) *widget.Button {
	t.Helper()
	for _, o := range testObjects(h.win.Canvas().Overlays().Top()) {
		if b, ok := o.(*widget.Button); ok && strings.HasPrefix(b.Text, "Add ") {
			return b
		}
	}
	t.Fatalf("no Add button in the review list:\n%s", shown(h))
	return nil
}

func TestImportCasesAsCore(t *testing.T) {
	dir := t.TempDir()
	have := coretest.Existing(t)
	for _, c := range coretest.ImportCases(t, dir) {
		t.Run(c.Name(), func(t *testing.T) {
			found, err := readAsCore(t, c.Path, c.Password)
			if err != nil || len(found.Accounts) != c.Accounts || len(found.Skipped) != c.Skipped || len(found.Problems) != c.Problems {
				t.Fatalf("core: got %d accounts, %d skipped, %d problems, %v; want %d, %d, %d", len(found.Accounts), len(found.Skipped), len(found.Problems), err, c.Accounts, c.Skipped, c.Problems)
			}
			want, rep := asCore(t, have, found.Accounts)

			h := newHarness(t, have)
			h.unlock()
			got := dropAndAdd(t, h, c.Path, c.Password)
			coretest.SameAccounts(t, h.vault().Accounts(), want)
			h.waitSaved()
			coretest.SameAccounts(t, h.saved(), want)

			if encrypted := c.Password != ""; encrypted != (got.prompts == 1) {
				t.Errorf("got %d password prompts, want %d", got.prompts, map[bool]int{true: 1}[encrypted])
			}
			if n := len(h.vault().Accounts()) - len(have); n != len(rep.Added) {
				t.Errorf("got %d accounts added, want %d as core adds", n, len(rep.Added))
			}
			if len(got.skipped) != len(found.Skipped)+len(found.Problems) {
				t.Errorf("got %d entries said to be skipped %q, want %d as core skips", len(got.skipped), got.skipped, len(found.Skipped)+len(found.Problems))
			}
			if c.Backup {
				// A backup is merged without a review, and says what it did.
				if got.rows != 0 {
					t.Errorf("got %d rows to review for a backup, want it merged", got.rows)
				}
				if want := fmt.Sprintf("Added %s.", countText(len(rep.Added), "account")); !strings.Contains(got.message, want) {
					t.Errorf("the merge's report does not say %q:\n%s", want, got.message)
				}
				if dups := strings.Contains(got.message, "Already in the vault, kept as they are"); dups != (len(rep.Duplicates) > 0) {
					t.Errorf("the merge's report names duplicates: %v, want %v (core found %d)", dups, !dups, len(rep.Duplicates))
				}
				return
			}
			if got.rows == 0 {
				// Added at once: one new account, nothing to say.
				if len(found.Accounts) != 1 || len(rep.Added) != 1 {
					t.Errorf("added %d accounts without a review, want a review list", len(rep.Added))
				}
				return
			}
			if got.rows != len(found.Accounts) || got.duplicates != len(rep.Duplicates) {
				t.Errorf("got %d rows, %d marked duplicate; want %d, %d as core finds", got.rows, got.duplicates, len(found.Accounts), len(rep.Duplicates))
			}
		})
	}
}

// TestImportErrorsAsCore: a file no front end imports gives the window's
// message for the error core gives, and the vault stays as it was.
func TestImportErrorsAsCore(t *testing.T) {
	dir := t.TempDir()
	have := coretest.Existing(t)
	for _, c := range coretest.ImportErrors(t, dir) {
		t.Run(c.What, func(t *testing.T) {
			if _, err := readAsCore(t, c.Path, c.Password); !errors.Is(err, c.Err) {
				t.Fatalf("core: got %v, want %v", err, c.Err)
			}
			h := newHarness(t, have)
			h.unlock()
			got := dropAndAdd(t, h, c.Path, c.Password)
			if want := windowMessage(c); !strings.Contains(got.message, want) {
				t.Errorf("got the window saying\n%s\nwant %q", got.message, want)
			}
			if got.rows != 0 {
				t.Errorf("got %d rows to review, want none", got.rows)
			}
			if c.WrongPassword && got.prompts != core.PasswordTries {
				t.Errorf("got %d password prompts, want %d", got.prompts, core.PasswordTries)
			}
			coretest.SameAccounts(t, h.vault().Accounts(), have)
		})
	}
}

// windowMessage is what the window says for the case's kind of error.
func windowMessage(c coretest.ImportError) string {
	switch {
	case errors.Is(c.Err, core.ErrUnknownFormat):
		return "is not an export file Latchkey knows"
	case c.Backup:
		return advice(errors.New(backupAdvice(c.Err)))
	}
	return advice(c.Err)
}

// TestMergeDifferingDuplicateAsCore: a backup whose copy of an account
// differs. Answering "Keep mine" leaves what the command line leaves
// (it never replaces) and core's merge without a chooser.
func TestMergeDifferingDuplicateAsCore(t *testing.T) {
	keys := coretest.Keys(t)
	mine := vault.Account{Key: keys[0], Note: "mine"}
	backup := coretest.BackupOf(t, t.TempDir(), "b.latchkey", vault.Account{Key: keys[0], Note: "theirs"}, vault.Account{Key: keys[1]})
	found, err := readAsCore(t, backup, coretest.Password)
	must(t, err)
	want, rep := asCore(t, []vault.Account{mine}, found.Accounts)

	h := newHarness(t, []vault.Account{mine})
	h.unlock()
	asked := 0
	h.app.w.asked = func() {
		if e, ok := asEntry(h.win.Canvas().Focused()); ok && e.Password {
			answerPassword(t, h, coretest.Password)
			return
		}
		asked++
		test.Tap(findButton(t, h.win, "Keep mine"))
	}
	dropFile(h, backup)
	if asked != 1 {
		t.Errorf("got %d questions about the differing duplicate, want 1", asked)
	}
	coretest.SameAccounts(t, h.vault().Accounts(), want)
	if m := shown(h); len(rep.Added) != 1 || !strings.Contains(m, "Added 1 account.") || !strings.Contains(m, "kept as they are: "+keys[0].Label()) {
		t.Errorf("core added %d; the window's report does not say 1 added and %s kept:\n%s", len(rep.Added), keys[0].Label(), m)
	}
}
