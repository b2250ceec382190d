package vault

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// The test binary doubles as the child process of the multi-process tests:
// with LATCHKEY_VAULT_CHILD set it plays that part instead of testing.
func TestMain(m *testing.M) {
	if mode := os.Getenv("LATCHKEY_VAULT_CHILD"); mode != "" {
		if err := runChild(mode, os.Getenv("LATCHKEY_VAULT_PATH")); err != nil {
			fmt.Fprintln(os.Stderr, "child:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	// defaultOptions keeps a local copy of each vault in the state
	// folder: a private one, never the real user's.
	state, err := os.MkdirTemp("", "latchkey-vault-test-state-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Setenv("XDG_STATE_HOME", state)
	code := m.Run()
	os.RemoveAll(state)
	os.Exit(code)
}

func runChild(mode, path string) error {
	if mode == "memlock" {
		return memlockChild(path) // memlock_linux_test.go
	}
	v, err := open(path, testPassword, testOptions())
	if err != nil {
		return err
	}
	defer v.Close()
	switch mode {
	case "hold":
		fmt.Println("ready")
		io.Copy(io.Discard, os.Stdin) // until the parent closes stdin
		return nil
	case "save":
		// Advance an HOTP counter and save, forever; acknowledge each save
		// only after Save returned.
		a := v.Accounts()[0]
		for {
			a.Key.Counter++
			if err := v.Update(a); err != nil {
				return err
			}
			if err := v.Save(); err != nil {
				return err
			}
			os.Stdout.WriteString(strconv.FormatUint(a.Key.Counter, 10) + "\n")
		}
	}
	return fmt.Errorf("unknown mode %q", mode)
}

func child(t *testing.T, mode, path string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "LATCHKEY_VAULT_CHILD="+mode, "LATCHKEY_VAULT_PATH="+path)
	cmd.Stderr = os.Stderr
	return cmd
}

func counterOf(t *testing.T, path string) uint64 {
	t.Helper()
	accounts, _, err := decryptFile(mustRead(t, path), testPassword, testLimits)
	if err != nil {
		t.Fatalf("the vault does not open: %v", err)
	}
	return accounts[0].Key.Counter
}

// A process saving in a tight loop is killed with SIGKILL again and again.
// Each time the vault must open and hold the last acknowledged state or the
// one after it. LATCHKEY_KILLS sets the number of kills (default 200).
func TestKillDuringSave(t *testing.T) {
	kills := 200
	if s := os.Getenv("LATCHKEY_KILLS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			t.Fatalf("LATCHKEY_KILLS=%q: %v", s, err)
		}
		kills = n
	}
	v, path, _ := newTestVault(t)
	mustAdd(t, v, Account{Key: hotpKey()})
	mustSave(t, v)
	v.Close()

	counter := uint64(0)
	midSave := 0
	for i := range kills {
		cmd := child(t, "save", path)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		acks := make(chan uint64, 1<<16)
		go func() {
			sc := bufio.NewScanner(out)
			for sc.Scan() {
				if n, err := strconv.ParseUint(sc.Text(), 10, 64); err == nil {
					acks <- n
				}
			}
			close(acks)
		}()
		// Most kills land in the steady saving loop, some during start-up.
		if i%10 != 0 {
			select {
			case n, ok := <-acks:
				if !ok {
					t.Fatalf("kill %d: the child exited before saving", i)
				}
				counter = n
			case <-time.After(10 * time.Second):
				t.Fatalf("kill %d: no save acknowledged in 10 s", i)
			}
			time.Sleep(time.Duration(rand.IntN(5000)) * time.Microsecond)
		} else {
			time.Sleep(time.Duration(rand.IntN(20000)) * time.Microsecond)
		}
		cmd.Process.Kill()
		cmd.Wait()
		for n := range acks {
			counter = n
		}
		got := counterOf(t, path)
		if got != counter && got != counter+1 {
			t.Fatalf("kill %d: vault holds counter %d, want %d (last acknowledged) or %d", i, got, counter, counter+1)
		}
		if got == counter+1 {
			midSave++ // killed after the rename, before the acknowledgement
		}
		counter = got
	}
	t.Logf("%d kills; %d landed between a save's rename and its acknowledgement; final counter %d", kills, midSave, counter)
	v, err := open(path, testPassword, testOptions())
	if err != nil {
		t.Fatalf("open after the kills: %v", err)
	}
	defer v.Close()
	if tmp := tempFiles(t, filepath.Dir(path)); len(tmp) > 0 {
		t.Errorf("temporary files left after Open swept: %v", tmp)
	}
	backups, err := listBackups(osFS{}, BackupDirFor(path), path)
	if err != nil {
		t.Fatal(err)
	}
	if len(backups) > DefaultSettings().BackupKeep+rotationDays {
		t.Errorf("got %d backups, want at most %d", len(backups), DefaultSettings().BackupKeep+rotationDays)
	}
}

// A second process cannot open (or create over) a vault the first has open.
func TestTwoProcesses(t *testing.T) {
	v, path, _ := newTestVault(t)
	v.Close()
	cmd := child(t, "hold", path)
	in, _ := cmd.StdinPipe()
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || line != "ready\n" {
		t.Fatalf("child: got %q, %v, want ready", line, err)
	}
	before := mustRead(t, path)
	_, err = open(path, testPassword, testOptions())
	wantErr(t, "open while another process holds it", err, ErrLocked)
	_, _, err = create(path, testPassword, testOptions())
	wantErr(t, "create while another process holds it", err, ErrLocked)
	if string(mustRead(t, path)) != string(before) {
		t.Fatal("refused opens changed the file")
	}
	in.Close()
	if err := cmd.Wait(); err != nil {
		t.Fatalf("child: %v", err)
	}
	v, err = open(path, testPassword, testOptions())
	if err != nil {
		t.Fatalf("open after the other process quit: %v", err)
	}
	v.Close()
}

func mustDecrypt(t *testing.T, path string) []Account {
	t.Helper()
	accounts, _, err := decryptFile(mustRead(t, path), testPassword, testLimits)
	if err != nil {
		t.Fatal(err)
	}
	return accounts
}
