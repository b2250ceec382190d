package e2e

import (
	"debug/elf"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"latchkey/internal/testtool"
	"latchkey/otp"
	"latchkey/vault"
)

// TestFigures measures the window with 50 and 500 accounts beside a bare
// Fyne window, in one run: start-up, unlock, memory, and idle CPU while
// locked, while the list shows and in the 10 s after a copy. Given
// LATCHKEY_BASELINE_BIN (an older build), it measures that build too, each
// figure right after the other, so before and after come from one run. It
// takes about three minutes per build, so it runs only with LATCHKEY_FIGURES=1:
//
//	git worktree add /tmp/before main && (cd /tmp/before && go build -o /tmp/latchkey-before .)
//	LATCHKEY_FIGURES=1 LATCHKEY_BASELINE_BIN=/tmp/latchkey-before \
//	  xvfb-run -a -s "-screen 0 1280x1024x24" go test -run Figures -v -timeout 30m ./e2e
//
// LATCHKEY_REDRAWS=1 (root, perf) adds how many times each window was
// repainted in each idle phase: a figure the shared machine does not blur.
//
// The current build must stay within the targets of issue 16 that the
// window itself decides: with 500 accounts at most 20 MiB more memory than
// the bare window, "latchkey code" under 50 ms while unlocked, and in each
// idle phase at most 1% of a core more than the bare window. Fyne's event
// loop wakes 60 times a second whatever the window shows, so the bare
// window's own share (about 1.5% here) is the floor.
func TestFigures(t *testing.T) {
	if os.Getenv("LATCHKEY_FIGURES") == "" {
		t.Skip("set LATCHKEY_FIGURES=1 to measure (about two minutes)")
	}
	needDisplay(t)
	builds := []build{{"current", binary(t)}}
	if b := os.Getenv("LATCHKEY_BASELINE_BIN"); b != "" {
		builds = append([]build{{"baseline", b}}, builds...)
	}
	for _, n := range []int{50, 500} {
		// The bare window as any Fyne program ships (Fyne's default tags),
		// and built as Latchkey is (GOFLAGS): the second, without the
		// emoji font, is the one Latchkey must stay near.
		plain := bareFigures(t, false)
		t.Logf("FIGURE bare-fyne (Fyne's defaults) rss=%.1fMiB idle_cpu=%.2f%%%s", plain.rss, plain.cpu, redrawText("", plain.redraws))
		bare := bareFigures(t, true)
		t.Logf("FIGURE bare-fyne (GOFLAGS=%q) rss=%.1fMiB idle_cpu=%.2f%%%s", os.Getenv("GOFLAGS"), bare.rss, bare.cpu, redrawText("", bare.redraws))
		for _, b := range builds {
			t.Run(fmt.Sprintf("%s-%d", b.name, n), func(t *testing.T) {
				f := windowFigures(t, b.bin, n)
				t.Logf("FIGURE %s accounts=%d start_to_window=%v enter_to_list=%dms cpu_locked=%.2f%% cpu_list=%.2f%% cpu_after_copy=%.2f%% rss_locked=%.1fMiB rss_unlocked=%.1fMiB rss_list=%.1fMiB (bare +%.1fMiB) code_while_unlocked=%v%s%s%s",
					b.name, n, f.startup.Round(time.Millisecond), f.enterToList, f.cpuLocked, f.cpuList, f.cpuCopy,
					f.rssLocked, f.rssUnlocked, f.rssList, f.rssList-bare.rss, f.code.Round(100*time.Microsecond),
					redrawText("_locked", f.redrawsLocked), redrawText("_list", f.redrawsList), redrawText("_after_copy", f.redrawsCopy))
				if b.name != "current" {
					return
				}
				for phase, cpu := range map[string]float64{"locked": f.cpuLocked, "list": f.cpuList, "after a copy": f.cpuCopy} {
					if cpu > bare.cpu+1 {
						t.Errorf("idle CPU %s: got %.2f%% of a core, want at most 1%% above the bare window's %.2f%%", phase, cpu, bare.cpu)
					}
				}
				if f.code >= 50*time.Millisecond {
					t.Errorf("latchkey code while unlocked: got %v, want under 50 ms", f.code)
				}
				if extra := f.rssList - bare.rss; n == 500 && extra > 20 {
					t.Errorf("memory with %d accounts: got %.1f MiB above a bare Fyne window, want at most 20", n, extra)
				}
			})
		}
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
		cpu := cpuShare(t, cmd.Process.Pid, idleFor)
		rss := rssMiB(t, cmd.Process.Pid)
		t.Logf("FIGURE otpclient (first run, no database) start_to_window=%v rss=%.1fMiB idle_cpu=%.2f%%",
			shown.Sub(launched).Round(time.Millisecond), rss, cpu)
	})
}

