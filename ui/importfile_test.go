package ui

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"latchkey/internal/testtool"
	"latchkey/interop"
	"latchkey/otp"
	"latchkey/qrimport"
	"latchkey/vault"
)

// reviewChecks is the review list's rows, by label.
func reviewChecks(h *harness) []*widget.Check {
	var out []*widget.Check
	for _, r := range reviewLines(h) {
		out = append(out, r.check)
	}
	return out
}

// reviewLine is one row of the review list as shown: its checkbox and the
// text of its labels (the name, then the duplicate note).
type reviewLine struct {
	check *widget.Check
	text  string
}

func reviewLines(h *harness) []reviewLine {
	var out []reviewLine
	// The dialog in front: earlier ones may still stand behind it.
	if o := h.win.Canvas().Overlays().Top(); o != nil {
		for _, c := range testObjects(o) {
			box, ok := c.(*fyne.Container)
			if !ok {
				continue
			}
			var line reviewLine
			for _, part := range box.Objects {
				switch w := part.(type) {
				case *widget.Check:
					line.check = w
				case *widget.Label:
					line.text += w.Text + " "
				}
			}
			if line.check != nil {
				line.text = strings.TrimSpace(line.text)
				out = append(out, line)
			}
		}
	}
	return out
}

func dropFile(h *harness, path string) {
	h.app.onDropped(fyne.NewPos(10, 10), []fyne.URI{storage.NewFileURI(path)})
}

// TestDropEveryFixture drops each real export file of another app on the
// window: every account is listed for review, the ones already in the
// vault are marked and unticked, encrypted files ask for the password.
func TestDropEveryFixture(t *testing.T) {
	fixtures := testtool.Fixtures(t)
	files, _ := filepath.Glob(filepath.Join(fixtures, "*"))
	if len(files) < 2 {
		t.Fatalf("got %d files in %s, want the fixtures", len(files), fixtures)
	}
	have := account(t, "otpauth://totp/Deno:Mason?secret=4SJHB4GSD43FZBAI7C2HLRJGPQ&issuer=Deno", nil)
	for _, f := range files {
		if strings.HasSuffix(f, ".md") {
			continue
		}
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			must(t, err)
			_, encrypted, _ := interop.Detect(data)
			want, err := interop.Read(data, func() ([]byte, error) { return []byte("test"), nil })
			must(t, err)
			wantDup := 0
			for _, e := range want.Entries {
				if e.Key.SameSecret(have.Key) {
					wantDup++
				}
			}

			h := newHarness(t, []vault.Account{have})
			h.unlock()
			prompts := 0
			h.app.w.asked = func() {
				prompts++
				if prompts == 1 {
					answerPassword(t, h, "not the password")
					return
				}
				if !strings.Contains(shown(h), "did not open") {
					t.Error("the second prompt does not say the password was wrong")
				}
				answerPassword(t, h, "test")
			}
			dropFile(h, f)
			if encrypted && prompts != 2 {
				t.Errorf("got %d password prompts for an encrypted file after a wrong password, want 2", prompts)
			}
			if !encrypted && prompts != 0 {
				t.Errorf("got %d password prompts for a plain file, want 0", prompts)
			}
			if len(want.Entries) == 1 && wantDup == 0 {
				if got := len(h.vault().Accounts()); got != 2 {
					t.Errorf("got %d accounts, want the one new account added at once", got)
				}
				return
			}
			checks := reviewChecks(h)
			if len(checks) != len(want.Entries) {
				t.Fatalf("got %d rows in the review list, want %d", len(checks), len(want.Entries))
			}
			dups := 0
			for _, l := range reviewLines(h) {
				if strings.HasSuffix(l.text, "already in the vault") {
					dups++
					if l.check.Checked {
						t.Errorf("duplicate %q is ticked, want it unticked", l.text)
					}
				}
			}
			if dups != wantDup {
				t.Errorf("got %d rows marked already in the vault, want %d", dups, wantDup)
			}
		})
	}
}

func TestDropTextWithSkippedLineAndGoogleLink(t *testing.T) {
	google := mustKey(t, gitlabURI)
	links, _, err := qrimport.MigrationURIs([]otp.Key{google})
	must(t, err)
	text := githubURI + "\n" + "otpauth://totp/Broken:bob?secret=&issuer=Broken\n" + links[0] + "\n"
	path := filepath.Join(t.TempDir(), "export.txt")
	must(t, os.WriteFile(path, []byte(text), 0o600))

	h := newHarness(t, []vault.Account{})
	h.unlock()
	dropFile(h, path)
	lines := reviewLines(h)
	var labels []string
	for _, l := range lines {
		labels = append(labels, l.text)
	}
	joined := strings.Join(labels, "|")
	if len(lines) != 2 || !strings.Contains(joined, "GitHub: alice@example.com") || !strings.Contains(joined, "GitLab: alice") {
		t.Errorf("got review rows %q, want GitHub from the link and GitLab from the Google export", labels)
	}
	if m := shown(h); !strings.Contains(m, "Skipped") || !strings.Contains(m, "Broken") {
		t.Errorf("the broken line is not listed as skipped with its reason:\n%s", m)
	}
}

func TestDropUnknownFileSaysSo(t *testing.T) {
	path := filepath.Join(t.TempDir(), "notes.txt")
	must(t, os.WriteFile(path, []byte("just some notes\n"), 0o600))
	h := newHarness(t, []vault.Account{})
	h.unlock()
	dropFile(h, path)
	if m := shown(h); !strings.Contains(m, "not an export file Latchkey knows") {
		t.Errorf("an unknown file did not say so:\n%s", m)
	}
}

