package core

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"latchkey/internal/deptest"
)

// Core is shared by the command line and the window: it knows no toolkit,
// and depends only on the packages below it.
func TestDependencies(t *testing.T) {
	deps := deptest.Deps(t, "latchkey/core")
	for _, p := range deps {
		if strings.HasPrefix(p, "fyne.io/") {
			t.Errorf("core depends on %s, want no Fyne", p)
		}
		if p == "latchkey/cli" || p == "latchkey/ui" {
			t.Errorf("core depends on %s, a front end; want the front ends to depend on core", p)
		}
	}
	for _, want := range []string{"latchkey/vault", "latchkey/interop", "latchkey/qrimport", "latchkey/kit"} {
		if !slices.Contains(deps, want) {
			t.Errorf("core does not depend on %s; go list gave %d packages", want, len(deps))
		}
	}
}

// The front ends reach other apps' formats and the recovery kit only
// through core.
func TestFrontEndsGoThroughCore(t *testing.T) {
	for _, front := range []string{"latchkey/cli", "latchkey/ui"} {
		imports := deptest.Imports(t, front)
		for _, p := range []string{"latchkey/interop", "latchkey/kit"} {
			if slices.Contains(imports, p) {
				t.Errorf("%s imports %s, want it reached through latchkey/core", front, p)
			}
		}
		if !slices.Contains(imports, "latchkey/core") {
			t.Errorf("%s does not import latchkey/core; it imports %v", front, imports)
		}
	}
}

// The front ends leave merging to core: no Merge call of their own (the
// vault's, or one written anew) outside their tests.
func TestFrontEndsDoNotMerge(t *testing.T) {
	for _, dir := range []string{"../cli", "../ui"} {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil || len(files) == 0 {
			t.Fatalf("no Go files in %s: %v", dir, err)
		}
		for _, name := range files {
			if strings.HasSuffix(name, "_test.go") {
				continue
			}
			fset := token.NewFileSet()
			f, err := parser.ParseFile(fset, name, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			ast.Inspect(f, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				switch fn := call.Fun.(type) {
				case *ast.SelectorExpr:
					if fn.Sel.Name == "Merge" {
						t.Errorf("%s calls Merge; want core's flows (core.AddNew) to merge", fset.Position(call.Pos()))
					}
				case *ast.Ident:
					if fn.Name == "Merge" {
						t.Errorf("%s calls Merge; want core's flows (core.AddNew) to merge", fset.Position(call.Pos()))
					}
				}
				return true
			})
		}
	}
}
