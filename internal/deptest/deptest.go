// Package deptest runs `go list` for the dependency test every package has,
// so that each test states its own rule and nothing else. Only tests import
// it.
package deptest

import (
	"bytes"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// Run runs `go list` with args, env added to this process's environment,
// and gives what it printed. A missing go command or a failed run fails t:
// without it no rule can be checked.
func Run(t testing.TB, env []string, args ...string) string {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("no go command on PATH: %v", err)
	}
	cmd := exec.Command(goBin, append([]string{"list"}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list %v %v: %v\n%s", env, args, err, stderr.Bytes())
	}
	return string(out)
}

// Deps lists pkg and every package it depends on; "." is the package under
// test.
func Deps(t testing.TB, pkg string) []string {
	t.Helper()
	return strings.Fields(Run(t, nil, "-deps", pkg))
}

// NonStandard lists pkg and the packages outside the standard library it
// depends on.
func NonStandard(t testing.TB, pkg string) []string {
	t.Helper()
	return strings.Fields(Run(t, nil, "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}", pkg))
}

// Imports lists the packages pkg imports itself.
func Imports(t testing.TB, pkg string) []string {
	t.Helper()
	return strings.Fields(Run(t, nil, "-f", `{{join .Imports " "}}`, pkg))
}

// StandardOnly fails t for each package outside the standard library that
// pkg (an import path) depends on, but for those under one of the allowed
// prefixes ("golang.org/x/sys/").
func StandardOnly(t testing.TB, pkg string, allowed ...string) {
	t.Helper()
	for _, p := range NonStandard(t, pkg) {
		if p != pkg && !slices.ContainsFunc(allowed, func(a string) bool { return strings.HasPrefix(p, a) }) {
			t.Errorf("%s depends on %s; want the standard library only, and %v", pkg, p, allowed)
		}
	}
}
