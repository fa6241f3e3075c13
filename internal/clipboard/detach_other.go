//go:build !unix

package clipboard

import "syscall"

func detached() *syscall.SysProcAttr { return nil }
