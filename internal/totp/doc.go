// Package totp reads the 2-step verification keys that marketplaces show
// when an authenticator app is added to a seller account, and checks them
// before they go into Vault's TOTP engine.
//
// A marketplace shows the key once, as a QR code and usually also as text.
// sellervault imports it into the TOTP engine with generate=false; from
// then on Vault holds the seed, staff ask Vault for codes, and nobody can
// read the seed back. This package is the part that sees the seed on the
// way in. It is pure Go: it imports no Vault package and uses no network.
//
// # Reading a key
//
// Parse takes what a person pastes: either the otpauth:// URI (the text of
// the QR code) or the bare secret. Bare secrets come as marketplaces print
// them, in groups separated by spaces, in upper or lower case, sometimes
// with '=' padding; Parse removes the spaces and the padding and upper-cases
// the letters, which is the form Vault's "key" parameter takes. A bare
// secret gets the defaults every authenticator assumes: SHA1, 6 digits, 30
// seconds.
//
// A URI is read with github.com/pquerna/otp, the library Vault's TOTP
// engine itself uses, and then checked more strictly than that library
// does, because a key that Vault accepts but that gives different codes
// than the marketplace expects locks the team out of the account:
//
//   - the scheme is otpauth. An https:// link or an authenticator app's
//     otpauth-migration:// export is refused with a message that says so.
//   - the type is totp. A HOTP (counter-based) key is refused: the codes
//     depend on a counter that Vault's TOTP engine does not keep, and
//     marketplaces show TOTP keys.
//   - the algorithm is SHA1, SHA256 or SHA512 (the default is SHA1). The
//     otp library silently reads an unknown algorithm, such as MD5, as
//     SHA1; Parse refuses it.
//   - digits is 6 or 8, and period is 15 to 300 seconds (default 30).
//     The otp library reads "digits=abc" as 6; Parse refuses it.
//   - the secret is base32 (A-Z, 2-7) of a length that decodes to whole
//     bytes, at least 80 bits (16 characters) and at most 1024 bits. A
//     shorter seed is a typo or a truncated copy; RFC 4226 asks for 128
//     bits and recommends 160, and 80 is the shortest that authenticator
//     apps meet in practice.
//   - the secret, algorithm, digits, period, issuer and encoder parameters
//     appear at most once, so there is no doubt which one counts. Steam
//     Guard keys (encoder=steam) are refused: Vault cannot produce their
//     codes.
//
// The issuer comes from the issuer parameter or, failing that, from the
// label's "Issuer:" prefix; the account from the rest of the label. Both
// are for display and may be empty.
//
// # Reading a QR code
//
// DecodeQR reads a PNG or JPEG screenshot of the QR code and returns its
// text, for Parse. The decoder (github.com/makiuchi-d/gozxing, a Go port
// of ZXing) needs no C library and no camera. Images over 20 MB, or wider
// or higher than 10000 pixels, are refused after reading the header and
// before decoding the pixels, so a crafted file cannot make the command
// allocate gigabytes. Codes shown light on dark (dark mode) are read too.
// A panic inside the decoder, which is ported Java code, is reported as an
// unreadable code rather than crashing the command. EncodeQR draws a QR
// code, for tests and the demo.
//
// # Cross-checking Vault
//
// Code computes the RFC 6238 code of a key at a given time. After an
// import, sellervault compares Vault's code with the one computed here; a
// difference means that Vault and the marketplace would disagree, and the
// key is removed again. Remaining says how many seconds a code shown now
// stays valid.
//
// # The seed stays secret
//
// This package never prints or logs a seed, and writes nothing anywhere.
// No error it returns contains the secret or the input: a URI holds the
// secret, and the otp library's own URL parse errors quote the whole URI,
// so those are never passed on. Errors describe the problem only (which
// parameter, how many bits, which character position), and name a scheme
// or an algorithm only when it is one of a short list of well-known names.
// Key's String method hides the secret, so a Key printed with %v by
// mistake shows its parameters and the seed's length only. The tests
// check all of this with a canary secret, and a fuzz test checks that no
// error ever quotes its input.
//
// Every error from Parse wraps ErrInvalidKey. DecodeQR's errors wrap
// ErrNotImage, ErrImageTooLarge, ErrNoQRCode or ErrUnreadableQR.
//
// The text DecodeQR returns and the Key Parse returns hold the seed; the
// caller sends Key.Secret to Vault in a request body and drops it.
package totp
