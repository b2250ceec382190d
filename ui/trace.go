package ui

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"time"

	"latchkey/vault"
)

// traceEnv, when set, makes the window print milestones to stderr with the
// wall-clock time in milliseconds, for start-up figures and for the
// end-to-end test to wait on. Nothing secret is ever traced.
const traceEnv = "LATCHKEY_TRACE"

var tracing = os.Getenv(traceEnv) != ""

func trace(event string) {
	if tracing {
		fmt.Fprintf(os.Stderr, "latchkey-trace %d %s\n", time.Now().UnixMilli(), event)
	}
	if profiling {
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		fmt.Fprintf(os.Stderr, "latchkey-memory %s: heap in use %.1f MiB, idle %.1f MiB, released %.1f MiB\n", event,
			mib(ms.HeapInuse), mib(ms.HeapIdle), mib(ms.HeapReleased))
	}
}

func mib(n uint64) float64 { return float64(n) / (1 << 20) }

// profileEnv, when it names a folder, makes the window profile itself for
// finding idle and memory costs: a CPU profile of the whole run, and at
// exit a heap profile and the runtime's memory figures. Profiles hold code
// locations and sizes, never the data. Not a documented setting.
const profileEnv = "LATCHKEY_PROFILE"

var profiling = os.Getenv(profileEnv) != ""

// profiler collects the CPU profile in memory: files go through
// vault.WriteFile, which writes whole files only.
type profiler struct {
	dir string
	cpu bytes.Buffer
}

func startProfile() *profiler {
	dir := os.Getenv(profileEnv)
	if dir == "" {
		return nil
	}
	p := &profiler{dir: dir}
	runtime.MemProfileRate = 4096 // fine enough to see a small screen's share
	if err := pprof.StartCPUProfile(&p.cpu); err != nil {
		fmt.Fprintf(os.Stderr, "latchkey: profile: %v\n", err)
		return nil
	}
	return p
}

// stop writes the profiles, named by the time (WriteFile never replaces
// a file): TIME-cpu.pprof, TIME-heap.pprof and TIME-memstats.txt.
func (p *profiler) stop() {
	if p == nil {
		return
	}
	pprof.StopCPUProfile()
	runtime.GC()
	var heap bytes.Buffer
	pprof.Lookup("heap").WriteTo(&heap, 0)
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	stats := fmt.Sprintf("HeapAlloc %d\nHeapInuse %d\nHeapIdle %d\nHeapReleased %d\nHeapSys %d\nStackSys %d\nSys %d\nNumGC %d\n",
		ms.HeapAlloc, ms.HeapInuse, ms.HeapIdle, ms.HeapReleased, ms.HeapSys, ms.StackSys, ms.Sys, ms.NumGC)
	stamp := time.Now().Format("20060102-150405")
	for _, f := range []struct {
		name string
		data []byte
	}{{"cpu.pprof", p.cpu.Bytes()}, {"heap.pprof", heap.Bytes()}, {"memstats.txt", []byte(stats)}} {
		if err := vault.WriteFile(filepath.Join(p.dir, stamp+"-"+f.name), f.data, vault.WriteOptions{}); err != nil {
			fmt.Fprintf(os.Stderr, "latchkey: profile: %v\n", err)
		}
	}
}
