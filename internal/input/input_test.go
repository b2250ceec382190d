//go:build unix

package input

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"latchkey/internal/testtool"
)

func TestOpen(t *testing.T) {
	dir := t.TempDir()
	regular := filepath.Join(dir, "shot.png")
	if err := os.WriteFile(regular, []byte("data"), 0o600); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "fifo")
	testtool.Mkfifo(t, fifo)
	for _, tc := range []struct{ path, want, wantErr string }{
		{regular, "data", ""},
		{fifo, "", ""}, // nobody writes: empty at once, no hang
		{dir, "", "is a folder"},
		{"/dev/null", "", "is a device"},
		{filepath.Join(dir, "none"), "", "no such file"},
	} {
		done := make(chan struct{})
		go func() {
			defer close(done)
			f, err := Open(tc.path)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Errorf("%s: got error %v, want one saying %q", tc.path, err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Errorf("%s: %v", tc.path, err)
				return
			}
			defer f.Close()
			got, err := io.ReadAll(f)
			if err != nil || string(got) != tc.want {
				t.Errorf("%s: read %q, %v; want %q", tc.path, got, err, tc.want)
			}
		}()
		select {
		case <-done:
		case <-time.After(10 * time.Second): // a guard: it takes microseconds
			t.Fatalf("%s: still waiting after 10 s", tc.path)
		}
	}
}
