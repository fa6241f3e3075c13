package repo

// reads is how many requests a listing or a bulk job keeps in flight
// (package parallel runs them).
const reads = 8
