package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"latchkey/core"
	"latchkey/internal/testtool"
	"latchkey/vault"
)

// Two computers, A and B, each with its own home (state folder, device
// id) and its own Syncthing, share a vault through a synced folder. Both
// Syncthings run here on 127.0.0.1 only (discovery, relays, NAT, STUN,
// upgrades and crash reports off; GUI and API on free local ports). Each
// changes the vault while the other's Syncthing is paused; both resume,
// the folders converge, and both computers' latchkey list show every
// change. Syncthing starts and stops inside the test.
func TestTwoComputersThroughSyncthing(t *testing.T) {
	testtool.Path(t, "syncthing")
	bin := binary(t)
	start := time.Now()
	deadline := start.Add(110 * time.Second)
	root := t.TempDir()
	a := newComputer(t, root, "a", bin)
	b := newComputer(t, root, "b", bin)
	// Only A dials (B waits for it): two devices dialling each other at
	// once after a resume can stall one handshake for 20 s.
	a.st.configure(t, b.st, a.folder, true)
	b.st.configure(t, a.st, b.folder, false)
	a.st.start(t)
	b.st.start(t)
	waitFor(t, deadline, "the two Syncthings connect", func() bool {
		return a.st.connected(b.st.id) && b.st.connected(a.st.id)
	})
	t.Logf("connected after %v", time.Since(start).Round(time.Millisecond))

	// A makes the vault; B sees it once Syncthing brought it.
	a.latchkey(t, 0, "init")
	a.latchkey(t, 0, "add", "-", "otpauth://totp/Shared:both?secret=JBSWY3DPEHPK3PXP&issuer=Shared\notpauth://totp/Doomed:gone?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Doomed")
	a.st.scan(t)
	waitFor(t, deadline, "B receives the vault", func() bool { return sameFile(a.vault(), b.vault()) })
	if got := b.list(t); !slices.Equal(got, []string{"Shared\tboth", "Doomed\tgone"}) {
		t.Fatalf("B's list: got %q", got)
	}

	// Apart: each pauses the other.
	setLinked(t, deadline, a, b, false, "both pause")
	a.latchkey(t, 0, "add", "-", "otpauth://totp/OnlyA:alice?secret=MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U&issuer=OnlyA")
	a.latchkey(t, 0, "edit", "Shared", "--note", "noted on A")
	b.latchkey(t, 0, "add", "-", "otpauth://totp/OnlyB:bob?secret=ORSXG5DTMVRXEZLUORSXG5DT&issuer=OnlyB")
	b.latchkey(t, 0, "edit", "Shared", "--tags", "tagged-on-b")
	b.latchkey(t, 0, "rm", "Doomed", "--yes")
	a.st.scan(t)
	b.st.scan(t)

	// Together again: Syncthing keeps one version and makes the other a
	// conflict copy (or replaces one computer's file outright; then that
	// computer's own copy brings its changes back). Each computer's
	// latchkey sync merges what it finds; the folders converge.
	resumed := time.Now()
	setLinked(t, deadline, a, b, true, "the two Syncthings reconnect")
	waitFor(t, deadline, "the changes of both arrive", func() bool {
		return sameFile(a.vault(), b.vault()) && a.st.complete(b.st.id) && b.st.complete(a.st.id)
	})
	t.Logf("converged after the resume in %v; conflict copies: %q", time.Since(resumed).Round(time.Millisecond), conflictCopies(a.folder))
	for i := 0; ; i++ {
		a.latchkey(t, -1, "sync")
		a.st.scan(t)
		waitFor(t, deadline, "B receives A's merge", func() bool {
			return sameFile(a.vault(), b.vault()) && a.st.complete(b.st.id) && b.st.complete(a.st.id) &&
				slices.Equal(conflictCopies(a.folder), conflictCopies(b.folder))
		})
		b.latchkey(t, -1, "sync")
		b.st.scan(t)
		waitFor(t, deadline, "A receives B's merge", func() bool {
			return sameFile(a.vault(), b.vault()) && a.st.complete(b.st.id) && b.st.complete(a.st.id) &&
				slices.Equal(conflictCopies(a.folder), conflictCopies(b.folder))
		})
		if len(conflictCopies(a.folder)) == 0 || i == 3 {
			break
		}
	}
	if left := conflictCopies(a.folder); len(left) != 0 {
		t.Errorf("conflict copies left: %q", left)
	}
	want := []string{"Shared\tboth", "OnlyA\talice", "OnlyB\tbob"}
	for _, c := range []*computer{a, b} {
		got := c.list(t)
		slices.Sort(got)
		w := slices.Clone(want)
		slices.Sort(w)
		if !slices.Equal(got, w) {
			t.Errorf("%s's list: got %q, want %q", c.name, got, w)
		}
		js := c.latchkey(t, 0, "list", "--json")
		if !strings.Contains(js, `"note": "noted on A"`) || !strings.Contains(js, `"tagged-on-b"`) {
			t.Errorf("%s: the edit of one field on each computer did not both survive:\n%s", c.name, js)
		}
	}

	// Syncthing told to keep no conflict copies (max conflicts 0): the
	// losing computer's file is replaced outright. Its own last save,
	// outside the folder, brings its change back at its next command.
	for _, c := range []*computer{a, b} {
		c.st.patch(t, "/rest/config/folders/vault", `{"maxConflicts": 0}`)
	}
	setLinked(t, deadline, a, b, false, "both pause again")
	a.latchkey(t, 0, "edit", "OnlyA", "--note", "second round on A")
	b.latchkey(t, 0, "add", "-", "otpauth://totp/OnlyB2:bob2?secret=KRUGKIDROVUWG2ZAMJZG653O&issuer=OnlyB2")
	a.st.scan(t)
	b.st.scan(t)
	setLinked(t, deadline, a, b, true, "the two Syncthings reconnect again")
	waitFor(t, deadline, "the folders agree again", func() bool {
		return sameFile(a.vault(), b.vault()) && a.st.complete(b.st.id) && b.st.complete(a.st.id)
	})
	if left := conflictCopies(a.folder); len(left) != 0 {
		t.Fatalf("max conflicts 0 left conflict copies: %q", left)
	}
	for _, c := range []*computer{a, b, a} {
		c.latchkey(t, 0, "sync")
		c.st.scan(t)
		waitFor(t, deadline, "the folders agree after "+c.name+"'s sync", func() bool {
			return sameFile(a.vault(), b.vault()) && a.st.complete(b.st.id) && b.st.complete(a.st.id)
		})
	}
	for _, c := range []*computer{a, b} {
		js := c.latchkey(t, 0, "list", "--json")
		if !strings.Contains(js, `"note": "second round on A"`) || !strings.Contains(js, `"OnlyB2"`) {
			t.Errorf("%s after a replace without a conflict copy: a change is missing:\n%s", c.name, js)
		}
	}

	// B keeps the vault open, as the window does, and watches the folder;
	// A adds an account. The figure: from Syncthing putting A's file in
	// B's folder (the rename, the file's ctime) to B's vault holding it.
	bv, err := vault.Options{StateDir: filepath.Join(b.home, ".config", "latchkey", "state")}.Open(b.vault(), []byte("correct horse battery staple"))
	must(t, err)
	defer bv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	reports := make(chan time.Time, 4)
	var got vault.Changes
	go core.Watch(ctx, bv, func(r core.SyncReport, err error) {
		if err == nil {
			got = r.Changes()
		}
		reports <- time.Now()
	})
	time.Sleep(100 * time.Millisecond) // the watch is set up (a local call)
	a.latchkey(t, 0, "add", "-", "otpauth://totp/Watched:w?secret=NBSWY3DPO5XXE3DEEBQW4ZBA&issuer=Watched")
	saved := time.Now()
	a.st.scan(t)
	var merged time.Time
	select {
	case merged = <-reports:
	case <-time.After(time.Until(deadline)):
		t.Fatal("B's watcher reported nothing")
	}
	var st syscall.Stat_t
	must(t, syscall.Stat(b.vault(), &st))
	delivered := time.Unix(st.Ctim.Sec, st.Ctim.Nsec)
	if _, ok := findLabel(bv, "Watched"); !ok || got.String() != "1 added" {
		t.Errorf("B's open vault after the watch: report %q, want \"1 added\" and the account", got)
	}
	t.Logf("figure: Syncthing delivered A's save to B's folder %v after A's command returned; B's open vault held it %v after delivery",
		delivered.Sub(saved).Round(time.Millisecond), merged.Sub(delivered).Round(time.Millisecond))

	for _, c := range []*computer{a, b} {
		c.st.onlyLoopback(t)
	}
	t.Logf("whole test: %v", time.Since(start).Round(time.Millisecond))
}

