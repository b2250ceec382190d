package qrimport

import (
	"path/filepath"
	"testing"
)

// benchmarkKind reads every scene of one kind per iteration, from the
// file's bytes as scripts/qr-bench.sh's reader does, checking each image
// still yields all its codes.
func benchmarkKind(b *testing.B, kind string) {
	dir := scenes(b)
	var files []scene
	for _, s := range loadManifest(b, dir) {
		if s.kind == kind {
			files = append(files, s)
		}
	}
	if len(files) == 0 {
		b.Fatalf("no scene of kind %s", kind)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, s := range files {
			r, err := ReadFile(filepath.Join(dir, s.file))
			if err != nil {
				b.Fatalf("%s: %v", s.file, err)
			}
			if len(r.Raw) != len(s.want) {
				b.Fatalf("%s: got %d codes, want %d", s.file, len(r.Raw), len(s.want))
			}
		}
	}
}

// The two kinds that were slower than ZXingReader on one core.
func BenchmarkReadLowhard(b *testing.B)     { benchmarkKind(b, "lowhard") }
func BenchmarkReadTransparent(b *testing.B) { benchmarkKind(b, "transparent") }
