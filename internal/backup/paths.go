package backup

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/sellervault/sellervault/internal/inputerr"
)

// Class is what a backup does with a path of the team's records mount.
type Class int

// Classes of path.
const (
	Include   Class = iota // backed up and restored
	SkipInit               // _meta/init: `sellervault init` writes it
	SkipNotes              // _meta/reminders/... (the reminder job's notes of schema 1; now in the reminders mount) and _meta/offboarding/... (what each offboarding's runs did)
	SkipIndex              // _meta/redact/...: the redaction index, rebuilt by `redact --reindex`
	SkipMoved              // proposals/..., verifications/...: schema 1 places that `sellervault init` moved to mounts of their own
	Unknown                // not a sellervault record: left out, and said so
)

// Mount is one of the team's KV v2 mounts that a backup holds records of.
type Mount int

// The mounts a backup holds (see vault.Layout: KV, Proposals, Verifications).
const (
	RecordsMount       Mount = iota // PREFIX/: every record but the two below
	ProposalsMount                  // PREFIX-proposals/: payout change requests
	VerificationsMount              // PREFIX-verifications/: payout verifications
)

// Mounts lists the mounts a backup holds, records mount first.
var Mounts = []Mount{RecordsMount, ProposalsMount, VerificationsMount}

// String names the mount by its suffix to the team's prefix.
func (m Mount) String() string {
	switch m {
	case ProposalsMount:
		return "-proposals"
	case VerificationsMount:
		return "-verifications"
	}
	return ""
}

// Paths of the records kept outside the record folders, and the folders.
// Requests and verifications have document paths of their own, each
// mapped to the folder of its mount (Place, DocPath).
const (
	SettingsPath  = "_meta/settings"
	InitPath      = "_meta/init"
	RemindersDir  = "_meta/reminders/"
	OffboardDir   = "_meta/offboarding/" // what each offboarding's runs did, for its report
	ImportDir     = "_meta/imports/"     // what each import's runs did, for its report
	RedactDir     = "_meta/redact/"
	ListingDir    = "_meta/listing/" // stores' credential listings: rebuilt by a reindex
	DomainsPath   = "_meta/domains"  // the team's mail domains: rebuilt by a reindex, like the index
	StaffDir      = "staff/"
	EscrowDir     = "escrow/totp/" // STORE/NAME: a TOTP seed's age-encrypted escrow copy (package escrow)
	credsInfix    = "/creds/"
	storesDir     = "stores/"
	mailboxesDir  = "contacts/email/"
	phonesDir     = "contacts/phone/"
	personRoleOps = "ops"

	// RequestsDir holds payout change requests (STORE/ID) in the document;
	// they live in the proposals mount under mountPayoutDir.
	RequestsDir = "proposals/payout/"
	// DecisionsDir holds the managers' decisions on payout changes
	// (STORE/ID), in the document and in the records mount.
	DecisionsDir = "decisions/payout/"
	// VerificationsDir holds payout verifications (STORE) in the
	// document; they live in the verifications mount under mountPayoutDir.
	VerificationsDir = "verifications/payout/"
	// Version1DecisionsDir is where version 1 documents (and the records
	// mount of schema 1) kept decisions: Upgrade moves them to DecisionsDir.
	Version1DecisionsDir = "proposals/payout-decisions/"

	mountPayoutDir = "payout/" // the folder of requests and verifications in their mounts
	proposalsDir   = "proposals/"
	verifyDir      = "verifications/"
)

// recordFolders are the folders of the records mount whose records a
// backup holds (decisions are checked by their depth, see Kind); with
// SettingsPath, nothing else of the records mount is ever restored.
var recordFolders = []string{storesDir, mailboxesDir, phonesDir, StaffDir, EscrowDir}