// TestDropHostileFolderEscaped: a folder whose name holds a line break and
// a terminal escape, dropped on the window: "Could not read" names it
// escaped, in the title and in the reason core gives.
func TestDropHostileFolderEscaped(t *testing.T) {
	const hostile = "codes\n\x1b[31mred"
	const escaped = `codes\x0a\x1b[31mred`
	path := filepath.Join(t.TempDir(), hostile)
	must(t, os.Mkdir(path, 0o700))
	h := newHarness(t, []vault.Account{})
	h.unlock()
	dropFile(h, path)
	m := shown(h)
	if !strings.Contains(m, "Could not read "+escaped+". ") || strings.Count(m, escaped) != 2 || strings.Contains(m, "\x1b") {
		t.Errorf("got the window showing\n%s\nwant the folder named escaped in the title and the reason", m)
	}
}

func TestImportIsInTheMenus(t *testing.T) {
	h := newHarness(t, threeAccounts(t))
	h.unlock()
	found := map[string]bool{}
	for _, m := range h.win.MainMenu().Items {
		for _, it := range m.Items {
			found[m.Label+"/"+it.Label] = true
		}
	}
	for _, want := range []string{"File/Import from another app…", "Add/Import from another app…", "File/Back up to a file…", "File/Restore from a backup…", "File/Recovery kit…", "File/Back up now"} {
		if !found[want] {
			t.Errorf("no menu item %s", want)
		}
	}
}

func TestLooksLikeImage(t *testing.T) {
	dir := t.TempDir()
	for name, c := range map[string]struct {
		data []byte
		want bool
	}{
		"png":  {[]byte("\x89PNG\r\n\x1a\n0000"), true},
		"jpeg": {[]byte{0xff, 0xd8, 0xff, 0xe0}, true},
		"gif":  {[]byte("GIF89a"), true},
		"webp": {[]byte("RIFF\x00\x00\x00\x00WEBPVP8 "), true},
		"json": {[]byte(`{"version":1}`), false},
		"bm":   {[]byte("BMW,Alice,secret"), false},
		"tiny": {[]byte("x"), false},
	} {
		p := filepath.Join(dir, name)
		must(t, os.WriteFile(p, c.data, 0o600))
		if got := looksLikeImage(p); got != c.want {
			t.Errorf("looksLikeImage(%s): got %v, want %v", name, got, c.want)
		}
	}
}

func TestThreeWrongExportPasswords(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(testtool.Fixtures(t), "aegis_encrypted.json"))
	must(t, err)
	h := newHarness(t, []vault.Account{})
	h.unlock()
	prompts := 0
	h.app.w.asked = func() {
		prompts++
		answerPassword(t, h, "wrong")
	}
	importer{session: h.session()}.read("aegis_encrypted.json", data)
	if prompts != 3 {
		t.Errorf("got %d password prompts, want 3", prompts)
	}
	if m := shown(h); !strings.Contains(m, "Three wrong passwords") {
		t.Errorf("three wrong passwords did not say so:\n%s", m)
	}
	if got := len(h.vault().Accounts()); got != 0 {
		t.Errorf("got %d accounts, want none", got)
	}
}

// TestReviewMarksARepeat: the same credential twice in what was found is
// added once, as the command line and core.Merge do.
func TestReviewMarksARepeat(t *testing.T) {
	h := newHarness(t, []vault.Account{})
	h.unlock()
	h.fa.Clipboard().SetContent(githubURI + "\n" + strings.Replace(githubURI, "alice@example.com", "alice-again", 1))
	adder{session: h.session()}.onPaste()
	lines := reviewLines(h)
	if len(lines) != 2 || !lines[0].check.Checked || lines[1].check.Checked || !strings.HasSuffix(lines[1].text, "already in this list") {
		var got []string
		for _, l := range lines {
			got = append(got, fmt.Sprintf("%q ticked %v", l.text, l.check.Checked))
		}
		t.Fatalf("got rows %v, want the first ticked and the repeat marked and unticked", got)
	}
	test.Tap(findButton(t, h.win, "Add 1"))
	if got := len(h.vault().Accounts()); got != 1 {
		t.Errorf("got %d accounts, want the credential added once", got)
	}
}

// TestFileNamesEscaped: a dropped file's name is untrusted text. An image
// without a QR code, or a file that is no export, is named escaped in the
// dialog saying so: a line break in the name does not show as a line of
// its own.
func TestFileNamesEscaped(t *testing.T) {
	const hostile = "codes\n\x1b[31mred"
	const escaped = `codes\x0a\x1b[31mred`
	var blank bytes.Buffer
	must(t, png.Encode(&blank, image.NewGray(image.Rect(0, 0, 300, 200))))
	dir := t.TempDir()
	for name, content := range map[string][]byte{hostile + ".png": blank.Bytes(), hostile + ".txt": []byte("hello"), hostile + "-empty.txt": nil} {
		path := filepath.Join(dir, name)
		must(t, os.WriteFile(path, content, 0o600))
		h := newHarness(t, []vault.Account{})
		h.unlock()
		h.app.onDropped(fyne.NewPos(10, 10), []fyne.URI{storage.NewFileURI(path)})
		got := shown(h)
		if !strings.Contains(got, escaped) || strings.Contains(got, "codes\n") || strings.Contains(got, "\x1b") {
			t.Errorf("%q dropped: got the window showing\n%s\nwant the name shown as %s", name, got, escaped)
		}
	}
}