func findLabel(v *vault.Vault, issuer string) (vault.Account, bool) {
	for _, a := range v.Accounts() {
		if a.Key.Issuer == issuer {
			return a, true
		}
	}
	return vault.Account{}, false
}

func (s *syncthing) patch(t *testing.T, path, body string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPatch, fmt.Sprintf("http://127.0.0.1:%d%s", s.gui, path), strings.NewReader(body))
	must(t, err)
	req.Header.Set("X-API-Key", s.apiKey)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	must(t, err)
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		t.Fatalf("PATCH %s: %s %s", path, resp.Status, msg)
	}
}

// computer is one machine: a home of its own (so its own state folder and
// device id), a synced folder and a Syncthing.
type computer struct {
	name, home, folder, bin, pwFile string
	st                              *syncthing
}

func newComputer(t *testing.T, root, name, bin string) *computer {
	c := &computer{name: name, home: filepath.Join(root, name, "home"), folder: filepath.Join(root, name, "Sync"), bin: bin}
	for _, d := range []string{c.home, c.folder} {
		must(t, os.MkdirAll(d, 0o700))
	}
	c.pwFile = filepath.Join(c.home, "pw")
	must(t, os.WriteFile(c.pwFile, []byte("correct horse battery staple\n"), 0o600))
	c.st = newSyncthing(t, filepath.Join(root, name, "syncthing"))
	return c
}

