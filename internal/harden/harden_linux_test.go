package harden

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// With LATCHKEY_HARDEN_CHILD set the test binary is a fresh process that
// calls Process and reports what it then is: dumpable, and its core limit.
func TestMain(m *testing.M) {
	if os.Getenv("LATCHKEY_HARDEN_CHILD") != "" {
		err := Process()
		if os.Getenv("LATCHKEY_HARDEN_CHILD") == "before-secrets" {
			BeforeSecrets(func() {
				d, _ := unix.PrctlRetInt(unix.PR_GET_DUMPABLE, 0, 0, 0, 0)
				fmt.Printf("inside=%d ", d)
			})
		}
		dumpable, _ := unix.PrctlRetInt(unix.PR_GET_DUMPABLE, 0, 0, 0, 0)
		var lim unix.Rlimit
		unix.Getrlimit(unix.RLIMIT_CORE, &lim)
		fmt.Printf("err=%v dumpable=%d core=%d/%d\n", err, dumpable, lim.Cur, lim.Max)
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// child runs this test binary as the child TestMain answers for
// LATCHKEY_HARDEN_CHILD=what, and gives what it printed.
func child(t *testing.T, what string) string {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "LATCHKEY_HARDEN_CHILD="+what)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("child: %v", err)
	}
	return strings.TrimSpace(string(out))
}

func TestProcessIsNotDumpable(t *testing.T) {
	// The test process itself is the control: dumpable, as every process
	// starts. (If it is not, the check below would prove nothing.)
	if d, err := unix.PrctlRetInt(unix.PR_GET_DUMPABLE, 0, 0, 0, 0); err != nil || d != 1 {
		t.Fatalf("the test process: dumpable %d (%v), want 1 before Process", d, err)
	}
	if got, want := child(t, "1"), "err=<nil> dumpable=0 core=0/0"; got != want {
		t.Errorf("after Process: got %q, want %q", got, want)
	}
}

func TestBeforeSecretsHardensAgain(t *testing.T) {
	if got, want := child(t, "before-secrets"), "inside=1 err=<nil> dumpable=0 core=0/0"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