// Classify says what a backup does with path of the team's records mount.
// The path is not checked here beyond its folder (and, for decisions, its
// depth): CheckPath does that.
func Classify(path string) Class {
	switch {
	case path == SettingsPath:
		return Include
	case path == InitPath:
		return SkipInit
	case strings.HasPrefix(path, RemindersDir), strings.HasPrefix(path, OffboardDir), strings.HasPrefix(path, ImportDir):
		return SkipNotes
	case strings.HasPrefix(path, RedactDir), strings.HasPrefix(path, ListingDir), path == DomainsPath:
		return SkipIndex
	case strings.HasPrefix(path, DecisionsDir):
		if Kind(path) == "payout-decision" {
			return Include
		}
		return Unknown
	case strings.HasPrefix(path, proposalsDir), strings.HasPrefix(path, verifyDir):
		return SkipMoved
	}
	for _, p := range recordFolders {
		if strings.HasPrefix(path, p) {
			return Include
		}
	}
	return Unknown
}

// DocPath is the document path of path in mount m, or false for a path
// of the proposals or verifications mount that holds no record a backup
// knows (it is left out, and said so). Paths of the records mount are
// their own document paths: Classify says which are backed up.
func DocPath(m Mount, path string) (string, bool) {
	var doc, kind string
	switch m {
	case RecordsMount:
		return path, true
	case ProposalsMount:
		doc, kind = proposalsDir+path, "payout-request"
	case VerificationsMount:
		doc, kind = verifyDir+path, "payout-verification"
	default:
		return "", false
	}
	if !strings.HasPrefix(path, mountPayoutDir) || Kind(doc) != kind {
		return "", false
	}
	return doc, true
}

// Place is where the record of a (current version) document path lives:
// requests in the proposals mount, verifications in the verifications
// mount, every other record in the records mount at its own path.
func Place(path string) (Mount, string) {
	switch Kind(path) {
	case "payout-request":
		return ProposalsMount, strings.TrimPrefix(path, proposalsDir)
	case "payout-verification":
		return VerificationsMount, strings.TrimPrefix(path, verifyDir)
	}
	return RecordsMount, path
}

// Kind names what a record path holds, for summaries: store, credential,
// payout, mailbox, phone, staff, payout-request, payout-decision,
// payout-verification, settings, or other. A request or decision is
// exactly STORE/ID below its folder (decisions under DecisionsDir, or
// Version1DecisionsDir in a version 1 document), a verification exactly
// STORE.
func Kind(path string) string {
	switch {
	case path == SettingsPath:
		return "settings"
	case strings.HasPrefix(path, storesDir):
		rest := strings.Split(strings.TrimPrefix(path, storesDir), "/")
		switch {
		case len(rest) == 1:
			return "store"
		case len(rest) == 3 && rest[1] == "creds":
			return "credential"
		case len(rest) == 2 && rest[1] == "payout":
			return "payout"
		}
	case strings.HasPrefix(path, mailboxesDir):
		return "mailbox"
	case strings.HasPrefix(path, phonesDir):
		return "phone"
	case strings.HasPrefix(path, StaffDir):
		return "staff"
	case below(path, EscrowDir, 2):
		return "totp-escrow"
	case below(path, RequestsDir, 2):
		return "payout-request"
	case below(path, DecisionsDir, 2), below(path, Version1DecisionsDir, 2):
		return "payout-decision"
	case below(path, VerificationsDir, 1):
		return "payout-verification"
	}
	return "other"
}

// below reports whether path is dir followed by exactly n non-empty
// segments.
func below(path, dir string, n int) bool {
	if !strings.HasPrefix(path, dir) {
		return false
	}
	rest := strings.Split(strings.TrimPrefix(path, dir), "/")
	if len(rest) != n {
		return false
	}
	for _, s := range rest {
		if s == "" {
			return false
		}
	}
	return true
}

// PayoutChange is STORE/ID for the path of a payout change request or of
// a decision on one (of either version), or "".
func PayoutChange(path string) string {
	switch {
	case Kind(path) == "payout-request":
		return strings.TrimPrefix(path, RequestsDir)
	case Kind(path) == "payout-decision" && strings.HasPrefix(path, DecisionsDir):
		return strings.TrimPrefix(path, DecisionsDir)
	case Kind(path) == "payout-decision":
		return strings.TrimPrefix(path, Version1DecisionsDir)
	}
	return ""
}

