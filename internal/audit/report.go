package audit

import "time"

// Flags.
const (
	FlagDotSegment    = "dot-segment"              // a "." or ".." segment in a request path, decoded or not: a traversal past the policies
	FlagOffboarded    = "offboarded"               // a request by someone offboarded or disabled, after that happened
	FlagUnwrapAfter   = "unwrap-after-offboarding" // a response wrapped by someone who has since been offboarded, unwrapped after that
	FlagOutsideStores = "outside-stores"           // a login or code of a store the person does not work on
	FlagOutsideRole   = "outside-role"             // a record their role may not read, or may not write
	FlagNotStaff      = "not-staff"                // a record read or change by a token of no team member (root, another team)
	FlagDenied        = "denied"                   // Vault refused it: permission denied
	FlagPayoutChange  = "payout-change"            // a write to a payout record, a proposal or a decision
	FlagBurst         = "burst"                    // more than BurstReads record reads within BurstWindow
	FlagHMACVolume    = "hmac-volume"              // more than HMACInputs Transit HMAC inputs within HMACWindow
)

// Results of a request.
const (
	ResultOK         = "ok"
	ResultDenied     = "denied"     // permission denied (no right, or a revoked or expired token)
	ResultFailed     = "failed"     // another error: not found, a check-and-set conflict, a bad login, a used wrapping token
	ResultUnanswered = "unanswered" // a request entry with no response entry in the log
)

// Actions, from Vault's operation.
const (
	ActionRead   = "read"
	ActionList   = "list"
	ActionChange = "change" // create, update, patch, delete
	ActionLogin  = "login"
	ActionUnwrap = "unwrap" // a wrapped response opened
)

// Burst defaults: more than 20 record reads by one person within 5 minutes.
const (
	DefaultBurstReads  = 20
	DefaultBurstWindow = 5 * time.Minute
)

// HMAC volume defaults: more than 5,000 Transit HMAC inputs by one person
// within an hour. The team's own work stays far below: `redact` sends
// Transit only the candidates whose length and shape match an indexed
// form, tens per run even for a megabyte of chat (measured with the
// redact package's test team of 300 to 3,000 values); `redact --reindex`
// HMACs each indexed form once, about 1.2 per value, so a team of 4,000
// values fits; every signed write is one input. Guessing values against
// the redaction index (an oracle: a dictionary of passwords, the phone
// numbers of an area code, account numbers of a bank) needs thousands to
// millions of inputs, and batch_input makes them cheap to send; an hour
// is long enough that spreading guesses over a working day still adds up
// to a flag every hour, short enough that a day's legitimate redacting
// never does.
const (
	DefaultHMACInputs = 5000
	DefaultHMACWindow = time.Hour
)

// Options configure an analysis.
type Options struct {
	// Prefix is the team's mount prefix (records in PREFIX/, proposals in
	// PREFIX-proposals/ ..., TOTP keys in PREFIX-totp/).
	Prefix string
	// People maps entity IDs and names to team members; nil knows nobody.
	People *Directory
	// Since drops requests before it; zero keeps all.
	Since time.Time
	// BurstReads and BurstWindow: more than BurstReads record reads by one
	// person within BurstWindow is a burst (defaults 20 and 5m).
	BurstReads  int
	BurstWindow time.Duration
	// HMACInputs and HMACWindow: more than HMACInputs Transit HMAC inputs
	// by one person within HMACWindow is flagged (defaults 5000 and 1h).
	HMACInputs int
	HMACWindow time.Duration
	// Staff and Store keep only the events and flags of one person or one
	// store; bursts and HMAC volumes are still counted over all of the
	// person's requests.
	Staff, Store string
}

// Event is one request to a record: a read of a login, TOTP code,
// mailbox, phone or payout record, proposal or decision; a change to a
// payout record, proposal or decision; a write its writer's role may not
// make; an unwrap of a response wrapped from the team's paths; a request
// whose path has dot-segments; any request Vault refused; a login attempt
// by someone who has left.
type Event struct {
	Time      time.Time
	Person    string // staff name; for others Vault's display name ("root"); "unknown" if none
	Role      string // ops, finance, manager, reminder (the reminder AppRole); "" if not a team member
	EntityID  string
	Action    string // read, list, change, login, unwrap
	Operation string // Vault's operation
	Kind      string // credential, totp-code, mailbox, phone, payout, payout-proposal, ...
	Record    string // masked for mailboxes and phones
	Store     string
	Result    string   // ok, denied, failed, unanswered
	Flags     []string // flag kinds, in a fixed order
	Note      string   // how the person was known, when not from the entry itself; what an unwrap opened
}

// Flag is something to look into.
type Flag struct {
	Kind       string
	Time       time.Time
	Until      time.Time // bursts and HMAC volumes: the last request; zero otherwise
	Person     string
	Role       string
	RecordKind string
	Record     string
	Store      string
	Count      int // bursts: the reads in it; HMAC volumes: the inputs
	Detail     string
	stores     []string // bursts: the stores read in it; HMAC volumes: the Transit keys
}

// Stats count what was read.
type Stats struct {
	Lines      int       // non-empty lines
	Malformed  int       // lines about the team that are not valid audit entries (cut short, not JSON), and lines too long
	Other      int       // lines not about the team's mounts or logins (not decoded)
	Requests   int       // requests about the team counted (one per request: its response entry)
	Unanswered int       // of those, request entries with no response entry
	First      time.Time // the earliest and latest time of a counted request
	Last       time.Time
}

// Report is the outcome of an analysis.
type Report struct {
	Events []Event
	Flags  []Flag
	Stats  Stats
	Burst  struct {
		Reads  int
		Window time.Duration
	}
	HMAC struct {
		Inputs int
		Window time.Duration
	}
}

// flagOrder is the order of flags on an event: the most telling first.
var flagOrder = map[string]int{FlagDotSegment: 0, FlagOffboarded: 1, FlagUnwrapAfter: 2, FlagOutsideStores: 3,
	FlagOutsideRole: 4, FlagNotStaff: 5, FlagDenied: 6, FlagPayoutChange: 7, FlagBurst: 8, FlagHMACVolume: 9}

func sortFlags(f []string) {
	for i := 1; i < len(f); i++ { // a handful: insertion sort, no allocation
		for j := i; j > 0 && flagOrder[f[j]] < flagOrder[f[j-1]]; j-- {
			f[j], f[j-1] = f[j-1], f[j]
		}
	}
}