func (c *computer) vault() string { return filepath.Join(c.folder, "vault.latchkey") }

// latchkey runs a command against the computer's vault; status -1
// accepts any exit status.
func (c *computer) latchkey(t *testing.T, status int, args ...string) string {
	t.Helper()
	var stdin string
	if len(args) > 1 && args[1] == "-" {
		stdin = args[2] + "\n"
		args = args[:2]
	}
	cmd := exec.Command(c.bin, append(args, "--vault", c.vault(), "--password-file", c.pwFile)...)
	cmd.Env = env(c.home)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("%s: latchkey %v: %v", c.name, args, err)
	}
	if status >= 0 && code != status {
		t.Fatalf("%s: latchkey %v: status %d, want %d\nstdout %s\nstderr %s", c.name, args, code, status, out.String(), errb.String())
	}
	t.Logf("%s: latchkey %s: %d %s%s", c.name, args[0], code, out.String(), errb.String())
	return out.String()
}

func (c *computer) list(t *testing.T) []string {
	return strings.Split(strings.TrimSpace(c.latchkey(t, 0, "list")), "\n")
}

func sameFile(a, b string) bool {
	x, errA := os.ReadFile(a)
	y, errB := os.ReadFile(b)
	return errA == nil && errB == nil && bytes.Equal(x, y)
}

// conflictCopies are the files of the folder that look like Syncthing's
// conflict copies of the vault, sorted.
func conflictCopies(dir string) []string {
	names, _ := filepath.Glob(filepath.Join(dir, "vault.sync-conflict-*.latchkey"))
	for i := range names {
		names[i] = filepath.Base(names[i])
	}
	slices.Sort(names)
	return names
}

// waitFor polls cond (every 200 ms: Syncthing has no event to wait on from
// outside) until it holds or the test's deadline passes.
// setLinked pauses (linked false) or resumes each computer's link to the
// other, and waits until both see it so.
func setLinked(t *testing.T, deadline time.Time, a, b *computer, linked bool, what string) {
	t.Helper()
	op := "pause"
	if linked {
		op = "resume"
	}
	a.st.post(t, "/rest/system/"+op+"?device="+b.st.id)
	b.st.post(t, "/rest/system/"+op+"?device="+a.st.id)
	waitFor(t, deadline, what, func() bool {
		return a.st.connected(b.st.id) == linked && b.st.connected(a.st.id) == linked
	})
}

func waitFor(t *testing.T, deadline time.Time, what string, cond func() bool) {
	t.Helper()
	began := time.Now()
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Logf("%s: %v", what, time.Since(began).Round(time.Millisecond))
}

type syncthing struct {
	home, id, apiKey string
	gui, listen      int
	cmd              *exec.Cmd
	log              bytes.Buffer
	done             chan error
}

