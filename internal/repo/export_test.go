package repo

// SetVerifyUpTo changes VerifyUpTo for one repository, so that tests can
// use a store's listing with a few credentials.
func (r *Repo) SetVerifyUpTo(n int) { r.verifyUpTo = n }