// VerifiedStore is STORE for the path of a payout verification, or "".
func VerifiedStore(path string) string {
	if Kind(path) != "payout-verification" {
		return ""
	}
	return strings.TrimPrefix(path, VerificationsDir)
}

// CredentialAddress is STORE/NAME for a credential's path or its escrow
// copy's (EscrowDir + STORE/NAME), or "" for another path.
func CredentialAddress(path string) string {
	if Kind(path) == "totp-escrow" {
		return strings.TrimPrefix(path, EscrowDir)
	}
	if Kind(path) != "credential" {
		return ""
	}
	rest := strings.Split(strings.TrimPrefix(path, storesDir), "/")
	return rest[0] + "/" + rest[2]
}

// CredentialPath is the record path of a credential address.
func CredentialPath(address string) string {
	store, name, _ := strings.Cut(address, "/")
	return storesDir + store + credsInfix + name
}

// StaffName is NAME for a staff record's path, or "".
func StaffName(path string) string {
	if Kind(path) != "staff" {
		return ""
	}
	return strings.TrimPrefix(path, StaffDir)
}

// TOTPField and TOTPPeriodField are the credential data (and metadata)
// keys that link a credential to its key in the TOTP engine.
const (
	TOTPField       = "totp"
	TOTPPeriodField = "totp_period"
)

// TOTPRef is the TOTP key a credential record links to, or "".
func (r Record) TOTPRef() string {
	if Kind(r.Path) != "credential" {
		return ""
	}
	s, _ := r.Data[TOTPField].(string)
	return s
}

// CheckPath refuses a document path that a restore must not write: one
// outside the record folders (and _meta/settings), a request, decision or
// verification at another depth than STORE/ID (STORE), one with an empty,
// "." or ".." segment, a backslash, a space or control character, invalid
// UTF-8, or past the length limits. It takes the paths of both versions;
// Validate refuses those of the other version.
func CheckPath(path string) error {
	q := inputerr.Quote(path)
	switch {
	case path == "":
		return invalidf("record path is empty")
	case len(path) > MaxPathLen:
		return invalidf("record path %s is %d bytes long; at most %d", q, len(path), MaxPathLen)
	case !utf8.ValidString(path):
		return invalidf("record path %s is not valid UTF-8", q)
	case strings.ContainsRune(path, '\\'):
		return invalidf("record path %s has a backslash", q)
	case strings.IndexFunc(path, func(r rune) bool { return unicode.IsControl(r) || unicode.IsSpace(r) }) >= 0:
		return invalidf("record path %s has a space or control character", q)
	}
	segments := strings.Split(path, "/")
	if len(segments) > MaxPathSegments {
		return invalidf("record path %s has %d parts; at most %d", q, len(segments), MaxPathSegments)
	}
	for _, s := range segments {
		switch {
		case s == "":
			return invalidf("record path %s has an empty part (a leading, trailing or double slash)", q)
		case s == "." || s == "..":
			return invalidf("record path %s has a %q part: paths may not step out of their folder", q, s)
		case len(s) > MaxSegmentLen:
			return invalidf("record path %s has a part longer than %d bytes", q, MaxSegmentLen)
		}
	}
	if !inDocument(path) {
		return invalidf("record path %s is outside the folders a backup holds (stores/, contacts/, staff/, %sSTORE/NAME, %sSTORE/ID, %sSTORE/ID, %sSTORE and %s)",
			q, EscrowDir, RequestsDir, DecisionsDir, VerificationsDir, SettingsPath)
	}
	return nil
}

// inDocument reports whether path is a document path of a record a
// backup holds, in either version.
func inDocument(path string) bool {
	switch Kind(path) {
	case "payout-request", "payout-decision", "payout-verification":
		return true
	}
	return Classify(path) == Include
}
