package xvfbtest

import "syscall"

// sysProcAttr makes the kernel stop Xvfb if the test process dies without
// calling stop (a panic, a -timeout kill).
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
}
