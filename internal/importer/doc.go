// Package importer reads the files a team keeps its passwords in before
// sellervault — a spreadsheet, a Bitwarden export, a 1Password export —
// and turns them into credentials, checked row by row, and a plan of what
// `sellervault import` does with each. It is pure Go: no Vault, no I/O;
// package importrun carries the plan out through the store. The shape of
// an import's progress record, which lets a re-run's report cover every
// run, is defined here (progress.go) for both of them.
//
// # Formats
//
// csv: sellervault's own CSV, for spreadsheets. The first row names the
// columns, in any order, case and spelling of separators ("Recovery
// Email", "recovery-email" and "recovery_email" are one column):
//
//	store,name,login,password,url,owner,assignees,recovery_email,recovery_phone,rotate_every,last_rotated,notes,totp
//
// store, name, login and password are required (store may be left out
// when --store gives it); the others may be empty or missing. Also read:
// title (name), username (login), website (url), note (notes). A column
// sellervault does not know is refused rather than dropped: it could hold
// something that must not be lost, or be a misspelt one. Values are
// checked as `cred add` checks its flags: url an https sign-in page,
// owner and assignees people's names (lower-cased; assignees separated by
// commas or semicolons), recovery_email an address, recovery_phone an
// E.164 number (+ and the country code), rotate_every an interval like
// 90d or 12w, last_rotated the date the password last changed
// (YYYY-MM-DD or RFC 3339; empty means the day of the import). A
// non-empty totp cell marks a row whose TOTP seed is in the file: the
// seed is never imported (see below). The file is UTF-8 (Excel: "CSV
// UTF-8"); a UTF-8 byte order mark is skipped; the delimiter is a comma,
// or a semicolon or tab when the header has no comma (Excel in many
// European locales). Values with the delimiter, quotes or line breaks are
// in double quotes, a quote doubled (RFC 4180); quoting is strict.
//
// bitwarden: Bitwarden's unencrypted JSON export (Tools > Export vault >
// .json). Items of type login are read: name, login.username,
// login.password, login.uris (the first https address; app URIs such as
// androidapp:// are passed over), notes, and the password's revision date
// (or the item's creation date) as the date it last changed. An item's
// folder names its store (the last part of a nested folder
// "Stores/Acme US"); in an organization's export, its collection when it
// has exactly one. Secure notes, cards, identities, SSH keys and items in
// the trash are counted and left out; custom fields are not imported (a
// warning says how many). An encrypted export is refused.
//
// 1password: 1Password's CSV export (1Password 8: Title, Url, Username,
// Password, OTPAuth, Favorite, Archived, Tags, Notes). Columns are found
// by name in any order and case; Title, Username and Password are
// required, the others may be missing, and columns it does not use
// (Favorite, Tags …) are ignored. Archived items, and in older exports
// rows whose Type is not a login, are left out. The export does not say
// which store a login belongs to: Options.Store is required.
//
// # Names
//
// Titles become names: surrounding spaces are dropped, ASCII letters
// lower-cased, and spaces, underscores, dots and hyphens (in runs) become
// one hyphen, so "Seller Central" is seller-central and "ACME_us" acme-us
// (MapName; store names from folders or the store column likewise). Any
// other character — "Amazon (US)", "eBay/DE", "café" — is refused with a
// suggestion ("amazon-us"): a name is part of Vault paths, policy globs
// and TOTP key names, and sellervault does not guess one.
//
// # Errors
//
// Parse checks the whole file and reports every problem at once, so that
// a person can fix them all in one go. A problem with the file as a whole
// — no header or a required column missing, not this format, UTF-16, an
// encrypted export, JSON cut short — is Parse's error. A problem with a
// row is a RowError in Result.Errors: the row ("row 7", counting the
// header as row 1 as a spreadsheet does, with the file's line when a
// value spanning lines moves it: "row 7 (line 9)"; "item 3 (line 42)" in
// a Bitwarden export), the column, and what is wrong. Bytes that are not
// UTF-8 are reported by row ("row 7: not UTF-8: save the file as UTF-8
// CSV"), never guessed at. A CSV row with more or fewer fields than the
// header is an error: an unquoted comma in a password shifts the columns
// after it.
//
// No message ever holds a value from the file. The records parsers quote
// the input they refuse; their messages are used with every quoted text
// taken out ("email address has no @; use an address like
// ops@example.com"). What a message may show of a row is its credential
// address, a name suggestion, and at most one character it names ("has
// '('"). The fuzz targets check this with a canary in every position.
//
// # Plan
//
// NewPlan decides each row against what Vault holds (an Inventory of the
// stores and of the file's credentials that exist): add a new credential;
// skip an existing one, or with Update write the row's non-empty fields
// over it (Row.Merge: the TOTP key, the history and fields the file does
// not give stay; a new password counts as rotated at the file's date or
// now; a credential whose rotation is under way keeps its password). A
// row is an error when it is invalid, names a store that does not exist,
// repeats the credential of an earlier row (the later row is the error),
// or, with Update, names a deleted credential. Import writes nothing
// unless the plan is Valid: nothing is ever half-imported because of a
// bad row.
//
// # TOTP seeds
//
// A seed in the file (a totp column, Bitwarden's login.totp, 1Password's
// OTPAuth) is never imported, not even silently into a note: seeds belong
// in Vault's TOTP engine, from which they can never be read back, and get
// there with `sellervault totp add STORE/NAME`. The row is imported, and
// the plan says which rows had one (Plan.TOTP).
package importer
