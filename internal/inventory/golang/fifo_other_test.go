//go:build !unix

package golang

import "errors"

func mkfifo(string) error { return errors.New("not supported") }