// idleFor is how long each idle phase is measured.
const idleFor = 10 * time.Second

type build struct{ name, bin string }

// figures are one window's measurements, phase by phase.
type figures struct {
	startup                         time.Duration
	enterToList                     int64 // ms
	cpuLocked, cpuList, cpuCopy     float64
	rssLocked, rssUnlocked, rssList float64
	code                            time.Duration // "latchkey code" as a process, median
	// Repaints of the window in each idle phase; -1 when not counted
	// (see countRedraws).
	redrawsLocked, redrawsList, redrawsCopy int
}

// windowFigures opens a vault of n accounts in bin and measures it: the
// locked screen once the person stopped (past the 10 s after which the
// password field rests); memory 5 s after the unlock; the list once the
// search field rests; the 10 s after a search and Enter copied a code
// (well within the 30 s clear time); then "latchkey code" of the same
// build, as a script runs it, while the window is unlocked.
func windowFigures(t *testing.T, bin string, n int) figures {
	var f figures
	dir := t.TempDir()
	home := filepath.Join(dir, "home")
	path := filepath.Join(dir, "vault.latchkey")
	pwFile := filepath.Join(dir, "password")
	must(t, os.WriteFile(pwFile, []byte(password+"\n"), 0o600))
	makeVault(t, path, n)
	environ := append(env(home), "XDG_RUNTIME_DIR="+testtool.SocketDir(t))
	launched := time.Now()
	probe := countRedraws(t, bin)
	w := startEnv(t, bin, environ, "--vault", path)
	pid := w.cmd.Process.Pid
	shown := waitWindow(t, pid, "^Latchkey$")
	f.startup = shown.Sub(launched)
	w.focus()
	time.Sleep(idleRests)
	f.cpuLocked, f.redrawsLocked = idlePhase(t, pid, probe)
	f.rssLocked = rssMiB(t, pid)

	w.unlock()
	enter := w.await("unlocking", 1, time.Second)
	list := w.await("list shown", 1, time.Second)
	f.enterToList = list - enter
	time.Sleep(5 * time.Second)
	f.rssUnlocked = rssMiB(t, pid)
	// Idle means the person stopped: past the 10 s after which the search
	// field rests.
	time.Sleep(time.Until(time.UnixMilli(list).Add(idleRests)))
	f.cpuList, f.redrawsList = idlePhase(t, pid, probe)

	// The daily use: type a few letters, Enter.
	typeText(t, "Service 007")
	key(t, "Return")
	w.await("copied", 1, 5*time.Second)
	f.cpuCopy, f.redrawsCopy = idlePhase(t, pid, probe)
	f.rssList = rssMiB(t, pid)

	// The same command for both builds: a window with an agent answers
	// it, an older one leaves it to unlock the vault.
	runs := 15
	if !strings.Contains(w.logText(), "agent started") {
		runs = 3
	}
	var times []time.Duration
	for range runs {
		began := time.Now()
		if out, stderr, err := script(bin, environ, "code", "Service 007", "--vault", path, "--password-file", pwFile); err != nil || len(strings.TrimSpace(out)) != 6 {
			t.Fatalf("latchkey code: %q, %v (%s)", out, err, stderr)
		}
		times = append(times, time.Since(began))
	}
	slices.Sort(times)
	f.code = times[len(times)/2]
	w.quit()
	return f
}

// idleRests is when untouched password and search fields give up the
// focus (the window's passwordRestAfter and searchRestAfter), with a
// margin.
const idleRests = 12 * time.Second

type bareFigure struct {
	rss, cpu float64
	redraws  int
}

