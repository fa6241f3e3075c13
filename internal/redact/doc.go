// Package redact finds secrets in text and masks them: what
// `sellervault redact` and `sellervault scan` do. It is pure Go: no
// Vault, no I/O beyond the reader and writer it is given.
//
// Two ways of finding work together.
//
// # The redaction index
//
// Every time sellervault writes a sensitive value (a password, a mailbox
// address or phone number, a login e-mail, a payout IBAN, account or
// routing number, a store name marked sensitive), it also stores, in the
// index of the value's audience, a keyed HMAC of each of the value's
// normalised forms (IndexForms), computed by Vault's Transit engine: the
// key never leaves Vault, so the index does not give the values away and
// cannot be attacked offline. With the HMACs comes the kind
// of the value and the length of each form (see Index for why the
// length, and what that leaks).
//
// An audience is who may read a value: each store's group (the store's
// passwords, logins and name), finance and the managers (payout data),
// the managers (contacts). Each audience has its own Transit key and its
// own index, and only its members may call the one and read the other:
// with one key for all, any member could HMAC a guess of a value they
// may not read and look it up (an oracle). A member redacts with the
// audiences they belong to (Options.Audiences; Options.Index and Hasher
// are one audience).
//
// To redact a text, Redact cuts candidates from it, normalises them the
// way the indexes were (Normalize), has Transit HMAC them with each
// audience's key (each audience's Hasher, all at once, one request per
// audience and chunk of text), and looks each audience's HMACs up in
// that audience's index; a candidate takes the kind of the first
// audience, in the order given, whose index holds it. Candidates are:
//
//   - each white-space-separated word of 4 to 128 bytes, as a password
//     (as it is) and as a store name or address (lower case); trimmed of
//     the quotes, brackets and sentence punctuation around it, and also
//     untrimmed and peeled a byte at a time, so that "Tr0ub4dor&3!" is
//     found in `pw "Tr0ub4dor&3!".`, and after a "key:" or "key=" prefix;
//   - the e-mail addresses inside words ("<OPS-US@ACME.EXAMPLE>,",
//     "mailto:…"), lower case;
//   - runs of digits joined by spaces, hyphens, dots, slashes and
//     brackets ("+1 (415) 555-0100", "415.555.0100", "0044 7700
//     900123", "07700 900123"): every stretch of whole groups with 6 to
//     17 digits, as digits, and, where it can be, in E.164 ("+" and the
//     country code, from a leading + or 00, or from digits that start
//     with a country calling code) and without a national trunk 0. With a
//     phone indexed as E.164 and as its national significant number
//     (IndexForms), a number is found with or without its country code;
//     account and routing numbers are found in any grouping;
//   - IBANs, in groups or not, upper or lower case, that pass the
//     registry and mod-97 checks (payout.ValidateIBAN).
//
// Only candidates that some audience's index could hold are cut (the
// union of the audiences' filters: classes, lengths and shapes; see
// Index); an audience whose index is empty is skipped. Candidates are
// deduplicated, and a cache remembers what the indexes said about each
// form (up to 32,768 forms), so a chunk's Transit requests carry only
// the forms not seen before, and none at all is made for a chunk whose
// forms are all known.
//
// # Patterns
//
// On top of the index, and alone with PatternsOnly (no Vault needed),
// Redact finds secrets by their shape:
//
//	iban          IBANs as above: registry country, length and structure, mod 97
//	card-number   13 to 19 digits, together or in groups joined by single
//	              spaces or hyphens, passing Luhn, with a card network's
//	              prefix and length (not "114-3941689-8772232", an order)
//	otpauth-uri   otpauth:// and otpauth-migration:// URIs
//	totp-seed     base32 of 16 to 128 characters in one case, whole or in
//	              groups of four ("jbsw y3dp ehpk 3pxp"), that looks random:
//	              at least one digit 2-7, at least 8 different characters,
//	              not hex, and letter pairs unlike English (scored against
//	              the letter pairs of an English book); words of four
//	              letters that read as English are dropped from the ends of
//	              a grouped seed
//	vault-token   hvs., hvb., hvr. tokens; legacy s. (24 characters) and b.
//	private-key   PEM blocks of private keys (RSA, EC, PKCS #8, OpenSSH,
//	              encrypted, PGP), across lines or with the lines joined by
//	              spaces, and a key pasted without its END line
//	phone         phone numbers written like phones: "+" or "00", an
//	              assigned country calling code and 7 to 15 digits in all
//	              ("+447700900123", "+44 7700 900123", "+1 (415) 555-0100",
//	              "+1-415-555-0100", "0044 7700 900123"; under +1 exactly
//	              10 digits after it); North American numbers in groups
//	              of 3, 3 and 4 with area code and exchange [2-9]XX
//	              ("(415) 555-0100", "415-555-0100", "415.555.0100",
//	              "415 555 0100", "1-415-555-0100"); national numbers
//	              with a trunk 0, a prefix of 2 to 5 digits, a space,
//	              hyphen or slash and the rest, 9 to 12 digits in all
//	              ("07700 900123", "030 1234567", "(030) 1234567",
//	              "01 23 45 67 89"). Not order numbers
//	              ("114-3941689-8772232"), dates ("2026-12-07",
//	              "07.12.2026", "12/07/2026"), times, prices, IP addresses,
//	              version numbers, card numbers, the digits of an IBAN, nor
//	              runs of digits without "+" or "00" and without that
//	              grouping (ASINs, tracking numbers, SKUs, "4155550100")
//	email         with Options.TeamDomains, the addresses of the team's own
//	              domains and their subdomains, in any case, cut out of
//	              "<…>", "mailto:…" and the punctuation around them;
//	              addresses of other domains are left alone
//
// # What a member's redaction covers
//
// A member matches by index only the values of the audiences they
// belong to; the rest of the team's values are found by pattern where
// there is one, and not at all where there is none:
//
//	value                       by index, for its audience   by pattern, for everyone
//	store password              the store's group            no (a password has no shape)
//	store login                 the store's group            an e-mail address of a team domain, with TeamDomains
//	store name                  the store's group            no
//	mailbox address (contact)   managers                     yes, with TeamDomains, if of a team domain
//	phone number (contact)      managers                     yes, written as above
//	payout IBAN                 finance, managers            yes (mod 97)
//	account, routing number     finance, managers            no
//	card number                 not stored                   yes (Luhn and network prefix)
//	TOTP seed, otpauth URI      never indexed                yes
//	Vault token, private key    never indexed                yes
//
// So a member of one store's group who pastes another store's password,
// a bank account or routing number, a store name, or an address outside
// the team's domains leaves it in the text. Such values are not theirs
// to read; that they cannot be matched is the price of the index not
// being an oracle. Run redaction as someone in every audience (a
// manager) where that matters.
//
// # Findings
//
// A finding is a span of the input and a kind. Overlapping findings are
// merged into one covering both, so that no part of a secret survives;
// it takes the kind of the longest (the earliest of equally long ones,
// the index's before a pattern's on equal spans). Redact writes
// "[REDACTED:kind]" in place of each finding and copies every other byte
// as it is, invalid UTF-8, CR LF and all. Scan reports where the
// findings are: byte offsets, and line and column (in runes, 1-based),
// never the values.
//
// # Chunks
//
// Redact streams: it reads 64 KiB at a time (Options.ChunkSize; n times
// that with n audiences whose indexes have entries) and holds at most
// two chunks. A chunk ends after a line feed; in a line longer than a
// chunk, after a space that no number, IBAN, grouped seed or PEM header
// can span. The last chunk is all that is left at the end of the input
// (up to two chunks). A chunk has at least that many bytes (but a lone
// one), so there is at most one Hasher call per 64 KiB of text: one per
// audience and chunk.
// Candidates never straddle chunks, except in a line of two chunks or
// more without a suitable space, or in a word longer than two chunks.
// A private-key block may run over chunks; it is still one finding.
//
// # Limits
//
//   - A password with white space in it cannot be found through the
//     index: words are cut at white space. Nor can one longer than 128
//     bytes, or shorter than 4, or one glued to other text (inside a URL,
//     "user/password"), except after a "key:" or "key=" that starts the
//     word or inside the punctuation around it. A password that is also
//     an ordinary word is redacted wherever that word appears.
//   - A store name is found as a word (4 to 128 bytes), in any case.
//   - Phone numbers are found in the spellings above, not written in
//     words, with letters for digits or with an extension glued on. An
//     account number shorter than 6 digits is not looked for.
//   - The phone pattern takes a phone from the start of a run of digit
//     groups, after a break in it (" / ", two spaces) or right after
//     another phone: one that follows other digits with a single space
//     ("2026-12-07 07700 900123") is found by index only. Groups right
//     after a phone, joined by a space, are taken in with it up to the
//     longest a phone can be ("+44 7700 900123 12" is one finding), and
//     any three groups of 3, 3 and 4 digits with [2-9] in front of the
//     first two are a North American number ("250 300 1000"). National
//     numbers are only found with their trunk 0 and grouped; without,
//     they are digit runs like any other.
//   - Team e-mail addresses are ASCII: an address with a domain in
//     Unicode (not in its xn-- form) is not found by pattern.
//   - A value indexed before a Transit key rotation has an HMAC of the
//     old key version; the index must be rebuilt (or the key version
//     kept) for it to match.
//   - The patterns are heuristics: about 1 in 20 random 16-character
//     TOTP seeds (most of them without a digit) and about 1 in 1,000 of
//     26 or 32 characters are not recognised; a run of words joined into
//     one identifier of 16 or more base32 characters is, rarely (at most
//     about 1 in 5,000), taken for one. Card numbers need a network prefix; public keys and
//     certificates are left alone.
package redact
