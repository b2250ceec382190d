package ui

import (
	"fmt"
	"os"
	"time"
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
}
