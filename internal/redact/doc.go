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
// routing number, a store name marked sensitive), it also stores, in an
// index any member may read, a keyed HMAC of each of the value's
// normalised forms (IndexForms), computed by Vault's Transit engine: the
// key never leaves Vault, so the index does not give the values away and
// cannot be attacked offline. With the HMACs comes the kind
// of the value and the length of each form (see Index for why the
// length, and what that leaks).
//
// To redact a text, Redact cuts candidates from it, normalises them the
// way the index was (Normalize), has Transit HMAC them (the Hasher,
// one request per chunk of text), and looks the HMACs up. Candidates are:
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
// Candidates are deduplicated, and a cache remembers what the index said
// about each form (up to 32,768 forms), so a chunk's Transit request
// carries only the forms not seen before, and none at all is made for a
// chunk whose forms are all known.
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
// Redact streams: it reads 64 KiB at a time (Options.ChunkSize) and
// holds at most two chunks. A chunk ends after a line feed; in a line
// longer than a chunk, after a space that no number, IBAN, grouped seed
// or PEM header can span. A chunk has at least ChunkSize bytes (but the
// last), so there is at most one Hasher call per 64 KiB of text.
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
