package payout

import "github.com/sellervault/sellervault/internal/inputerr"

// The refusal helpers every validator here uses; their errors match
// records.ErrInvalidInput, like every parser's error in sellervault.
var (
	invalidf     = inputerr.Errorf
	quoteInput   = inputerr.Quote
	describeRune = inputerr.DescribeRune
)
