package agent

import "golang.org/x/sys/unix"

// socketPeerUID reads the peer's credentials the kernel recorded at
// connect (SO_PEERCRED): they cannot be forged by the peer.
func socketPeerUID(fd int) (int, error) {
	cred, err := unix.GetsockoptUcred(fd, unix.SOL_SOCKET, unix.SO_PEERCRED)
	if err != nil {
		return -1, err
	}
	return int(cred.Uid), nil
}
