package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"latchkey/otp"
	"latchkey/vault"
)

// TestFigures measures the window with 50 and 500 accounts, and OTPClient
// beside it: start-up, unlock, memory and idle CPU. It takes about two
// minutes, so it runs only with LATCHKEY_FIGURES=1:
//
//	LATCHKEY_FIGURES=1 xvfb-run -a go test -run Figures -v ./e2e
func TestFigures(t *testing.T) {
	if os.Getenv("LATCHKEY_FIGURES") == "" {
		t.Skip("set LATCHKEY_FIGURES=1 to measure (about two minutes)")
	}
	needDisplay(t)
	bin := binary(t)
	idle := 20 * time.Second
	for _, n := range []int{50, 500} {
		t.Run(fmt.Sprintf("latchkey-%d", n), func(t *testing.T) {
			dir := t.TempDir()
			home := filepath.Join(dir, "home")
			path := filepath.Join(dir, "vault.latchkey")
			makeVault(t, path, n)
			launched := time.Now()
			w := start(t, bin, home, "--vault", path)
			shown := waitWindow(t, w.cmd.Process.Pid, "^Latchkey$")
			startup := shown.Sub(launched)
			w.unlock()
			enter := w.await("unlocking", 1, time.Second)
			list := w.await("list shown", 1, time.Second)
			// Idle means the person stopped: past the 10 s after which
			// the search field rests.
			time.Sleep(12 * time.Second)
			cpu := cpuShare(t, w.cmd.Process.Pid, idle)
			rss := rssMiB(t, w.cmd.Process.Pid)
			t.Logf("FIGURE latchkey accounts=%d start_to_window=%v enter_to_list=%dms rss=%.1fMiB idle_cpu=%.2f%%",
				n, startup.Round(time.Millisecond), list-enter, rss, cpu)
			if cpu > 2 {
				t.Errorf("idle CPU %.2f%% of a core, want at most 2%%", cpu)
			}
			w.quit()
		})
	}
	t.Run("otpclient", func(t *testing.T) {
		otpclient, err := exec.LookPath("otpclient")
		if err != nil {
			t.Skip("otpclient is not installed")
		}
		home := filepath.Join(t.TempDir(), "home")
		cmd := exec.Command(otpclient)
		cmd.Env = env(home)
		launched := time.Now()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		defer func() { cmd.Process.Kill(); cmd.Wait() }()
		shown := waitWindow(t, cmd.Process.Pid, "")
		time.Sleep(2 * time.Second)
		cpu := cpuShare(t, cmd.Process.Pid, idle)
		rss := rssMiB(t, cmd.Process.Pid)
		t.Logf("FIGURE otpclient (first run, no database) start_to_window=%v rss=%.1fMiB idle_cpu=%.2f%%",
			shown.Sub(launched).Round(time.Millisecond), rss, cpu)
	})
}

// makeVault writes a vault of n TOTP accounts with the real KDF.
func makeVault(t *testing.T, path string, n int) {
	t.Helper()
	v, _, err := vault.Create(path, []byte(password))
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	accounts := make([]vault.Account, n)
	for i := range accounts {
		secret := make([]byte, 20)
		copy(secret, fmt.Sprintf("secret-%d", i))
		accounts[i] = vault.Account{Key: otp.Key{Type: otp.TOTP, Issuer: fmt.Sprintf("Service %03d", i), Name: fmt.Sprintf("user%d@example.com", i),
			Secret: secret, Algorithm: otp.SHA1, Digits: 6, Period: 30}, Tags: []string{"bulk"}}
	}
	if _, err := v.Add(accounts...); err != nil {
		t.Fatal(err)
	}
	if err := v.Save(); err != nil {
		t.Fatal(err)
	}
}

// waitWindow waits until the process has a visible window (name is a
// regexp; "" means any) and returns when it appeared.
func waitWindow(t *testing.T, pid int, name string) time.Time {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	args := []string{"search", "--onlyvisible", "--pid", strconv.Itoa(pid)}
	if name != "" {
		args = append(args, "--name", name)
	}
	for time.Now().Before(deadline) {
		if out, err := exec.Command("xdotool", args...).Output(); err == nil && strings.TrimSpace(string(out)) != "" {
			return time.Now()
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("no window within 30 s")
	return time.Time{}
}

// cpuShare is the process's CPU time over d as a percentage of one core.
func cpuShare(t *testing.T, pid int, d time.Duration) float64 {
	t.Helper()
	before := cpuTicks(t, pid)
	time.Sleep(d)
	after := cpuTicks(t, pid)
	const hz = 100 // USER_HZ on Linux
	return float64(after-before) / hz / d.Seconds() * 100
}

func cpuTicks(t *testing.T, pid int) int64 {
	t.Helper()
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		t.Fatal(err)
	}
	// Fields after the ")" that ends the command name: utime is 14th, stime 15th overall.
	f := strings.Fields(string(data[strings.LastIndexByte(string(data), ')')+2:]))
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return utime + stime
}

func rssMiB(t *testing.T, pid int) float64 {
	t.Helper()
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseFloat(strings.Fields(rest)[0], 64)
			return kb / 1024
		}
	}
	return 0
}