func newSyncthing(t *testing.T, home string) *syncthing {
	t.Helper()
	s := &syncthing{home: home, gui: freePort(t), listen: freePort(t), done: make(chan error, 1)}
	out, err := exec.Command("syncthing", "generate", "--home="+home, "--no-default-folder", "--skip-port-probing").CombinedOutput()
	if err != nil {
		t.Fatalf("syncthing generate: %v\n%s", err, out)
	}
	id, err := exec.Command("syncthing", "serve", "--home="+home, "--device-id").Output()
	if err != nil {
		t.Fatalf("syncthing --device-id: %v", err)
	}
	s.id = strings.TrimSpace(string(id))
	var key [16]byte
	f, err := os.Open("/dev/urandom")
	must(t, err)
	io.ReadFull(f, key[:])
	f.Close()
	s.apiKey = fmt.Sprintf("%x", key)
	return s
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	must(t, err)
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// configure writes a config of one folder shared with other, everything
// that could reach beyond 127.0.0.1 turned off.
func (s *syncthing) configure(t *testing.T, other *syncthing, folder string, dial bool) {
	t.Helper()
	otherAddr := "dynamic" // with discovery off: never dialled
	if dial {
		otherAddr = fmt.Sprintf("tcp://127.0.0.1:%d", other.listen)
	}
	must(t, os.MkdirAll(filepath.Join(folder, ".stfolder"), 0o700))
	cfg := fmt.Sprintf(`<configuration version="36">
    <folder id="vault" label="vault" path="%[1]s" type="sendreceive" rescanIntervalS="5" fsWatcherEnabled="true" fsWatcherDelayS="1" ignorePerms="false" autoNormalize="true">
        <filesystemType>basic</filesystemType>
        <device id="%[2]s" introducedBy=""></device>
        <device id="%[3]s" introducedBy=""></device>
        <minDiskFree unit="%%">1</minDiskFree>
        <maxConflicts>10</maxConflicts>
    </folder>
    <device id="%[2]s" name="self" compression="metadata" introducer="false" skipIntroductionRemovals="false" introducedBy="">
        <address>dynamic</address>
    </device>
    <device id="%[3]s" name="other" compression="metadata" introducer="false" skipIntroductionRemovals="false" introducedBy="">
        <address>%[4]s</address>
    </device>
    <gui enabled="true" tls="false" debugging="false">
        <address>127.0.0.1:%[5]d</address>
        <apikey>%[6]s</apikey>
        <theme>default</theme>
    </gui>
    <options>
        <listenAddress>tcp://127.0.0.1:%[7]d</listenAddress>
        <globalAnnounceServer></globalAnnounceServer>
        <globalAnnounceEnabled>false</globalAnnounceEnabled>
        <localAnnounceEnabled>false</localAnnounceEnabled>
        <relaysEnabled>false</relaysEnabled>
        <natEnabled>false</natEnabled>
        <startBrowser>false</startBrowser>
        <urAccepted>-1</urAccepted>
        <urSeen>3</urSeen>
        <autoUpgradeIntervalH>0</autoUpgradeIntervalH>
        <releasesURL></releasesURL>
        <crashReportingEnabled>false</crashReportingEnabled>
        <crashReportingURL></crashReportingURL>
        <stunKeepaliveStartS>0</stunKeepaliveStartS>
        <stunKeepaliveMinS>0</stunKeepaliveMinS>
        <stunServer></stunServer>
        <announceLANAddresses>false</announceLANAddresses>
        <reconnectionIntervalS>1</reconnectionIntervalS>
    </options>
</configuration>
`, folder, s.id, other.id, otherAddr, s.gui, s.apiKey, s.listen)
	must(t, os.WriteFile(filepath.Join(s.home, "config.xml"), []byte(cfg), 0o600))
}

func (s *syncthing) start(t *testing.T) {
	t.Helper()
	s.cmd = exec.Command("syncthing", "serve", "--home="+s.home, "--no-browser", "--no-restart", "--logflags=0")
	s.cmd.Env = append(os.Environ(), "STNOUPGRADE=1", "STNODEFAULTFOLDER=1", "HOME="+s.home)
	s.cmd.Stdout, s.cmd.Stderr = &s.log, &s.log
	must(t, s.cmd.Start())
	go func() { s.done <- s.cmd.Wait() }()
	t.Cleanup(func() {
		s.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-s.done:
		case <-time.After(10 * time.Second):
			s.cmd.Process.Kill()
			<-s.done
		}
		if t.Failed() {
			t.Logf("syncthing %s log:\n%s", s.id[:7], s.log.String())
		}
	})
	waitFor(t, time.Now().Add(30*time.Second), "syncthing's API answers", func() bool {
		_, err := s.get("/rest/system/ping")
		return err == nil
	})
}

