// Package remind is the reminder job (`sellervault rotation remind`): it
// works out what is overdue or due soon, grouped by the person
// responsible, sends each channel one message, keeps quiet about a
// reminder that has not changed since it was last sent (a note per
// channel and person), and says per channel what happened. Messages
// carry record names, kinds, states and dates, never a value.
//
// It also holds what issuing the job's AppRole login needs
// (`rotation remind-setup`): checking the --bind-cidr address blocks
// (cidr.go) and the role it issues for (AppRole).
//
// It depends on small interfaces (Store, AppRole) that the record store
// and the connection implement, so it is tested without Vault as well as
// against the real one.
package remind
