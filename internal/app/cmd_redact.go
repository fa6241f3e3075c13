package app

import "errors"

// errFound: scan found secrets in the text.
var errFound = errors.New("secrets found")