func (s *syncthing) request(method, path string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, fmt.Sprintf("http://127.0.0.1:%d%s", s.gui, path), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("X-API-Key", s.apiKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s %s: %s %s", method, path, resp.Status, body)
	}
	return body, err
}

func (s *syncthing) get(path string) ([]byte, error) { return s.request(http.MethodGet, path) }

func (s *syncthing) post(t *testing.T, path string) {
	t.Helper()
	if _, err := s.request(http.MethodPost, path); err != nil {
		t.Fatal(err)
	}
}

// scan asks for a scan of the folder now, not at the next watch event.
func (s *syncthing) scan(t *testing.T) { s.post(t, "/rest/db/scan?folder=vault") }

func (s *syncthing) connected(id string) bool {
	body, err := s.get("/rest/system/connections")
	if err != nil {
		return false
	}
	var c struct {
		Connections map[string]struct {
			Connected bool `json:"connected"`
			Paused    bool `json:"paused"`
		} `json:"connections"`
	}
	if json.Unmarshal(body, &c) != nil {
		return false
	}
	return c.Connections[id].Connected && !c.Connections[id].Paused
}

// complete reports whether the other device has everything this one has.
func (s *syncthing) complete(id string) bool {
	body, err := s.get("/rest/db/completion?folder=vault&device=" + id)
	if err != nil {
		return false
	}
	var c struct {
		Completion float64 `json:"completion"`
		NeedItems  int     `json:"needItems"`
	}
	return json.Unmarshal(body, &c) == nil && c.Completion == 100 && c.NeedItems == 0
}

// onlyLoopback checks every socket the Syncthing process holds is bound
// to, and talks with, 127.0.0.1 alone (or is a listening wildcard it was
// not asked for, which fails too).
func (s *syncthing) onlyLoopback(t *testing.T) {
	t.Helper()
	pid := s.cmd.Process.Pid
	inodes := map[string]bool{}
	// Syncthing runs a monitor process and the real one as its child.
	for _, p := range withChildren(pid) {
		fds, _ := os.ReadDir(fmt.Sprintf("/proc/%d/fd", p))
		for _, fd := range fds {
			link, err := os.Readlink(fmt.Sprintf("/proc/%d/fd/%s", p, fd.Name()))
			if err == nil && strings.HasPrefix(link, "socket:[") {
				inodes[strings.TrimSuffix(strings.TrimPrefix(link, "socket:["), "]")] = true
			}
		}
	}
	checked := 0
	for _, table := range []string{"tcp", "tcp6", "udp", "udp6"} {
		data, err := os.ReadFile(fmt.Sprintf("/proc/%d/net/%s", pid, table))
		must(t, err)
		for _, line := range strings.Split(string(data), "\n")[1:] {
			f := strings.Fields(line)
			if len(f) < 10 || !inodes[f[9]] {
				continue
			}
			checked++
			for _, addr := range f[1:3] {
				if !loopbackOrUnset(addr) {
					t.Errorf("syncthing %s holds a %s socket %s -> %s beyond 127.0.0.1", s.id[:7], table, f[1], f[2])
				}
			}
		}
	}
	if checked == 0 {
		t.Errorf("syncthing %s: found none of its sockets", s.id[:7])
	}
}

// loopbackOrUnset reads /proc/net's "HEXADDR:PORT": 127.x.x.x, ::1, the
// IPv4-mapped 127.x.x.x, or all zeros (the remote side of a listener).
func loopbackOrUnset(s string) bool {
	hexAddr, _, _ := strings.Cut(s, ":")
	switch len(hexAddr) {
	case 8: // little-endian IPv4: the last byte is the first octet
		return hexAddr == "00000000" || strings.HasSuffix(hexAddr, "7F")
	case 32:
		return hexAddr == strings.Repeat("0", 32) || hexAddr == "00000000000000000000000001000000" ||
			(strings.HasPrefix(hexAddr, "0000000000000000FFFF0000") && strings.HasSuffix(hexAddr, "7F"))
	}
	return false
}

// withChildren is pid and its descendants.
func withChildren(pid int) []int {
	out := []int{pid}
	tasks, _ := os.ReadDir(fmt.Sprintf("/proc/%d/task", pid))
	for _, task := range tasks {
		b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/task/%s/children", pid, task.Name()))
		for _, f := range strings.Fields(string(b)) {
			var child int
			if _, err := fmt.Sscan(f, &child); err == nil {
				out = append(out, withChildren(child)...)
			}
		}
	}
	return out
}
