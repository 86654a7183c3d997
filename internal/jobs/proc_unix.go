//go:build unix

package jobs

import (
	"os/exec"
	"syscall"
)

// killGroup makes cmd the leader of a process group of its own and has
// the end of its context kill the whole group. git clone runs helpers
// (git-remote-https, ssh) that hold its output pipes: killing git alone
// leaves them waiting on the network, and the clone never returns.
func killGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
}
