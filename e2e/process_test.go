package e2e

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The process hardening runs before anything else in main, so it covers the
// window as much as every command.
func TestMainHardensFirst(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "../main.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range f.Decls {
		fn, ok := d.(*ast.FuncDecl)
		if !ok || fn.Name.Name != "main" {
			continue
		}
		var first ast.Node = fn.Body.List[0]
		if is, ok := first.(*ast.IfStmt); ok && is.Init != nil {
			first = is.Init
		}
		if as, ok := first.(*ast.AssignStmt); ok && len(as.Rhs) == 1 {
			first = as.Rhs[0]
		}
		if es, ok := first.(*ast.ExprStmt); ok {
			first = es.X
		}
		call, ok := first.(*ast.CallExpr)
		if ok {
			sel, isSel := call.Fun.(*ast.SelectorExpr)
			ok = isSel && fmt.Sprint(sel.X) == "harden" && sel.Sel.Name == "Process"
		}
		if !ok {
			t.Errorf("main does not start with harden.Process()")
		}
		return
	}
	t.Fatal("no func main in ../main.go")
}

// procOwner is the owner of /proc/PID/status: the process's user while it
// is dumpable, root once it is not.
func procOwner(pid int) (uint32, error) {
	fi, err := os.Stat(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	return fi.Sys().(*syscall.Stat_t).Uid, nil
}

// waiting reports whether the process is alive and sleeping (blocked on its
// input): a zombie's /proc files belong to root whatever it was.
func waiting(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	return err == nil && strings.Contains(string(b), "\nState:\tS")
}

// coreLimitZero reports whether /proc/PID/limits gives a core size of 0.
func coreLimitZero(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/limits", pid))
	if err != nil {
		return false
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "Max core file size") {
			f := strings.Fields(strings.TrimPrefix(line, "Max core file size"))
			return len(f) >= 2 && f[0] == "0" && f[1] == "0"
		}
	}
	return false
}

// runBlocked starts name with args reading a pipe that stays open, as an
// unprivileged user when the test runs as root (root owns a non-dumpable
// process's /proc files, so only another user shows the difference).
func runBlocked(t *testing.T, name string, args ...string) (pid int, uid uint32) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Env = []string{"PATH=/usr/bin:/bin", "HOME=/nonexistent", "LANG=C.UTF-8"}
	uid = uint32(os.Getuid())
	if uid == 0 {
		uid = 65534 // nobody
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uid, Gid: 65534}}
	}
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		in.Close()
		cmd.Process.Kill()
		cmd.Wait()
	})
	return cmd.Process.Pid, uid
}

// A running latchkey is not dumpable and has a core size of 0: no core
// file, no debugger or /proc/PID/mem from the same user.
func TestProcessMemoryProtected(t *testing.T) {
	// A copy every user can run: the build may sit in a private folder.
	dir, err := os.MkdirTemp("", "latchkey-e2e-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	must(t, os.Chmod(dir, 0o755))
	data, err := os.ReadFile(binary(t))
	must(t, err)
	bin := filepath.Join(dir, "latchkey")
	must(t, os.WriteFile(bin, data, 0o755))

	// The control: an ordinary process's /proc files belong to its user.
	pid, uid := runBlocked(t, "cat")
	for i := 0; i < 100 && !waiting(pid); i++ {
		time.Sleep(20 * time.Millisecond)
	}
	if owner, err := procOwner(pid); err != nil || owner != uid || !waiting(pid) {
		t.Fatalf("cat: /proc/%d/status belongs to %d (%v), want %d: this check cannot tell", pid, owner, err, uid)
	}

	// "code -" waits for its URI on standard input.
	pid, _ = runBlocked(t, bin, "code", "-")
	deadline := time.Now().Add(20 * time.Second)
	for {
		owner, err := procOwner(pid)
		if waiting(pid) && err == nil && owner == 0 && coreLimitZero(pid) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("latchkey code -: waiting for input %v, /proc/%d/status belongs to %d (%v), want 0 (not dumpable), core limit 0: %v",
				waiting(pid), pid, owner, err, coreLimitZero(pid))
		}
		time.Sleep(20 * time.Millisecond)
	}

	// The window: its core limit shows the same start ran (as root, who
	// owns the display here, ownership cannot show dumpability).
	t.Run("window", func(t *testing.T) {
		if os.Getenv("DISPLAY") == "" {
			t.Skip("no DISPLAY: run under xvfb-run (./test.sh does)")
		}
		home := t.TempDir()
		cmd := exec.Command(bin, "--vault", filepath.Join(home, "vault.latchkey"))
		cmd.Env = env(home)
		must(t, cmd.Start())
		defer func() {
			cmd.Process.Kill()
			cmd.Wait()
		}()
		deadline := time.Now().Add(20 * time.Second)
		for !coreLimitZero(cmd.Process.Pid) {
			if time.Now().After(deadline) {
				t.Fatal("the window's core size limit is not 0")
			}
			time.Sleep(20 * time.Millisecond)
		}
	})
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
