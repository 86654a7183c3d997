//go:build !unix

package jobs

import "os/exec"

// killGroup leaves cmd as it is: without process groups only git itself
// is killed, and cmd.WaitDelay stops the wait for its helpers.
func killGroup(*exec.Cmd) {}