// bareFigures starts a bare Fyne window of the same size (testdata/bare)
// and measures its memory and idle CPU: what Fyne itself costs here.
// goflags builds it with the environment's GOFLAGS (the project's tags),
// else with Fyne's defaults.
func bareFigures(t *testing.T, goflags bool) bareFigure {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "bare")
	build := exec.Command("go", "build", "-o", bin, "./testdata/bare")
	if !goflags {
		build.Env = append(os.Environ(), "GOFLAGS=")
	}
	if msg, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the bare window: %v\n%s", err, msg)
	}
	probe := countRedraws(t, bin)
	cmd := exec.Command(bin)
	cmd.Env = env(filepath.Join(t.TempDir(), "home"))
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	waitWindow(t, cmd.Process.Pid, "^Bare$")
	time.Sleep(2 * time.Second)
	cpu, redraws := idlePhase(t, cmd.Process.Pid, probe)
	return bareFigure{rss: rssMiB(t, cmd.Process.Pid), cpu: cpu, redraws: redraws}
}

// makeVault writes a vault of n TOTP accounts with the real KDF.
func makeVault(t testing.TB, path string, n int) {
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

// countRedraws, when LATCHKEY_REDRAWS=1, puts a perf uprobe on Fyne's
// repaintWindow in bin and returns its event name ("" otherwise). Fyne
// repaints the whole window whenever anything in it changed, so the count
// says what an idle window costs without the noise of CPU time on a shared
// machine. It needs perf with uprobes, as root.
func countRedraws(t *testing.T, bin string) string {
	t.Helper()
	if os.Getenv("LATCHKEY_REDRAWS") == "" {
		return ""
	}
	off, err := symbolOffset(bin, "fyne.io/fyne/v2/internal/driver/glfw.(*gLDriver).repaintWindow")
	if err != nil {
		t.Fatalf("finding Fyne's repaint in %s: %v", bin, err)
	}
	probes.n++
	event := fmt.Sprintf("latchkeyfig:repaint%d", probes.n)
	if msg, err := exec.Command("perf", "probe", "-q", "-x", bin, "-a", fmt.Sprintf("%s=0x%x", event, off)).CombinedOutput(); err != nil {
		t.Fatalf("perf probe (LATCHKEY_REDRAWS needs perf with uprobes, as root): %v\n%s", err, msg)
	}
	t.Cleanup(func() { exec.Command("perf", "probe", "-q", "-d", event).Run() })
	return event
}

var probes struct{ n int }

// symbolOffset is where the function sym starts in the file bin, which is
// how perf probe takes an address.
func symbolOffset(bin, sym string) (uint64, error) {
	f, err := elf.Open(bin)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	syms, err := f.Symbols()
	if err != nil {
		return 0, err
	}
	for _, s := range syms {
		if s.Name != sym {
			continue
		}
		for _, p := range f.Progs {
			if p.Type == elf.PT_LOAD && p.Flags&elf.PF_X != 0 && s.Value >= p.Vaddr && s.Value < p.Vaddr+p.Filesz {
				return s.Value - p.Vaddr + p.Off, nil
			}
		}
	}
	return 0, fmt.Errorf("no %s", sym)
}

// idlePhase is the process's CPU share over idleFor and, given a probe
// from countRedraws, how many times it repainted its window meanwhile
// (-1 without one).
func idlePhase(t *testing.T, pid int, probe string) (float64, int) {
	t.Helper()
	if probe == "" {
		return cpuShare(t, pid, idleFor), -1
	}
	before := cpuTicks(t, pid)
	began := time.Now()
	out, err := exec.Command("perf", "stat", "-x,", "-e", probe, "-p", strconv.Itoa(pid), "--", "sleep", fmt.Sprint(idleFor.Seconds())).CombinedOutput()
	took := time.Since(began)
	after := cpuTicks(t, pid)
	if err != nil {
		t.Fatalf("perf stat: %v\n%s", err, out)
	}
	n, err := strconv.Atoi(strings.Split(strings.TrimSpace(string(out)), ",")[0])
	if err != nil {
		t.Fatalf("perf stat said %q, want a count", out)
	}
	const hz = 100 // USER_HZ on Linux
	return float64(after-before) / hz / took.Seconds() * 100, n
}

func redrawText(phase string, n int) string {
	if n < 0 {
		return ""
	}
	return fmt.Sprintf(" redraws%s=%d/%v", phase, n, idleFor)
}
