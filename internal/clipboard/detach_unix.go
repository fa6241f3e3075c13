//go:build unix

package clipboard

import "syscall"

// detached starts the helper in a new session, away from the terminal.
func detached() *syscall.SysProcAttr { return &syscall.SysProcAttr{Setsid: true} }
