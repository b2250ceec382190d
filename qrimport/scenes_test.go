package qrimport

import (
	"bufio"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
)

// The screenshot-like scenes come from scripts/gen-qr-scenes.sh: codes made
// by qrencode (an independent encoder) composed by ImageMagick. They are
// generated once per test run, or read from LATCHKEY_QR_SCENES when set
// (a directory the script already filled, to save the half minute).

var (
	scenesOnce sync.Once
	scenesDir  string
	scenesErr  error
	scenesTmp  string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if scenesTmp != "" {
		os.RemoveAll(scenesTmp)
	}
	os.Exit(code)
}

// scenes returns the scene directory, generating it on first use. A missing
// tool fails the test: ./test.sh installs them (scripts/deps.sh).
func scenes(t testing.TB) string {
	t.Helper()
	scenesOnce.Do(func() {
		if d := os.Getenv("LATCHKEY_QR_SCENES"); d != "" {
			scenesDir = d
			return
		}
		for _, tool := range []string{"qrencode", "convert", "identify"} {
			if _, err := exec.LookPath(tool); err != nil {
				scenesErr = errors.New(tool + " is not installed (apt-get install qrencode imagemagick)")
				return
			}
		}
		tmp, err := os.MkdirTemp("", "latchkey-scenes-")
		if err != nil {
			scenesErr = err
			return
		}
		scenesTmp = tmp
		cmd := exec.Command("../scripts/gen-qr-scenes.sh", tmp)
		if out, err := cmd.CombinedOutput(); err != nil {
			scenesErr = errors.New("gen-qr-scenes.sh: " + err.Error() + ": " + string(out))
			return
		}
		scenesDir = tmp
	})
	if scenesErr != nil {
		t.Fatal("no scene set: " + scenesErr.Error())
	}
	return scenesDir
}

type scene struct {
	file, kind string
	want       []string
}

func loadManifest(t testing.TB, dir string) []scene {
	f, err := os.Open(filepath.Join(dir, "manifest.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	byFile := map[string]*scene{}
	var order []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		parts := strings.SplitN(sc.Text(), "\t", 3)
		if len(parts) != 3 {
			t.Fatalf("manifest line %q: want FILE, KIND, TEXT", sc.Text())
		}
		s := byFile[parts[0]]
		if s == nil {
			s = &scene{file: parts[0], kind: parts[1]}
			byFile[parts[0]] = s
			order = append(order, parts[0])
		}
		s.want = append(s.want, parts[2])
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	out := make([]scene, len(order))
	for i, f := range order {
		out[i] = *byFile[f]
	}
	return out
}

// TestScenes reads every generated screenshot and checks it yields exactly
// the texts its codes were made from.
func TestScenes(t *testing.T) {
	dir := scenes(t)
	all := loadManifest(t, dir)
	if len(all) < 100 {
		t.Errorf("got %d scenes, want the full set of 100 or more", len(all))
	}
	kinds := map[string]int{}
	for _, s := range all {
		kinds[s.kind]++
		r, err := ReadFile(filepath.Join(dir, s.file))
		if err != nil {
			t.Errorf("%s: %v", s.file, err)
			continue
		}
		got := append([]string(nil), r.Raw...)
		want := append([]string(nil), s.want...)
		sort.Strings(got)
		sort.Strings(want)
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("%s (%s): got %d codes %.80q, want %d %.80q", s.file, s.kind, len(got), got, len(want), want)
			continue
		}
		// Sheets are laid out row by row, export pages left to right, in
		// manifest order: the order a person reads them in.
		if strings.HasPrefix(s.kind, "sheet") || s.kind == "google-page" {
			if strings.Join(r.Raw, "\n") != strings.Join(s.want, "\n") {
				t.Errorf("%s: codes not in reading order", s.file)
			}
		}
		// A page holding a whole export batch leaves nothing missing.
		if s.kind == "google-page" {
			for _, p := range r.Problems {
				if errors.Is(p, ErrIncompleteBatch) {
					t.Errorf("%s: %v", s.file, p)
				}
			}
			if len(r.Keys) == 0 {
				t.Errorf("%s: got no accounts from the export", s.file)
			}
		}
	}
	for _, k := range []string{"4k", "5k", "hidpi", "downscaled", "dark", "transparent", "noquiet", "jpeg",
		"lowcontrast", "blur", "pointer", "rotated", "multi", "sheet", "google-part", "google-page", "formats",
		"4k-blur", "combined", "tiny", "sheet-200", "sheet-500", "page", "lowhard"} {
		if kinds[k] == 0 {
			t.Errorf("no scene of kind %s", k)
		}
	}
}

// TestGoogleBatchAcrossScreenshots: the parts of one export, each in its
// own phone screenshot, checked as a whole by a Collector.
func TestGoogleBatchAcrossScreenshots(t *testing.T) {
	dir := scenes(t)
	var c Collector
	for _, f := range []string{"google-b1-p0.png", "google-b1-p2.png"} {
		if err := c.AddFile(filepath.Join(dir, f)); err != nil {
			t.Fatal(err)
		}
	}
	r := c.Result()
	var be *BatchError
	if len(r.Problems) != 1 || !errors.As(r.Problems[0], &be) {
		t.Fatalf("got problems %v, want one missing part", r.Problems)
	}
	if len(be.Missing) != 1 || be.Missing[0] != 2 || be.Size != 3 {
		t.Errorf("got missing %v of %d, want part 2 of 3", be.Missing, be.Size)
	}
	if err := c.AddFile(filepath.Join(dir, "google-b1-p1.png")); err != nil {
		t.Fatal(err)
	}
	r = c.Result()
	if len(r.Problems) != 0 {
		t.Errorf("got problems %v, want none once every part is in", r.Problems)
	}
	// 10 + 10 + 4 accounts.
	if len(r.Keys) != 24 {
		t.Errorf("got %d accounts, want 24", len(r.Keys))
	}
}

// BenchmarkScenes reads the whole scene set once per iteration.
func BenchmarkScenes(b *testing.B) {
	dir := scenes(b)
	all := loadManifest(b, dir)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, s := range all {
			ReadFile(filepath.Join(dir, s.file))
		}
	}
}
