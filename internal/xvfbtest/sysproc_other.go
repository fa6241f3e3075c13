//go:build !linux

package xvfbtest

import "syscall"

func sysProcAttr() *syscall.SysProcAttr { return nil }
