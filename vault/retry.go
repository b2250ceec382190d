package vault

import "time"

// busyTries and busyFirstWait bound retryBusy: waits of 5, 10, ... 320 ms,
// about 0.6 s in all, longer than a scanner or a reader holds a small file.
const (
	busyTries     = 8
	busyFirstWait = 5 * time.Millisecond
)

// retryBusy runs op again while it fails with an error that busy says is
// passing (Windows: another program has the file open), waiting twice as
// long each time. Any other result is returned at once.
func retryBusy(op func() error, busy func(error) bool, sleep func(time.Duration)) error {
	wait := busyFirstWait
	for try := 1; ; try++ {
		err := op()
		if err == nil || !busy(err) || try == busyTries {
			return err
		}
		sleep(wait)
		wait *= 2
	}
}
