// Package mailcheck checks a saved mail message (.eml) for the signs of
// phishing: who it claims to come from, whether the receiving server and
// the sender's DKIM signature confirm it, where its links go, what it
// attaches, and what it asks the reader to do. It backs `sellervault
// check mail`. It is pure Go: no Vault; DNS only through the LookupTXT
// the caller passes (none: no lookups at all).
//
// Seller accounts are stolen by mail that poses as a marketplace or a
// payout provider: a sender that looks like amazon.com, a Reply-To that
// sends the answer elsewhere, a link that shows sellercentral.amazon.com
// and opens another site, an "invoice" that is a program, or a plain
// request for the 2-step code or for installing AnyDesk "for a security
// check". Each of these is one sentence in the verdict's reasons.
//
// # Reading the message
//
// Parse reads Internet Message Format (RFC 5322) with MIME (RFC 2045 to
// 2049) as mail programs save it, with CRLF or LF line ends and an mbox
// "From " line or not: header fields (RFC 2047 encoded words decoded),
// multipart parts to 16 levels and 2,000 parts, attached messages
// (message/rfc822), base64 and quoted-printable, and text in any charset
// that browsers know (GBK, Big5, Shift_JIS, ISO-8859-x …). A message it
// cannot read is refused with an error that matches ErrMalformed (and
// inputerr.ErrInvalid) and names the problem and its place, never the
// message's text: "line 3 of the header is not a header field", "part
// 1.2: its base64 content is corrupt", "part 1: multipart/mixed ends
// without its closing boundary: the message is cut short", "it has no
// From header". An Outlook .msg file is recognised and refused as such.
// What real mail gets wrong and mail programs show anyway is read as they
// do: a Content-Type that cannot be read is text/plain (RFC 2045 section
// 5.2), base64 without padding, a "=" in quoted-printable that starts no
// escape.
//
// # What is checked
//
// Senders. From is checked with phish.CheckSender: a look-alike domain,
// or a display name that claims a brand the address does not belong to
// ("Amazon Seller Support" <x@gmail.com>). Reply-To, Return-Path (the
// envelope sender) and Sender are checked the same way, and each must be
// at the From's registrable domain (bounces.amazon.com is amazon.com's)
// or at another domain of the same allowlisted brand; otherwise replies,
// bounces or an "on behalf of" go to someone else, and that is a reason.
// Two From headers, or one with two addresses, are a reason too.
//
// Authentication. The topmost Authentication-Results header (RFC 8601)
// is the receiving server's: it added it last. Headers below it may have
// come with the message, written by whoever sent it, and are not read.
// Microsoft 365's form without an authserv-id is read as well. A DMARC
// fail is a reason; without a DMARC pass, so are an SPF fail or softfail
// and a DKIM fail of the From's domain; Microsoft's compauth=fail is a
// reason. With a LookupTXT, the DKIM signatures (up to 5) are also
// verified here, with go-msgauth, while the rest of the message is
// checked: a signature of the From's domain that does not verify (the
// body or a signed header was changed, or it was forged) is a reason;
// one whose key cannot be fetched now (temperror) or used (no key
// published any more, expired, rsa-sha1, a body length l=) proves
// nothing either way.
//
// Links. Every link of the text (http://, https://, www.) and of the
// HTML (<a>, <area>, <form action>, <meta http-equiv=refresh>, resolved
// against <base href>; not images, scripts or styles) is checked with
// phish.CheckURL, once per scheme and host. A suspicious link is a
// reason. So are: a link whose visible text shows a domain (or an
// address) on another site than it opens, unless both are allowlisted
// domains of one brand; a link whose text names a brand ("Amazon Seller
// Central") and that opens a domain off the allowlist; a scheme that
// opens something other than a web page (javascript:, data:, file:, smb:
// …; mailto:, tel: and cid: are passed over); a link that cannot be read;
// a form, or a password field, in the HTML or an attached web page; and
// more than 1,000 links to different places. Links to unknown domains are
// listed, not reasons.
//
// Attachments. An attachment is judged by its name's extension, its
// declared type and its first bytes. Programs (.exe, .msi, .apk,
// Windows, ELF and Mach-O executables), scripts (.js, .vbs, .ps1, .hta,
// .bat …), Office files with macros (.docm, .xlsm …, or a vbaProject.bin
// inside), archives (.zip, .rar, .7z …, but not .docx and .xlsx), disk
// images (.iso, .img, .vhd), shortcuts (.lnk, .url), web pages (.html,
// .svg, .mht) and .chm, .one and the like are reasons; so is a name with
// right-to-left control characters, which hide its real extension, and
// content that is one of these whatever the name says ("invoice.pdf"
// that is a Windows program).
//
// Requests. The subject and the visible text are read for what phishers
// ask: a password, a 2-step verification or one-time code, bank or
// payout details, and installing remote-access software (AnyDesk,
// TeamViewer, ToDesk, 向日葵 …). The phrases, in English and Chinese,
// are in one table (askTable in asks.go): a request is a verb ("send us",
// "confirm", "提供", "发给") followed in the same sentence by a thing
// ("your password", "the verification code", "银行账户"), or the Chinese
// 把/将 form ("请将验证码发给我们"); a remote-access tool's name counts
// alone. A negation shortly before it ("Amazon will never ask for your
// password", "请勿向任何人提供验证码") makes it a warning, not a request,
// unless it is part of a condition ("if this was not you, confirm your
// password"); so does something sent to the reader ("we will send you a
// code", "我们已发送验证码到您的手机").
//
// # Verdicts
//
// suspicious: there is at least one reason; Reasons holds them all, the
// headers' first, then the authentication's, then the content's.
//
// ok: no reason, the From's domain is allowlisted (phish says ok), and
// something confirms that the message comes from it: a DKIM signature of
// that domain verified here; or, offline only (no key lookups), the
// receiving server's DMARC pass or DKIM pass for it. Online, the
// receiving server's pass alone is not enough: a sender can write that
// header where the receiving server adds none. Reasons say which.
// Domains are compared by the allowlist's registrable domain, so two
// names under a shared second-level domain (com.be) are two sites.
//
// unknown: no reason, but the sender is not allowlisted, or nothing
// confirms an allowlisted From (no signature verified, the receiving
// server recorded no pass: a message saved without its headers, or a
// forgery that a lax server let through). Unknown is not safe.
//
// Every text that the report copies from the message is safe to print:
// control and bidirectional-override characters are escaped (\x1b,
// \u202e) and long values cut short.
//
// # Limits
//
// The check reads what the message says; it does not fetch links or open
// attachments. The receiving server's header is trusted when it is the
// topmost: a server that adds none leaves the topmost to the sender, so
// offline (without DKIM verification) a forged pass can pass; online, a
// pass must be a signature verified here. Legacy Office files (.doc, .xls) can carry
// macros without a sign in their name and are not flagged; neither are
// password-protected archives' contents, which cannot be read. The
// request phrases are a short list: a phisher who words a request
// otherwise is not caught by it, and a genuine mail that asks for bank
// details ("update your deposit method") is flagged, which is the point:
// do that by typing the marketplace's address yourself.
package mailcheck
